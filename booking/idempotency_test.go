package booking

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestClaimIdempotencyKey(t *testing.T) {
	s, clk := newStore(t)
	ctx := context.Background()
	first, created, err := s.Claim(ctx, session("ada", at("10:00"), time.Hour, 0), "key-1", Guard{})
	if err != nil || !created {
		t.Fatalf("first claim: %v %v", created, err)
	}
	// A repeat with the key from the same client returns the first booking
	// even if the rest of the body differs (another start).
	clk.advance(23 * time.Hour)
	repeat := session("ada", at("14:00"), time.Hour, 0)
	repeat.Email = strings.ToUpper(first.Email)
	again, created, err := s.Claim(ctx, repeat, "key-1", Guard{})
	if err != nil || created || again.ID != first.ID {
		t.Fatalf("repeat within 24h: id %q created=%v err=%v; want %q", again.ID, created, err, first.ID)
	}
	// The same key from another client answers nothing about the booking.
	stranger, created, err := s.Claim(ctx, session("ada", at("14:00"), time.Hour, 0), "key-1", Guard{})
	if !errors.Is(err, ErrKeyReused) || created || stranger.ID != "" {
		t.Fatalf("another email with the key: id %q created=%v err=%v; want ErrKeyReused and nothing", stranger.ID, created, err)
	}
	// After 24 h the key is forgotten: the request is a new one.
	clk.advance(2 * time.Hour)
	later, created, err := s.Claim(ctx, session("ada", at("14:00"), time.Hour, 0), "key-1", Guard{})
	if err != nil || !created || later.ID == first.ID {
		t.Fatalf("after 24h: id %q created=%v err=%v; want a new booking", later.ID, created, err)
	}
}

func TestClaimDoubleSubmit(t *testing.T) {
	s, clk := newStore(t)
	ctx := context.Background()
	req := session("ada", at("10:00"), time.Hour, 0)
	first := mustClaim(t, s, req)

	tests := []struct {
		desc        string
		after       time.Duration
		change      func(*Booking)
		wantSame    bool
		wantErrSlot bool
	}{
		{desc: "same request", wantSame: true},
		{desc: "email differs in case and spaces", change: func(b *Booking) { b.Email = "  " + strings.ToUpper(b.Email) + " " }, wantSame: true},
		// Only the whole request is a repeat: one who knows a client's
		// email and time learns nothing of their booking.
		{desc: "other name, same email", change: func(b *Booking) { b.Name = "Other" }, wantErrSlot: true},
		{desc: "other type", change: func(b *Booking) { b.Type = "consultation" }, wantErrSlot: true},
		{desc: "other email", change: func(b *Booking) { b.Email = "someone@example.org" }, wantErrSlot: true},
		{desc: "after 10 minutes", after: 10*time.Minute + time.Second, wantErrSlot: true},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			clk.advance(tt.after)
			b := req
			if tt.change != nil {
				tt.change(&b)
			}
			got, created, err := s.Claim(ctx, b, "", Guard{})
			switch {
			case tt.wantSame && (err != nil || created || got.ID != first.ID):
				t.Fatalf("id %q created=%v err=%v; want %q again", got.ID, created, err, first.ID)
			case tt.wantErrSlot && !errors.Is(err, ErrSlotTaken):
				t.Fatalf("id %q created=%v err=%v; want ErrSlotTaken", got.ID, created, err)
			}
		})
	}
}

// A repeat means the same booking only while it still holds that slot:
// after a cancel, a release or a move the client is asking anew.
func TestClaimDoubleSubmitAfterChange(t *testing.T) {
	tests := []struct {
		desc   string
		change func(*Store, Booking) error
	}{
		{"cancelled", func(s *Store, b Booking) error { _, _, err := s.Cancel(context.Background(), b.ID); return err }},
		{"released", func(s *Store, b Booking) error { return s.Release(context.Background(), b.ID) }},
		{"moved", func(s *Store, b Booking) error {
			_, err := s.Reschedule(context.Background(), b.ID, at("14:00"), at("15:00"), Guard{})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			s, _ := newStore(t)
			req := session("ada", at("10:00"), time.Hour, 0)
			first := mustClaim(t, s, req)
			if err := tt.change(s, first); err != nil {
				t.Fatal(err)
			}
			if got := mustClaim(t, s, req); got.ID == first.ID {
				t.Fatalf("got the first booking back")
			}
		})
	}
}

func TestClaimIdempotencyKeyAfterRelease(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	req := session("ada", at("10:00"), time.Hour, 0)
	first, _, err := s.Claim(ctx, req, "key-1", Guard{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Release(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	got, created, err := s.Claim(ctx, req, "key-1", Guard{})
	if err != nil || !created || got.ID == first.ID {
		t.Fatalf("id %q created=%v err=%v; want a new booking", got.ID, created, err)
	}
}

// A double submit that carries a key for the first time teaches the key,
// so later retries with it still find the booking after 10 minutes.
func TestClaimDoubleSubmitRemembersKey(t *testing.T) {
	s, clk := newStore(t)
	ctx := context.Background()
	req := session("ada", at("10:00"), time.Hour, 0)
	first := mustClaim(t, s, req)
	if got, created, err := s.Claim(ctx, req, "key-2", Guard{}); err != nil || created || got.ID != first.ID {
		t.Fatalf("double submit with key: %q %v %v", got.ID, created, err)
	}
	clk.advance(time.Hour)
	if got, created, err := s.Claim(ctx, req, "key-2", Guard{}); err != nil || created || got.ID != first.ID {
		t.Fatalf("retry with key after an hour: %q %v %v", got.ID, created, err)
	}
}

// The id is made before the script runs, so a retried call (its first
// reply lost) finds its own booking.
func TestClaimRetryWithSameID(t *testing.T) {
	s, _ := newStore(t)
	req := session("ada", at("10:00"), time.Hour, 0)
	req.ID = NewID("ada")
	first := mustClaim(t, s, req)
	req.Email = "" // not a double submit: only the id matches
	got, created, err := s.Claim(context.Background(), req, "", Guard{})
	if err != nil || created || got.ID != first.ID {
		t.Fatalf("retry: %q %v %v", got.ID, created, err)
	}
}
