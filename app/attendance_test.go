package app

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/jobs"
)

// confirmedSession stores b confirmed and schedules its follow-ups, as the
// confirm task would have.
func confirmedSession(t *testing.T, e *env, b booking.Booking) booking.Booking {
	t.Helper()
	ctx := context.Background()
	rdb := e.rdb.Client(t)
	store := booking.NewStore(rdb, time.Now)
	b.TherapistID = "default"
	st, _ := e.cfg.SessionType(b.Type)
	b.End = b.Start.Add(st.Duration)
	b, _, err := store.Claim(ctx, b, "", booking.Guard{})
	if err != nil {
		t.Fatal(err)
	}
	if b, err = store.Confirm(ctx, b.ID, b.Seq); err != nil {
		t.Fatal(err)
	}
	if err := jobs.NewEnqueuer(asynq.NewClientFromRedisClient(rdb), asynq.NewInspectorFromRedisClient(rdb), e.cfg, time.Now).ScheduleFollowUps(ctx, b); err != nil {
		t.Fatal(err)
	}
	return b
}

func (e *env) reflectQueued(t *testing.T, b booking.Booking) bool {
	t.Helper()
	_, err := asynq.NewInspectorFromRedisClient(e.rdb.Client(t)).GetTaskInfo(jobs.Queue, jobs.ReflectTaskID(b.ID, b.Seq))
	if err != nil && !errors.Is(err, asynq.ErrTaskNotFound) && !errors.Is(err, asynq.ErrQueueNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

func postAttendance(t *testing.T, e *env, id, status string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", e.base+"/admin/api/bookings/"+id+"/attendance", strings.NewReader(`{"status":"`+status+`"}`))
	req.SetBasicAuth("admin", "admin-secret")
	req.Header.Set("Content-Type", "application/json")
	return doRequest(t, req, nil)
}

// The practice marks a no-show after the session began: its prompt is
// deleted from the queue and never sent. Before the start the same request
// is refused.
func TestNoShowGetsNoPrompt(t *testing.T) {
	e := startEnv(t, func(c *config.Config) {
		c.Admin.Password = "admin-secret"
		c.Reflection.After = 10 * time.Minute
	})
	begun := confirmedSession(t, e, booking.Booking{Type: "session", Start: time.Now().Add(-20 * time.Minute),
		Name: "Sam Lee", Email: "sam@example.org"})
	ahead := confirmedSession(t, e, booking.Booking{Type: "session", Start: time.Now().Add(48 * time.Hour).Truncate(time.Hour),
		Name: "Kim Park", Email: "kim@example.org"})
	if !e.reflectQueued(t, begun) {
		t.Fatal("no prompt was scheduled for the session")
	}
	if code := postAttendance(t, e, ahead.ID, "no_show"); code != 409 {
		t.Fatalf("no-show before the start = %d, want 409", code)
	}
	if code := postAttendance(t, e, begun.ID, "no_show"); code != 200 {
		t.Fatalf("no-show after the start = %d, want 200", code)
	}
	if e.reflectQueued(t, begun) {
		t.Fatal("the no-show's prompt is still queued")
	}
	if !e.reflectQueued(t, ahead) {
		t.Fatal("the other session's prompt was deleted")
	}
}

// Should a no-show's prompt still be queued when it comes due (the delete
// failed), the handler drops it.
func TestReflectionHandlerDropsNoShow(t *testing.T) {
	e := startEnv(t, func(c *config.Config) { c.Reflection.After = time.Second })
	b := confirmedSession(t, e, booking.Booking{Type: "session", Start: time.Now().Add(-50*time.Minute + 2*time.Second),
		Name: "Sam Lee", Email: "sam@example.org"})
	if _, err := booking.NewStore(e.rdb.Client(t), time.Now).Attend(context.Background(), b.ID, booking.NoShow); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(e.logs.String(), "reflection prompt dropped: the client did not come") {
		if time.Now().After(deadline) {
			t.Fatalf("the prompt was not dropped; logs:\n%s", e.logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := len(e.smtp.Messages()); n != 0 {
		t.Fatalf("%d messages sent to a no-show, want none", n)
	}
}

// By default a free consultation gets no prompt; a session does, and
// greets by the preferred name, else the first name.
func TestPromptPerSessionTypeAndGreeting(t *testing.T) {
	e := startEnv(t, func(c *config.Config) { c.Reflection.After = 10 * time.Minute })
	start := time.Now().Add(-3 * time.Hour).Truncate(time.Hour)
	free := confirmedSession(t, e, booking.Booking{Type: "consultation", Start: start.Add(-24 * time.Hour),
		Name: "Ann Other", Email: "ann@example.org"})
	if e.reflectQueued(t, free) {
		t.Fatal("a prompt was scheduled for a free consultation")
	}
	confirmedSession(t, e, booking.Booking{Type: "session", Start: start,
		Name: "Samantha Lee", PreferredName: "Sunny", Email: "sam@example.org"})
	confirmedSession(t, e, booking.Booking{Type: "session", Start: start.Add(-48 * time.Hour),
		Name: "Kim Park", Email: "kim@example.org"})
	e.smtp.WaitFor(t, 2, 15*time.Second)
	time.Sleep(time.Second)
	greetings := map[string]string{"sam@example.org": "Hello Sunny,", "kim@example.org": "Hello Kim,"}
	for rcpt, want := range greetings {
		msgs := messagesTo(e.smtp.Messages(), rcpt)
		if len(msgs) != 1 {
			t.Fatalf("%d prompts to %s, want 1", len(msgs), rcpt)
		}
		_, parts := parseMessage(t, msgs[0].Data)
		if text := string(find(parts, "text/plain")[0].body); !strings.HasPrefix(text, want+"\r\n") {
			t.Errorf("the prompt to %s begins %q, want %q", rcpt, strings.SplitN(text, "\n", 2)[0], want)
		}
	}
	if n := len(e.smtp.Messages()); n != 2 {
		t.Fatalf("%d messages, want the two prompts only", n)
	}
}
