package app

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/internal/testradicale"
)

// withCalDAV points the default therapist at a calendar of srv, read for
// busy time every second.
func withCalDAV(srv *testradicale.Server, collection, password string) func(*config.Config) {
	return func(c *config.Config) {
		c.Therapists[0].CalDAV = config.CalDAV{URL: collection, Username: testradicale.User, Password: config.Secret(password)}
		c.Feeds.CalDAVRefresh = time.Second
	}
}

// bookingObject is the calendar object of the booking id in the
// collection ("" when there is none); two of one booking fail the test.
func bookingObject(t *testing.T, srv *testradicale.Server, collection, id string) string {
	t.Helper()
	out := ""
	for name, body := range srv.Objects(t, collection) {
		if strings.Contains(body, "UID:"+id+"@") {
			if out != "" {
				t.Fatalf("two objects of booking %s in the therapist's calendar (%s and another)", id, name)
			}
			out = body
		}
	}
	return out
}

// caldavState is the therapist's CalDAV state and reason in /readyz.
func caldavState(t *testing.T, e *env) (string, string) {
	t.Helper()
	var ready struct {
		CalDAV map[string]struct{ State, Reason string } `json:"caldav"`
	}
	do(t, "GET", e.base+"/readyz", "", &ready)
	st := ready.CalDAV["default"]
	return st.State, st.Reason
}

// The therapist's calendar over CalDAV, on a real Radicale: a booking is
// written into it at once (private, initials, the invite's UID, no
// attendee), moved in place and removed on cancel; time the therapist
// blocks there stops being offered within seconds; the service's own
// event is never busy time.
func TestCalDAVCalendarWrittenMovedCancelledAndRead(t *testing.T) {
	srv := testradicale.Start(t)
	coll := srv.MakeCalendar(t, "practice")
	e := startEnv(t, withCalDAV(srv, coll, testradicale.Password))
	ny, _ := time.LoadLocation("America/New_York")
	day := feedDay(ny)
	at := func(h, m int) string {
		return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, ny).UTC().Format(time.RFC3339)
	}
	eventually(t, 10*time.Second, "the calendar is read", func() bool { s, _ := caldavState(t, e); return s == "ok" })

	b := book(t, e, "consultation", at(9, 0), "sam@example.org")
	eventually(t, 10*time.Second, "the booking is in the therapist's calendar", func() bool { return bookingObject(t, srv, coll, b.ID) != "" })
	obj := bookingObject(t, srv, coll, b.ID)
	unfolded := strings.ReplaceAll(obj, "\r\n ", "")
	for _, want := range []string{"UID:" + b.ID + "@book.riverside.example", "CLASS:PRIVATE", "SUMMARY:S. L. · Free consultation",
		"DTSTART:" + day.Format("20060102") + "T140000Z", "SEQUENCE:0", "LOCATION:https://meet.example.org/riverside-"} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("the therapist's event lacks %q:\n%s", want, obj)
		}
	}
	for _, never := range []string{"ATTENDEE", "ORGANIZER", "METHOD", "sam@example.org", "Sam Lee", secretNote} {
		if strings.Contains(unfolded, never) {
			t.Errorf("the therapist's event carries %q:\n%s", never, obj)
		}
	}
	// The invite the client got has the same UID.
	msgs := e.smtp.WaitFor(t, 2, 10*time.Second)
	if evs := events(t, msgs, "sam@example.org"); len(evs) != 1 || evs[0].UID != b.ID+"@book.riverside.example" {
		t.Fatalf("client's invite events %+v", evs)
	}

	// Time blocked in the therapist's calendar app: 11:00-12:00.
	srv.PutEvent(t, coll, "own-appointment", "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\nBEGIN:VEVENT\nUID:own@therapist.example\n"+
		"DTSTAMP:20260101T000000Z\nDTSTART;TZID=America/New_York:"+day.Format("20060102")+"T110000\n"+
		"DTEND;TZID=America/New_York:"+day.Format("20060102")+"T120000\nSUMMARY:Dentist\nEND:VEVENT\nEND:VCALENDAR\n")
	date := day.Format(time.DateOnly)
	offered := func(start string) bool {
		var got slotsAnswer
		do(t, "GET", e.base+"/api/slots?type=consultation&from="+date+"&to="+date, "", &got)
		for _, s := range got.Slots {
			if s.Start == start {
				return true
			}
		}
		return false
	}
	blocked := time.Now()
	eventually(t, 10*time.Second, "11:15 is no longer offered", func() bool { return !offered(at(11, 15)) })
	t.Logf("time blocked in the calendar stopped being offered after %v", time.Since(blocked).Round(100*time.Millisecond))
	var refused map[string]any
	if code := do(t, "POST", e.base+"/api/bookings", bookingBody("consultation", at(11, 15), "Kim Park", "kim@example.org"), &refused); code != 409 {
		t.Errorf("booking into the blocked hour: %d %v, want 409", code, refused)
	}
	// Our own event is not busy time: only the dentist's hour is stored.
	raw, err := e.rdb.Client(t).HGetAll(t.Context(), "consultd:{t:default}:feedbusy").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range raw {
		var c struct{ Busy [][2]int64 }
		_ = json.Unmarshal([]byte(v), &c)
		if fmt.Sprint(c.Busy) != fmt.Sprint([][2]int64{{mustMilli(t, at(11, 0)), mustMilli(t, at(12, 0))}}) {
			t.Errorf("stored busy time %v, want the dentist's hour only", c.Busy)
		}
	}

	// Moved by the client: the same object, new time, higher SEQUENCE.
	var moved map[string]any
	if code := do(t, "POST", e.base+"/api/manage/"+tokenOf(b.ManageURL)+"/reschedule", fmt.Sprintf(`{"start":%q}`, at(13, 0)), &moved); code != 200 {
		t.Fatalf("reschedule: %d %v", code, moved)
	}
	eventually(t, 10*time.Second, "the event moved", func() bool {
		return strings.Contains(bookingObject(t, srv, coll, b.ID), "DTSTART:"+day.Format("20060102")+"T180000Z")
	})
	if obj := bookingObject(t, srv, coll, b.ID); !strings.Contains(obj, "SEQUENCE:1") || !strings.Contains(obj, "UID:"+b.ID+"@") {
		t.Errorf("after the move:\n%s", obj)
	}

	// Cancelled: gone from the therapist's calendar; the dentist stays.
	if code := do(t, "POST", e.base+"/api/manage/"+tokenOf(b.ManageURL)+"/cancel", "", nil); code != 200 {
		t.Fatalf("cancel: %d", code)
	}
	eventually(t, 10*time.Second, "the event is removed", func() bool {
		objs := srv.Objects(t, coll)
		return len(objs) == 1 && strings.Contains(objs["own-appointment.ics"], "Dentist")
	})
	if strings.Contains(e.logs.String(), testradicale.Password) || strings.Contains(e.logs.String(), "/ada/practice") {
		t.Error("a log line carries the CalDAV password or the calendar's path")
	}
}

func mustMilli(t *testing.T, rfc3339 string) int64 {
	t.Helper()
	at, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		t.Fatal(err)
	}
	return at.UnixMilli()
}

// With the calendar server down, bookings go on, /readyz says why the
// calendar fails, and the booking made meanwhile lands once it is back.
func TestCalDAVOutageLosesNothing(t *testing.T) {
	srv := testradicale.Start(t)
	coll := srv.MakeCalendar(t, "practice")
	e := startEnv(t, withCalDAV(srv, coll, testradicale.Password))
	eventually(t, 10*time.Second, "the calendar is read", func() bool { s, _ := caldavState(t, e); return s == "ok" })
	srv.Stop()

	slots := firstSlots(t, e.base, "consultation")
	b := book(t, e, "consultation", slots.Slots[0].Start, "sam@example.org")
	e.smtp.WaitFor(t, 2, 10*time.Second) // the invite and the notice go out all the same
	eventually(t, 10*time.Second, "/readyz tells the calendar is unreachable", func() bool {
		s, reason := caldavState(t, e)
		return s == "failing" && reason == "unreachable"
	})

	srv.Restart(t)
	back := time.Now()
	eventually(t, 60*time.Second, "the booking made in the outage is written", func() bool {
		return bookingObject(t, srv, coll, b.ID) != ""
	})
	t.Logf("written %v after the server came back", time.Since(back).Round(100*time.Millisecond))
	eventually(t, 10*time.Second, "/readyz is ok again", func() bool { s, _ := caldavState(t, e); return s == "ok" })
	if !strings.Contains(e.logs.String(), "CalDAV calendar working again") {
		t.Error("no log line says the calendar works again")
	}
}

// A wrong password: bookings go on, /readyz says "auth refused", and the
// log says so in one line naming the therapist, never the password.
func TestCalDAVWrongPasswordIsOneClearLine(t *testing.T) {
	srv := testradicale.Start(t)
	coll := srv.MakeCalendar(t, "practice")
	const wrong = "wrong-password-4f1c"
	e := startEnv(t, withCalDAV(srv, coll, wrong))
	slots := firstSlots(t, e.base, "consultation")
	book(t, e, "consultation", slots.Slots[0].Start, "sam@example.org")
	e.smtp.WaitFor(t, 2, 10*time.Second)
	eventually(t, 10*time.Second, "/readyz says auth refused", func() bool {
		s, reason := caldavState(t, e)
		return s == "auth refused" && reason == "auth refused"
	})
	time.Sleep(4 * time.Second) // several reads and write retries
	logs := e.logs.String()
	lines := 0
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, "CalDAV server refuses the therapist's account") {
			lines++
			if !strings.Contains(line, "therapist=default") || !strings.Contains(line, "host=127.0.0.1") {
				t.Errorf("the line does not name the therapist and host: %s", line)
			}
		}
	}
	if lines != 1 {
		t.Errorf("%d log lines about the refused account, want 1:\n%s", lines, logs)
	}
	if strings.Contains(logs, wrong) {
		t.Error("the log carries the password")
	}
	if len(srv.Objects(t, coll)) != 0 {
		t.Error("something was written with a wrong password")
	}
}

// A standing series is one event per session in the therapist's
// calendar: each is written, moved and removed on its own.
func TestCalDAVSeriesOneEventPerSession(t *testing.T) {
	srv := testradicale.Start(t)
	coll := srv.MakeCalendar(t, "practice")
	e := startEnv(t, func(c *config.Config) {
		withCalDAV(srv, coll, testradicale.Password)(c)
		c.Admin.Password = "admin-secret"
	})
	ny := e.cfg.Therapists[0].Location()
	day := time.Now().In(ny).AddDate(0, 0, 3)
	for day.Weekday() != time.Monday {
		day = day.AddDate(0, 0, 1)
	}
	first := time.Date(day.Year(), day.Month(), day.Day(), 13, 0, 0, 0, ny)
	var sr seriesAnswer
	if code := adminPost(t, e, "/admin/api/series", `{"type":"session","start":"`+first.UTC().Format(time.RFC3339)+
		`","name":"Sam Lee","email":"sam@example.org","every_weeks":1,"count":4}`, &sr); code != 201 || len(sr.Occurrences) != 4 {
		t.Fatalf("POST /admin/api/series = %d %+v", code, sr)
	}
	eventually(t, 20*time.Second, "four events in the therapist's calendar", func() bool { return len(srv.Objects(t, coll)) == 4 })
	for _, o := range sr.Occurrences {
		start, _ := time.Parse(time.RFC3339, o.Start)
		if obj := bookingObject(t, srv, coll, o.ID); !strings.Contains(obj, "DTSTART:"+start.UTC().Format("20060102T150405Z")) {
			t.Errorf("occurrence %s:\n%s", o.Start, obj)
		}
	}
	tok := tokenOf(sr.ManageURL)
	if code := do(t, "POST", e.base+"/api/manage/"+tok+"/cancel", `{"occurrence":"`+sr.Occurrences[1].Start+`"}`, nil); code != 200 {
		t.Fatalf("cancel the second = %d", code)
	}
	third, _ := time.Parse(time.RFC3339, sr.Occurrences[2].Start)
	moveTo := third.AddDate(0, 0, 1)
	if code := do(t, "POST", e.base+"/api/manage/"+tok+"/reschedule", `{"occurrence":"`+sr.Occurrences[2].Start+`","start":"`+moveTo.UTC().Format(time.RFC3339)+`"}`, nil); code != 200 {
		t.Fatalf("move the third = %d", code)
	}
	eventually(t, 20*time.Second, "the second removed and the third moved", func() bool {
		return bookingObject(t, srv, coll, sr.Occurrences[1].ID) == "" &&
			strings.Contains(bookingObject(t, srv, coll, sr.Occurrences[2].ID), "DTSTART:"+moveTo.UTC().Format("20060102T150405Z"))
	})
	if code := do(t, "POST", e.base+"/api/manage/"+tok+"/cancel", `{}`, nil); code != 200 {
		t.Fatalf("cancel the rest = %d", code)
	}
	eventually(t, 20*time.Second, "the calendar is empty", func() bool { return len(srv.Objects(t, coll)) == 0 })
}
