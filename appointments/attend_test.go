package appointments

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/jobs"
)

func TestAttendFromTheStart(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	b, _, err := e.svc.Book(ctx, request("2026-12-09T14:00:00Z", "sam@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	e.now = b.Start.Add(-time.Minute)
	if _, err := e.svc.Attend(ctx, b.ID, booking.Attended); !errors.Is(err, ErrNotStarted) {
		t.Fatalf("attendance before the start: %v, want ErrNotStarted", err)
	}
	var bad *InvalidError
	if _, err := e.svc.Attend(ctx, b.ID, "maybe"); !errors.As(err, &bad) || bad.Fields["status"] == "" {
		t.Fatalf("unknown attendance: %v, want an InvalidError naming status", err)
	}
	if _, err := e.svc.Attend(ctx, "default_nope", booking.Attended); !errors.Is(err, ErrNotFound) {
		t.Fatalf("no such booking: %v, want ErrNotFound", err)
	}
	e.now = b.Start
	got, err := e.svc.Attend(ctx, b.ID, booking.Attended)
	if err != nil || got.Attendance != booking.Attended {
		t.Fatalf("attendance at the start: %+v %v", got, err)
	}
}

func TestNoShowDeletesTheReflectionPrompt(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	rdb := e.redis.Client(t)
	queue := jobs.NewEnqueuer(asynq.NewClientFromRedisClient(rdb), asynq.NewInspectorFromRedisClient(rdb), e.cfg, func() time.Time { return e.now })
	inspector := asynq.NewInspectorFromRedisClient(rdb)
	b, _, err := e.svc.Book(ctx, Request{Type: "session", Start: "2026-12-09T14:00:00Z", Name: "Sam Lee", Email: "sam@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if err := queue.ScheduleFollowUps(ctx, b); err != nil {
		t.Fatal(err)
	}
	id := jobs.ReflectTaskID(b.ID, b.Seq)
	if _, err := inspector.GetTaskInfo(jobs.Queue, id); err != nil {
		t.Fatalf("no reflection prompt scheduled: %v", err)
	}
	e.now = b.Start.Add(10 * time.Minute)
	got, err := e.svc.Attend(ctx, b.ID, booking.NoShow)
	if err != nil || got.Attendance != booking.NoShow {
		t.Fatalf("no-show: %+v %v", got, err)
	}
	if _, err := inspector.GetTaskInfo(jobs.Queue, id); !errors.Is(err, asynq.ErrTaskNotFound) {
		t.Fatalf("the no-show's prompt is still queued: %v", err)
	}
}

func TestAttendRefusesCancelled(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	b, _, _ := e.svc.Book(ctx, request("2026-12-09T14:00:00Z", "sam@example.org"))
	if _, err := e.svc.CancelByPractice(ctx, b, ""); err != nil {
		t.Fatal(err)
	}
	e.now = b.End
	if _, err := e.svc.Attend(ctx, b.ID, booking.NoShow); !errors.Is(err, ErrNotLive) {
		t.Fatalf("attendance of a cancelled booking: %v, want ErrNotLive", err)
	}
}

func TestClientCancelInsideTheWindowIsLate(t *testing.T) {
	e := newEnv(t, nil) // allow_late: true, late_window: 24h
	ctx := context.Background()
	late, _, _ := e.svc.Book(ctx, request("2026-12-09T14:00:00Z", "sam@example.org"))
	early, _, _ := e.svc.Book(ctx, request("2026-12-10T14:00:00Z", "kim@example.org"))
	byPractice, _, _ := e.svc.Book(ctx, request("2026-12-09T15:00:00Z", "lee@example.org"))
	e.now = late.Start.Add(-2 * time.Hour)
	c, err := e.svc.Cancel(ctx, late, "")
	if err != nil || !c.LateCancel || c.Status != booking.StatusCancelled {
		t.Fatalf("client cancel 2 h ahead: %+v %v, want a late cancel", c, err)
	}
	if c, err := e.svc.Cancel(ctx, early, ""); err != nil || c.LateCancel {
		t.Fatalf("client cancel 26 h ahead: %+v %v, want one in time", c, err)
	}
	if c, err := e.svc.CancelByPractice(ctx, byPractice, ""); err != nil || c.LateCancel {
		t.Fatalf("practice cancel: %+v %v, want no late cancel", c, err)
	}
}

func TestPreferredName(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	r := request("2026-12-09T14:00:00Z", "sam@example.org")
	r.PreferredName = "  Sunny "
	b, _, err := e.svc.Book(ctx, r)
	if err != nil || b.PreferredName != "Sunny" {
		t.Fatalf("booked %+v %v", b, err)
	}
	for _, bad := range []string{"see http://evil.example", "Sa\u200bm", strings.Repeat("a", MaxPreferredName+1)} {
		r.PreferredName = bad
		_, _, err := e.svc.Book(ctx, r)
		var inv *InvalidError
		if !errors.As(err, &inv) || inv.Fields["preferred_name"] == "" {
			t.Errorf("preferred name %q: %v, want one naming preferred_name", bad, err)
		}
	}
}
