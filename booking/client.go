package booking

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// optOutKey names a client address that asked for no more reflection
// prompts. It holds a hash only; it is global, not per therapist, since
// the wish is the client's.
func optOutKey(email string) string {
	return "consultd:optout:" + sha256Hex(strings.ToLower(strings.TrimSpace(email)))
}

// OptOut records that this address wants no more reflection prompts.
func (s *Store) OptOut(ctx context.Context, email string) error {
	if err := s.rdb.Set(ctx, optOutKey(email), ms(s.now()), 0).Err(); err != nil {
		return fmt.Errorf("record opt-out: %w", err)
	}
	return nil
}

// OptedOut reports whether this address asked for no more prompts.
func (s *Store) OptedOut(ctx context.Context, email string) (bool, error) {
	n, err := s.rdb.Exists(ctx, optOutKey(email)).Result()
	if err != nil {
		return false, fmt.Errorf("read opt-out: %w", err)
	}
	return n > 0, nil
}

// HasUpcoming reports whether the client of b has another live booking
// with the same therapist starting after b ends.
func (s *Store) HasUpcoming(ctx context.Context, b Booking, horizon time.Duration) (bool, error) {
	list, err := s.List(ctx, b.TherapistID, b.End, b.End.Add(horizon))
	if err != nil {
		return false, err
	}
	for _, other := range list {
		if other.ID != b.ID && other.Status.Live() && strings.EqualFold(strings.TrimSpace(other.Email), strings.TrimSpace(b.Email)) {
			return true, nil
		}
	}
	return false, nil
}

// therapistSentKey names a message about a therapist's day rather than one
// booking (the daily digest).
func therapistSentKey(therapistID, what string) string {
	return keysFor(therapistID).prefix + "tsent:" + what
}

// TherapistSent reports whether message what went out to the therapist.
func (s *Store) TherapistSent(ctx context.Context, therapistID, what string) (bool, error) {
	if err := checkTherapistID(therapistID); err != nil {
		return false, err
	}
	n, err := s.rdb.Exists(ctx, therapistSentKey(therapistID, what)).Result()
	if err != nil {
		return false, fmt.Errorf("read %s marker of %s: %w", what, therapistID, err)
	}
	return n > 0, nil
}

// MarkTherapistSent records that message what went out to the therapist.
func (s *Store) MarkTherapistSent(ctx context.Context, therapistID, what string) error {
	if err := checkTherapistID(therapistID); err != nil {
		return err
	}
	if err := s.rdb.SetNX(ctx, therapistSentKey(therapistID, what), ms(s.now()), sentTTL).Err(); err != nil {
		return fmt.Errorf("mark %s sent to %s: %w", what, therapistID, err)
	}
	return nil
}
