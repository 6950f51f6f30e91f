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
	b, err := h.Store.Get(ctx, p.BookingID)
	if errors.Is(err, booking.ErrNotFound) {
		h.Logger.Info("confirm skipped: booking released", "booking", p.BookingID)
		return nil
	}
	if err != nil {
		return err
	}
	if b.Status != booking.StatusHeld {
		return nil
	}
	err = h.sendOnce(ctx, b, fmt.Sprintf("invite:%d", b.Seq), h.Compose.Invite)
	if errors.Is(err, errRefused) {
		return h.flagUndeliverable(ctx, b, err)
	}
	if err != nil {
		return err
	}
	if err := h.sendOnce(ctx, b, "notice:booked", h.Compose.TherapistBooked); err != nil {
		if !errors.Is(err, errRefused) {
			return err
		}
		h.Logger.Error("therapist notice refused: check the therapist's email in the config", "booking", b.ID, "err", err)
	}
	confirmed, err := h.Store.Confirm(ctx, b.ID, b.Seq)
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
