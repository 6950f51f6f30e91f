package appointments

import (
	"context"
	"errors"

	"github.com/consultd/consultd/booking"
)

// Approve answers a pending request yes: it becomes a held booking and its
// confirm sends the invite and schedules the follow-ups, as for any
// booking. Approving it again changes and sends nothing; approving one
// that was declined or expired is ErrAnswered.
func (s *Service) Approve(ctx context.Context, id string) (booking.Booking, error) {
	b, changed, err := s.store.Approve(ctx, id)
	switch {
	case errors.Is(err, booking.ErrNotFound):
		return b, ErrNotFound
	case errors.Is(err, booking.ErrNotPending):
		return s.answered(ctx, id)
	case err != nil:
		return b, failed(ErrUnavailable, "approve", err)
	}
	if !changed {
		return b, nil
	}
	s.logger.InfoContext(ctx, "request approved", "booking", b.ID)
	if err := s.queue.Confirm(ctx, b.ID, b.Seq); err != nil {
		// The sweep queues the confirm of a held booking it finds without one.
		s.logger.ErrorContext(ctx, "approved but its confirm could not be queued", "booking", b.ID, "err", err)
	}
	return b, nil
}

// Decline answers a pending request no: its slot is freed and the client
// is told kindly, with message (may be empty). Declining it again changes
// and sends nothing; declining one that was approved is ErrAnswered.
func (s *Service) Decline(ctx context.Context, id, message string) (booking.Booking, error) {
	b, changed, err := s.store.Decline(ctx, id, message)
	switch {
	case errors.Is(err, booking.ErrNotFound):
		return b, ErrNotFound
	case errors.Is(err, booking.ErrNotPending):
		return s.answered(ctx, id)
	case err != nil:
		return b, failed(ErrUnavailable, "decline", err)
	}
	if !changed {
		return b, nil
	}
	s.logger.InfoContext(ctx, "request declined", "booking", b.ID)
	if err := s.queue.Declined(ctx, b.ID, b.Seq); err != nil {
		s.logger.ErrorContext(ctx, "declined but its email could not be queued", "booking", b.ID, "err", err)
	}
	return b, nil
}

// answered is the refusal of an approve or decline that came too late,
// with the booking as it stands.
func (s *Service) answered(ctx context.Context, id string) (booking.Booking, error) {
	b, err := s.Get(ctx, id)
	if err != nil {
		return b, err
	}
	return b, ErrAnswered
}
