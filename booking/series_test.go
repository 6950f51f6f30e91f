package booking

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consultd/consultd/calendar"
)

func weekly(first time.Time, n int) []SeriesOccurrence {
	out := make([]SeriesOccurrence, n)
	for i := range out {
		start := first.AddDate(0, 0, 7*i)
		out[i] = SeriesOccurrence{Start: start, End: start.Add(50 * time.Minute), Date: calendar.DateOf(start).String()}
	}
	return out
}

func newSeries(email string) Series {
	return Series{TherapistID: "ada", Type: "session", EveryWeeks: 1, Count: 6, Name: "Sam Lee", Email: email}
}

// A series is held whole or not at all: one taken week, one week off or
// one busy hour in the therapist's calendar refuses it and writes nothing;
// with skip, the others are held and the refused weeks listed.
func TestClaimSeriesAllOrNothing(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	occ := weekly(at("10:00"), 6)
	taken := mustClaim(t, s, session("ada", occ[2].Start.Add(30*time.Minute), time.Hour, 0))
	if _, err := s.AddTimeOff(ctx, "ada", calendar.DateOf(occ[4].Start), calendar.DateOf(occ[4].Start)); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.ClaimSeries(ctx, newSeries("sam@example.org"), occ, 10*time.Minute, nil, false)
	var refused *RefusedError
	if !errors.As(err, &refused) || len(refused.Starts) != 2 || !refused.Starts[0].Equal(occ[2].Start) || !refused.Starts[1].Equal(occ[4].Start) {
		t.Fatalf("err = %v, want the 3rd and 5th weeks refused", err)
	}
	if list, _ := s.List(ctx, "ada", occ[0].Start.Add(-time.Hour), occ[5].End.Add(time.Hour)); len(list) != 1 || list[0].ID != taken.ID {
		t.Fatalf("a refused series left %d bookings", len(list))
	}
	sr, got, err := s.ClaimSeries(ctx, newSeries("sam@example.org"), occ, 10*time.Minute, nil, true)
	if err != nil || len(got) != 4 || len(sr.Skipped) != 2 || !sr.Skipped[0].Equal(occ[2].Start) {
		t.Fatalf("with skip: %d held, skipped %v, %v", len(got), sr.Skipped, err)
	}
	for _, b := range got {
		if b.Series != sr.ID || b.Status != StatusHeld || b.Email != "sam@example.org" || b.Buffer != 10*time.Minute {
			t.Errorf("occurrence %+v", b)
		}
	}
	again, occs, err := s.GetSeries(ctx, sr.ID)
	if err != nil || again.ID != sr.ID || len(occs) != 4 || again.Count != 6 {
		t.Fatalf("GetSeries = %+v %d %v", again, len(occs), err)
	}
	// An occurrence is a live booking: nobody else gets its time.
	if _, _, err := s.Claim(ctx, session("ada", occ[0].Start, 50*time.Minute, 0), "", Guard{}); !errors.Is(err, ErrSlotTaken) {
		t.Fatalf("claim over an occurrence: %v", err)
	}
	if n, err := s.BumpSeries(ctx, sr.ID); err != nil || n != 1 {
		t.Fatalf("BumpSeries = %d %v", n, err)
	}
}

// 100 single claims race a series over the same weeks: either the series
// is held whole and no racer got one of its times, or it is refused.
func TestClaimSeriesAgainstRacers(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	occ := weekly(at("10:00"), 10)
	var wg sync.WaitGroup
	var won atomic.Int64
	start := make(chan struct{})
	for i := range 100 {
		wg.Go(func() {
			<-start
			o := occ[i%len(occ)]
			if _, _, err := s.Claim(ctx, session("ada", o.Start, 50*time.Minute, 0), "", Guard{}); err == nil {
				won.Add(1)
			}
		})
	}
	var seriesErr error
	var held []Booking
	wg.Go(func() {
		<-start
		_, held, seriesErr = s.ClaimSeries(ctx, newSeries("sam@example.org"), occ, 0, nil, false)
	})
	close(start)
	wg.Wait()
	list, _ := s.List(ctx, "ada", occ[0].Start.Add(-time.Hour), occ[9].End.Add(time.Hour))
	switch {
	case seriesErr == nil && (len(held) != 10 || won.Load() != 0 || len(list) != 10):
		t.Fatalf("series held %d, racers won %d, %d bookings", len(held), won.Load(), len(list))
	case seriesErr != nil && int64(len(list)) != won.Load():
		t.Fatalf("series refused (%v) but %d bookings for %d racers' wins", seriesErr, len(list), won.Load())
	}
	t.Logf("series held: %v; racers won %d", seriesErr == nil, won.Load())
}

// Two series for overlapping weeks: one wins whole, the other books nothing.
func TestTwoSeriesForOverlappingWeeks(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	a, b := weekly(at("10:00"), 8), weekly(at("10:00").AddDate(0, 0, 21), 8)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, occ := range [][]SeriesOccurrence{a, b} {
		wg.Go(func() { _, _, errs[i] = s.ClaimSeries(ctx, newSeries("c@example.org"), occ, 0, nil, false) })
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("errors %v and %v: want exactly one series held", errs[0], errs[1])
	}
	list, _ := s.List(ctx, "ada", a[0].Start.Add(-time.Hour), b[7].End.Add(time.Hour))
	if len(list) != 8 {
		t.Fatalf("%d bookings, want the 8 of the one series", len(list))
	}
}
