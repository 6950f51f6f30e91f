package app

import (
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/feeds"
)

// ErrNoSharedRedis says a command-line tool needs the Redis the service
// uses: the in-memory one lives inside the running process.
var ErrNoSharedRedis = errors.New("redis.addr is empty: this command works on the Redis the service uses; set redis.addr (CONSULTD_REDIS_ADDR)")

// OpenStore connects a command-line tool to the service's booking store.
// Close the returned closer when done.
func OpenStore(cfg *config.Config, logger *slog.Logger) (*booking.Store, io.Closer, error) {
	if cfg.Redis.Embedded() {
		return nil, nil, ErrNoSharedRedis
	}
	rdb, _, err := connectRedis(cfg, logger)
	if err != nil {
		return nil, nil, err
	}
	return booking.NewStore(rdb, time.Now), rdb, nil
}

// OpenAppointments gives a command-line tool the rules the service
// applies, reading its bookings, time off and the last copies of the
// therapists' own calendars. With no shared Redis configured it has the
// configuration alone (the in-memory Redis of a running service is not
// reachable from here). It queues nothing. Close the returned closer when
// done.
func OpenAppointments(cfg *config.Config, logger *slog.Logger, now func() time.Time) (*appointments.Service, io.Closer, error) {
	deps := appointments.Deps{Config: cfg, Now: now, Logger: logger}
	if cfg.Redis.Embedded() {
		return appointments.New(deps), io.NopCloser(nil), nil
	}
	rdb, _, err := connectRedis(cfg, logger)
	if err != nil {
		return nil, nil, err
	}
	store, own := booking.NewStore(rdb, now), feeds.NewStore(rdb, cfg, now)
	deps.Store, deps.Busy, deps.Own = store, busyTimes{store, own}, own
	return appointments.New(deps), rdb, nil
}
