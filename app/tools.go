package app

import (
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/config"
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
