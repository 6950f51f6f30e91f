package app

import (
	"net/http"

	"github.com/hibiken/asynqmon"
	"github.com/redis/go-redis/v9"

	"github.com/consultd/consultd/jobs"
	"github.com/consultd/consultd/metrics"
	"github.com/consultd/consultd/web"
)

// buildMetrics makes the process's registry; the queue's state is read
// from Redis when /metrics is scraped.
func (a *App) buildMetrics() error {
	a.metrics = metrics.New()
	return a.metrics.WatchQueues(a.inspector, jobs.Queue)
}

// queueMonitor is asynqmon on the service's own Redis connection, read-only:
// the admin credential is the practice's, and deleting or running tasks by
// hand could drop a client's invite or send a reminder early. It is closed
// with that connection, never on its own (its Close would close it).
func (a *App) queueMonitor() http.Handler {
	return asynqmon.New(asynqmon.Options{
		RootPath:     web.QueuesPath,
		RedisConnOpt: sharedRedis{a.rdb},
		ReadOnly:     true,
	})
}

// sharedRedis hands asynqmon the connection the service already has, so it
// reaches Redis the same way (one server, Cluster or Sentinel, same
// timeouts) rather than from a second set of options.
type sharedRedis struct{ redis.UniversalClient }

func (s sharedRedis) MakeRedisClient() any { return s.UniversalClient }
