package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/links"
)

// ErrNoSharedSecret says that links made outside the running service
// cannot be checked by it: with no secret configured, the in-memory Redis
// keeps the service's key inside its own process.
var ErrNoSharedSecret = errors.New("no secret is set and redis.addr is empty: the in-memory Redis of a running service " +
	"keeps its signing key to itself, so a link made here would not be accepted. Set secret (CONSULTD_SECRET) " +
	"to a long random value, in this command's configuration and the service's, for links that outlive the process")

// secretKey holds the link-signing key when none is configured, so every
// process on one Redis signs and checks links alike.
const secretKey = "consultd:secret"

// LinkSigner signs and checks every link of the service; the service and
// the link commands both get theirs here. Its key is the configured
// secret, or else the one kept in Redis (made there now if no process has
// made it yet, so the others will use it too), and it accepts
// secret_previous, so links sent before a rotation keep working. rdb is
// the service's Redis; a command-line tool passes nil, and the configured
// Redis is opened for this call when the key is kept there.
func LinkSigner(ctx context.Context, cfg *config.Config, rdb redis.UniversalClient, logger *slog.Logger, now func() time.Time) (*links.Signer, error) {
	secret := []byte(cfg.Secret.Reveal())
	if !cfg.Secret.IsSet() {
		if rdb == nil {
			if cfg.Redis.Embedded() {
				return nil, ErrNoSharedSecret
			}
			own, _, err := connectRedis(cfg, logger)
			if err != nil {
				return nil, err
			}
			defer own.Close()
			rdb = own
		}
		kept, err := keptSecret(ctx, rdb)
		if err != nil {
			return nil, err
		}
		secret = kept
	}
	return links.NewSigner(secret, now).Accepting([]byte(cfg.SecretPrevious.Reveal())), nil
}

// keptSecret is the key kept in Redis, made there first if it is not yet.
func keptSecret(ctx context.Context, rdb redis.UniversalClient) ([]byte, error) {
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
	return []byte(stored), nil
}
