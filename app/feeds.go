package app

import (
	"context"
	"time"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/feeds"
)

// busyTimes is what the web takes out of working hours: the live bookings
// and the therapists' own calendars. FreeSlots merges spans that overlap, so
// the lists are simply joined.
type busyTimes []appointments.BusyTimes

func (b busyTimes) Busy(ctx context.Context, therapistID string, from, to time.Time) ([]calendar.Interval, error) {
	var out []calendar.Interval
	for _, source := range b {
		busy, err := source.Busy(ctx, therapistID, from, to)
		if err != nil {
			return nil, err
		}
		out = append(out, busy...)
	}
	return out, nil
}

// buildFeeds makes, in a process with the scheduler role, the refresher
// that fetches the therapists' own calendars into Redis (the web reads them
// through a feeds.Store of the configuration in force). The refresher is a
// ticker with a Redis claim per interval rather than an asynq task: a lost
// run costs nothing (the next one comes), and it needs no retries,
// retention or worker slot while it waits on a calendar server. It runs
// with no feed configured too, so that feeds added by a reload are read.
func (a *App) buildFeeds() {
	if a.roles.Scheduler {
		a.refresher = feeds.NewRefresher(feeds.NewStore(a.rdb, a.cfg, a.now), a.cfg, feeds.Options{Now: a.now, Logger: a.logger})
	}
}

// startFeeds runs the refresher (if any) until stopFeeds.
func (a *App) startFeeds() {
	if a.refresher == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.refresher.Run(ctx)
	}()
	a.stopRefresh = func() { cancel(); <-done }
}

// stopFeeds cancels a refresh in flight and waits for it, so Close does not
// pull Redis away from under it.
func (a *App) stopFeeds() {
	if a.stopRefresh != nil {
		a.stopRefresh()
	}
}
