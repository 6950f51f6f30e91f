package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/mailer"
)

// current re-reads the booking of a task and reports whether the task
// still speaks for it: the booking exists, is in one of the wanted states
// and has the task's sequence. Anything else is a stale task, dropped.
func (h *Handlers) current(ctx context.Context, t *asynq.Task, want ...booking.Status) (booking.Booking, Payload, bool, error) {
	p, err := decodePayload(t)
	if err != nil {
		return booking.Booking{}, p, false, err
	}
	b, err := h.Store.Get(ctx, p.BookingID)
	if errors.Is(err, booking.ErrNotFound) {
		return b, p, false, nil
	}
	if err != nil {
		return b, p, false, err
	}
	for _, s := range want {
		if b.Status == s && b.Seq == p.Seq {
			return b, p, true, nil
		}
	}
	h.Logger.Info("stale task dropped", "type", t.Type(), "booking", b.ID, "task_seq", p.Seq, "seq", b.Seq, "status", b.Status)
	return b, p, false, nil
}

// handleReminder sends one reminder, unless the booking moved, was
// cancelled or has already begun.
func (h *Handlers) handleReminder(ctx context.Context, t *asynq.Task) error {
	b, p, ok, err := h.current(ctx, t, booking.StatusConfirmed)
	if !ok || err != nil {
		return err
	}
	if !h.Now().Before(b.Start) {
		h.Logger.Warn("reminder dropped: the session has begun", "booking", b.ID, "offset", p.Offset)
		return nil
	}
	return h.send(ctx, b, fmt.Sprintf("remind:%d:%s", b.Seq, p.Offset), func(b booking.Booking) (*mailer.Message, error) {
		return h.Compose.Reminder(b, p.Offset)
	})
}

// handleReflect sends the reflection prompt after a session, unless the
// client opted out.
func (h *Handlers) handleReflect(ctx context.Context, t *asynq.Task) error {
	b, _, ok, err := h.current(ctx, t, booking.StatusConfirmed)
	if !ok || err != nil {
		return err
	}
	out, err := h.Store.OptedOut(ctx, b.Email)
	if err != nil || out {
		return err
	}
	next, err := h.Store.HasUpcoming(ctx, b, h.Config.Booking.Horizon)
	if err != nil {
		return err
	}
	return h.send(ctx, b, fmt.Sprintf("reflect:%d", b.Seq), func(b booking.Booking) (*mailer.Message, error) {
		return h.Compose.Reflection(b, next)
	})
}

// handleCancelled removes the event from the client's calendar and tells
// the therapist.
func (h *Handlers) handleCancelled(ctx context.Context, t *asynq.Task) error {
	b, _, ok, err := h.current(ctx, t, booking.StatusCancelled)
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
	b, p, ok, err := h.current(ctx, t, booking.StatusConfirmed)
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

// send is sendOnce for follow-up mail: a permanent refusal ends the task
// (retrying cannot help) and is logged without the address.
func (h *Handlers) send(ctx context.Context, b booking.Booking, what string, build func(booking.Booking) (*mailer.Message, error)) error {
	err := h.sendOnce(ctx, b, what, build)
	if errors.Is(err, errRefused) {
		h.Logger.Warn("message refused by the mail server", "booking", b.ID, "message", what, "err", err)
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	return err
}
