package jobs

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/config"
)

// Enqueuer puts tasks on the queue. Every task has a deterministic ID, so
// enqueueing the same work twice (a retried request, the sweep, two
// processes) is a no-op, and cancel or reschedule can delete by ID.
type Enqueuer struct {
	client    *asynq.Client
	inspector *asynq.Inspector
	cfg       *config.Config
	now       func() time.Time
}

// NewEnqueuer wraps an asynq client and inspector.
func NewEnqueuer(c *asynq.Client, i *asynq.Inspector, cfg *config.Config, now func() time.Time) *Enqueuer {
	return &Enqueuer{client: c, inspector: i, cfg: cfg, now: now}
}

// Confirm queues the invite and notice of a new booking.
func (e *Enqueuer) Confirm(ctx context.Context, bookingID string, seq int) error {
	return e.enqueue(ctx, newTask(TypeConfirm, Payload{BookingID: bookingID, Seq: seq}), "confirm:"+bookingID)
}

// Cancelled queues the emails for a cancelled booking (seq is the
// booking's sequence after the cancel).
func (e *Enqueuer) Cancelled(ctx context.Context, bookingID string, seq int) error {
	return e.enqueue(ctx, newTask(TypeCancelled, Payload{BookingID: bookingID, Seq: seq}), fmt.Sprintf("cancel:%s:%d", bookingID, seq))
}

// Updated queues the emails for a moved booking.
func (e *Enqueuer) Updated(ctx context.Context, bookingID string, seq int, prevStart time.Time) error {
	p := Payload{BookingID: bookingID, Seq: seq, PrevStart: prevStart.Unix()}
	return e.enqueue(ctx, newTask(TypeUpdated, p), fmt.Sprintf("update:%s:%d", bookingID, seq))
}

// ScheduleFollowUps queues the reminders still ahead and the reflection
// prompt for this version of the booking.
func (e *Enqueuer) ScheduleFollowUps(ctx context.Context, b booking.Booking) error {
	now := e.now()
	for _, before := range e.cfg.Reminders.Before {
		at := b.Start.Add(-before)
		if !at.After(now) {
			continue
		}
		p := Payload{BookingID: b.ID, Seq: b.Seq, Offset: FormatOffset(before)}
		if err := e.enqueue(ctx, newTask(TypeReminder, p), reminderID(b.ID, b.Seq, before), asynq.ProcessAt(at)); err != nil {
			return err
		}
	}
	if !e.cfg.Reflection.Enabled {
		return nil
	}
	p := Payload{BookingID: b.ID, Seq: b.Seq}
	return e.enqueue(ctx, newTask(TypeReflect, p), reflectID(b.ID, b.Seq), asynq.ProcessAt(b.End.Add(e.cfg.Reflection.After)))
}

// DropFollowUps deletes the reminders and prompt of one version of a
// booking. Handlers would drop them anyway (they check the sequence); this
// keeps the queue clean.
func (e *Enqueuer) DropFollowUps(ctx context.Context, bookingID string, seq int) error {
	ids := []string{reflectID(bookingID, seq)}
	for _, before := range e.cfg.Reminders.Before {
		ids = append(ids, reminderID(bookingID, seq, before))
	}
	var errs []error
	for _, id := range ids {
		err := e.inspector.DeleteTask(Queue, id)
		if err != nil && !errors.Is(err, asynq.ErrTaskNotFound) && !errors.Is(err, asynq.ErrQueueNotFound) {
			errs = append(errs, fmt.Errorf("delete %s: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

func reminderID(id string, seq int, before time.Duration) string {
	return fmt.Sprintf("remind:%s:%d:%s", id, seq, FormatOffset(before))
}

func reflectID(id string, seq int) string { return fmt.Sprintf("reflect:%s:%d", id, seq) }

// FormatOffset writes a reminder offset compactly: 24h, 90m, 45s.
func FormatOffset(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	}
	return strconv.FormatInt(int64(d/time.Second), 10) + "s"
}

func (e *Enqueuer) enqueue(ctx context.Context, t *asynq.Task, id string, opts ...asynq.Option) error {
	opts = append([]asynq.Option{asynq.TaskID(id), asynq.Queue(Queue), asynq.MaxRetry(mailRetries), asynq.Retention(retention)}, opts...)
	_, err := e.client.EnqueueContext(ctx, t, opts...)
	if errors.Is(err, asynq.ErrTaskIDConflict) || errors.Is(err, asynq.ErrDuplicateTask) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("enqueue %s: %w", id, err)
	}
	return nil
}
