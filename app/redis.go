package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/consultd/consultd/config"
)

// connectRedis opens the configured Redis, or starts the in-memory one when
// no address is set (for a first run on a laptop only).
func connectRedis(cfg *config.Config, logger *slog.Logger) (redis.UniversalClient, *miniredis.Miniredis, error) {
	addr := cfg.Redis.Addr
	var mini *miniredis.Miniredis
	if cfg.Redis.Embedded() {
		var err error
		if mini, err = miniredis.Run(); err != nil {
			return nil, nil, fmt.Errorf("start in-memory redis: %w", err)
		}
		addr = mini.Addr()
		logger.Warn("no redis.addr set: using an in-memory Redis inside this process. " +
			"Bookings and scheduled emails are LOST when it stops. " +
			"For real use set redis.addr (CONSULTD_REDIS_ADDR) to a Redis with AOF on and maxmemory-policy noeviction.")
	}
	rdb := redis.NewClient(&redis.Options{
		Addr:     addr,
		Password: cfg.Redis.Password.Reveal(),
		DB:       cfg.Redis.DB,
	})
	return rdb, mini, nil
}

// secretKey holds the link-signing key when none is configured, so every
// process on one Redis signs and checks links alike.
const secretKey = "consultd:secret"

// linkSecret is the configured secret, or one made once and kept in Redis.
func linkSecret(ctx context.Context, cfg *config.Config, rdb redis.UniversalClient, logger *slog.Logger) ([]byte, error) {
	if cfg.Secret.IsSet() {
		return []byte(cfg.Secret.Reveal()), nil
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return nil, err
	}
	if err := rdb.SetNX(ctx, secretKey, hex.EncodeToString(buf), 0).Err(); err != nil {
		return nil, fmt.Errorf("store link secret: %w", err)
	}
	stored, err := rdb.Get(ctx, secretKey).Result()
	if err != nil {
		return nil, fmt.Errorf("read link secret: %w", err)
	}
	if !cfg.Redis.Embedded() {
		logger.Warn("no secret set: links are signed with a key kept in Redis; set CONSULTD_SECRET to a long random value for production")
	}
	return []byte(stored), nil
}
