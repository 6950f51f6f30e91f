package app

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/internal/testical"
	"github.com/consultd/consultd/internal/testsmtp"
)

// allDay opens every day 00:00-24:00 with no notice, so a test can book a
// session minutes ahead.
func allDay(c *config.Config) {
	c.Therapists[0].Timezone = awakeZone(time.Now())
	week := map[string][]string{}
	for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"} {
		week[d] = []string{"00:00-24:00"}
	}
	c.Therapists[0].Weekly = week
	c.Booking.MinNotice = 0
	c.Booking.SlotStep = 5 * time.Minute
	c.Cancellation.LateWindow = 0
}

// awakeZone is a zone in which the next two hours from now stay within one
// local day, so a test booking near now never runs past midnight, where
// one day's hours end.
func awakeZone(now time.Time) string {
	for _, name := range []string{"Europe/London", "Asia/Tokyo", "America/New_York"} {
		loc, _ := time.LoadLocation(name)
		if h := now.In(loc).Hour(); h >= 1 && h < 21 {
			return name
		}
	}
	panic("no zone is awake")
}

// book posts a booking and fails the test unless it is created.
func book(t *testing.T, e *env, typ, start, email string) bookingAnswer {
	t.Helper()
	var got bookingAnswer
	if code := do(t, "POST", e.base+"/api/bookings", bookingBody(typ, start, "Sam Lee", email), &got); code != 201 {
		t.Fatalf("POST = %d %+v", code, got)
	}
	return got
}

// tokenOf is the manage token inside a manage URL.
func tokenOf(manageURL string) string { return manageURL[strings.LastIndex(manageURL, "/")+1:] }

// events parses the calendar part of every message to rcpt, in arrival order.
func events(t *testing.T, msgs []testsmtp.Message, rcpt string) []calendar.Event {
	t.Helper()
	var out []calendar.Event
	for _, m := range messagesTo(msgs, rcpt) {
		_, parts := parseMessage(t, m.Data)
		if cal := find(parts, "multipart/alternative/text/calendar"); len(cal) == 1 {
			ev, err := testical.ParseEvent(cal[0].body)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, ev)
		}
	}
	return out
}

// scheduledFor lists the IDs of scheduled tasks about one booking.
func scheduledFor(t *testing.T, e *env, id string) []string {
	t.Helper()
	insp := asynq.NewInspectorFromRedisClient(e.rdb.Client(t))
	tasks, err := insp.ListScheduledTasks("default")
	if err != nil && !strings.Contains(err.Error(), "not found") {
		t.Fatal(err)
	}
	var out []string
	for _, task := range tasks {
		if strings.Contains(task.ID, id) {
			out = append(out, task.ID)
		}
	}
	return out
}

func TestReminderArrivesOnTime(t *testing.T) {
	// The session starts on the next 5-minute mark at least a minute away;
	// its reminder is due 4 s from now.
	now := time.Now()
	start := now.Add(time.Minute).Truncate(5 * time.Minute).Add(5 * time.Minute)
	due := now.Add(4 * time.Second).Truncate(time.Second)
	e := startEnv(t, func(c *config.Config) {
		allDay(c)
		c.Reminders.Before = []time.Duration{start.Sub(due)}
		c.Reflection.Enabled = false
	})
	b := book(t, e, "consultation", start.UTC().Format(time.RFC3339), "sam@example.org")
	e.smtp.WaitFor(t, 3, 15*time.Second) // invite, notice, reminder
	reminders := []testsmtp.Message{}
	for _, m := range messagesTo(e.smtp.Messages(), "sam@example.org") {
		if strings.Contains(string(m.Data), "Subject: Reminder") {
			reminders = append(reminders, m)
		}
	}
	if len(reminders) != 1 {
		t.Fatalf("%d reminders", len(reminders))
	}
	late := reminders[0].Received.Sub(due)
	t.Logf("reminder arrived %v after its due time", late.Round(time.Millisecond))
	if late < 0 || late > 2*time.Second {
		t.Fatalf("reminder arrived %v after its due time, want within 2 s", late)
	}
	if strings.Contains(string(reminders[0].Data), "panic") {
		t.Error("the reminder carries the client's note")
	}
	_ = b
}

// slotAfter is the first slot starting at least d from now.
func slotAfter(t *testing.T, a slotsAnswer, d time.Duration) int {
	t.Helper()
	for i, s := range a.Slots {
		if start, _ := time.Parse(time.RFC3339, s.Start); time.Until(start) > d {
			return i
		}
	}
	t.Fatalf("no slot %v ahead", d)
	return 0
}

func TestCancelRemovesEventAndTasks(t *testing.T) {
	e := startEnv(t, nil)
	all := firstSlots(t, e.base, "session")
	slot := all.Slots[slotAfter(t, all, 25*time.Hour)]
	b := book(t, e, "session", slot.Start, "sam@example.org")
	e.smtp.WaitFor(t, 2, 10*time.Second)
	waitStatus(t, e, b.ID, "confirmed")
	if got := scheduledFor(t, e, b.ID); len(got) != 3 {
		t.Fatalf("scheduled after confirm: %v, want two reminders and a reflection", got)
	}
	var cancelled map[string]any
	if code := do(t, "POST", e.base+"/api/manage/"+tokenOf(b.ManageURL)+"/cancel", "", &cancelled); code != 200 || cancelled["status"] != "cancelled" {
		t.Fatalf("cancel = %d %v", code, cancelled)
	}
	msgs := e.smtp.WaitFor(t, 4, 10*time.Second)
	evs := events(t, msgs, "sam@example.org")
	if len(evs) != 2 || evs[1].Method != calendar.MethodCancel || evs[1].UID != evs[0].UID || evs[1].Sequence <= evs[0].Sequence {
		t.Fatalf("events = %+v", evs)
	}
	if got := scheduledFor(t, e, b.ID); len(got) != 0 {
		t.Fatalf("tasks left after cancel: %v", got)
	}
	// The slot is free again.
	found := false
	for _, s := range firstSlots(t, e.base, "session").Slots {
		found = found || s.Start == slot.Start
	}
	if !found {
		t.Error("the cancelled slot is not offered again")
	}
	// A second cancel is harmless and sends nothing.
	if code := do(t, "POST", e.base+"/api/manage/"+tokenOf(b.ManageURL)+"/cancel", "", nil); code != 200 {
		t.Fatalf("second cancel = %d", code)
	}
	time.Sleep(time.Second)
	if n := len(e.smtp.Messages()); n != 4 {
		t.Fatalf("%d messages after a second cancel, want 4", n)
	}
}

func TestRescheduleMovesEventAndTasks(t *testing.T) {
	e := startEnv(t, nil)
	all := firstSlots(t, e.base, "session")
	slots := all.Slots[slotAfter(t, all, 25*time.Hour):]
	b := book(t, e, "session", slots[0].Start, "sam@example.org")
	e.smtp.WaitFor(t, 2, 10*time.Second)
	waitStatus(t, e, b.ID, "confirmed")
	target := slots[len(slots)-1]
	var moved map[string]any
	body := fmt.Sprintf(`{"start":%q}`, target.Start)
	if code := do(t, "POST", e.base+"/api/manage/"+tokenOf(b.ManageURL)+"/reschedule", body, &moved); code != 200 || moved["start"] != target.Start {
		t.Fatalf("reschedule = %d %v", code, moved)
	}
	msgs := e.smtp.WaitFor(t, 4, 10*time.Second)
	evs := events(t, msgs, "sam@example.org")
	want, _ := time.Parse(time.RFC3339, target.Start)
	if len(evs) != 2 || evs[1].Method != calendar.MethodRequest || evs[1].UID != evs[0].UID || evs[1].Sequence != 1 || !evs[1].Start.Equal(want) {
		t.Fatalf("events = %+v", evs)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		ids := scheduledFor(t, e, b.ID)
		ok := len(ids) == 3
		for _, id := range ids {
			ok = ok && strings.Contains(id, b.ID+":1")
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("tasks after reschedule: %v, want three of sequence 1", ids)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The old slot is free, the new one taken.
	var clash bookingAnswer
	if code := do(t, "POST", e.base+"/api/bookings", bookingBody("session", target.Start, "Other", "other@example.org"), &clash); code != 409 {
		t.Fatalf("booking the new slot again = %d", code)
	}
	book(t, e, "session", slots[0].Start, "other@example.org")
}

func TestTwoReschedulesAtOnceLeaveOneConsistentEvent(t *testing.T) {
	e := startEnv(t, nil)
	slots := firstSlots(t, e.base, "session").Slots
	b := book(t, e, "session", slots[0].Start, "sam@example.org")
	e.smtp.WaitFor(t, 2, 10*time.Second)
	waitStatus(t, e, b.ID, "confirmed")
	var wg sync.WaitGroup
	for _, target := range []string{slots[4].Start, slots[8].Start} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			do(t, "POST", e.base+"/api/manage/"+tokenOf(b.ManageURL)+"/reschedule", fmt.Sprintf(`{"start":%q}`, target), nil)
		}()
	}
	wg.Wait()
	final := waitStatus(t, e, b.ID, "confirmed")
	deadline := time.Now().Add(10 * time.Second)
	for {
		evs := events(t, e.smtp.Messages(), "sam@example.org")
		last := evs[len(evs)-1]
		if last.Sequence == final.Seq {
			if !last.Start.Equal(final.Start) {
				t.Fatalf("the newest event says %v, the booking %v", last.Start, final.Start)
			}
			seen := map[int]bool{}
			for _, ev := range evs {
				if seen[ev.Sequence] {
					t.Fatalf("two messages for sequence %d", ev.Sequence)
				}
				seen[ev.Sequence] = true
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no event of the final sequence %d: %+v", final.Seq, evs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestCancelDuringConfirmSendsNothingStale(t *testing.T) {
	e := startEnv(t, nil)
	slot := firstSlots(t, e.base, "consultation").Slots[0]
	b := book(t, e, "consultation", slot.Start, "sam@example.org")
	if code := do(t, "POST", e.base+"/api/manage/"+tokenOf(b.ManageURL)+"/cancel", "", nil); code != 200 {
		t.Fatalf("cancel = %d", code)
	}
	time.Sleep(3 * time.Second)
	evs := events(t, e.smtp.Messages(), "sam@example.org")
	if len(evs) > 0 && evs[len(evs)-1].Method != calendar.MethodCancel {
		t.Fatalf("the client's last word is %s, not CANCEL: %+v", evs[len(evs)-1].Method, evs)
	}
	if got := scheduledFor(t, e, b.ID); len(got) != 0 {
		t.Fatalf("tasks left: %v", got)
	}
	_ = context.Background
}
