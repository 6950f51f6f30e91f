//go:build faults

package faults

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/jobs"
)

// TestWorkerCrashes books 150 consultations while the worker is SIGKILLed
// three times and restarted. The tasks a killed worker held come back only
// after asynq's 30 s lease and its one-minute recoverer; the suite waits
// for that rather than shortening anything. Every client must get an
// invite; a duplicate (killed between the SMTP reply and the sent-marker)
// is allowed only for a task in flight at a kill, at most one per such
// task, as the design says: nothing else may repeat.
func TestWorkerCrashes(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	const total, posters = 150, 5
	killAfter := []int{35, 75, 115} // kill once this many bookings were answered
	slots := s.freeSlots(2*time.Hour, total)
	clients := make([]string, total)
	for i := range clients {
		clients[i] = clientEmail("crash", i)
	}

	results := make([]bookResult, total)
	next, answered := make(chan int), make(chan int, total)
	for range posters {
		go func() {
			for i := range next {
				results[i] = s.book(slots[i], clients[i])
				answered <- i
			}
		}()
	}
	go func() {
		for i := range total {
			next <- i
			time.Sleep(80 * time.Millisecond) // spreads the bookings over ~12 s
		}
		close(next)
	}()
	var lastKill time.Time
	var inFlight []string
	busy := 0
	for n := 1; n <= total; n++ {
		<-answered
		if slices.Contains(killAfter, n) {
			held := s.killWorkerBusy()
			busy += held
			inFlight = append(inFlight, fmt.Sprint(held))
			lastKill = time.Now()
			s.worker = s.start("worker")
		}
	}
	for i, r := range results {
		if r.code != http.StatusCreated {
			t.Fatalf("booking %d: POST = %d (%v), want 201", i, r.code, r.err)
		}
	}
	report(t, "bookings created", "%d", total)
	report(t, "worker kills (tasks in flight at each)", "%d (%s)", len(killAfter), strings.Join(inFlight, ", "))

	// Lease (30 s) + recoverer cutoff (30 s) + recoverer tick (≤ 60 s) +
	// retry delay (5 s): a killed worker's task is done at most ~2 min
	// after the kill. Its invite may have gone out before the kill.
	deadline := lastKill.Add(200 * time.Second)
	waitUntil(t, time.Until(deadline), "every client's invite after the worker crashes", func() bool {
		missing, _, _ := countInvites(t, invites(t, s.smtp.Messages()), clients)
		return missing == 0
	})
	waitUntil(t, time.Until(deadline), "every hold confirmed and the queue drained", s.settled)
	settled := time.Since(lastKill)
	msgs := s.smtp.Messages()
	missing, dups, last := countInvites(t, invites(t, msgs), clients)
	report(t, "clients without invite (lost)", "%d of %d", missing, total)
	report(t, "clients with duplicate invites", "%d of %d", dups, total)
	report(t, "messages delivered twice (any kind)", "%d of %d", repeatedMessages(t, msgs), len(msgs))
	report(t, "last invite after last kill", "%.1f s", last.Sub(lastKill).Seconds())
	report(t, "all confirmed, queue drained after kill", "%.1f s", settled.Seconds())
	if dups > busy {
		t.Errorf("%d clients got more than one invite, want at most %d (one per task in flight at a kill)", dups, busy)
	}
	ctx := context.Background()
	for _, r := range results {
		b, err := s.store.Get(ctx, r.id)
		if err != nil || b.Status != booking.StatusConfirmed {
			t.Errorf("booking %s: status %q (%v), want confirmed", r.id, b.Status, err)
		}
	}
	s.checkAlive()
}

// killWorkerBusy SIGKILLs the worker, at a moment it holds tasks if that
// comes within 2 s, and says how many it held just before.
func (s *stack) killWorkerBusy() int {
	active := 0
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); {
		if q, err := s.insp.GetQueueInfo(jobs.Queue); err == nil && q.Active > 0 {
			active = q.Active
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.worker.kill()
	return active
}

// settled tells whether no booking is held any more and no task is
// pending, running or waiting for a retry: a late duplicate would have been
// sent by now.
func (s *stack) settled() bool {
	held, err := s.store.Held(context.Background(), "default")
	if err != nil || len(held) > 0 {
		return false
	}
	q, err := s.insp.GetQueueInfo(jobs.Queue)
	return err == nil && q.Active == 0 && q.Pending == 0 && q.Retry == 0
}
