package booking

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestAttendFromTheStartOnly(t *testing.T) {
	s, clk := newStore(t) // the clock starts two days before base
	ctx := context.Background()
	b := mustClaim(t, s, session("ada", at("10:00"), time.Hour, 0))
	if _, err := s.Attend(ctx, b.ID, Attended); !errors.Is(err, ErrNotStarted) {
		t.Fatalf("attendance before the start: %v, want ErrNotStarted", err)
	}
	if _, err := s.Attend(ctx, b.ID, "late"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("unknown attendance: %v, want ErrInvalid", err)
	}
	clk.advance(at("10:00").Sub(clk.now())) // exactly the start
	got, err := s.Attend(ctx, b.ID, NoShow)
	if err != nil || got.Attendance != NoShow || got.Status != StatusHeld || got.Seq != b.Seq {
		t.Fatalf("attendance at the start: %+v %v", got, err)
	}
	clk.advance(time.Hour)
	got, err = s.Attend(ctx, b.ID, Attended)
	if err != nil || got.Attendance != Attended || !got.UpdatedAt.Equal(clk.now()) {
		t.Fatalf("corrected attendance: %+v %v", got, err)
	}
	if read, _ := s.Get(ctx, b.ID); read.Attendance != Attended {
		t.Fatalf("stored attendance = %q", read.Attendance)
	}
	if _, err := s.Attend(ctx, b.ID+"x", Attended); !errors.Is(err, ErrNotFound) {
		t.Fatalf("malformed id: %v, want ErrNotFound", err)
	}
}

func TestAttendRefusesCancelled(t *testing.T) {
	s, clk := newStore(t)
	ctx := context.Background()
	b := mustClaim(t, s, session("ada", at("10:00"), time.Hour, 0))
	if _, _, err := s.Cancel(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	clk.advance(72 * time.Hour)
	if _, err := s.Attend(ctx, b.ID, NoShow); !errors.Is(err, ErrNotLive) {
		t.Fatalf("attendance of a cancelled booking: %v, want ErrNotLive", err)
	}
}

func TestCancelLateIsRecorded(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	b := mustClaim(t, s, session("ada", at("10:00"), time.Hour, 0))
	c, changed, err := s.CancelLate(ctx, b.ID)
	if err != nil || !changed || !c.LateCancel || c.Status != StatusCancelled {
		t.Fatalf("late cancel: %+v %v %v", c, changed, err)
	}
	on := mustClaim(t, s, session("ada", at("12:00"), time.Hour, 0))
	c, _, err = s.Cancel(ctx, on.ID)
	if err != nil || c.LateCancel {
		t.Fatalf("cancel in time marked late: %+v %v", c, err)
	}
	// A cancelled booking keeps what it was.
	if again, changed, _ := s.CancelLate(ctx, on.ID); changed || again.LateCancel {
		t.Fatalf("second cancel changed it: %+v %v", again, changed)
	}
}

func TestPreferredNameIsStored(t *testing.T) {
	s, _ := newStore(t)
	in := session("ada", at("10:00"), time.Hour, 0)
	in.PreferredName = "Sunny"
	b := mustClaim(t, s, in)
	got, err := s.Get(context.Background(), b.ID)
	if err != nil || got.PreferredName != "Sunny" || got != b {
		t.Fatalf("read back %+v (claimed %+v) %v", got, b, err)
	}
}
