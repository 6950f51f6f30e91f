package booking

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/consultd/consultd/calendar"
)

// Busy returns the occupied spans [Start, End+Buffer) of the therapist's
// live bookings that meet [from, to), by start.
func (s *Store) Busy(ctx context.Context, therapistID string, from, to time.Time) ([]calendar.Interval, error) {
	if err := checkTherapistID(therapistID); err != nil {
		return nil, err
	}
	k := keysFor(therapistID)
	v, err := busyScript.Run(ctx, s.rdb, []string{k.bookingPrefix(), k.live(), k.span()}, ms(from), ms(to)).Int64Slice()
	if err != nil {
		return nil, fmt.Errorf("busy times of therapist %s: %w", therapistID, err)
	}
	out := make([]calendar.Interval, 0, len(v)/2)
	for i := 0; i+1 < len(v); i += 2 {
		out = append(out, calendar.Interval{
			Start: time.UnixMilli(v[i]).UTC(),
			End:   time.UnixMilli(v[i+1]).UTC(),
		})
	}
	return out, nil
}

// List returns the therapist's bookings of any status that start in
// [from, to), by start.
func (s *Store) List(ctx context.Context, therapistID string, from, to time.Time) ([]Booking, error) {
	if err := checkTherapistID(therapistID); err != nil {
		return nil, err
	}
	k := keysFor(therapistID)
	bs, err := s.fetch(ctx, []string{k.bookingPrefix(), k.all()}, ms(from), "("+ms(to))
	if err != nil {
		return nil, fmt.Errorf("list bookings of therapist %s: %w", therapistID, err)
	}
	return bs, nil
}

// Held returns the therapist's bookings still held, by start, for the
// sweep that re-enqueues missing confirm tasks.
func (s *Store) Held(ctx context.Context, therapistID string) ([]Booking, error) {
	if err := checkTherapistID(therapistID); err != nil {
		return nil, err
	}
	k := keysFor(therapistID)
	bs, err := s.fetch(ctx, []string{k.bookingPrefix(), k.held()})
	if err != nil {
		return nil, fmt.Errorf("held bookings of therapist %s: %w", therapistID, err)
	}
	slices.SortFunc(bs, func(a, b Booking) int { return a.Start.Compare(b.Start) })
	return bs, nil
}

// Pending returns the therapist's requests awaiting approval, oldest
// first, for the sweep that lets unanswered ones expire.
func (s *Store) Pending(ctx context.Context, therapistID string) ([]Booking, error) {
	if err := checkTherapistID(therapistID); err != nil {
		return nil, err
	}
	k := keysFor(therapistID)
	bs, err := s.fetch(ctx, []string{k.bookingPrefix(), k.pending()}, "-inf", "+inf")
	if err != nil {
		return nil, fmt.Errorf("pending requests of therapist %s: %w", therapistID, err)
	}
	return bs, nil
}

func (s *Store) fetch(ctx context.Context, keys []string, args ...any) ([]Booking, error) {
	v, err := fetchScript.Run(ctx, s.rdb, keys, args...).Slice()
	if err != nil {
		return nil, err
	}
	out := make([]Booking, 0, len(v))
	for _, rec := range v {
		b, err := decodeReply(rec)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// MarkSent records that message what (e.g. "invite:0", "remind:1:24h")
// went out for booking id. first is false when it was already recorded:
// the caller is a retry and must not send again.
func (s *Store) MarkSent(ctx context.Context, id, what string) (first bool, err error) {
	k, err := keysOf(id)
	if err != nil {
		return false, err
	}
	first, err = s.rdb.SetNX(ctx, k.sent(id, what), ms(s.now()), sentTTL).Result()
	if err != nil {
		return false, fmt.Errorf("mark %s sent for booking %s: %w", what, id, err)
	}
	return first, nil
}

// Sent reports whether message what was recorded as sent for booking id.
func (s *Store) Sent(ctx context.Context, id, what string) (bool, error) {
	k, err := keysOf(id)
	if err != nil {
		return false, err
	}
	n, err := s.rdb.Exists(ctx, k.sent(id, what)).Result()
	if err != nil {
		return false, fmt.Errorf("check %s sent for booking %s: %w", what, id, err)
	}
	return n == 1, nil
}

// Upcoming counts the client's bookings with the therapist that count
// toward the public intake's cap: not cancelled and still to come.
func (s *Store) Upcoming(ctx context.Context, therapistID, email string) (int, error) {
	if err := checkTherapistID(therapistID); err != nil {
		return 0, err
	}
	n, err := upcomingScript.Run(ctx, s.rdb, []string{keysFor(therapistID).bookingPrefix(), keysFor(therapistID).client(email)}, ms(s.now())).Int()
	if err != nil {
		return 0, fmt.Errorf("upcoming bookings with %s: %w", therapistID, err)
	}
	return n, nil
}
