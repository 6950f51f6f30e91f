package app

import (
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/config"
)

// The digest of tomorrow's sessions reaches the therapist once, however
// many sweeps and processes ask for it.
func TestDigestSentOnceAcrossProcesses(t *testing.T) {
	e := startEnv(t, func(c *config.Config) {
		allDay(c)
		c.Digest.At = "00:00"
		c.Reminders.Before = nil
	})
	// A second worker process on the same Redis.
	runApp(t, e.cfg, Roles{Worker: true, Scheduler: true}, e.logs)
	zone, _ := time.LoadLocation(e.cfg.Therapists[0].Timezone)
	tomorrow := time.Now().In(zone).AddDate(0, 0, 1)
	start := time.Date(tomorrow.Year(), tomorrow.Month(), tomorrow.Day(), 10, 0, 0, 0, zone)
	book(t, e, "consultation", start.UTC().Format(time.RFC3339), "sam@example.org")
	e.smtp.WaitFor(t, 2, 10*time.Second)
	runSweep(t, e)
	runSweep(t, e)
	msgs := e.smtp.WaitFor(t, 3, 10*time.Second)
	time.Sleep(2 * time.Second)
	digests := 0
	for _, m := range messagesTo(e.smtp.Messages(), "ada@example.org") {
		if strings.Contains(string(m.Data), "Subject: Tomorrow at") {
			digests++
			if !strings.Contains(string(m.Data), "S. L.") || strings.Contains(string(m.Data), "sam@example.org") {
				t.Errorf("the digest should name initials only")
			}
		}
	}
	if digests != 1 {
		t.Fatalf("%d digests among %d messages, want 1", digests, len(msgs))
	}
}
