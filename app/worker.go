package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/caldav"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/feeds"
	"github.com/consultd/consultd/jobs"
	"github.com/consultd/consultd/links"
	"github.com/consultd/consultd/mailer"
	"github.com/consultd/consultd/templates"
)

// delayedCheck is how often scheduled tasks (reminders) are moved to the
// queue: asynq's default of 5 s would make reminders that late.
const delayedCheck = 500 * time.Millisecond

// taskCheck is how long an idle worker waits before looking for new tasks
// again (asynq's default is a second, which an invite would wait too).
const taskCheck = 100 * time.Millisecond

// newSender is the configured way mail leaves the process.
func newSender(cfg *config.Config) (mailer.Sender, error) {
	if cfg.MailMode() == config.MailOutbox {
		return mailer.NewOutbox(cfg.Mail.OutboxDir)
	}
	s := cfg.Mail.SMTP
	return mailer.NewSMTP(mailer.SMTPConfig{
		Host: s.Host, Port: s.Port, Username: s.Username, Password: s.Password.Reveal(),
		TLS: s.TLS, Timeout: s.Timeout,
	}, cfg.Worker.Concurrency)
}

func (a *App) buildWorker() error {
	sender, err := newSender(a.cfg)
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	a.sender = sender
	mux, err := a.taskMux(a.cfg, a.templates, a.enqueuer, a.links)
	if err != nil {
		return err
	}
	a.taskSwap.set(mux)
	a.worker = asynq.NewServerFromRedisClient(a.rdb, asynq.Config{
		Concurrency:              a.cfg.Worker.Concurrency,
		Queues:                   map[string]int{jobs.Queue: 1},
		RetryDelayFunc:           jobs.RetryDelay,
		DelayedTaskCheckInterval: delayedCheck,
		TaskCheckInterval:        taskCheck,
		ShutdownTimeout:          a.cfg.Worker.ShutdownTimeout,
		Logger:                   asynqLogger{a.logger},
		LogLevel:                 asynq.WarnLevel,
		ErrorHandler: asynq.ErrorHandlerFunc(func(ctx context.Context, t *asynq.Task, err error) {
			id, _ := asynq.GetTaskID(ctx)
			n, _ := asynq.GetRetryCount(ctx)
			level := slog.LevelWarn
			if t.Type() == jobs.TypeCalendar && caldav.ClassOf(err) != "" {
				// The calendar's state is logged once when it changes; a
				// line per retry of every booking would bury it.
				level = slog.LevelDebug
			}
			a.logger.Log(ctx, level, "task failed", "task", id, "type", t.Type(), "retry", n, "err", err)
		}),
	})
	return nil
}

// taskMux routes every task type to the handlers of one configuration.
func (a *App) taskMux(cfg *config.Config, set *templates.Set, enq *jobs.Enqueuer, l *links.Links) (*asynq.ServeMux, error) {
	compose, err := jobs.NewComposer(cfg, set, l, a.now)
	if err != nil {
		return nil, err
	}
	handlers := jobs.NewHandlers(jobs.HandlerDeps{
		Store: a.store, Sender: a.sender, Compose: compose, Queue: enq,
		Config: cfg, Logger: a.logger, Now: a.now, Metrics: a.metrics,
		Calendars: feeds.NewStore(a.rdb, cfg, a.now),
	})
	mux := asynq.NewServeMux()
	handlers.Register(mux)
	return mux, nil
}

// buildScheduler enqueues the sweep every minute. Every process that runs
// a scheduler does so; the task ID of each minute lets only one through.
func (a *App) buildScheduler() error {
	a.scheduler = asynq.NewSchedulerFromRedisClient(a.rdb, &asynq.SchedulerOpts{
		Logger:   asynqLogger{a.logger},
		LogLevel: asynq.WarnLevel,
		// The scheduler's options are fixed at registration; the first one
		// is the task ID, rewritten here for the minute being enqueued.
		PreEnqueueFunc: func(_ *asynq.Task, opts []asynq.Option) {
			opts[0] = asynq.TaskID(jobs.SweepTaskID(a.now()))
		},
	})
	_, err := a.scheduler.Register("@every 1m", jobs.NewSweepTask(),
		asynq.TaskID("sweep"), asynq.Queue(jobs.Queue), asynq.MaxRetry(1), asynq.Retention(5*time.Minute))
	return err
}
