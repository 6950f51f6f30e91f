package jobs

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
)

// Queue is the asynq queue every task of the service uses.
const Queue = "default"

// mailRetries bounds how often a mail task is tried: with retryDelay that
// is about a day before a task is archived, long enough to ride out an
// SMTP outage. Never 0: a killed worker's task comes back as a retry.
const mailRetries = 25

// retention keeps finished tasks (and so their IDs) for a while, so a
// duplicate enqueue of the same work is refused rather than run twice.
const retention = 24 * time.Hour

// RetryDelay waits 5 s after the first failure and doubles up to 15
// minutes (a calendar copy: 1 s, up to 2 minutes): a passing SMTP hiccup is retried within seconds, a long outage
// is not hammered.
func RetryDelay(n int, _ error, t *asynq.Task) time.Duration {
	first, most := 5*time.Second, 15*time.Minute
	if t != nil && t.Type() == TypeCalendar {
		// A calendar server back from an outage should show the sessions
		// booked meanwhile within minutes, not a quarter of an hour.
		first, most = time.Second, 2*time.Minute
	}
	d := first
	for i := 0; i < n && d < most; i++ {
		d *= 2
	}
	return min(d, most)
}

// calendarRetries is how often a calendar copy is tried: at most every
// two minutes, that is about ten hours of outage.
const calendarRetries = 300

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
	return e.enqueue(ctx, NewConfirmTask(bookingID, seq), ConfirmTaskID(bookingID))
}

// Requested queues the "request received" email and the therapist's
// approval notice of a new pending request.
func (e *Enqueuer) Requested(ctx context.Context, bookingID string, seq int) error {
	return e.enqueue(ctx, NewRequestTask(bookingID, seq), RequestTaskID(bookingID))
}

// Declined queues the client's email of a declined request.
func (e *Enqueuer) Declined(ctx context.Context, bookingID string, seq int) error {
	return e.enqueue(ctx, NewDeclinedTask(bookingID, seq, false), DeclinedTaskID(bookingID))
}

// expire queues the release of a request left unanswered, and its email.
func (e *Enqueuer) expire(ctx context.Context, bookingID string, seq int) error {
	return e.enqueue(ctx, NewDeclinedTask(bookingID, seq, true), DeclinedTaskID(bookingID))
}

// ConfirmSeries queues the one invite and notice of a new series.
func (e *Enqueuer) ConfirmSeries(ctx context.Context, seriesID string) error {
	return e.enqueue(ctx, NewSeriesTask(seriesID), SeriesTaskID(seriesID))
}

// SeriesChanged queues the emails of one change to a series.
func (e *Enqueuer) SeriesChanged(ctx context.Context, seriesID string, seq int, bookingID, kind string, note *booking.PracticeNote, reason string) error {
	return e.enqueue(ctx, NewSeriesChangeTask(seriesID, seq, bookingID, kind, note, reason), SeriesChangeTaskID(seriesID, seq))
}

// Cancelled queues the emails for a cancelled booking (seq is the
// booking's sequence after the cancel).
func (e *Enqueuer) Cancelled(ctx context.Context, bookingID string, seq int, note *booking.PracticeNote, reason string) error {
	return e.enqueue(ctx, NewCancelledTask(bookingID, seq, note, reason), CancelledTaskID(bookingID, seq))
}

// Updated queues the emails for a moved booking.
func (e *Enqueuer) Updated(ctx context.Context, bookingID string, seq int, prevStart time.Time, note *booking.PracticeNote) error {
	return e.enqueue(ctx, NewUpdatedTask(bookingID, seq, prevStart, note), UpdatedTaskID(bookingID, seq))
}

// CalendarCopy queues the write of the booking's current state into its
// therapist's CalDAV calendar, if the therapist has one.
func (e *Enqueuer) CalendarCopy(ctx context.Context, b booking.Booking) error {
	th, ok := e.cfg.Therapist(b.TherapistID)
	if !ok || !th.CalDAV.IsSet() {
		return nil
	}
	return e.enqueue(ctx, NewCalendarCopyTask(b), CalendarCopyTaskID(b.ID, b.Seq), asynq.MaxRetry(calendarRetries))
}

// ScheduleFollowUps queues the reminders still ahead and the reflection
// prompt (when its session type has one) for this version of the booking. asynq enqueues one task a call,
// so the calls go out together: the round trips overlap.
func (e *Enqueuer) ScheduleFollowUps(ctx context.Context, b booking.Booking) error {
	type followUp struct {
		task *asynq.Task
		id   string
		at   time.Time
	}
	now := e.now()
	ups := make([]followUp, 0, len(e.cfg.Reminders.Before)+1)
	for _, before := range e.cfg.Reminders.Before {
		at := b.Start.Add(-before)
		if !at.After(now) {
			continue
		}
		ups = append(ups, followUp{NewReminderTask(b.ID, b.Seq, before), ReminderTaskID(b.ID, b.Seq, before), at})
	}
	if st, _ := e.cfg.SessionType(b.Type); e.cfg.Reflection.Enabled && st.Reflects() {
		ups = append(ups, followUp{NewReflectTask(b.ID, b.Seq), ReflectTaskID(b.ID, b.Seq), b.End.Add(e.cfg.Reflection.After)})
	}
	errs := make([]error, len(ups))
	var wg sync.WaitGroup
	for i, u := range ups[min(1, len(ups)):] {
		wg.Go(func() { errs[i+1] = e.enqueue(ctx, u.task, u.id, asynq.ProcessAt(u.at)) })
	}
	if len(ups) > 0 {
		errs[0] = e.enqueue(ctx, ups[0].task, ups[0].id, asynq.ProcessAt(ups[0].at))
	}
	wg.Wait()
	return errors.Join(errs...)
}

// DropFollowUps deletes the reminders and prompt of one version of a
// booking. Handlers would drop them anyway (they check the sequence); this
// keeps the queue clean.
func (e *Enqueuer) DropFollowUps(ctx context.Context, bookingID string, seq int) error {
	ids := []string{ReflectTaskID(bookingID, seq)}
	for _, before := range e.cfg.Reminders.Before {
		ids = append(ids, ReminderTaskID(bookingID, seq, before))
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

// Digest queues one therapist's digest of date; its task ID makes it once
// per therapist and day, however many processes ask.
func (e *Enqueuer) Digest(ctx context.Context, therapistID string, date calendar.Date) error {
	return e.enqueue(ctx, NewDigestTask(therapistID, date), DigestTaskID(therapistID, date), asynq.Retention(48*time.Hour))
}

// confirmState is the state of a booking's confirm task, and whether there
// is one.
func (e *Enqueuer) taskState(taskID string) (asynq.TaskState, bool, error) {
	info, err := e.inspector.GetTaskInfo(Queue, taskID)
	if errors.Is(err, asynq.ErrTaskNotFound) || errors.Is(err, asynq.ErrQueueNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return info.State, true, nil
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
