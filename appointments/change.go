package appointments

import (
	"context"
	"errors"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/config"
)

// Get reads a booking; ErrNotFound when there is none.
func (s *Service) Get(ctx context.Context, id string) (booking.Booking, error) {
	b, err := s.store.Get(ctx, id)
	switch {
	case errors.Is(err, booking.ErrNotFound):
		return b, ErrNotFound
	case err != nil:
		return b, failed(ErrUnavailable, "get", err)
	}
	return b, nil
}

// Late reports whether the session starts inside the late-cancel window.
func (s *Service) Late(b booking.Booking) bool {
	return b.Start.Sub(s.now()) < s.cfg.Cancellation.LateWindow
}

// LockedByPolicy reports whether the policy keeps the client from changing
// the booking online now.
func (s *Service) LockedByPolicy(b booking.Booking) bool {
	return s.Late(b) && !s.cfg.Cancellation.AllowLate
}

// Cancel is the client's cancel: held to the late-cancel policy.
func (s *Service) Cancel(ctx context.Context, b booking.Booking) (booking.Booking, error) {
	if b.Status != booking.StatusCancelled && s.LockedByPolicy(b) {
		return b, ErrLate
	}
	return s.CancelByPractice(ctx, b)
}

// CancelByPractice cancels a live booking once, late or not (the
// late-cancel policy binds clients, not the practice): the slot is freed,
// the client's event is removed by the cancel task, the follow-ups are
// deleted. A second cancel changes nothing and sends nothing.
func (s *Service) CancelByPractice(ctx context.Context, b booking.Booking) (booking.Booking, error) {
	if b.Status == booking.StatusCancelled {
		return b, nil
	}
	c, changed, err := s.store.Cancel(ctx, b.ID)
	if err != nil {
		return b, failed(ErrUnavailable, "cancel", err)
	}
	if !changed {
		return c, nil
	}
	s.logger.InfoContext(ctx, "booking cancelled", "booking", c.ID)
	s.afterChange(ctx, c, b, s.queue.Cancelled(ctx, c.ID, c.Seq))
	return c, nil
}

// Move moves a live booking to start: the new slot is claimed and
// the old one freed in one step, so at no moment are both or neither held.
func (s *Service) Move(ctx context.Context, b booking.Booking, start time.Time) (booking.Booking, error) {
	if !b.Status.Live() {
		return b, ErrNotLive
	}
	if s.LockedByPolicy(b) {
		return b, ErrLate
	}
	th, _ := s.cfg.Therapist(b.TherapistID)
	st, _ := s.cfg.SessionType(b.Type)
	if _, err := s.onSchedule([]config.Therapist{th}, st, start); err != nil {
		return b, err
	}
	moved, err := s.store.Reschedule(ctx, b.ID, start, start.Add(st.Duration), s.guard(th, start))
	var refused refusals
	switch {
	case refused.add(err):
		return b, refused.reason(1)
	case errors.Is(err, booking.ErrNotLive):
		return b, ErrNotLive
	case err != nil:
		return b, failed(ErrUnavailable, "reschedule", err)
	}
	if moved.Seq == b.Seq {
		return moved, nil // same time as before: nothing changed
	}
	s.logger.InfoContext(ctx, "booking moved", "booking", moved.ID)
	s.afterChange(ctx, moved, b, s.queue.Updated(ctx, moved.ID, moved.Seq, b.Start))
	return moved, nil
}

// afterChange deletes the old version's follow-ups. The change itself has
// taken effect; a failed enqueue of its emails is logged (handlers would
// still drop every stale follow-up by its sequence).
func (s *Service) afterChange(ctx context.Context, now, before booking.Booking, enqueueErr error) {
	if enqueueErr != nil {
		s.logger.ErrorContext(ctx, "change saved but its emails could not be queued", "booking", now.ID, "err", enqueueErr)
	}
	if err := s.queue.DropFollowUps(ctx, before.ID, before.Seq); err != nil {
		s.logger.WarnContext(ctx, "old follow-ups not deleted; they will be dropped when due", "booking", before.ID, "err", err)
	}
}
