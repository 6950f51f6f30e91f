package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/mailer"
)

// handleCancelled removes the event from the client's calendar and tells
// the therapist.
func (h *Handlers) handleCancelled(ctx context.Context, t *asynq.Task) error {
	p, err := decode[CancelledPayload](t)
	if err != nil {
		return err
	}
	b, ok, err := h.current(ctx, t.Type(), p.BookingRef, booking.StatusCancelled)
	if !ok || err != nil {
		return err
	}
	if err := h.send(ctx, b, fmt.Sprintf("cancel:%d", b.Seq), h.Compose.Cancel); err != nil {
		return err
	}
	return h.send(ctx, b, fmt.Sprintf("notice:cancelled:%d", b.Seq), h.Compose.TherapistCancelled)
}

// handleUpdated moves the event in the client's calendar, tells the
// therapist and schedules the new version's reminders. A booking still
// held needs nothing here: its confirm sends the invite with the new time.
func (h *Handlers) handleUpdated(ctx context.Context, t *asynq.Task) error {
	p, err := decode[UpdatedPayload](t)
	if err != nil {
		return err
	}
	b, ok, err := h.current(ctx, t.Type(), p.BookingRef, booking.StatusConfirmed)
	if !ok || err != nil {
		return err
	}
	if err := h.Queue.ScheduleFollowUps(ctx, b); err != nil {
		return err
	}
	prev := time.Unix(p.PrevStart, 0).UTC()
	err = h.send(ctx, b, fmt.Sprintf("update:%d", b.Seq), func(b booking.Booking) (*mailer.Message, error) {
		return h.Compose.Update(b, prev)
	})
	if err != nil {
		return err
	}
	return h.send(ctx, b, fmt.Sprintf("notice:changed:%d", b.Seq), func(b booking.Booking) (*mailer.Message, error) {
		return h.Compose.TherapistChanged(b, prev)
	})
}

// Cancel tells the client the session is off and removes the event from
// their calendar (METHOD:CANCEL, same UID, higher SEQUENCE).
func (c *Composer) Cancel(b booking.Booking) (*mailer.Message, error) {
	data, _, _ := c.facts(b)
	return c.withEvent(b, "cancel", data, calendar.MethodCancel)
}

// Update moves the event in the client's calendar (REQUEST, same UID,
// higher SEQUENCE, new times).
func (c *Composer) Update(b booking.Booking, prevStart time.Time) (*mailer.Message, error) {
	data, _, _ := c.facts(b)
	data.PreviousWhen = c.previous(b, prevStart, b.TimeZone)
	return c.withEvent(b, "update", data, calendar.MethodRequest)
}

// TherapistCancelled tells the therapist a session was cancelled.
func (c *Composer) TherapistCancelled(b booking.Booking) (*mailer.Message, error) {
	return c.toTherapist(b, "therapist_cancelled", time.Time{})
}

// TherapistChanged tells the therapist a session moved.
func (c *Composer) TherapistChanged(b booking.Booking, prevStart time.Time) (*mailer.Message, error) {
	return c.toTherapist(b, "therapist_changed", prevStart)
}

// previous formats the old time of a moved session in the client's zone
// (or the therapist's, when zone is empty).
func (c *Composer) previous(b booking.Booking, prevStart time.Time, zone string) string {
	th, _ := c.cfg.Therapist(b.TherapistID)
	loc := calendar.ZoneOr(zone, th.Location())
	return FormatWhen(prevStart, prevStart.Add(b.End.Sub(b.Start)), loc)
}
