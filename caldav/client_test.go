package caldav

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/internal/testradicale"
)

func newTestClient(t *testing.T, url, password string) *Client {
	t.Helper()
	c, err := New(config.CalDAV{URL: url, Username: testradicale.User, Password: config.Secret(password)}, &http.Client{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The therapist's own events, as their calendar app writes them, in New
// York time: a weekly 10:00 standing meeting with one week left out and
// one week moved, a transparent reminder, a cancelled lunch, and one of
// the service's own copies.
const therapistEvents = `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VTIMEZONE
TZID:America/New_York
BEGIN:DAYLIGHT
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
TZNAME:EDT
DTSTART:19700308T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
TZNAME:EST
DTSTART:19701101T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
UID:supervision@therapist.example
DTSTAMP:20270101T000000Z
DTSTART;TZID=America/New_York:20270301T100000
DTEND;TZID=America/New_York:20270301T110000
RRULE:FREQ=WEEKLY;COUNT=4
EXDATE;TZID=America/New_York:20270308T100000
SUMMARY:Supervision
END:VEVENT
BEGIN:VEVENT
UID:supervision@therapist.example
DTSTAMP:20270101T000000Z
RECURRENCE-ID;TZID=America/New_York:20270315T100000
DTSTART;TZID=America/New_York:20270315T140000
DTEND;TZID=America/New_York:20270315T150000
SUMMARY:Supervision (moved)
END:VEVENT
END:VCALENDAR
`

const transparentCall = `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:reminder@therapist.example
DTSTAMP:20270101T000000Z
DTSTART:20270302T150000Z
DTEND:20270302T160000Z
TRANSP:TRANSPARENT
SUMMARY:Call the accountant
END:VEVENT
END:VCALENDAR
`

const cancelledLunch = `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:lunch@therapist.example
DTSTAMP:20270101T000000Z
DTSTART:20270303T170000Z
DTEND:20270303T180000Z
STATUS:CANCELLED
SUMMARY:Lunch
END:VEVENT
END:VCALENDAR
`

const ownCopy = `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:default_abc@consultd.example
DTSTAMP:20270101T000000Z
DTSTART:20270304T150000Z
DTEND:20270304T155000Z
SUMMARY:S. L.
END:VEVENT
END:VCALENDAR
`

func TestBusyReadFromRadicale(t *testing.T) {
	srv := testradicale.Start(t)
	coll := srv.MakeCalendar(t, "practice")
	other := srv.MakeCalendar(t, "personal")
	srv.PutEvent(t, coll, "supervision", therapistEvents)
	srv.PutEvent(t, coll, "call", transparentCall)
	srv.PutEvent(t, coll, "lunch", cancelledLunch)
	srv.PutEvent(t, coll, "own", ownCopy)
	srv.PutEvent(t, other, "dentist", strings.ReplaceAll(ownCopy, "default_abc@consultd.example", "dentist@therapist.example"))

	c, err := New(config.CalDAV{URL: coll, Username: testradicale.User, Password: testradicale.Password, BusyURLs: []string{other}}, http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	ny, _ := time.LoadLocation("America/New_York")
	from := time.Date(2027, 3, 1, 0, 0, 0, 0, ny)
	busy, err := c.Busy(t.Context(), ny, from, from.AddDate(0, 0, 30), "consultd.example")
	if err != nil {
		t.Fatal(err)
	}
	at := func(d, h int) time.Time { return time.Date(2027, 3, d, h, 0, 0, 0, ny) }
	want := []calendar.Interval{
		{Start: at(1, 10), End: at(1, 11)}, // EST
		// the 8th is left out (EXDATE)
		{Start: at(15, 14), End: at(15, 15)}, // moved; EDT from the 14th
		{Start: at(22, 10), End: at(22, 11)}, // the wall clock holds across the change
	}
	// The dentist, read from busy_urls: the same UID shape as ours would
	// be left out, this one is not ours.
	dentist := calendar.Interval{Start: time.Date(2027, 3, 4, 15, 0, 0, 0, time.UTC), End: time.Date(2027, 3, 4, 15, 50, 0, 0, time.UTC)}
	want = append(want[:1], append([]calendar.Interval{dentist}, want[1:]...)...)
	if len(busy) != len(want) {
		t.Fatalf("busy = %v, want %v", busy, want)
	}
	for i := range want {
		if !busy[i].Start.Equal(want[i].Start) || !busy[i].End.Equal(want[i].End) {
			t.Errorf("busy[%d] = %v–%v, want %v–%v", i, busy[i].Start.In(ny), busy[i].End.In(ny), want[i].Start.In(ny), want[i].End.In(ny))
		}
	}
}

func TestObjectWrittenConditionally(t *testing.T) {
	srv := testradicale.Start(t)
	coll := srv.MakeCalendar(t, "practice")
	c := newTestClient(t, coll, testradicale.Password)
	ctx := t.Context()
	uid := "default_abc@consultd.example"
	name := ObjectName(uid)
	ev := calendar.CopyEvent{UID: uid, Start: time.Date(2027, 3, 4, 15, 0, 0, 0, time.UTC), End: time.Date(2027, 3, 4, 15, 50, 0, 0, time.UTC), Stamp: time.Now(), Summary: "S. L. · Session"}
	body, err := ev.ICS()
	if err != nil {
		t.Fatal(err)
	}
	if obj, err := c.Get(ctx, name); err != nil || obj.Exists {
		t.Fatalf("before: %+v %v", obj, err)
	}
	if err := c.Put(ctx, name, body, ""); err != nil {
		t.Fatal(err)
	}
	// A second create finds it there.
	if err := c.Put(ctx, name, body, ""); !errors.Is(err, ErrChanged) {
		t.Fatalf("second create: %v, want ErrChanged", err)
	}
	first, err := c.Get(ctx, name)
	if err != nil || !first.Exists || first.ETag == "" || !first.Known || first.Sequence != 0 {
		t.Fatalf("after create: %+v %v", first, err)
	}
	ev.Sequence, ev.Start, ev.End = 1, ev.Start.Add(time.Hour), ev.End.Add(time.Hour)
	moved, _ := ev.ICS()
	if err := c.Put(ctx, name, moved, first.ETag); err != nil {
		t.Fatal(err)
	}
	// A writer that read the first version loses: its update would undo the move.
	if err := c.Put(ctx, name, body, first.ETag); !errors.Is(err, ErrChanged) {
		t.Fatalf("stale update: %v, want ErrChanged", err)
	}
	if err := c.Delete(ctx, name, first.ETag); !errors.Is(err, ErrChanged) {
		t.Fatalf("stale delete: %v, want ErrChanged", err)
	}
	second, _ := c.Get(ctx, name)
	if second.Sequence != 1 {
		t.Fatalf("after the move: %+v", second)
	}
	if err := c.Delete(ctx, name, second.ETag); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, name, second.ETag); err != nil {
		t.Fatalf("deleting what is gone: %v", err)
	}
	if len(srv.Objects(t, coll)) != 0 {
		t.Fatal("the object is still there")
	}
}

func TestFailuresAreClassified(t *testing.T) {
	srv := testradicale.Start(t)
	coll := srv.MakeCalendar(t, "practice")
	ctx := t.Context()
	now := time.Now()

	wrong := newTestClient(t, coll, "not-the-password")
	_, err := wrong.Busy(ctx, time.UTC, now, now.Add(time.Hour), "")
	if ClassOf(err) != ClassAuth {
		t.Fatalf("wrong password: %v, want %q", err, ClassAuth)
	}
	if strings.Contains(err.Error(), "not-the-password") || strings.Contains(err.Error(), "/ada/") {
		t.Errorf("the error shows the password or the path: %v", err)
	}
	if _, err := wrong.Get(ctx, "x.ics"); ClassOf(err) != ClassAuth {
		t.Errorf("get with a wrong password: %v", err)
	}

	missing := newTestClient(t, srv.CollectionURL("nothing"), testradicale.Password)
	if _, err := missing.Busy(ctx, time.UTC, now, now.Add(time.Hour), ""); ClassOf(err) == "" {
		t.Errorf("missing collection: %v, want a classified error", err)
	}

	srv.Stop()
	right := newTestClient(t, coll, testradicale.Password)
	if _, err := right.Busy(ctx, time.UTC, now, now.Add(time.Hour), ""); ClassOf(err) != ClassUnreachable {
		t.Errorf("server down: %v, want %q", err, ClassUnreachable)
	}
	if err := right.Put(ctx, "x.ics", []byte("x"), ""); ClassOf(err) != ClassUnreachable {
		t.Errorf("put with the server down: %v", err)
	}
}
