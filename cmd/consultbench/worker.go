package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/jobs"
	"github.com/consultd/consultd/links"
	"github.com/consultd/consultd/mailer"
	"github.com/consultd/consultd/templates"
)

// farDay is where a phase's synthetic bookings start, days ahead: each
// phase books its own stretch of the calendar.
func farDay(days int) time.Time {
	return time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, days)
}

// forEach runs fn(i) for i in [0, n) on goroutines workers, stopping at
// the first error.
func forEach(n, goroutines int, fn func(i int) error) error {
	var (
		next atomic.Int64
		errs firstError
		wg   sync.WaitGroup
	)
	for range goroutines {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n && errs.get() == nil; i = int(next.Add(1) - 1) {
				if err := fn(i); err != nil {
					errs.set(err)
				}
			}
		})
	}
	wg.Wait()
	return errs.get()
}

// preloadHeld holds n bookings 15 minutes apart from from on and queues
// their confirm tasks, as the intake does.
func (b *bench) preloadHeld(ctx context.Context, from time.Time, n, seed int) ([]string, error) {
	ids := make([]string, n)
	err := forEach(n, 32, func(i int) error {
		got, _, err := b.store.Claim(ctx, syntheticBooking(from.Add(time.Duration(i)*15*time.Minute), seed+i), "", booking.Guard{})
		if err != nil {
			return err
		}
		ids[i] = got.ID
		return b.enqueuer.Confirm(ctx, got.ID, got.Seq)
	})
	return ids, err
}

// composeInvite builds the invite of a booking with the project's
// composer: the message the mail ceiling sends.
func (b *bench) composeInvite(ctx context.Context, id string) (*mailer.Message, error) {
	bk, err := b.store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	set, err := templates.Load(b.cfg.Templates.Dir, b.cfg.Languages...)
	if err != nil {
		return nil, err
	}
	l := links.New(b.cfg, links.NewSigner([]byte(benchSecret), time.Now), time.Now)
	c, err := jobs.NewComposer(b.cfg, set, l, time.Now)
	if err != nil {
		return nil, err
	}
	return c.Invite(bk)
}

// settled waits until no booking is held and the queue has nothing
// pending, running or waiting for a retry.
func (b *bench) settled(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		held, err := b.store.Held(ctx, "default")
		if err != nil {
			return err
		}
		q, err := b.inspector.GetQueueInfo(jobs.Queue)
		if err != nil {
			return err
		}
		if len(held) == 0 && q.Pending+q.Active+q.Retry == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not settled: %d held, %d pending, %d active, %d retry", len(held), q.Pending, q.Active, q.Retry)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// workerResult is row 2 and the Redis half of row 4.
type workerResult struct {
	bookings, msgs          int
	elapsed, ceiling        time.Duration
	bytesPerBooking         float64
	breakdown               []keyClass
	roundTrips              map[string]int
	roundTripsPer, idleRate float64
	workerCPU, ceilingCPU   cpuUse
}

// runWorker measures the confirm path: n held bookings with their confirm
// tasks, then a fresh worker process, timed from ready to the last message.
// The worker is left running for the reminders.
func (b *bench) runWorker(ctx context.Context, n int) (workerResult, *child, error) {
	r := workerResult{bookings: n, msgs: 2 * n}
	if err := b.rdb.FlushAll(ctx).Err(); err != nil {
		return r, nil, err
	}
	before, err := usedMemory(ctx, b.rdb)
	if err != nil {
		return r, nil, err
	}
	b.progress("worker: holding %d bookings with their confirm tasks", n)
	ids, err := b.preloadHeld(ctx, farDay(400), n, 0)
	if err != nil {
		return r, nil, err
	}
	invite, err := b.composeInvite(ctx, ids[0])
	if err != nil {
		return r, nil, err
	}
	b.progress("worker: ceiling, %d invites through mailer.SMTPSender", r.msgs)
	cpu0 := b.cpuNow(nil)
	if r.ceiling, err = b.mailCeiling(ctx, invite, r.msgs); err != nil {
		return r, nil, err
	}
	r.ceilingCPU = cpu0.to(b.cpuNow(nil))
	c0 := b.sink.count()
	b.progress("worker: starting the worker process")
	w, err := b.startChild("worker", b.profilePath("worker-confirm", "worker-confirm"))
	if err != nil {
		return r, nil, err
	}
	ready, cpu0 := time.Now(), b.cpuNow(w)
	waitCtx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if err := b.sink.waitFor(waitCtx, c0+r.msgs); err != nil {
		return r, w, err
	}
	arrived := b.sink.since(c0)
	r.elapsed = arrived[len(arrived)-1].at.Sub(ready)
	r.workerCPU = cpu0.to(b.cpuNow(w))
	if err := b.settled(ctx, time.Minute); err != nil {
		return r, w, err
	}
	if b.opts.cpuProfileDir != "" {
		if _, err := w.call("cpu-stop"); err != nil {
			return r, w, err
		}
	}
	after, err := usedMemory(ctx, b.rdb)
	if err != nil {
		return r, w, err
	}
	r.bytesPerBooking = float64(after-before) / float64(n)
	if r.breakdown, err = b.keyClasses(ctx); err != nil {
		return r, w, err
	}
	b.progress("worker: counting Redis round trips per booking")
	const k = 100
	r.roundTrips, r.idleRate, err = b.workerRoundTrips(ctx, 2*k, func() error {
		_, err := b.preloadHeld(ctx, farDay(380), k, 1_000_000)
		return err
	})
	_, r.roundTripsPer = commandList(r.roundTrips, k)
	return r, w, err
}
