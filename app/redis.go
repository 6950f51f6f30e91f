package app

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/consultd/consultd/config"
)

// Redis timeouts and retries. Short, so that with Redis gone or hung the
// intake answers 503 within about 4 s (6 s on a Cluster) instead of holding
// the client; long enough for asynq, whose commands are all quick: it polls
// its queues and never blocks on a pop, and its cancellation subscription
// reads without a deadline. A command is tried once: go-redis's own retry
// is off, because a retried command may have run before its reply was
// lost and the retry's dial error would hide that; the booking claims
// retry by themselves, knowing whether a try reached Redis (see
// booking.Store.Claim). A Cluster command is redirected up to twice,
// enough for a MOVED then an ASK while slots migrate. Each try dials once:
// go-redis would otherwise dial five times.
const (
	redisDialTimeout  = 2 * time.Second
	redisIOTimeout    = 2 * time.Second
	redisMaxRetries   = -1 // off
	redisMaxRedirects = 2
	redisDialAttempts = 1
)

// connectRedis opens the configured Redis: one server, a Cluster, or a
// master found through Sentinel. With none configured it starts the
// in-memory one (for a first run on a laptop only). Booking keys carry a
// hash tag per therapist and asynq's a tag per queue, so every script
// touches one Cluster slot.
func connectRedis(cfg *config.Config, logger *slog.Logger) (redis.UniversalClient, *miniredis.Miniredis, error) {
	r := cfg.Redis
	switch r.Mode() {
	case config.RedisCluster:
		return redis.NewClusterClient(&redis.ClusterOptions{
			Addrs:         r.Addrs,
			Password:      r.Password.Reveal(),
			MaxRetries:    redisMaxRetries,
			MaxRedirects:  redisMaxRedirects,
			DialTimeout:   redisDialTimeout,
			DialerRetries: redisDialAttempts,
			ReadTimeout:   redisIOTimeout,
			WriteTimeout:  redisIOTimeout,
		}), nil, nil
	case config.RedisSentinel:
		return redis.NewFailoverClient(&redis.FailoverOptions{
			MasterName:       r.Sentinel.Master,
			SentinelAddrs:    r.Sentinel.Addrs,
			SentinelPassword: r.Sentinel.Password.Reveal(),
			Password:         r.Password.Reveal(),
			DB:               r.DB,
			MaxRetries:       redisMaxRetries,
			DialTimeout:      redisDialTimeout,
			DialerRetries:    redisDialAttempts,
			ReadTimeout:      redisIOTimeout,
			WriteTimeout:     redisIOTimeout,
		}), nil, nil
	case config.RedisSingle:
		return newClient(r.Addr, r), nil, nil
	}
	mini, err := miniredis.Run()
	if err != nil {
		return nil, nil, fmt.Errorf("start in-memory redis: %w", err)
	}
	logger.Warn("no redis.addr, redis.addrs or redis.sentinel set: using an in-memory Redis inside this process. " +
		"Bookings and scheduled emails are LOST when it stops. " +
		"For real use set redis.addr (CONSULTD_REDIS_ADDR), or redis.addrs for a Cluster, or redis.sentinel, " +
		"to a Redis with AOF on and maxmemory-policy noeviction.")
	return newClient(mini.Addr(), r), mini, nil
}

func newClient(addr string, r config.Redis) *redis.Client {
	return redis.NewClient(&redis.Options{
		Addr:          addr,
		Password:      r.Password.Reveal(),
		DB:            r.DB,
		MaxRetries:    redisMaxRetries,
		DialTimeout:   redisDialTimeout,
		DialerRetries: redisDialAttempts,
		ReadTimeout:   redisIOTimeout,
		WriteTimeout:  redisIOTimeout,
	})
}
