//go:build faults

package faults

import (
	"context"
	"time"

	"github.com/hibiken/asynq"
)

// sweepBound is how long a hold without a confirm task may wait for the
// sweep: its 2-minute grace, the sweep's 1-minute period, and some room.
const sweepBound = 4 * time.Minute

// checkHolds proves that no hold leaked: a held booking either has a
// confirm task that will run, or the sweep deals with it within
// sweepBound; every booking answered 201 is confirmed and invited; and no
// booking exists whose client was told 503 "nothing was booked". A client
// told that the outcome is unknown (Redis went away after the write was
// sent) may have a booking: it must then be confirmed and invited like any.
// answered maps the booking of every 201 to its client's address.
func (s *stack) checkHolds(ctx context.Context, answered map[string]string, uncertain map[string]bool) {
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
			s.t.Logf("booking %s is held without a confirm task that will run: left to the sweep", b.ID)
		}
	}
	report(s.t, "holds without a confirm task", "%d of %d held", orphans, len(held))

	var clients []string
	for _, email := range answered {
		clients = append(clients, email)
	}
	all, err := s.store.List(ctx, "default", time.Now().Add(-time.Hour), time.Now().AddDate(0, 0, 7))
	if err != nil {
		s.t.Fatal(err)
	}
	for _, b := range all {
		if _, ok := answered[b.ID]; !ok && uncertain[b.Email] && b.Status.Live() {
			clients = append(clients, b.Email) // booked after all: it must be invited too
		}
	}
	timeout := 150 * time.Second // a confirm a killed process held returns after asynq's lease
	if orphans > 0 {
		timeout = sweepBound
	}
	began := time.Now()
	waitUntil(s.t, timeout, "every hold confirmed or released and every 201 invited", func() bool {
		missing, _, _ := countInvites(s.t, invites(s.t, s.smtp.Messages()), clients)
		return missing == 0 && s.settled()
	})
	report(s.t, "holds settled, 201s invited after", "%.1f s", time.Since(began).Seconds())
	got := invites(s.t, s.smtp.Messages())
	_, dups, _ := countInvites(s.t, got, clients)
	report(s.t, "clients with duplicate invites", "%d of %d", dups, len(clients))

	ghosts := 0
	for _, b := range all {
		if _, ok := answered[b.ID]; !ok && !uncertain[b.Email] {
			ghosts++
			s.t.Logf("booking %s is %s (invites sent: %d), but its request was answered 503; the logs say:\n%s",
				b.ID, b.Status, len(got[b.Email]), s.linesAbout(b.ID, b.Start.UTC().Format(time.RFC3339)))
		}
	}
	report(s.t, "bookings made though answered 503", "%d of %d stored", ghosts, len(all))
	if ghosts > 0 {
		s.t.Errorf("%d bookings exist whose client was told that nothing was booked", ghosts)
	}
}
