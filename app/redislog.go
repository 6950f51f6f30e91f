package app

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"
)

// redisLogger routes go-redis's own messages (failed dials, failovers)
// into the service's log instead of bare lines on stderr.
type redisLogger struct{ l *slog.Logger }

func (r redisLogger) Printf(_ context.Context, format string, v ...any) {
	r.l.Warn(fmt.Sprintf(format, v...), "component", "redis")
}

// RouteRedisLog sends go-redis's messages to logger. go-redis keeps one
// logger for the whole process, so the command that starts the service
// sets it once.
func RouteRedisLog(logger *slog.Logger) { redis.SetLogger(redisLogger{logger}) }
