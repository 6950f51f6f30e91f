package booking

import (
	"context"
	"errors"
	"testing"
	"time"
)

func claimPending(t *testing.T, s *Store, b Booking) Booking {
	t.Helper()
	b.Status = StatusPending
	got, created, err := s.Claim(context.Background(), b, "", Guard{})
	if err != nil || !created || got.Status != StatusPending {
		t.Fatalf("pending claim: %+v created=%v %v", got, created, err)
	}
	return got
}

func TestPendingHoldsItsSlot(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	p := claimPending(t, s, session("ada", at("10:00"), time.Hour, 0))
	if _, _, err := s.Claim(ctx, session("ada", at("10:30"), time.Hour, 0), "", Guard{}); !errors.Is(err, ErrSlotTaken) {
		t.Fatalf("claim over a pending request: %v, want ErrSlotTaken", err)
	}
	if held, _ := s.Held(ctx, "ada"); len(held) != 0 {
		t.Fatalf("a pending request is in the held set: %v", held)
	}
	pending, err := s.Pending(ctx, "ada")
	if err != nil || len(pending) != 1 || pending[0].ID != p.ID {
		t.Fatalf("Pending: %v %v", pending, err)
	}
	if busy, _ := s.Busy(ctx, "ada", at("09:00"), at("12:00")); len(busy) != 1 {
		t.Fatalf("a pending request is not busy time: %v", busy)
	}
}

func TestApproveIsIdempotent(t *testing.T) {
	s, clk := newStore(t)
	ctx := context.Background()
	p := claimPending(t, s, session("ada", at("10:00"), time.Hour, 0))
	clk.advance(time.Minute)
	a, changed, err := s.Approve(ctx, p.ID)
	if err != nil || !changed || a.Status != StatusHeld || a.Seq != 0 {
		t.Fatalf("approve: %+v changed=%v %v", a, changed, err)
	}
	if held, _ := s.Held(ctx, "ada"); len(held) != 1 || held[0].ID != p.ID {
		t.Fatalf("an approved request is not held: %v", held)
	}
	if pending, _ := s.Pending(ctx, "ada"); len(pending) != 0 {
		t.Fatalf("an approved request is still pending: %v", pending)
	}
	if again, changed, err := s.Approve(ctx, p.ID); err != nil || changed || again != a {
		t.Fatalf("second approve: %+v changed=%v %v", again, changed, err)
	}
	if _, _, err := s.Decline(ctx, p.ID, "sorry"); !errors.Is(err, ErrNotPending) {
		t.Fatalf("decline of an approved request: %v, want ErrNotPending", err)
	}
	if _, err := s.Confirm(ctx, p.ID, 0); err != nil {
		t.Fatal(err)
	}
	if again, changed, err := s.Approve(ctx, p.ID); err != nil || changed || again.Status != StatusConfirmed {
		t.Fatalf("approve of a confirmed booking: %+v changed=%v %v", again, changed, err)
	}
}

func TestDeclineFreesTheSlot(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	p := claimPending(t, s, session("ada", at("10:00"), time.Hour, 0))
	d, changed, err := s.Decline(ctx, p.ID, "I am away that week.")
	if err != nil || !changed || d.Status != StatusCancelled || d.Flag != FlagDeclined || d.Reply != "I am away that week." || d.Seq != 1 {
		t.Fatalf("decline: %+v changed=%v %v", d, changed, err)
	}
	if again, changed, err := s.Decline(ctx, p.ID, "other"); err != nil || changed || again != d {
		t.Fatalf("second decline: %+v changed=%v %v", again, changed, err)
	}
	if _, _, err := s.Expire(ctx, p.ID); err != nil {
		t.Fatalf("expire after decline: %v", err)
	}
	if _, _, err := s.Approve(ctx, p.ID); !errors.Is(err, ErrNotPending) {
		t.Fatalf("approve of a declined request: %v, want ErrNotPending", err)
	}
	if pending, _ := s.Pending(ctx, "ada"); len(pending) != 0 {
		t.Fatalf("a declined request is still pending: %v", pending)
	}
	mustClaim(t, s, session("ada", at("10:00"), time.Hour, 0))
}

func TestExpireAndCancelOfPending(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	p := claimPending(t, s, session("ada", at("10:00"), time.Hour, 0))
	e, changed, err := s.Expire(ctx, p.ID)
	if err != nil || !changed || e.Flag != FlagExpired || e.Status != StatusCancelled {
		t.Fatalf("expire: %+v changed=%v %v", e, changed, err)
	}
	q := claimPending(t, s, session("ada", at("10:00"), time.Hour, 0))
	if _, _, err := s.Cancel(ctx, q.ID); err != nil {
		t.Fatal(err)
	}
	if pending, _ := s.Pending(ctx, "ada"); len(pending) != 0 {
		t.Fatalf("a cancelled request is still pending: %v", pending)
	}
	if _, _, err := s.Approve(ctx, q.ID); !errors.Is(err, ErrNotPending) {
		t.Fatalf("approve of a cancelled request: %v, want ErrNotPending", err)
	}
	if _, _, err := s.Decline(ctx, q.ID, ""); !errors.Is(err, ErrNotPending) {
		t.Fatalf("decline of a cancelled request: %v, want ErrNotPending", err)
	}
	r := claimPending(t, s, session("ada", at("10:00"), time.Hour, 0))
	if err := s.Release(ctx, r.ID); err != nil {
		t.Fatalf("release of a pending request: %v", err)
	}
	if pending, _ := s.Pending(ctx, "ada"); len(pending) != 0 {
		t.Fatalf("a released request is still pending: %v", pending)
	}
}
