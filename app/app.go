// Package app wires the service together: it builds every part from the
// configuration and runs the roles a process was asked for (web, worker,
// scheduler), then shuts them down in order.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/feeds"
	"github.com/consultd/consultd/jobs"
	"github.com/consultd/consultd/links"
	"github.com/consultd/consultd/mailer"
	"github.com/consultd/consultd/metrics"
	"github.com/consultd/consultd/templates"
	"github.com/consultd/consultd/web"
)

// Roles says what one process runs.
type Roles struct {
	Web, Worker, Scheduler bool
}

// AllRoles is what `consultd serve` runs.
var AllRoles = Roles{Web: true, Worker: true, Scheduler: true}

// App is one running consultd process.
type App struct {
	cfg        *config.Config // as started: what Redis, mail and listener were built with
	configPath string
	roles      Roles
	logger     *slog.Logger
	now        func() time.Time

	rdb       redis.UniversalClient
	mini      *miniredis.Miniredis
	store     *booking.Store
	queue     *asynq.Client
	inspector *asynq.Inspector
	enqueuer  *jobs.Enqueuer
	signer    *links.Signer
	links     *links.Links
	templates *templates.Set
	metrics   *metrics.Metrics

	listener net.Listener
	http     *http.Server
	queues   http.Handler // the queue monitor, built once
	webSwap  swapHandler  // the web handlers of the configuration in force

	sender    mailer.Sender
	taskSwap  swapTasks // the task handlers of the configuration in force
	worker    *asynq.Server
	scheduler *asynq.Scheduler

	refresher   *feeds.Refresher // scheduler role only
	stopRefresh func()
}

// Options are the parts tests replace.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time
	// ConfigPath, when set, is watched: a valid edit is put in force
	// without a restart (see Reload).
	ConfigPath string
}

// New connects to Redis and builds the parts for the given roles; it binds
// the listener when the web role is on, so Addr is known before Run.
func New(ctx context.Context, cfg *config.Config, roles Roles, opts Options) (*App, error) {
	a := &App{cfg: cfg, roles: roles, logger: opts.Logger, now: opts.Now, configPath: opts.ConfigPath}
	if a.logger == nil {
		a.logger = slog.Default()
	}
	if a.now == nil {
		a.now = time.Now
	}
	var err error
	if a.rdb, a.mini, err = connectRedis(cfg, a.logger); err != nil {
		return nil, err
	}
	if err := a.build(ctx); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) build(ctx context.Context) error {
	var err error
	if a.signer, err = LinkSigner(ctx, a.cfg, a.rdb, a.logger, a.now); err != nil {
		return fmt.Errorf("redis (%s): %w", a.cfg.Redis.Where(), err)
	}
	a.links = links.New(a.cfg, a.signer, a.now)
	a.store = booking.NewStore(a.rdb, a.now)
	a.buildFeeds()
	a.queue = asynq.NewClientFromRedisClient(a.rdb)
	a.inspector = asynq.NewInspectorFromRedisClient(a.rdb)
	a.enqueuer = jobs.NewEnqueuer(a.queue, a.inspector, a.cfg, a.now)
	if err := a.buildMetrics(); err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	// Templates are parsed here, before anything is served: a broken one
	// stops the start with its name rather than failing the first email.
	if a.templates, err = templates.Load(a.cfg.Templates.Dir, a.cfg.Languages...); err != nil {
		return fmt.Errorf("templates: %w", err)
	}
	if a.roles.Web {
		if err := a.buildWeb(); err != nil {
			return err
		}
	}
	if a.roles.Worker {
		if err := a.buildWorker(); err != nil {
			return err
		}
	}
	if a.roles.Scheduler {
		if err := a.buildScheduler(); err != nil {
			return err
		}
	}
	return nil
}

func (a *App) buildWeb() error {
	ln, err := net.Listen("tcp", a.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.Listen, err)
	}
	a.listener = ln
	a.queues = a.queueMonitor()
	a.webSwap.set(a.webHandler(a.cfg, a.templates, a.enqueuer, a.links))
	a.http = web.HTTPServer(a.cfg.Listen, &a.webSwap)
	return nil
}

// webHandler is the web server for one configuration.
func (a *App) webHandler(cfg *config.Config, pages *templates.Set, enq *jobs.Enqueuer, l *links.Links) http.Handler {
	logger := web.WithRequestIDs(a.logger)
	own := feeds.NewStore(a.rdb, cfg, a.now)
	return web.New(web.Deps{
		Config:       cfg,
		Appointments: a.appointments(cfg, own, enq, pages.Catalogs(), logger),
		Feeds:        own,
		Store:        a.store,
		Links:        l,
		Pages:        pages,
		Limiter:      web.NewRateLimiter(a.rdb, cfg.Intake.RateLimitPerMinute),
		Ready:        func(ctx context.Context) error { return a.rdb.Ping(ctx).Err() },
		Now:          a.now,
		Logger:       logger,
		Metrics:      a.metrics,
		Queues:       a.queues,
	}).Handler()
}

// appointments applies the rules of cfg to the store, the therapists'
// own calendars and the queue.
func (a *App) appointments(cfg *config.Config, own *feeds.Store, enq *jobs.Enqueuer, languages appointments.Languages, logger *slog.Logger) *appointments.Service {
	return appointments.New(appointments.Deps{
		Config: cfg, Store: a.store, Busy: busyTimes{a.store, own}, Own: own,
		Queue: enq, Languages: languages, Now: a.now, Logger: logger,
	})
}

// Addr is where the web role listens (useful with port 0).
func (a *App) Addr() string {
	if a.listener == nil {
		return ""
	}
	return a.listener.Addr().String()
}

// Run serves until ctx ends, then stops taking requests before it drains
// the workers.
func (a *App) Run(ctx context.Context) error {
	errc := make(chan error, 2)
	if a.worker != nil {
		if err := a.worker.Start(&a.taskSwap); err != nil {
			return fmt.Errorf("worker: %w", err)
		}
	}
	if a.scheduler != nil {
		if err := a.scheduler.Start(); err != nil {
			return fmt.Errorf("scheduler: %w", err)
		}
	}
	a.startFeeds()
	if err := a.watch(ctx); err != nil {
		a.logger.Warn("configuration changes will need a restart", "err", err)
	}
	if a.http != nil {
		go func() {
			if err := a.http.Serve(a.listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("http: %w", err)
			}
		}()
	}
	a.announce()
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	a.shutdown()
	return runErr
}

func (a *App) shutdown() {
	if a.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := a.http.Shutdown(ctx); err != nil {
			a.logger.Warn("http shutdown", "err", err)
		}
	}
	if a.scheduler != nil {
		a.scheduler.Shutdown()
	}
	a.stopFeeds()
	if a.worker != nil {
		// Shutdown waits up to worker.shutdown_timeout for tasks in flight;
		// unfinished ones go back to the queue.
		a.worker.Shutdown()
	}
}

// Close releases connections; call it after Run returns.
func (a *App) Close() {
	if a.sender != nil {
		_ = a.sender.Close()
	}
	if a.queue != nil {
		_ = a.queue.Close()
	}
	if a.inspector != nil {
		_ = a.inspector.Close()
	}
	if a.rdb != nil {
		_ = a.rdb.Close()
	}
	if a.mini != nil {
		a.mini.Close()
	}
}

// announce tells the person who started the process where to go.
func (a *App) announce() {
	if a.http != nil {
		a.logger.Info("consultd is serving", "listen", a.Addr(), "booking_page", a.cfg.BaseURL+"/book")
	}
	if a.worker != nil && a.cfg.MailMode() == config.MailOutbox {
		a.logger.Warn("email is not sent: each message is written to " + a.cfg.Mail.OutboxDir + " as a .eml file; set mail.smtp.* to send")
	}
}
