package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"

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

// asynqLogger routes asynq's own messages into the service's log.
type asynqLogger struct{ l *slog.Logger }

func (a asynqLogger) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...), "component", "asynq") }
func (a asynqLogger) Info(args ...any)  { a.l.Info(fmt.Sprint(args...), "component", "asynq") }
func (a asynqLogger) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...), "component", "asynq") }

// Error demotes asynq's complaint that it may not close the Redis client
// the service shares with it (the service closes it itself): an alert on
// errors should not fire at every stop.
func (a asynqLogger) Error(args ...any) {
	msg := fmt.Sprint(args...)
	if strings.Contains(msg, "connection is shared") {
		a.l.Debug(msg, "component", "asynq")
		return
	}
	a.l.Error(msg, "component", "asynq")
}

// Fatal is asynq's word for a state it cannot go on from.
func (a asynqLogger) Fatal(args ...any) {
	a.l.Error(fmt.Sprint(args...), "component", "asynq")
	os.Exit(1)
}
