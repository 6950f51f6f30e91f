//go:build faults

package faults

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/jobs"
)

// TestRedisRestart kills redis-server (AOF, fsync always) under load with
// 400 reminders and prompts scheduled, and restarts it. While it is down a
// booking gets a quick 503 and /readyz 503; afterwards both recover on
// their own, no scheduled task is lost and no hold is left without its
// confirm task.
func TestRedisRestart(t *testing.T) {
	t.Parallel()
	s := newStack(t, "--appendonly", "yes", "--appendfsync", "always")
	const total, probes = 200, 10
	slots := s.freeSlots(2*time.Hour, total+80)
	ctx := context.Background()

	// 200 confirmed bookings: each has its 1h reminder and its reflection
	// prompt scheduled, hours after the test ends.
	var mu sync.Mutex
	answered := map[string]string{} // booking → client address, for every 201
	uncertain := map[string]bool{}  // clients told the outcome is unknown
	for i, r := range s.bookAll(slots[:total], "aof", 0) {
		if r.code != http.StatusCreated {
			t.Fatalf("booking %d: POST = %d (%v), want 201", i, r.code, r.err)
		}
		answered[r.id] = clientEmail("aof", i)
	}
	waitUntil(t, 90*time.Second, "200 bookings confirmed", s.settled)
	before := s.scheduledIDs()
	report(t, "scheduled tasks before the kill", "%d", len(before))
	if len(before) != 2*total {
		t.Fatalf("%d scheduled tasks, want %d (a reminder and a prompt each)", len(before), 2*total)
	}

	// Kill Redis while four clients keep booking; each stops at its first
	// answer that is not 201.
	load := slots[total : total+60]
	var wg sync.WaitGroup
	started := make(chan struct{}, len(load))
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(load); i += 4 {
				email := clientEmail("aof-load", i)
				r := s.book(load[i], email)
				started <- struct{}{}
				if r.code != http.StatusCreated {
					if r.outcome == "unknown" {
						mu.Lock()
						uncertain[email] = true
						mu.Unlock()
					}
					return
				}
				mu.Lock()
				answered[r.id] = email
				mu.Unlock()
			}
		})
	}
	for range 12 {
		<-started
	}
	s.redis.Kill()
	wg.Wait()

	// While it is down: a clear 503, quickly, to bookings and readiness.
	var slowest time.Duration
	for i := range probes {
		r := s.book(slots[total+60+i], clientEmail("aof-probe", i))
		if r.code != http.StatusServiceUnavailable || r.elapsed > 5*time.Second {
			t.Fatalf("POST /api/bookings with Redis down = %d (%v) after %v, want 503 within 5 s", r.code, r.err, r.elapsed)
		}
		slowest = max(slowest, r.elapsed)
	}
	report(t, "POST /api/bookings, Redis down", "%d of %d answered 503, slowest %d ms", probes, probes, slowest.Milliseconds())
	code, took, err := s.get("/readyz")
	if code != http.StatusServiceUnavailable || took > 5*time.Second {
		t.Fatalf("GET /readyz with Redis down = %d (%v) after %v, want 503 within 5 s", code, err, took)
	}
	report(t, "GET /readyz, Redis down", "503 in %d ms", took.Milliseconds())

	s.redis.Restart(t)
	restarted := time.Now()
	waitUntil(t, 30*time.Second, "/readyz 200 after the restart", func() bool {
		code, _, _ := s.get("/readyz")
		return code == http.StatusOK
	})
	report(t, "/readyz 200 again after restart", "%.2f s", time.Since(restarted).Seconds())
	var first bookResult
	probe := clientEmail("aof-after", 0)
	waitUntil(t, 30*time.Second, "a booking accepted after the restart", func() bool {
		first = s.book(slots[total+70], probe)
		return first.code == http.StatusCreated
	})
	answered[first.id] = probe
	report(t, "first booking 201 after restart", "%.2f s", time.Since(restarted).Seconds())
	waitUntil(t, 60*time.Second, "its invite (the worker is back)", func() bool {
		return len(invites(t, s.smtp.Messages())[probe]) > 0
	})
	report(t, "its invite delivered after restart", "%.2f s", time.Since(restarted).Seconds())

	after := s.scheduledIDs()
	lost := 0
	for id := range before {
		if !after[id] {
			lost++
		}
	}
	report(t, "scheduled tasks lost", "%d of %d (%d scheduled now)", lost, len(before), len(after))
	if lost > 0 {
		t.Errorf("%d scheduled tasks were lost across the restart", lost)
	}
	report(t, "503s with an unknown outcome", "%d", len(uncertain))
	s.checkHolds(ctx, answered, uncertain)
	s.checkAlive()
}

// bookAll books every slot with four clients at once; the i-th booking is
// for clientEmail(scenario, first+i).
func (s *stack) bookAll(slots []string, scenario string, first int) []bookResult {
	out := make([]bookResult, len(slots))
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(slots); i += 4 {
				out[i] = s.book(slots[i], clientEmail(scenario, first+i))
			}
		})
	}
	wg.Wait()
	return out
}

// scheduledIDs lists the IDs of every scheduled task.
func (s *stack) scheduledIDs() map[string]bool {
	s.t.Helper()
	ids := map[string]bool{}
	for page := 1; ; page++ {
		tasks, err := s.insp.ListScheduledTasks(jobs.Queue, asynq.PageSize(500), asynq.Page(page))
		if err != nil {
			s.t.Fatalf("list scheduled tasks: %v", err)
		}
		for _, task := range tasks {
			ids[task.ID] = true
		}
		if len(tasks) < 500 {
			return ids
		}
	}
}
