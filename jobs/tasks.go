// Package jobs owns the background work: task types and their payloads, the
// helpers that enqueue them with deterministic task IDs, and the handlers
// that send the emails. Payloads carry IDs only, never personal data.
package jobs

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
)

// Task types.
const (
	TypeConfirm   = "booking:confirm"
	TypeReminder  = "booking:remind"
	TypeReflect   = "booking:reflect"
	TypeCancelled = "booking:cancelled"
	TypeUpdated   = "booking:updated"
	TypeSweep     = "maintenance:sweep"
)

// Queue is the asynq queue every task of the service uses.
const Queue = "default"

// mailRetries bounds how often a mail task is tried: with retryDelay that
// is about a day before a task is archived, long enough to ride out an
// SMTP outage. Never 0: a killed worker's task comes back as a retry.
const mailRetries = 25

// retention keeps finished tasks (and so their IDs) for a while, so a
// duplicate enqueue of the same work is refused rather than run twice.
const retention = 24 * time.Hour

// Payload names the booking a task is about, and the booking's sequence
// when the task was made, so a task for an older version can tell.
type Payload struct {
	BookingID string `json:"booking_id"`
	Seq       int    `json:"seq"`
	// Offset is how long before the session a reminder is due ("24h").
	Offset string `json:"offset,omitempty"`
	// PrevStart is where an updated booking used to start (unix seconds).
	PrevStart int64 `json:"prev_start,omitempty"`
}

func decodePayload(t *asynq.Task) (Payload, error) {
	var p Payload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.BookingID == "" || p.Seq < 0 {
		return p, fmt.Errorf("bad %s payload: %w", t.Type(), asynq.SkipRetry)
	}
	return p, nil
}

func newTask(typ string, p Payload) *asynq.Task {
	body, _ := json.Marshal(p) // two plain fields: cannot fail
	return asynq.NewTask(typ, body)
}

// RetryDelay waits 5 s after the first failure and doubles up to 15
// minutes: a passing SMTP hiccup is retried within seconds, a long outage
// is not hammered.
func RetryDelay(n int, _ error, _ *asynq.Task) time.Duration {
	d := 5 * time.Second
	for i := 0; i < n && d < 15*time.Minute; i++ {
		d *= 2
	}
	return min(d, 15*time.Minute)
}
