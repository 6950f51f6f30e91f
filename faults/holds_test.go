//go:build faults

package faults

import (
	"context"
	"time"

	"github.com/hibiken/asynq"
)

// checkHolds proves that no hold leaked: every held booking has a confirm
// task that will run, and gets confirmed (a confirm a killed process held
// comes back after asynq's lease, within about two minutes); every booking
// answered 201 gets its invite; and no booking exists whose client was
// told 503 ("nothing was booked"). answered maps booking IDs to the client
// address of every 201.
func (s *stack) checkHolds(ctx context.Context, answered map[string]string) {
	s.t.Helper()
	held, err := s.store.Held(ctx, "default")
	if err != nil {
		s.t.Fatal(err)
	}
	orphans := 0
	for _, b := range held {
		state, found, err := s.confirmTask(b.ID)
		if err != nil {
			s.t.Fatal(err)
		}
		if !found || state == asynq.TaskStateArchived {
			orphans++
			s.t.Logf("booking %s is held without a confirm task that will run (found %v, state %v)", b.ID, found, state)
		}
	}
	report(s.t, "holds without a live confirm task", "%d of %d held", orphans, len(held))
	if orphans > 0 {
		s.t.Errorf("%d held bookings have no confirm task: they stay held until the sweep", orphans)
	}

	var clients []string
	for _, email := range answered {
		clients = append(clients, email)
	}
	began := time.Now()
	waitUntil(s.t, 150*time.Second, "every 201 confirmed and invited, nothing held", func() bool {
		missing, _, _ := countInvites(s.t, invites(s.t, s.smtp.Messages()), clients)
		return missing == 0 && s.settled()
	})
	report(s.t, "all holds confirmed after the check", "%.1f s", time.Since(began).Seconds())
	_, dups, _ := countInvites(s.t, invites(s.t, s.smtp.Messages()), clients)
	report(s.t, "clients with duplicate invites", "%d of %d", dups, len(clients))

	all, err := s.store.List(ctx, "default", time.Now().Add(-time.Hour), time.Now().AddDate(0, 0, 7))
	if err != nil {
		s.t.Fatal(err)
	}
	ghosts := 0
	for _, b := range all {
		if _, ok := answered[b.ID]; !ok {
			ghosts++
			s.t.Logf("booking %s (%s) exists, but its request was not answered 201", b.ID, b.Status)
		}
	}
	report(s.t, "bookings stored though answered 503", "%d of %d stored", ghosts, len(all))
	if ghosts > 0 {
		s.t.Errorf("%d bookings exist whose client was told nothing was booked", ghosts)
	}
}
