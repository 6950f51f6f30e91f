package app

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/jobs"
	"github.com/consultd/consultd/links"
	"github.com/consultd/consultd/templates"
)

// swapHandler serves with the web handlers of the configuration in force;
// a reload swaps them whole, so one request sees one configuration.
type swapHandler struct{ p atomic.Pointer[http.Handler] }

func (s *swapHandler) set(h http.Handler) { s.p.Store(&h) }

func (s *swapHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	(*s.p.Load()).ServeHTTP(w, r)
}

// swapTasks does the same for the task handlers.
type swapTasks struct {
	p atomic.Pointer[asynq.ServeMux]
}

func (s *swapTasks) set(m *asynq.ServeMux) { s.p.Store(m) }

func (s *swapTasks) ProcessTask(ctx context.Context, t *asynq.Task) error {
	return s.p.Load().ProcessTask(ctx, t)
}

// Reload puts cfg in force without a restart: availability, session types,
// reminders, texts, templates and the therapists' calendar feeds (a feed
// added or changed is read at once). Templates are parsed first; if they
// fail, nothing changes. Settings the process was built with (listen,
// redis, mail transport, secret, worker size, log) keep their start-up
// values until a restart, and the log says which changed.
func (a *App) Reload(cfg *config.Config) error {
	set, err := templates.Load(cfg.Templates.Dir, cfg.Languages...)
	if err != nil {
		return fmt.Errorf("templates: %w", err)
	}
	enq := jobs.NewEnqueuer(a.queue, a.inspector, cfg, a.now)
	l := links.New(cfg, a.signer, a.now)
	var mux *asynq.ServeMux
	if a.worker != nil {
		if mux, err = a.taskMux(cfg, set, enq, l); err != nil {
			return err
		}
	}
	if a.http != nil {
		a.webSwap.set(a.webHandler(cfg, set, enq, l))
	}
	if mux != nil {
		a.taskSwap.set(mux)
	}
	if a.refresher != nil {
		a.refresher.SetConfig(cfg)
	}
	if keys := config.RestartNeeded(a.cfg, cfg); len(keys) > 0 {
		a.logger.Warn("configuration reloaded; these settings take effect after a restart", "keys", strings.Join(keys, ","))
	} else {
		a.logger.Info("configuration reloaded")
	}
	return nil
}
