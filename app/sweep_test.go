package app

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/jobs"
)

// heldWithoutTask stores a hold made minutes ago whose confirm task never
// reached the queue (a crash between the two steps).
func heldWithoutTask(t *testing.T, e *env, email string, start time.Time, flag string) booking.Booking {
	t.Helper()
	ctx := context.Background()
	past := booking.NewStore(e.rdb.Client(t), func() time.Time { return time.Now().Add(-5 * time.Minute) })
	b, _, err := past.Claim(ctx, booking.Booking{
		TherapistID: "default", Type: "consultation", Start: start, End: start.Add(15 * time.Minute),
		Name: "Sam Lee", Email: email,
	}, "", booking.Guard{})
	if err != nil {
		t.Fatal(err)
	}
	if flag != "" {
		if err := past.SetFlag(ctx, b.ID, flag); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func runSweep(t *testing.T, e *env) {
	t.Helper()
	client := asynq.NewClientFromRedisClient(e.rdb.Client(t))
	if _, err := client.Enqueue(jobs.NewSweepTask(), asynq.TaskID(fmt.Sprintf("sweep-test-%d", time.Now().UnixNano()))); err != nil {
		t.Fatal(err)
	}
}

func TestSweepRequeuesALostConfirm(t *testing.T) {
	e := startEnv(t, nil)
	start, _ := time.Parse(time.RFC3339, firstSlots(t, e.base, "consultation").Slots[0].Start)
	b := heldWithoutTask(t, e, "sam@example.org", start, "")
	runSweep(t, e)
	msgs := e.smtp.WaitFor(t, 2, 15*time.Second)
	if len(messagesTo(msgs, "sam@example.org")) != 1 {
		t.Fatalf("the lost booking's invite did not go out: %d messages", len(msgs))
	}
	waitStatus(t, e, b.ID, booking.StatusConfirmed)
}

func TestSweepReleasesAHoldThatCannotBeConfirmed(t *testing.T) {
	e := startEnv(t, nil)
	start, _ := time.Parse(time.RFC3339, firstSlots(t, e.base, "consultation").Slots[0].Start)
	b := heldWithoutTask(t, e, "gone@example.org", start, jobs.FlagUndeliverable)
	runSweep(t, e)
	msgs := e.smtp.WaitFor(t, 1, 15*time.Second)
	if len(messagesTo(msgs, "ada@example.org")) != 1 {
		t.Fatalf("the therapist was not told")
	}
	store := booking.NewStore(e.rdb.Client(t), time.Now)
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := store.Get(context.Background(), b.ID)
		if errors.Is(err, booking.ErrNotFound) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the hold was not released: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The time is free again.
	free := false
	for _, s := range firstSlots(t, e.base, "consultation").Slots {
		free = free || s.Start == start.UTC().Format(time.RFC3339)
	}
	if !free {
		t.Fatal("the released time is not offered")
	}
}
