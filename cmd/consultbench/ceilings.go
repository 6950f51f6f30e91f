package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/jobs"
	"github.com/consultd/consultd/mailer"
)

// ceilingQueue takes the enqueue ceiling's tasks; no worker reads it.
const ceilingQueue = "consultbench-ceiling"

// enqueueCeiling is raw asynq Client.Enqueue with goroutines concurrent
// callers for duration: the same task, ID and options as the intake's
// confirm task, on a client set up as the app's (default go-redis pool).
func (b *bench) enqueueCeiling(ctx context.Context, goroutines int, duration time.Duration) (int, time.Duration, error) {
	rdb := redis.NewClient(&redis.Options{Addr: b.redis.addr, ClientName: benchClientName})
	defer rdb.Close()
	client := asynq.NewClientFromRedisClient(rdb)
	defer client.Close()
	var (
		n        atomic.Int64
		firstErr firstError
		wg       sync.WaitGroup
	)
	start := time.Now()
	end := start.Add(duration)
	for range goroutines {
		wg.Go(func() {
			for time.Now().Before(end) {
				id := booking.NewID("default")
				_, err := client.EnqueueContext(ctx, jobs.NewConfirmTask(id, 0),
					asynq.TaskID(jobs.ConfirmTaskID(id)), asynq.Queue(ceilingQueue), asynq.MaxRetry(25), asynq.Retention(24*time.Hour))
				if err != nil {
					firstErr.set(err)
					return
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := firstErr.get(); err != nil {
		return 0, 0, fmt.Errorf("enqueue ceiling: %w", err)
	}
	return int(n.Load()), elapsed, nil
}

// mailCeiling sends n copies of one invite through the project's pooled
// SMTP sender, with as many goroutines as the worker runs tasks and a pool
// of the same size: the fastest the worker could deliver.
func (b *bench) mailCeiling(ctx context.Context, invite *mailer.Message, n int) (time.Duration, error) {
	s := b.cfg.Mail.SMTP
	conc := b.cfg.Worker.Concurrency
	sender, err := mailer.NewSMTP(mailer.SMTPConfig{Host: s.Host, Port: s.Port, TLS: s.TLS, Timeout: s.Timeout}, conc)
	if err != nil {
		return 0, err
	}
	defer sender.Close()
	before := b.sink.count()
	var (
		next     atomic.Int64
		firstErr firstError
		wg       sync.WaitGroup
	)
	start := time.Now()
	for range conc {
		wg.Go(func() {
			for next.Add(1) <= int64(n) {
				m := *invite
				if err := sender.Send(ctx, &m); err != nil {
					firstErr.set(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := firstErr.get(); err != nil {
		return 0, fmt.Errorf("mail ceiling: %w", err)
	}
	if err := b.sink.waitFor(ctx, before+n); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// firstError keeps the first error several goroutines report.
type firstError struct {
	mu  sync.Mutex
	err error
}

func (f *firstError) set(err error) {
	f.mu.Lock()
	if f.err == nil {
		f.err = err
	}
	f.mu.Unlock()
}

func (f *firstError) get() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}
