//go:build faults

package faults

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/jobs"
)

// TestSMTPOutage books while the SMTP server is away and checks that every
// invite goes out once it is back; then the server refuses one address for
// good (550) while other bookings are made at the same moment: that
// booking is flagged, its task archived, the therapist told, and the
// others are unaffected.
func TestSMTPOutage(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	slots := s.freeSlots(2*time.Hour, 10)

	s.smtp.Stop()
	var waiting []string
	for i := range 5 {
		waiting = append(waiting, clientEmail("outage", i))
		s.mustBook(slots[i], waiting[i])
	}
	time.Sleep(10 * time.Second)
	s.smtp.Restart()
	back := time.Now()
	// The worker retries 5 s after the first failure, then 10, 20, 40 s.
	waitUntil(t, 90*time.Second, "every invite after the SMTP server came back", func() bool {
		missing, _, _ := countInvites(t, invites(t, s.smtp.Messages()), waiting)
		return missing == 0
	})
	missing, dups, last := countInvites(t, invites(t, s.smtp.Messages()), waiting)
	report(t, "invites lost in the outage", "%d of %d", missing, len(waiting))
	report(t, "duplicate invites after the outage", "%d of %d", dups, len(waiting))
	report(t, "last invite after SMTP came back", "%.1f s", last.Sub(back).Seconds())
	if dups > 0 {
		t.Errorf("%d clients got their invite twice after the outage", dups)
	}

	refused := clientEmail("refused", 0)
	s.smtp.RejectRecipient(refused, 550, "mailbox unavailable")
	var beside []string
	for i := range 4 {
		beside = append(beside, clientEmail("beside", i))
	}
	ids := s.bookTogether(slots[5:10], append([]string{refused}, beside...))
	refusedID, began := ids[0], time.Now()
	ctx := context.Background()
	waitUntil(t, 30*time.Second, "the refused booking flagged undeliverable", func() bool {
		b, err := s.store.Get(ctx, refusedID)
		return err == nil && b.Flag == jobs.FlagUndeliverable
	})
	waitUntil(t, 30*time.Second, "its confirm task archived", func() bool {
		state, found, err := s.confirmTask(refusedID)
		return err == nil && found && state == asynq.TaskStateArchived
	})
	waitUntil(t, 30*time.Second, "the therapist told of the refused address", func() bool {
		return s.noticeArrived("therapist_flagged." + refusedID + ".")
	})
	report(t, "refused address (550)", "flagged, task archived, therapist told in %.1f s", time.Since(began).Seconds())
	waitUntil(t, 30*time.Second, "the invites of the bookings made beside it", func() bool {
		missing, _, _ := countInvites(t, invites(t, s.smtp.Messages()), beside)
		return missing == 0
	})
	missing, dups, _ = countInvites(t, invites(t, s.smtp.Messages()), beside)
	report(t, "bookings beside it invited", "%d of %d (duplicates %d)", len(beside)-missing, len(beside), dups)
	if n := len(invites(t, s.smtp.Messages())[refused]); n != 0 {
		t.Errorf("%d invites reached the refused address", n)
	}
	s.checkAlive()
}

// bookTogether books slots[i] for emails[i], all at the same moment, and
// returns the booking IDs in the same order.
func (s *stack) bookTogether(slots, emails []string) []string {
	s.t.Helper()
	results := make([]bookResult, len(emails))
	var wg sync.WaitGroup
	for i := range emails {
		wg.Go(func() { results[i] = s.book(slots[i], emails[i]) })
	}
	wg.Wait()
	ids := make([]string, len(results))
	for i, r := range results {
		if r.code != 201 {
			s.t.Fatalf("booking %d: POST = %d (%v), want 201", i, r.code, r.err)
		}
		ids[i] = r.id
	}
	return ids
}

// noticeArrived tells whether a message to the therapist whose Message-ID
// starts with prefix has arrived.
func (s *stack) noticeArrived(prefix string) bool {
	for _, m := range s.smtp.Messages() {
		d := readMail(s.t, m)
		if strings.HasPrefix(d.messageID, prefix) && len(d.to) == 1 && d.to[0] == therapistEmail {
			return true
		}
	}
	return false
}
