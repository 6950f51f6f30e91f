package booking

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consultd/consultd/internal/testredis"
)

// base is a Monday morning; every test books relative to it.
var base = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func at(hhmm string) time.Time {
	d, err := time.Parse("15:04", hhmm)
	if err != nil {
		panic(err)
	}
	return base.Add(time.Duration(d.Hour())*time.Hour + time.Duration(d.Minute())*time.Minute - 9*time.Hour)
}

// clock is a controllable now func for the idempotency windows.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newStore returns a store on a fresh redis-server and its clock.
func newStore(t testing.TB) (*Store, *clock) {
	t.Helper()
	c := &clock{t: base.Add(-48 * time.Hour)}
	return NewStore(testredis.Start(t).Client(t), c.now), c
}

var emailSeq atomic.Int64

// session is a booking request for therapist from start for dur, with a
// fresh client email so that requests are not mistaken for repeats.
func session(therapist string, start time.Time, dur, buffer time.Duration) Booking {
	return Booking{
		TherapistID: therapist,
		Type:        "session",
		Start:       start,
		End:         start.Add(dur),
		Buffer:      buffer,
		Name:        "Client Name",
		Email:       fmt.Sprintf("client%d@example.org", emailSeq.Add(1)),
		TimeZone:    "America/New_York",
		Notes:       "private notes",
	}
}

// mustClaim claims b and fails the test unless a new booking was created.
func mustClaim(t testing.TB, s *Store, b Booking) Booking {
	t.Helper()
	got, created, err := s.Claim(context.Background(), b, "", Guard{})
	if err != nil || !created {
		t.Fatalf("claim %s–%s: created=%v err=%v", b.Start.Format("15:04"), b.End.Format("15:04"), created, err)
	}
	return got
}

// assertNoOverlap checks the invariant on what Redis holds: no two live
// bookings of the therapist meet, buffers included.
func assertNoOverlap(t testing.TB, s *Store, therapist string) []Booking {
	t.Helper()
	all, err := s.List(context.Background(), therapist, base.Add(-24*time.Hour), base.Add(30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var live []Booking
	for _, b := range all {
		if b.Status.Live() {
			live = append(live, b)
		}
	}
	for i, a := range live {
		for _, b := range live[i+1:] {
			if span(a).Overlaps(span(b)) {
				t.Fatalf("live bookings overlap: %s %v and %s %v", a.ID, span(a), b.ID, span(b))
			}
		}
	}
	return live
}
