package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/mailer"
)

// handleConfirm sends the client's invite and the therapist's notice for a
// new booking, then marks it confirmed.
func (h *Handlers) handleConfirm(ctx context.Context, t *asynq.Task) error {
	p, err := decode[ConfirmPayload](t)
	if err != nil {
		return err
	}
	// The booking and both sent-markers in one round trip; the invite's
	// marker is named by the sequence the task was made for, read again
	// below if the booking has moved on since.
	const notice = "notice:booked"
	b, sent, err := h.Store.GetSent(ctx, p.BookingID, fmt.Sprintf("invite:%d", p.Seq), notice)
	if errors.Is(err, booking.ErrNotFound) {
		h.Logger.Info("confirm skipped: booking released", "booking", p.BookingID)
		return nil
	}
	if err != nil {
		return err
	}
	if b.Status != booking.StatusHeld {
		if b.Status == booking.StatusConfirmed {
			// A run of this task that confirmed it may have stopped
			// before it queued the calendar copy; queueing it again is a
			// no-op when it did.
			return h.Queue.CalendarCopy(ctx, b)
		}
		return nil
	}
	invite := bookingMarker(b.ID, fmt.Sprintf("invite:%d", b.Seq))
	inviteSent := sent[0]
	if b.Seq != p.Seq {
		if inviteSent, err = h.isSent(ctx, invite); err != nil {
			return err
		}
	}
	if !inviteSent {
		_, err = h.deliverUnsent(ctx, invite, true, func() (*mailer.Message, error) { return h.Compose.Invite(b) })
	}
	if errors.Is(err, errRefused) {
		return h.flagUndeliverable(ctx, b, err)
	}
	if err != nil {
		return err
	}
	// The notice's marker, when it goes out now, is written with the
	// confirm in one round trip.
	noticeMarker, noticeOut := bookingMarker(b.ID, notice), false
	if !sent[1] {
		noticeOut, err = h.deliverUnsent(ctx, noticeMarker, false, func() (*mailer.Message, error) { return h.Compose.TherapistBooked(b) })
	}
	if err != nil {
		if !errors.Is(err, errRefused) {
			return err
		}
		h.Logger.Error("therapist notice refused: check the therapist's email in the config", "booking", b.ID, "err", err)
	}
	var confirmed booking.Booking
	if noticeOut {
		var markErr error
		confirmed, markErr, err = h.Store.MarkSentConfirm(ctx, b.ID, notice, b.Seq)
		h.markedSent(ctx, noticeMarker, markErr)
	} else {
		confirmed, err = h.Store.Confirm(ctx, b.ID, b.Seq)
	}
	switch {
	case errors.Is(err, booking.ErrNotLive):
		return nil // cancelled meanwhile: the cancel task speaks to the client
	case errors.Is(err, booking.ErrStale):
		// Moved while the invite went out: try again, which sends the
		// invite of the new version (same UID, higher SEQUENCE).
		return fmt.Errorf("booking %s moved during confirm", b.ID)
	case err != nil:
		return err
	}
	if err := h.Queue.ScheduleFollowUps(ctx, confirmed); err != nil {
		return err
	}
	if err := h.Queue.CalendarCopy(ctx, confirmed); err != nil {
		return err
	}
	h.Logger.Info("booking confirmed", "booking", b.ID)
	return nil
}

// flagUndeliverable marks a booking whose client address refused mail and
// tells the therapist; the task then stops for good.
func (h *Handlers) flagUndeliverable(ctx context.Context, b booking.Booking, cause error) error {
	if err := h.Store.SetFlag(ctx, b.ID, FlagUndeliverable); err != nil {
		return err
	}
	h.Logger.Warn("client address refused the invite: booking flagged", "booking", b.ID, "err", cause)
	if err := h.sendOnce(ctx, b, "notice:flagged", h.Compose.TherapistFlagged); err != nil && !errors.Is(err, errRefused) {
		return err
	}
	return fmt.Errorf("%w: %w", cause, asynq.SkipRetry)
}

// FlagUndeliverable marks a booking whose client address refused mail.
const FlagUndeliverable = "undeliverable"

// Invite is the client's email with the calendar event (REQUEST).
func (c *Composer) Invite(b booking.Booking) (*mailer.Message, error) {
	data, _, _ := c.facts(b)
	return c.withEvent(b, "invite", data, calendar.MethodRequest)
}

// TherapistBooked tells the therapist of a new booking: when, which type, a
// link to it. Never the client's note.
func (c *Composer) TherapistBooked(b booking.Booking) (*mailer.Message, error) {
	return c.toTherapist(b, "therapist_booked", time.Time{})
}

// TherapistFlagged tells the therapist a client's address refused mail.
func (c *Composer) TherapistFlagged(b booking.Booking) (*mailer.Message, error) {
	return c.toTherapist(b, "therapist_flagged", time.Time{})
}
