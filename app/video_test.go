package app

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/internal/testsmtp"
)

// bodyOf is the plain-text body of a received message, decoded.
func bodyOf(t *testing.T, m testsmtp.Message) string {
	t.Helper()
	_, parts := parseMessage(t, m.Data)
	var out string
	for _, p := range find(parts, "text/plain") {
		out += string(p.body)
	}
	return out
}

// adminPost sends a JSON request to the admin API.
func adminPost(t *testing.T, e *env, path, body string, out any) int {
	t.Helper()
	req, _ := http.NewRequest("POST", e.base+path, strings.NewReader(body))
	req.SetBasicAuth("admin", "admin-secret")
	req.Header.Set("Content-Type", "application/json")
	return doRequest(t, req, out)
}

// A video consultation gets its own room: the invite's LOCATION is the
// room's link, the reminder has it too, and a move by the practice keeps
// it; no log line carries it.
func TestVideoSessionCarriesItsRoom(t *testing.T) {
	now := time.Now()
	start := now.Add(time.Minute).Truncate(5 * time.Minute).Add(10 * time.Minute)
	due := now.Add(4 * time.Second).Truncate(time.Second)
	e := startEnv(t, func(c *config.Config) {
		allDay(c)
		c.Admin.Password = "admin-secret"
		c.Reminders.Before = []time.Duration{start.Sub(due)}
		c.Reflection.Enabled = false
	})
	b := book(t, e, "consultation", start.UTC().Format(time.RFC3339), "sam@example.org")
	msgs := e.smtp.WaitFor(t, 3, 15*time.Second) // invite, notice, reminder
	evs := events(t, msgs, "sam@example.org")
	if len(evs) != 1 || !strings.HasPrefix(evs[0].Location, "https://meet.example.org/riverside-") {
		t.Fatalf("invite events %+v, want one whose LOCATION is the room's link", evs)
	}
	link := evs[0].Location
	room := strings.TrimPrefix(link, "https://meet.example.org/riverside-")
	if len(room) < 16 {
		t.Fatalf("room %q is shorter than 16 characters", room)
	}
	var reminder string
	for _, m := range messagesTo(msgs, "sam@example.org") {
		if strings.Contains(string(m.Data), "Subject: Reminder") {
			reminder = bodyOf(t, m)
		}
	}
	if !strings.Contains(reminder, link) {
		t.Fatalf("the reminder lacks the room's link:\n%s", reminder)
	}
	if notice := messagesTo(msgs, "ada@example.org"); len(notice) != 1 || !strings.Contains(bodyOf(t, notice[0]), link) {
		t.Fatal("the therapist's notice lacks the room's link")
	}
	waitStatus(t, e, b.ID, "confirmed")
	later := start.Add(30 * time.Minute).UTC().Format(time.RFC3339)
	if code := adminPost(t, e, "/admin/api/bookings/"+b.ID+"/reschedule", `{"start":"`+later+`","message":"Sorry, a clash."}`, nil); code != 200 {
		t.Fatalf("practice move = %d", code)
	}
	msgs = e.smtp.WaitFor(t, 5, 15*time.Second)
	evs = events(t, msgs, "sam@example.org")
	last := evs[len(evs)-1]
	if last.Method != calendar.MethodRequest || last.Sequence != 1 || last.Location != link {
		t.Fatalf("after the move the client's event is %+v, want the same room %s", last, link)
	}
	if strings.Contains(e.logs.String(), room) {
		t.Error("a log line carries the room")
	}
}

// The practice cancels with a message: the client hears it was the
// practice, with the message, an apology, a link to book again and the
// calendar CANCEL; the therapist hears who cancelled, without the message;
// no log line carries the message. A practice move sends the update.
func TestPracticeCancelAndMoveReachTheClient(t *testing.T) {
	e := startEnv(t, func(c *config.Config) { c.Admin.Password = "admin-secret" })
	all := firstSlots(t, e.base, "session")
	slots := all.Slots[slotAfter(t, all, 25*time.Hour):]
	b := book(t, e, "session", slots[0].Start, "sam@example.org")
	e.smtp.WaitFor(t, 2, 10*time.Second)
	waitStatus(t, e, b.ID, "confirmed")

	const moveMsg = "The room is being painted that day."
	if code := adminPost(t, e, "/admin/api/bookings/"+b.ID+"/reschedule", `{"start":"`+slots[len(slots)-1].Start+`","message":"`+moveMsg+`"}`, nil); code != 200 {
		t.Fatalf("practice move = %d", code)
	}
	msgs := e.smtp.WaitFor(t, 4, 10*time.Second)
	toClient := messagesTo(msgs, "sam@example.org")
	update := bodyOf(t, toClient[len(toClient)-1])
	if !strings.Contains(update, moveMsg) || !strings.Contains(update, "has had to move") {
		t.Fatalf("the client's update:\n%s", update)
	}
	evs := events(t, msgs, "sam@example.org")
	if want, _ := time.Parse(time.RFC3339, slots[len(slots)-1].Start); evs[len(evs)-1].Method != calendar.MethodRequest || !evs[len(evs)-1].Start.Equal(want) {
		t.Fatalf("the update's event: %+v", evs[len(evs)-1])
	}

	const cancelMsg = "I am unwell and must close the practice this week."
	var got map[string]any
	for range 2 {
		if code := adminPost(t, e, "/admin/api/bookings/"+b.ID+"/cancel", `{"message":"`+cancelMsg+`"}`, &got); code != 200 || got["status"] != "cancelled" {
			t.Fatalf("practice cancel = %d %v", code, got)
		}
	}
	msgs = e.smtp.WaitFor(t, 6, 10*time.Second)
	toClient = messagesTo(msgs, "sam@example.org")
	cancel := toClient[len(toClient)-1]
	body := bodyOf(t, cancel)
	for _, want := range []string{cancelMsg, "has had to cancel", "apologise", e.cfg.BaseURL + "/book", "A few of the times still free"} {
		if !strings.Contains(body, want) {
			t.Errorf("the client's cancel lacks %q:\n%s", want, body)
		}
	}
	evs = events(t, msgs, "sam@example.org")
	if evs[len(evs)-1].Method != calendar.MethodCancel {
		t.Fatalf("the client's last event is %s, want CANCEL", evs[len(evs)-1].Method)
	}
	toTherapist := messagesTo(msgs, "ada@example.org")
	notice := bodyOf(t, toTherapist[len(toTherapist)-1])
	if !strings.Contains(notice, "cancelled by the practice") || !strings.Contains(notice, "before the session") || strings.Contains(notice, cancelMsg) {
		t.Errorf("the therapist's notice:\n%s", notice)
	}
	time.Sleep(time.Second)
	if n := len(e.smtp.Messages()); n != 6 {
		t.Errorf("%d messages after a repeated cancel, want 6", n)
	}
	for _, msg := range []string{moveMsg, cancelMsg} {
		if strings.Contains(e.logs.String(), msg) {
			t.Errorf("a log line carries the practice's message %q", msg)
		}
		if strings.Contains(string(cancel.Data), "Subject: "+msg) {
			t.Error("a subject carries the message")
		}
	}
}
