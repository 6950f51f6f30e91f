package web

import (
	"net/url"
	"testing"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
)

// newYork is the default therapist's zone.
func newYork(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// adminCSRF opens an admin page and returns the token of its forms.
func (e *pageEnv) adminCSRF(t *testing.T, path string) string {
	t.Helper()
	p := e.adminDo(t, "GET", path, rightCredentials, nil)
	m := csrfRe.FindStringSubmatch(p.body)
	if p.status != 200 || m == nil {
		t.Fatalf("GET %s = %d without a form token", path, p.status)
	}
	return m[1]
}

// slotsOn lists the free consultation starts on day (New York dates).
func (e *pageEnv) slotsOn(t *testing.T, day calendar.Date) []string {
	t.Helper()
	status, a, _ := e.api(t, "GET", "/api/slots?type=consultation&from="+day.String()+"&to="+day.String(), "")
	if status != 200 {
		t.Fatalf("slots of %s = %d %+v", day, status, a)
	}
	out := make([]string, len(a.Slots))
	for i, s := range a.Slots {
		out[i] = s.Start
	}
	return out
}

// daysWithSlots returns the first n days after today with free slots, so
// the clock does not take slots away while a test compares them.
func (e *pageEnv) daysWithSlots(t *testing.T, n int) []calendar.Date {
	t.Helper()
	var out []calendar.Date
	for d := calendar.DateOf(time.Now().In(newYork(t))).AddDays(1); len(out) < n; d = d.AddDays(1) {
		if len(e.slotsOn(t, d)) > 0 {
			out = append(out, d)
		}
	}
	return out
}

// startsOn counts the starts, RFC 3339 values of a page's radio buttons,
// that fall on day in New York.
func startsOn(t *testing.T, body string, day calendar.Date) int {
	t.Helper()
	n := 0
	for _, m := range slotRe.FindAllStringSubmatch(body, -1) {
		start, err := time.Parse(time.RFC3339, m[1])
		if err != nil {
			t.Fatal(err)
		}
		if calendar.DateOf(start.In(newYork(t))) == day {
			n++
		}
	}
	return n
}

// bookAt books a consultation through the API.
func (e *pageEnv) bookAt(t *testing.T, start string) (booking.Booking, string) {
	t.Helper()
	status, a, _ := e.api(t, "POST", "/api/bookings", jsonBooking(start, "Sam Lee", "sam@example.org"))
	if status != 201 {
		t.Fatalf("booking at %s = %d %+v", start, status, a)
	}
	b, err := e.store.Get(t.Context(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(a.ManageURL)
	return b, u.Path
}

func mustDate(t *testing.T, s string) calendar.Date {
	t.Helper()
	d, err := calendar.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
