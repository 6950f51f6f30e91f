package app

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/jobs"
)

// pastSession stores a confirmed session that ended an hour ago and
// schedules its follow-ups, as the confirm task would have; its reflection
// is then due at once.
func pastSession(t *testing.T, e *env, email string, start time.Time) booking.Booking {
	t.Helper()
	ctx := context.Background()
	rdb := e.rdb.Client(t)
	store := booking.NewStore(rdb, time.Now)
	b, _, err := store.Claim(ctx, booking.Booking{
		TherapistID: "default", Type: "session", Start: start, End: start.Add(50 * time.Minute),
		Name: "Sam Lee", Email: email, TimeZone: "Europe/London",
	}, "", booking.Guard{})
	if err != nil {
		t.Fatal(err)
	}
	if b, err = store.Confirm(ctx, b.ID, b.Seq); err != nil {
		t.Fatal(err)
	}
	client := asynq.NewClientFromRedisClient(rdb)
	insp := asynq.NewInspectorFromRedisClient(rdb)
	if err := jobs.NewEnqueuer(client, insp, e.cfg, time.Now).ScheduleFollowUps(ctx, b); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReflectionPromptAndOneClickOptOut(t *testing.T) {
	e := startEnv(t, func(c *config.Config) { c.Reflection.After = 10 * time.Minute })
	start := time.Now().Add(-3 * time.Hour).Truncate(time.Hour)
	pastSession(t, e, "sam@example.org", start)
	msgs := e.smtp.WaitFor(t, 1, 10*time.Second)
	msg, parts := parseMessage(t, msgs[0].Data)
	if post := msg.Header.Get("List-Unsubscribe-Post"); post != "List-Unsubscribe=One-Click" {
		t.Fatalf("List-Unsubscribe-Post = %q", post)
	}
	link := strings.Trim(msg.Header.Get("List-Unsubscribe"), "<>")
	if !strings.HasPrefix(link, "https://book.riverside.example/u/") {
		t.Fatalf("List-Unsubscribe = %q", link)
	}
	text := string(find(parts, "text/plain")[0].body)
	for _, want := range []string{link, "https://book.riverside.example/book"} {
		if !strings.Contains(text, want) {
			t.Errorf("the prompt lacks %s", want)
		}
	}
	// One click, as a mail client sends it: no cookie, no CSRF token.
	u, _ := url.Parse(link)
	resp, err := http.Post(e.base+u.Path, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("one-click opt-out = %d", resp.StatusCode)
	}
	// A later session of the same client gets no prompt.
	pastSession(t, e, "SAM@example.org", start.Add(-24*time.Hour))
	time.Sleep(2 * time.Second)
	if n := len(e.smtp.Messages()); n != 1 {
		t.Fatalf("%d messages after the opt-out, want still 1", n)
	}
}

func TestReflectionOmitsBookingLinkWhenNextIsBooked(t *testing.T) {
	e := startEnv(t, nil)
	all := firstSlots(t, e.base, "session")
	book(t, e, "session", all.Slots[0].Start, "sam@example.org")
	e.smtp.WaitFor(t, 2, 10*time.Second)
	pastSession(t, e, "sam@example.org", time.Now().Add(-5*time.Hour).Truncate(time.Hour))
	msgs := e.smtp.WaitFor(t, 3, 10*time.Second)
	for _, m := range msgs {
		if strings.Contains(string(m.Data), "List-Unsubscribe-Post") {
			_, parts := parseMessage(t, m.Data)
			if text := string(find(parts, "text/plain")[0].body); strings.Contains(text, "https://book.riverside.example/book") {
				t.Fatal("the prompt offers to book although the next session is booked")
			}
			return
		}
	}
	t.Fatal("no reflection prompt arrived")
}
