package feeds

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
)

// Refresher reads every configured feed and stores its busy time.
type Refresher struct {
	store   *Store
	cfg     atomic.Pointer[config.Config]
	changed chan struct{} // SetConfig changed what is read
	client  *http.Client
	now     func() time.Time
	logger  *slog.Logger

	mu   sync.Mutex
	kept map[string]keptCopy // by feed key
}

// keptCopy is the last body a server sent with validators: a later 304
// refers to it, and it is parsed again for the window of that moment.
// Only this process holds it; a process without one asks unconditionally.
type keptCopy struct {
	body       []byte
	validators validators
}

// Options are the parts tests replace.
type Options struct {
	Client *http.Client // nil: a plain client (each read is cut off after feeds.timeout)
	Now    func() time.Time
	Logger *slog.Logger
}

// NewRefresher returns a refresher that stores into store.
func NewRefresher(store *Store, cfg *config.Config, opts Options) *Refresher {
	r := &Refresher{store: store, changed: make(chan struct{}, 1), client: opts.Client, now: opts.Now, logger: opts.Logger, kept: map[string]keptCopy{}}
	r.cfg.Store(cfg)
	if r.client == nil {
		r.client = &http.Client{}
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.logger == nil {
		r.logger = slog.Default()
	}
	return r
}

// Configured reports whether any therapist has a feed or a CalDAV calendar.
func Configured(cfg *config.Config) bool {
	for _, t := range cfg.Therapists {
		if hasOwnCalendars(t) {
			return true
		}
	}
	return false
}

// SetConfig puts a reloaded configuration in force. When it changes what
// is read (the feeds, their settings, the horizon), Run reads every feed at
// once rather than at the next interval.
func (r *Refresher) SetConfig(cfg *config.Config) {
	old := r.cfg.Swap(cfg)
	if reflect.DeepEqual(readPlan(old), readPlan(cfg)) {
		return
	}
	select {
	case r.changed <- struct{}{}:
	default: // a read is due already
	}
}

// plan is what decides which feeds are read and how.
type plan struct {
	Feeds   config.Feeds
	Horizon time.Duration
	BaseURL string
	Feed    map[string][]config.Secret // by therapist, with its zone
	CalDAV  map[string]config.CalDAV
	Every   time.Duration // of CalDAV reads
}

func readPlan(cfg *config.Config) plan {
	p := plan{Feeds: cfg.Feeds, Horizon: cfg.Booking.Horizon, BaseURL: cfg.BaseURL, Feed: map[string][]config.Secret{}, CalDAV: map[string]config.CalDAV{}}
	for _, t := range cfg.Therapists {
		p.Feed[t.ID+" "+t.Timezone] = t.BusyICS
		p.CalDAV[t.ID+" "+t.Timezone] = t.CalDAV
	}
	return p
}

// Run reads every feed at once, then once per feeds.refresh interval,
// until ctx ends. Every process with the scheduler role runs it; a SET NX
// claim per interval lets one of them do each periodic refresh. The read
// at start-up and after SetConfig changed the feeds is not claimed: it
// keeps a feed just added to the configuration from waiting a whole
// interval, and a conditional GET costs the calendar server little.
func (r *Refresher) Run(ctx context.Context) {
	r.claimAndRefresh(ctx, true)
	r.claimAndReadCalDAV(ctx, true)
	every, davEvery := r.cfg.Load().Feeds.Refresh, r.cfg.Load().Feeds.CalDAVRefresh
	tick, davTick := time.NewTicker(every), time.NewTicker(davEvery)
	defer tick.Stop()
	defer davTick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			r.claimAndRefresh(ctx, false)
		case <-davTick.C:
			r.claimAndReadCalDAV(ctx, false)
		case <-r.changed:
			f := r.cfg.Load().Feeds
			if f.Refresh != every {
				every = f.Refresh
				tick.Reset(every)
			}
			if f.CalDAVRefresh != davEvery {
				davEvery = f.CalDAVRefresh
				davTick.Reset(davEvery)
			}
			r.claimAndRefresh(ctx, true)
			r.claimAndReadCalDAV(ctx, true)
		}
	}
}

func (r *Refresher) claimAndRefresh(ctx context.Context, always bool) {
	cfg := r.cfg.Load()
	if !Configured(cfg) && !always {
		return
	}
	won, err := r.store.claimRun(ctx, "feeds", r.now(), cfg.Feeds.Refresh)
	if err != nil {
		r.logger.Warn("busy calendars: the refresh could not be claimed", "err", err)
	}
	if !won && !always {
		return
	}
	if err := r.refreshAll(ctx); err != nil && ctx.Err() == nil {
		r.logger.Warn("busy calendars: refresh incomplete", "err", err)
	}
}

// refreshAll reads every feed of every therapist once. A feed that cannot
// be read or parsed keeps its last good copy; that is logged and kept in
// its status, not returned. The error is for Redis failing.
func (r *Refresher) refreshAll(ctx context.Context) error {
	cfg := r.cfg.Load()
	var errs []error
	for _, t := range cfg.Therapists {
		if err := r.store.forget(ctx, t); err != nil {
			errs = append(errs, err)
		}
		for i, source := range t.BusyICS {
			if err := r.refresh(ctx, cfg, t, i, source); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// refresh reads one feed and stores its busy time, or its failure.
func (r *Refresher) refresh(ctx context.Context, cfg *config.Config, t config.Therapist, index int, source config.Secret) error {
	key, name := feedKey(source), Name(index, source)
	st, err := r.store.status(ctx, t.ID, key)
	if err != nil {
		return err
	}
	now := r.now()
	busy, notModified, err := r.read(ctx, cfg, key, source, t.Location(), now)
	if ctx.Err() != nil {
		return ctx.Err() // shutting down: not the feed's fault
	}
	st.LastAttempt = now
	if err != nil {
		st.LastError = err.Error()
		if serr := r.store.save(ctx, t.ID, key, st, nil); serr != nil {
			return serr
		}
		if st.Loaded() {
			r.logger.Warn("busy calendar not refreshed: its last good copy stays in use",
				"therapist", t.ID, "feed", name, "last_success", st.LastSuccess, "err", err)
		} else {
			r.logger.Warn("busy calendar never loaded: it blocks no time until it is read",
				"therapist", t.ID, "feed", name, "err", err)
		}
		return nil
	}
	recovered := st.LastError != ""
	st.LastSuccess, st.LastError, st.Spans = now, "", len(busy)
	if busy == nil {
		busy = []calendar.Interval{} // an empty calendar replaces the old copy too
	}
	if err := r.store.save(ctx, t.ID, key, st, busy); err != nil {
		return err
	}
	level := slog.LevelDebug
	if recovered {
		level = slog.LevelInfo
	}
	r.logger.Log(ctx, level, "busy calendar read", "therapist", t.ID, "feed", name, "spans", len(busy), "not_modified", notModified)
	return nil
}

// read fetches and parses one feed for [now-1d, now+horizon+1d): the day
// either side covers sessions that cross midnight.
func (r *Refresher) read(ctx context.Context, cfg *config.Config, key string, source config.Secret, loc *time.Location, now time.Time) ([]calendar.Interval, bool, error) {
	r.mu.Lock()
	kept := r.kept[key]
	r.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, cfg.Feeds.Timeout)
	defer cancel()
	f, err := fetch(ctx, r.client, source, kept.validators)
	if err != nil {
		return nil, false, err
	}
	body := f.body
	if f.notModified {
		body = kept.body
	}
	const day = 24 * time.Hour
	busy, err := calendar.BusyFromICSExcept(body, loc, now.Add(-day), now.Add(cfg.Booking.Horizon+day), ownHost(cfg.BaseURL))
	if err != nil {
		return nil, false, err
	}
	if !f.notModified {
		r.mu.Lock()
		if f.validators != (validators{}) {
			r.kept[key] = keptCopy{body: body, validators: f.validators}
		} else {
			delete(r.kept, key)
		}
		r.mu.Unlock()
	}
	return busy, f.notModified, nil
}

// ownHost is the host in the UIDs of the practice's own events (invites
// and the private feed).
func ownHost(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil {
		return ""
	}
	return u.Hostname()
}
