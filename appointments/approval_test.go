package appointments

import (
	"context"
	"errors"
	"testing"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/jobs"
)

func requireApproval(cfg *config.Config) {
	for i := range cfg.SessionTypes {
		if cfg.SessionTypes[i].ID == "consultation" {
			cfg.SessionTypes[i].RequiresApproval = true
		}
	}
}

// queued reports whether a task with that ID is on the queue.
func (e *env) queued(t *testing.T, id string) bool {
	t.Helper()
	ins := asynq.NewInspectorFromRedisClient(e.redis.Client(t))
	_, err := ins.GetTaskInfo(jobs.Queue, id)
	if errors.Is(err, asynq.ErrTaskNotFound) || errors.Is(err, asynq.ErrQueueNotFound) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return true
}

func TestBookARequestThenApprove(t *testing.T) {
	e := newEnv(t, requireApproval)
	ctx := context.Background()
	b, created, err := e.svc.Book(ctx, request("2026-12-09T14:00:00Z", "sam@example.org"))
	if err != nil || !created || b.Status != booking.StatusPending {
		t.Fatalf("book: %+v created=%v %v", b, created, err)
	}
	if !e.queued(t, jobs.RequestTaskID(b.ID)) || e.queued(t, jobs.ConfirmTaskID(b.ID)) {
		t.Fatal("a request should queue its request task and no confirm")
	}
	// The slot is held against others.
	if _, _, err := e.svc.Book(ctx, request("2026-12-09T14:00:00Z", "alex@example.org")); !errors.Is(err, ErrTaken) {
		t.Fatalf("booking a pending request's time: %v, want ErrTaken", err)
	}
	a, err := e.svc.Approve(ctx, b.ID)
	if err != nil || a.Status != booking.StatusHeld {
		t.Fatalf("approve: %+v %v", a, err)
	}
	if !e.queued(t, jobs.ConfirmTaskID(b.ID)) {
		t.Fatal("approve should queue the confirm")
	}
	if again, err := e.svc.Approve(ctx, b.ID); err != nil || again.Status != booking.StatusHeld {
		t.Fatalf("second approve: %+v %v", again, err)
	}
	if _, err := e.svc.Decline(ctx, b.ID, "no"); !errors.Is(err, ErrAnswered) {
		t.Fatalf("decline of an approved request: %v, want ErrAnswered", err)
	}
}

func TestDeclineARequest(t *testing.T) {
	e := newEnv(t, requireApproval)
	ctx := context.Background()
	b, _, err := e.svc.Book(ctx, request("2026-12-09T14:00:00Z", "sam@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.svc.Decline(ctx, b.ID, "I am away that week.")
	if err != nil || d.Status != booking.StatusCancelled || d.Reply != "I am away that week." {
		t.Fatalf("decline: %+v %v", d, err)
	}
	if !e.queued(t, jobs.DeclinedTaskID(b.ID)) {
		t.Fatal("decline should queue the client's email")
	}
	if again, err := e.svc.Decline(ctx, b.ID, ""); err != nil || again.Seq != d.Seq {
		t.Fatalf("second decline: %+v %v", again, err)
	}
	if _, err := e.svc.Approve(ctx, b.ID); !errors.Is(err, ErrAnswered) {
		t.Fatalf("approve of a declined request: %v, want ErrAnswered", err)
	}
	if _, err := e.svc.Approve(ctx, "default_"+"aaaaaaaaaaaaaaaaaaaaaaaaaa"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("approve of no booking: %v, want ErrNotFound", err)
	}
	// The time is free again.
	if c, _, err := e.svc.Book(ctx, request("2026-12-09T14:00:00Z", "alex@example.org")); err != nil || c.Status != booking.StatusPending {
		t.Fatalf("book the declined time: %+v %v", c, err)
	}
}

// A type without requires_approval books as before.
func TestBookWithoutApprovalIsHeld(t *testing.T) {
	e := newEnv(t, requireApproval)
	req := request("2026-12-09T14:00:00Z", "sam@example.org")
	req.Type = "session"
	b, _, err := e.svc.Book(context.Background(), req)
	if err != nil || b.Status != booking.StatusHeld {
		t.Fatalf("book: %+v %v", b, err)
	}
}
