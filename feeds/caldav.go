package feeds

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/consultd/consultd/caldav"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
)

// anyCalDAV reports whether a therapist has a CalDAV calendar.
func anyCalDAV(cfg *config.Config) bool {
	for _, t := range cfg.Therapists {
		if t.CalDAV.IsSet() {
			return true
		}
	}
	return false
}

// claimAndReadCalDAV reads every therapist's CalDAV calendar for busy time:
// at start and after a change of configuration in every process, else
// once per feeds.caldav_refresh in the process that claims the interval.
func (r *Refresher) claimAndReadCalDAV(ctx context.Context, always bool) {
	cfg := r.cfg.Load()
	if !anyCalDAV(cfg) {
		return
	}
	won, err := r.store.claimRun(ctx, "caldav", r.now(), cfg.Feeds.CalDAVRefresh)
	if err != nil {
		r.logger.Warn("CalDAV calendars: the read could not be claimed", "err", err)
	}
	if !won && !always {
		return
	}
	for _, t := range cfg.Therapists {
		if !t.CalDAV.IsSet() {
			continue
		}
		if err := r.readCalDAV(ctx, cfg, t); err != nil && ctx.Err() == nil {
			r.logger.Warn("CalDAV calendar: its state could not be stored", "therapist", t.ID, "err", err)
		}
	}
}

// readCalDAV reads one therapist's CalDAV collections over the window the
// feeds cover and stores the busy time, or the failure (the last good copy
// stays in use). The error is for Redis failing.
func (r *Refresher) readCalDAV(ctx context.Context, cfg *config.Config, t config.Therapist) error {
	key := calDAVKey(t.CalDAV)
	prev, err := r.store.status(ctx, t.ID, key)
	if err != nil {
		return err
	}
	client, err := caldav.New(t.CalDAV, r.client)
	if err != nil {
		return err
	}
	now := r.now()
	const day = 24 * time.Hour
	rctx, cancel := context.WithTimeout(ctx, cfg.Feeds.Timeout)
	busy, err := client.Busy(rctx, t.Location(), now.Add(-day), now.Add(cfg.Booking.Horizon+day), ownHost(cfg.BaseURL))
	cancel()
	if ctx.Err() != nil {
		return ctx.Err() // shutting down: not the server's fault
	}
	st := prev
	st.LastAttempt = now
	if err != nil {
		st = failed(st, err)
		busy = nil // keep the last good copy
	} else {
		st.LastSuccess, st.LastError, st.Class, st.Spans = now, "", "", len(busy)
		if busy == nil {
			busy = []calendar.Interval{}
		}
	}
	if err := r.store.save(ctx, t.ID, key, st, busy); err != nil {
		return err
	}
	return r.store.logCalDAVChange(ctx, r.logger, t, st)
}

// failed is st after a request that failed with err: its text and class
// (an answer we could not read when it has no class of its own).
func failed(st Status, err error) Status {
	st.LastError, st.Class = err.Error(), string(caldav.ClassOf(err))
	if st.Class == "" {
		st.Class = string(caldav.ClassBadReply)
	}
	return st
}

// NoteCalDAV records the outcome of a write to the therapist's CalDAV
// calendar (err nil: it worked), so /readyz and the log tell of a calendar
// that refuses writes as of one that refuses reads. Like the reads, it
// logs a change of state once, not every failed attempt.
func (s *Store) NoteCalDAV(ctx context.Context, t config.Therapist, cause error, logger *slog.Logger) error {
	key := calDAVKey(t.CalDAV)
	prev, err := s.status(ctx, t.ID, key)
	if err != nil {
		return err
	}
	st := prev
	if cause != nil {
		st = failed(st, cause)
	} else {
		st.LastError, st.Class = "", ""
	}
	if st != prev {
		if err := s.save(ctx, t.ID, key, st, nil); err != nil {
			return err
		}
	}
	return s.logCalDAVChange(ctx, logger, t, st)
}

// logCalDAVChange writes one line when a calendar's state changes: the
// therapist and the server's host, never the address, account or password.
// The state is swapped in Redis in one command, so readers and writers of
// every process that meet the same failure at once log it once.
func (s *Store) logCalDAVChange(ctx context.Context, logger *slog.Logger, t config.Therapist, now Status) error {
	class := now.Class
	if class == "" {
		class = "ok"
	}
	prev, err := s.rdb.SetArgs(ctx, classKey(t.ID), class, redis.SetArgs{Get: true}).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return err
	}
	switch {
	case prev == class:
	case class == string(caldav.ClassAuth):
		logger.ErrorContext(ctx, "CalDAV server refuses the therapist's account: check caldav.username and caldav.password; bookings go on and are written when it accepts them",
			"therapist", t.ID, "host", t.CalDAV.Host())
	case class != "ok":
		logger.WarnContext(ctx, "CalDAV calendar failing: bookings go on and are written when it is back",
			"therapist", t.ID, "host", t.CalDAV.Host(), "reason", class)
	case prev == "":
		logger.InfoContext(ctx, "CalDAV calendar read", "therapist", t.ID, "host", t.CalDAV.Host(), "spans", now.Spans)
	default:
		logger.InfoContext(ctx, "CalDAV calendar working again", "therapist", t.ID, "host", t.CalDAV.Host())
	}
	return nil
}

// classKey holds the class of the therapist's CalDAV state last logged.
func classKey(therapistID string) string { return "consultd:{t:" + therapistID + "}:caldavlogged" }
