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

// sweepGrace leaves a new hold alone while its confirm task is on its way.
const sweepGrace = 2 * time.Minute

// handleSweep finds held bookings that would otherwise stay held for ever:
// one whose confirm task is gone is queued again; one whose confirm failed
// for good (address refused, retries exhausted) is released. Requests
// awaiting approval past approval.expires are released (see
// sweepRequests).
func (h *Handlers) handleSweep(ctx context.Context, _ *asynq.Task) error {
	errs := []error{h.queueDigests(ctx)}
	for _, th := range h.Config.Therapists {
		held, err := h.Store.Held(ctx, th.ID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, b := range held {
			if err := h.sweepOne(ctx, b); err != nil {
				errs = append(errs, err)
			}
		}
		errs = append(errs, h.sweepRequests(ctx, th.ID))
	}
	return errors.Join(errs...)
}

func (h *Handlers) sweepOne(ctx context.Context, b booking.Booking) error {
	if h.Now().Sub(b.CreatedAt) < sweepGrace {
		return nil
	}
	// An occurrence of a series is confirmed by its series' task.
	taskID, requeue := ConfirmTaskID(b.ID), func() error { return h.Queue.Confirm(ctx, b.ID, b.Seq) }
	if b.Series != "" {
		taskID, requeue = SeriesTaskID(b.Series), func() error { return h.Queue.ConfirmSeries(ctx, b.Series) }
	}
	state, found, err := h.Queue.taskState(taskID)
	if err != nil {
		return err
	}
	switch {
	case b.Flag == FlagUndeliverable || (found && state == asynq.TaskStateArchived):
		return h.release(ctx, b)
	case !found:
		h.Logger.Warn("held booking had no confirm task: queued again", "booking", b.ID, "series", b.Series)
		return requeue()
	}
	return nil
}

// release frees a hold that cannot be confirmed and tells the therapist.
func (h *Handlers) release(ctx context.Context, b booking.Booking) error {
	if err := h.send(ctx, b, "notice:released", h.Compose.TherapistReleased); err != nil && !errors.Is(err, asynq.SkipRetry) {
		return err
	}
	if err := h.Store.Release(ctx, b.ID); err != nil && !errors.Is(err, booking.ErrNotHeld) && !errors.Is(err, booking.ErrNotFound) {
		return fmt.Errorf("release %s: %w", b.ID, err)
	}
	h.Logger.Warn("hold released: it could not be confirmed", "booking", b.ID)
	return nil
}

// TherapistReleased tells the therapist a hold that could not be confirmed
// was let go, so the time is free again.
func (c *Composer) TherapistReleased(b booking.Booking) (*mailer.Message, error) {
	return c.toTherapist(b, "therapist_released", time.Time{})
}
