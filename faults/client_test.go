//go:build faults

package faults

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/internal/testsmtp"
	"github.com/consultd/consultd/jobs"
)

// httpClient gives up after 10 s, so a hanging request fails the test
// rather than stalling it.
var httpClient = &http.Client{Timeout: 10 * time.Second}

// clientEmail is the address of the i-th client of a scenario.
func clientEmail(scenario string, i int) string {
	return fmt.Sprintf("%s-%03d@%s", scenario, i, clientDomain)
}

// bookResult is the answer to one booking request; code is 0 when none
// came (err says why).
type bookResult struct {
	code    int
	id      string
	outcome string // "unknown" on a 503 after which the booking may exist
	elapsed time.Duration
	err     error
}

// book asks for a consultation at start for the client at email.
func (s *stack) book(start, email string) bookResult {
	body := fmt.Sprintf(`{"type":%q,"start":%q,"name":"Fault Suite Client","email":%q,"timezone":"UTC"}`, sessionType, start, email)
	began := time.Now()
	resp, err := httpClient.Post(s.base+"/api/bookings", "application/json", strings.NewReader(body))
	if err != nil {
		return bookResult{elapsed: time.Since(began), err: err}
	}
	defer resp.Body.Close()
	var out struct {
		ID      string `json:"id"`
		Outcome string `json:"outcome"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return bookResult{code: resp.StatusCode, id: out.ID, outcome: out.Outcome, elapsed: time.Since(began)}
}

// mustBook books and fails the test unless the booking is created.
func (s *stack) mustBook(start, email string) string {
	s.t.Helper()
	r := s.book(start, email)
	if r.code != http.StatusCreated || r.id == "" {
		s.t.Fatalf("POST /api/bookings = %d (%v), want 201", r.code, r.err)
	}
	return r.id
}

// get answers the status of a GET, 0 with the error when there was none.
func (s *stack) get(path string) (int, time.Duration, error) {
	began := time.Now()
	resp, err := httpClient.Get(s.base + path)
	if err != nil {
		return 0, time.Since(began), err
	}
	resp.Body.Close()
	return resp.StatusCode, time.Since(began), nil
}

// freeSlots lists n free slot starts at least `after` from now.
func (s *stack) freeSlots(after time.Duration, n int) []string {
	s.t.Helper()
	now := time.Now().UTC()
	url := fmt.Sprintf("%s/api/slots?type=%s&from=%s&to=%s", s.base, sessionType,
		now.Format(time.DateOnly), now.AddDate(0, 0, 5).Format(time.DateOnly))
	resp, err := httpClient.Get(url)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		Slots []struct{ Start string } `json:"slots"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != http.StatusOK {
		s.t.Fatalf("GET /api/slots = %d: %v", resp.StatusCode, err)
	}
	var out []string
	for _, sl := range got.Slots {
		if start, err := time.Parse(time.RFC3339, sl.Start); err == nil && start.After(now.Add(after)) {
			out = append(out, sl.Start)
		}
	}
	if len(out) < n {
		s.t.Fatalf("%d free slots at least %v ahead, want %d", len(out), after, n)
	}
	return out[:n]
}

// confirmTask is the state of a booking's confirm task; found is false
// when there is none.
func (s *stack) confirmTask(id string) (state asynq.TaskState, found bool, err error) {
	info, err := s.insp.GetTaskInfo(jobs.Queue, jobs.ConfirmTaskID(id))
	if errors.Is(err, asynq.ErrTaskNotFound) || errors.Is(err, asynq.ErrQueueNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return info.State, true, nil
}

// delivered is what the suite reads of a message the SMTP server accepted.
type delivered struct {
	to        []string // the To header's addresses, lower case
	messageID string   // without the angle brackets
	received  time.Time
}

func readMail(t *testing.T, m testsmtp.Message) delivered {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatalf("a delivered message does not parse: %v", err)
	}
	list, err := msg.Header.AddressList("To")
	if err != nil {
		t.Fatalf("a delivered message has a bad To header: %v", err)
	}
	d := delivered{messageID: strings.Trim(msg.Header.Get("Message-ID"), "<>"), received: m.Received}
	for _, a := range list {
		d.to = append(d.to, strings.ToLower(a.Address))
	}
	return d
}

// invites groups the arrival times of invites by client address. An
// invite's Message-ID starts with "invite.<booking>".
func invites(t *testing.T, msgs []testsmtp.Message) map[string][]time.Time {
	t.Helper()
	out := map[string][]time.Time{}
	for _, m := range msgs {
		d := readMail(t, m)
		if !strings.HasPrefix(d.messageID, "invite.") {
			continue
		}
		for _, to := range d.to {
			out[to] = append(out[to], d.received)
		}
	}
	return out
}

// countInvites tells how many clients got none and how many got more than
// one invite, and when the last one arrived.
func countInvites(t *testing.T, got map[string][]time.Time, clients []string) (missing, duplicates int, last time.Time) {
	t.Helper()
	for _, c := range clients {
		times := got[c]
		switch {
		case len(times) == 0:
			missing++
		case len(times) > 1:
			duplicates++
		}
		for _, at := range times {
			if at.After(last) {
				last = at
			}
		}
	}
	return missing, duplicates, last
}

// waitUntil polls cond every 150 ms until it holds, or fails the test
// saying what did not happen within timeout.
func waitUntil(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, timeout)
		}
		time.Sleep(150 * time.Millisecond)
	}
}

// repeatedMessages counts Message-IDs delivered more than once.
func repeatedMessages(t *testing.T, msgs []testsmtp.Message) int {
	t.Helper()
	seen := map[string]int{}
	for _, m := range msgs {
		seen[readMail(t, m).messageID]++
	}
	n := 0
	for _, c := range seen {
		if c > 1 {
			n++
		}
	}
	return n
}
