package booking

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestRelease(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	b := mustClaim(t, s, session("ada", at("10:00"), time.Hour, 0))
	if err := s.Release(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, b.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after release: %v, want ErrNotFound", err)
	}
	if err := s.Release(ctx, b.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second release: %v, want ErrNotFound", err)
	}
	if bs, _ := s.List(ctx, "ada", at("00:00"), at("23:00")); len(bs) != 0 {
		t.Fatalf("released booking still listed: %v", bs)
	}
	// The slot is free again.
	c := mustClaim(t, s, session("ada", at("10:00"), time.Hour, 0))
	if _, err := s.Confirm(ctx, c.ID, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.Release(ctx, c.ID); !errors.Is(err, ErrNotHeld) {
		t.Fatalf("release of a confirmed booking: %v, want ErrNotHeld", err)
	}
}

func TestConfirm(t *testing.T) {
	s, clk := newStore(t)
	ctx := context.Background()
	b := mustClaim(t, s, session("ada", at("10:00"), time.Hour, 0))
	if _, err := s.Confirm(ctx, b.ID, 1); !errors.Is(err, ErrStale) {
		t.Fatalf("confirm with a wrong seq: %v, want ErrStale", err)
	}
	clk.advance(time.Minute)
	c, err := s.Confirm(ctx, b.ID, 0)
	if err != nil || c.Status != StatusConfirmed || !c.UpdatedAt.Equal(clk.now()) {
		t.Fatalf("confirm: %+v %v", c, err)
	}
	clk.advance(time.Minute)
	again, err := s.Confirm(ctx, b.ID, 0)
	if err != nil || again != c {
		t.Fatalf("repeated confirm changed the booking: %+v %v", again, err)
	}
	if held, _ := s.Held(ctx, "ada"); len(held) != 0 {
		t.Fatalf("confirmed booking still held: %v", held)
	}
	if _, _, err := s.Cancel(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Confirm(ctx, b.ID, 1); !errors.Is(err, ErrNotLive) {
		t.Fatalf("confirm after cancel: %v, want ErrNotLive", err)
	}
	if _, err := s.Confirm(ctx, NewID("ada"), 0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("confirm of an unknown id: %v, want ErrNotFound", err)
	}
}

func TestCancel(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	b := mustClaim(t, s, session("ada", at("10:00"), time.Hour, 10*time.Minute))
	c, changed, err := s.Cancel(ctx, b.ID)
	if err != nil || !changed || c.Status != StatusCancelled || c.Seq != 1 {
		t.Fatalf("cancel: %+v changed=%v %v", c, changed, err)
	}
	again, changed, err := s.Cancel(ctx, b.ID)
	if err != nil || changed || again.Seq != 1 {
		t.Fatalf("second cancel: seq %d changed=%v %v", again.Seq, changed, err)
	}
	mustClaim(t, s, session("ada", at("10:30"), time.Hour, 0)) // the slot is free
	if _, err := s.Reschedule(ctx, b.ID, at("14:00"), at("15:00"), Guard{}); !errors.Is(err, ErrNotLive) {
		t.Fatalf("reschedule after cancel: %v, want ErrNotLive", err)
	}
	if _, _, err := s.Cancel(ctx, NewID("ada")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("cancel of an unknown id: %v", err)
	}
}

func TestReschedule(t *testing.T) {
	const m = time.Minute
	tests := []struct {
		desc       string
		start, end string
		want       error
		wantSeq    int
	}{
		{"to a free slot", "14:00", "14:50", nil, 1},
		{"overlapping its own old span", "10:30", "11:20", nil, 1},
		{"to where it is", "10:00", "10:50", nil, 0},
		{"onto the other booking", "12:00", "12:50", ErrSlotTaken, 0},
		{"into the other booking's buffer", "12:55", "13:30", ErrSlotTaken, 0},
		{"its own buffer into the other booking", "11:05", "11:55", ErrSlotTaken, 0},
		{"back to back with its buffer", "11:00", "11:50", nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			s, _ := newStore(t)
			ctx := context.Background()
			b := mustClaim(t, s, session("ada", at("10:00"), 50*m, 10*m))
			mustClaim(t, s, session("ada", at("12:00"), 50*m, 10*m))
			got, err := s.Reschedule(ctx, b.ID, at(tt.start), at(tt.end), Guard{})
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			stored, _ := s.Get(ctx, b.ID)
			if err != nil {
				if stored != b {
					t.Fatalf("refused move changed the booking: %+v", stored)
				}
				return
			}
			if got != stored || !got.Start.Equal(at(tt.start)) || !got.End.Equal(at(tt.end)) ||
				got.Seq != tt.wantSeq || got.Buffer != 10*m || got.Status != StatusHeld {
				t.Fatalf("got %+v, stored %+v", got, stored)
			}
			assertNoOverlap(t, s, "ada")
			busy, _ := s.Busy(ctx, "ada", at("00:00"), at("23:00"))
			if !slices.Contains(busy, span(got)) {
				t.Fatalf("busy %v lacks the new span %v", busy, span(got))
			}
		})
	}
}

func TestRescheduleFreesOldSlot(t *testing.T) {
	s, _ := newStore(t)
	b := mustClaim(t, s, session("ada", at("10:00"), time.Hour, 0))
	if _, err := s.Reschedule(context.Background(), b.ID, at("14:00"), at("15:00"), Guard{}); err != nil {
		t.Fatal(err)
	}
	mustClaim(t, s, session("ada", at("10:00"), time.Hour, 0))
}

// Two bookings racing into one free slot: exactly one moves.
func TestRescheduleConcurrently(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	for round := range 20 {
		day := time.Duration(round) * 24 * time.Hour
		a := mustClaim(t, s, session("ada", at("09:00").Add(day), time.Hour, 0))
		b := mustClaim(t, s, session("ada", at("11:00").Add(day), time.Hour, 0))
		var wg sync.WaitGroup
		errs := make([]error, 2)
		start := make(chan struct{})
		for i, id := range []string{a.ID, b.ID} {
			wg.Go(func() {
				<-start
				_, errs[i] = s.Reschedule(ctx, id, at("14:00").Add(day), at("15:00").Add(day), Guard{})
			})
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, ErrSlotTaken):
				t.Fatal(err)
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d reschedules won, want 1 (%v)", round, won, errs)
		}
	}
	assertNoOverlap(t, s, "ada")
}

func TestSetFlag(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	b := mustClaim(t, s, session("ada", at("10:00"), time.Hour, 0))
	if err := s.SetFlag(ctx, b.ID, "undeliverable"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(ctx, b.ID); got.Flag != "undeliverable" {
		t.Fatalf("flag = %q", got.Flag)
	}
	if err := s.Release(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.SetFlag(ctx, b.ID, "undeliverable"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("flag of a released booking: %v, want ErrNotFound", err)
	}
}
