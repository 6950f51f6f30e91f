package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/config"
)

var (
	errNotLive = &apiError{Status: http.StatusConflict, Msg: "this appointment has been cancelled and can no longer be changed"}
	errLate    = &apiError{Status: http.StatusConflict, Msg: "this appointment is too close to change online: please contact the practice"}
)

// managedBooking resolves a manage token to its booking: 403 for a forged
// or expired link, 404 when the booking is gone.
func (s *Server) managedBooking(ctx context.Context, tok string) (booking.Booking, error) {
	id, err := s.Links.VerifyManage(tok)
	if err != nil {
		return booking.Booking{}, &apiError{Status: http.StatusForbidden, Msg: err.Error()}
	}
	b, err := s.Store.Get(ctx, id)
	if errors.Is(err, booking.ErrNotFound) {
		return b, &apiError{Status: http.StatusNotFound, Msg: "this appointment no longer exists"}
	}
	if err != nil {
		return b, s.unavailable(ctx, "get", err)
	}
	return b, nil
}

// late reports whether the session starts inside the late-cancel window.
func (s *Server) late(b booking.Booking) bool {
	return b.Start.Sub(s.Now()) < s.Config.Cancellation.LateWindow
}

// lockedByPolicy reports whether the policy keeps the client from changing
// the booking online now.
func (s *Server) lockedByPolicy(b booking.Booking) bool {
	return s.late(b) && !s.Config.Cancellation.AllowLate
}

// cancel is the client's cancel: held to the late-cancel policy.
func (s *Server) cancel(ctx context.Context, b booking.Booking) (booking.Booking, error) {
	if b.Status != booking.StatusCancelled && s.lockedByPolicy(b) {
		return b, errLate
	}
	return s.cancelAnyTime(ctx, b)
}

// cancelAnyTime cancels a live booking once: the slot is freed, the client's
// event is removed by the cancel task, the follow-ups are deleted. A second
// cancel changes nothing and sends nothing. The practice cancels through it
// directly, since the late-cancel policy binds clients, not the practice.
func (s *Server) cancelAnyTime(ctx context.Context, b booking.Booking) (booking.Booking, error) {
	if b.Status == booking.StatusCancelled {
		return b, nil
	}
	c, changed, err := s.Store.Cancel(ctx, b.ID)
	if err != nil {
		return b, s.unavailable(ctx, "cancel", err)
	}
	if !changed {
		return c, nil
	}
	s.Logger.InfoContext(ctx, "booking cancelled", "booking", c.ID)
	s.afterChange(ctx, c, b, s.Queue.Cancelled(ctx, c.ID, c.Seq))
	return c, nil
}

// reschedule moves a live booking to start: the new slot is claimed and the
// old one freed in one step, so at no moment are both or neither held.
func (s *Server) reschedule(ctx context.Context, b booking.Booking, start time.Time) (booking.Booking, error) {
	if !b.Status.Live() {
		return b, errNotLive
	}
	if s.lockedByPolicy(b) {
		return b, errLate
	}
	th, _ := s.Config.Therapist(b.TherapistID)
	st, _ := s.Config.SessionType(b.Type)
	if _, err := s.bookableWith(ctx, []config.Therapist{th}, st, start); err != nil {
		return b, err
	}
	moved, err := s.Store.Reschedule(ctx, b.ID, start, start.Add(st.Duration))
	switch {
	case errors.Is(err, booking.ErrSlotTaken):
		return b, errTaken
	case errors.Is(err, booking.ErrNotLive):
		return b, errNotLive
	case err != nil:
		return b, s.unavailable(ctx, "reschedule", err)
	}
	if moved.Seq == b.Seq {
		return moved, nil // same time as before: nothing changed
	}
	s.Logger.InfoContext(ctx, "booking moved", "booking", moved.ID)
	s.afterChange(ctx, moved, b, s.Queue.Updated(ctx, moved.ID, moved.Seq, b.Start))
	return moved, nil
}

// afterChange deletes the old version's follow-ups. The change itself has
// taken effect; a failed enqueue of its emails is logged (handlers would
// still drop every stale follow-up by its sequence).
func (s *Server) afterChange(ctx context.Context, now, before booking.Booking, enqueueErr error) {
	if enqueueErr != nil {
		s.Logger.ErrorContext(ctx, "change saved but its emails could not be queued", "booking", now.ID, "err", enqueueErr)
	}
	if err := s.Queue.DropFollowUps(ctx, before.ID, before.Seq); err != nil {
		s.Logger.WarnContext(ctx, "old follow-ups not deleted; they will be dropped when due", "booking", before.ID, "err", err)
	}
}
