package metrics

import (
	"fmt"
	"slices"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
)

// QueueInspector reads the state of asynq queues (an *asynq.Inspector).
type QueueInspector interface {
	Queues() ([]string, error)
	GetQueueInfo(queue string) (*asynq.QueueInfo, error)
}

var (
	queueSizeDesc = prometheus.NewDesc("consultd_queue_size",
		"Tasks in the queue: pending, active, scheduled, retry, archived and aggregating.", []string{"queue"}, nil)
	queueLatencyDesc = prometheus.NewDesc("consultd_queue_latency_seconds",
		"How long the oldest pending task has waited.", []string{"queue"}, nil)
	queueTasksDesc = prometheus.NewDesc("consultd_queue_tasks",
		"Tasks in the queue by state; archived ones failed for good.", []string{"queue", "state"}, nil)
	queuePausedDesc = prometheus.NewDesc("consultd_queue_paused",
		"1 while the queue is paused (from the queue monitor): nothing is sent.", []string{"queue"}, nil)
)

// queueCollector reads the queues when Prometheus scrapes, so the values
// are the queue's own (shared by every process on one Redis), not a
// process's view of it.
type queueCollector struct {
	inspector QueueInspector
	queues    []string
}

// WatchQueues adds the state of the named queues to the registry.
func (m *Metrics) WatchQueues(inspector QueueInspector, queues ...string) error {
	return m.reg.Register(&queueCollector{inspector: inspector, queues: queues})
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- queueSizeDesc
	ch <- queueLatencyDesc
	ch <- queueTasksDesc
	ch <- queuePausedDesc
}

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	// asynq creates a queue with its first task; until then it is empty,
	// not missing.
	known, err := c.inspector.Queues()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(queueSizeDesc, fmt.Errorf("list queues: %w", err))
		return
	}
	for _, q := range c.queues {
		info := &asynq.QueueInfo{Queue: q}
		if slices.Contains(known, q) {
			if info, err = c.inspector.GetQueueInfo(q); err != nil {
				ch <- prometheus.NewInvalidMetric(queueSizeDesc, fmt.Errorf("queue %s: %w", q, err))
				continue
			}
		}
		collectQueue(ch, q, info)
	}
}

func collectQueue(ch chan<- prometheus.Metric, q string, info *asynq.QueueInfo) {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, append([]string{q}, labels...)...)
	}
	gauge(queueSizeDesc, float64(info.Size))
	gauge(queueLatencyDesc, info.Latency.Seconds())
	paused := 0.0
	if info.Paused {
		paused = 1
	}
	gauge(queuePausedDesc, paused)
	for state, n := range map[string]int{
		"pending": info.Pending, "active": info.Active, "scheduled": info.Scheduled,
		"retry": info.Retry, "archived": info.Archived, "completed": info.Completed,
	} {
		gauge(queueTasksDesc, float64(n), state)
	}
}
