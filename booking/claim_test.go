package booking

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/consultd/consultd/calendar"
)

func span(b Booking) calendar.Interval {
	s, e := b.Occupied()
	return calendar.Interval{Start: s, End: e}
}

func TestClaimConflicts(t *testing.T) {
	const m = time.Minute
	// Already booked: 10:00–10:50 with a 10-minute buffer (occupies until
	// 11:00), 12:00–12:15 without one, and a long block 13:00–16:00.
	existing := []Booking{
		session("", at("10:00"), 50*m, 10*m),
		session("", at("12:00"), 15*m, 0),
		session("", at("13:00"), 180*m, 0),
	}
	tests := []struct {
		desc     string
		start    string
		dur, buf time.Duration
		want     error
	}{
		{"right after the buffer", "11:00", 50 * m, 10 * m, nil},
		{"inside the buffer", "10:50", 50 * m, 0, ErrSlotTaken},
		{"starts inside the buffer", "10:55", 30 * m, 0, ErrSlotTaken},
		{"same slot", "10:00", 50 * m, 10 * m, ErrSlotTaken},
		{"starts inside", "10:20", 15 * m, 0, ErrSlotTaken},
		{"covers it", "09:30", 120 * m, 0, ErrSlotTaken},
		{"back to back before, own buffer ends at its start", "09:00", 50 * m, 10 * m, nil},
		{"own buffer runs into it", "09:10", 50 * m, 10 * m, ErrSlotTaken},
		{"back to back before, no buffer", "11:45", 15 * m, 0, nil},
		{"back to back after, no buffer on either", "12:15", 15 * m, 0, nil},
		{"own buffer runs into the next one", "11:40", 15 * m, 10 * m, ErrSlotTaken},
		{"deep inside a long booking", "15:00", 15 * m, 0, ErrSlotTaken},
		{"right after a long booking", "16:00", 15 * m, 0, nil},
		{"one minute before a long booking ends", "15:59", 15 * m, 0, ErrSlotTaken},
	}
	s, _ := newStore(t)
	ctx := context.Background()
	for i, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			therapist := "t" + string(rune('a'+i))
			for _, b := range existing {
				b.TherapistID = therapist
				mustClaim(t, s, b)
			}
			_, created, err := s.Claim(ctx, session(therapist, at(tt.start), tt.dur, tt.buf), "", Guard{})
			if !errors.Is(err, tt.want) || created != (tt.want == nil) {
				t.Fatalf("claim: created=%v err=%v, want err %v", created, err, tt.want)
			}
			assertNoOverlap(t, s, therapist)
		})
	}
}

func TestClaimOtherTherapistDoesNotConflict(t *testing.T) {
	s, _ := newStore(t)
	a := mustClaim(t, s, session("ada", at("10:00"), time.Hour, 10*time.Minute))
	b := mustClaim(t, s, session("bob", at("10:00"), time.Hour, 10*time.Minute))
	if a.ID == b.ID {
		t.Fatal("same id for two bookings")
	}
}

func TestClaimReturnsTheRecord(t *testing.T) {
	s, clk := newStore(t)
	ny, _ := time.LoadLocation("America/New_York")
	req := session("ada", at("10:00").In(ny), 50*time.Minute, 10*time.Minute)
	got := mustClaim(t, s, req)
	if th, err := TherapistOf(got.ID); err != nil || th != "ada" {
		t.Fatalf("id %q: therapist %q, %v", got.ID, th, err)
	}
	if !got.Start.Equal(req.Start) || got.Start.Location() != time.UTC || !got.End.Equal(req.End) {
		t.Errorf("times %v–%v, want %v–%v in UTC", got.Start, got.End, req.Start, req.End)
	}
	if got.Status != StatusHeld || got.Seq != 0 || !got.CreatedAt.Equal(clk.now()) || got.Buffer != req.Buffer {
		t.Errorf("got %+v", got)
	}
	if got.Email != req.Email || got.Name != req.Name || got.Notes != req.Notes || got.TimeZone != req.TimeZone {
		t.Errorf("personal fields not kept: %+v", got)
	}
	stored, err := s.Get(context.Background(), got.ID)
	if err != nil || stored != got {
		t.Fatalf("Get = %+v, %v; want %+v", stored, err, got)
	}
}

func TestClaimRejectsInvalid(t *testing.T) {
	s, _ := newStore(t)
	ok := session("ada", at("10:00"), time.Hour, 0)
	tests := []struct {
		desc   string
		change func(*Booking)
	}{
		{"no therapist", func(b *Booking) { b.TherapistID = "" }},
		{"brace in therapist", func(b *Booking) { b.TherapistID = "a}b" }},
		{"colon in therapist", func(b *Booking) { b.TherapistID = "a:b" }},
		{"no type", func(b *Booking) { b.Type = "" }},
		{"no start", func(b *Booking) { b.Start = time.Time{} }},
		{"end before start", func(b *Booking) { b.End = b.Start.Add(-time.Minute) }},
		{"empty span", func(b *Booking) { b.End = b.Start }},
		{"negative buffer", func(b *Booking) { b.Buffer = -time.Minute }},
		{"id of another therapist", func(b *Booking) { b.ID = NewID("bob") }},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			b := ok
			tt.change(&b)
			if _, _, err := s.Claim(context.Background(), b, "", Guard{}); !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestClaimSameSlotConcurrently(t *testing.T) {
	s, _ := newStore(t)
	const n = 100
	var wg sync.WaitGroup
	var mu sync.Mutex
	created, taken := 0, 0
	start := make(chan struct{})
	for range n {
		wg.Go(func() {
			<-start
			_, c, err := s.Claim(context.Background(), session("ada", at("10:00"), 50*time.Minute, 10*time.Minute), "", Guard{})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && c:
				created++
			case errors.Is(err, ErrSlotTaken):
				taken++
			default:
				t.Errorf("claim: created=%v err=%v", c, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if created != 1 || taken != n-1 {
		t.Fatalf("created %d, taken %d; want 1 and %d", created, taken, n-1)
	}
	if live := assertNoOverlap(t, s, "ada"); len(live) != 1 {
		t.Fatalf("%d live bookings, want 1", len(live))
	}
}

// Random overlapping requests from many goroutines: what ends up live never
// overlaps, and every refused request really met a live booking.
func TestClaimRandomSlotsConcurrently(t *testing.T) {
	s, _ := newStore(t)
	const n = 100
	rng := rand.New(rand.NewPCG(1, 2))
	reqs := make([]Booking, n)
	for i := range reqs {
		start := at("09:00").Add(time.Duration(rng.IntN(24)) * 5 * time.Minute)
		reqs[i] = session("ada", start, time.Duration(15+rng.IntN(36))*time.Minute, time.Duration(rng.IntN(3))*5*time.Minute)
	}
	errs := make([]error, n)
	made := make([]bool, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range reqs {
		wg.Go(func() {
			<-start
			_, made[i], errs[i] = s.Claim(context.Background(), reqs[i], "", Guard{})
		})
	}
	close(start)
	wg.Wait()

	live := assertNoOverlap(t, s, "ada")
	createdN := 0
	for i, err := range errs {
		switch {
		case err == nil && made[i]:
			createdN++
		case errors.Is(err, ErrSlotTaken):
			if !meetsAny(span(reqs[i]), live) {
				t.Errorf("request %v was refused but meets no live booking", span(reqs[i]))
			}
		default:
			t.Errorf("claim: created=%v err=%v", made[i], err)
		}
	}
	if createdN != len(live) || createdN < 2 {
		t.Fatalf("created %d, live %d", createdN, len(live))
	}
}

func meetsAny(iv calendar.Interval, bs []Booking) bool {
	for _, b := range bs {
		if iv.Overlaps(span(b)) {
			return true
		}
	}
	return false
}
