package main

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/jobs"
)

// reminderOffset is the offset the synthetic reminders carry; the bench
// chooses their due times itself, spread evenly over the window.
const reminderOffset = 24 * time.Hour

// reminderResult is row 3 and the worker half of row 4.
type reminderResult struct {
	n, arrived, lost, dupes, enqueuedLate int
	window                                time.Duration
	lateness                              latencies
	createRate                            float64
	rss                                   []int64 // worker VmRSS samples during the window
	heapLive                              []int64
	cpu                                   cpuUse
	cpuSamples                            []cpuSnap
	roundTrips                            map[string]int
	queuedAhead                           time.Duration // how long before the window the last reminder was queued
	tenths                                [10]tenth
}

// runReminders confirms n bookings, schedules one reminder each with due
// times spread over window, and measures each reminder's arrival at the
// sink against its due time, with the worker left by runWorker.
func (b *bench) runReminders(ctx context.Context, w *child, n int, window time.Duration) (reminderResult, error) {
	r := reminderResult{n: n, window: window}
	b.progress("reminders: confirming %d bookings", n)
	t0 := time.Now()
	ids, err := b.confirmed(ctx, farDay(900), n, 2_000_000)
	if err != nil {
		return r, err
	}
	r.createRate = rate(n, time.Since(t0))
	// Enqueueing one task costs less than confirming a booking (two
	// scripts); the lead lets every task be queued before it is due.
	lead := 3*time.Second + time.Duration(float64(n)/(1.5*r.createRate)*float64(time.Second))
	// Real due times are whole seconds (slot starts minus whole offsets),
	// and asynq keeps them so; the synthetic ones are too.
	start := time.Now().Add(lead).Truncate(time.Second).Add(time.Second)
	due := func(i int) time.Time {
		return start.Add(time.Duration(i) * window / time.Duration(n)).Truncate(time.Second)
	}
	index := make(map[string]int, n)
	for i, id := range ids {
		index[id] = i
	}
	c0 := b.sink.count()
	b.progress("reminders: scheduling %d reminders due over %s from %s on", n, window, start.Format("15:04:05"))
	if r.enqueuedLate, err = b.scheduleReminders(ctx, ids, due); err != nil {
		return r, err
	}
	r.queuedAhead = time.Until(start)
	stopSampling := b.sample(w, &r)
	if b.opts.cpuProfileDir != "" {
		time.Sleep(time.Until(start))
		if _, err := w.call("cpu-start " + b.profilePath("worker-reminders", "worker-reminders")); err != nil {
			return r, err
		}
	}
	deadline, cancel := context.WithDeadline(ctx, start.Add(window+b.opts.drain))
	defer cancel()
	time.Sleep(time.Until(start))
	cpu0 := b.cpuNow(w)
	waitErr := b.sink.waitFor(deadline, c0+n)
	r.cpu = cpu0.to(b.cpuNow(w))
	stopSampling()
	if b.opts.cpuProfileDir != "" {
		if _, err := w.call("cpu-stop"); err != nil {
			return r, err
		}
	}
	if waitErr != nil && ctx.Err() != nil {
		return r, ctx.Err()
	}
	arrivals := b.sink.since(c0)
	r.tally(arrivals, index, due)
	r.splitTenths(arrivals, start, window)
	b.progress("reminders: counting Redis round trips per reminder")
	const k = 100
	r.roundTrips, _, err = b.workerRoundTrips(ctx, k, func() error {
		ids, err := b.confirmed(ctx, farDay(890), k, 4_000_000)
		if err != nil {
			return err
		}
		soon := time.Now().Add(time.Second)
		_, err = b.scheduleReminders(ctx, ids, func(int) time.Time { return soon })
		return err
	})
	return r, err
}

// confirmed makes n confirmed bookings 15 minutes apart from from on.
func (b *bench) confirmed(ctx context.Context, from time.Time, n, seed int) ([]string, error) {
	ids := make([]string, n)
	err := forEach(n, 32, func(i int) error {
		got, _, err := b.store.Claim(ctx, syntheticBooking(from.Add(time.Duration(i)*15*time.Minute), seed+i), "", booking.Guard{})
		if err != nil {
			return err
		}
		ids[i] = got.ID
		_, err = b.store.Confirm(ctx, got.ID, got.Seq)
		return err
	})
	return ids, err
}

// scheduleReminders queues one reminder per booking, due at due(i), as
// jobs.Enqueuer.ScheduleFollowUps does (type, payload, ID and options),
// in order of due time; it counts those queued after they were due.
func (b *bench) scheduleReminders(ctx context.Context, ids []string, due func(int) time.Time) (int, error) {
	var late atomic.Int64
	err := forEach(len(ids), 32, func(i int) error {
		_, err := b.queue.EnqueueContext(ctx, jobs.NewReminderTask(ids[i], 0, reminderOffset),
			asynq.TaskID(jobs.ReminderTaskID(ids[i], 0, reminderOffset)), asynq.Queue(jobs.Queue),
			asynq.MaxRetry(25), asynq.Retention(24*time.Hour), asynq.ProcessAt(due(i)))
		if time.Now().After(due(i)) {
			late.Add(1)
		}
		return err
	})
	return int(late.Load()), err
}
