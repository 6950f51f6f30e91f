package app

import (
	"context"
	"errors"
	"log/slog"

	"github.com/consultd/consultd/config"
)

// ErrNoSharedSecret says that links made outside the running service
// cannot be checked by it: with no secret configured, the in-memory Redis
// keeps the service's key inside its own process.
var ErrNoSharedSecret = errors.New("no secret is set and redis.addr is empty: the in-memory Redis of a running service " +
	"keeps its signing key to itself, so a link made here would not be accepted. Set secret (CONSULTD_SECRET) " +
	"to a long random value, in this command's configuration and the service's, for links that outlive the process")

// LinkSecret is the key the service signs links with: the configured
// secret, or else the one kept in the configured Redis (made there now if
// no service has made it yet, so the service will use it too).
func LinkSecret(ctx context.Context, cfg *config.Config, logger *slog.Logger) ([]byte, error) {
	if cfg.Secret.IsSet() {
		return []byte(cfg.Secret.Reveal()), nil
	}
	if cfg.Redis.Embedded() {
		return nil, ErrNoSharedSecret
	}
	rdb, _, err := connectRedis(cfg, logger)
	if err != nil {
		return nil, err
	}
	defer rdb.Close()
	return linkSecret(ctx, cfg, rdb, logger)
}
