package appointments

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/config"
)

func TestRoomIsUnguessableAndKeptOnMove(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	b, _, err := e.svc.Book(ctx, request("2026-12-09T14:00:00Z", "sam@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Room) < 16 || strings.Trim(b.Room, "abcdefghijklmnopqrstuvwxyz234567") != "" {
		t.Fatalf("room %q: want 16+ base32 characters", b.Room)
	}
	other, _, err := e.svc.Book(ctx, request("2026-12-09T15:00:00Z", "kim@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	if other.Room == b.Room {
		t.Fatal("two bookings share a room")
	}
	moved, err := e.svc.Move(ctx, b, b.Start.Add(30*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.svc.Get(ctx, moved.ID)
	if err != nil || got.Room != b.Room || moved.Room != b.Room {
		t.Fatalf("after the move the room is %q (read back %q, %v), want %q", moved.Room, got.Room, err, b.Room)
	}
	byPractice, err := e.svc.MoveByPractice(ctx, got, got.Start.Add(time.Hour), "")
	if err != nil || byPractice.Room != b.Room {
		t.Fatalf("after the practice's move the room is %q (%v), want %q", byPractice.Room, err, b.Room)
	}
	inPerson, _, err := e.svc.Book(ctx, Request{Type: "session", Start: "2026-12-10T14:00:00Z", Name: "Sam Lee", Email: "sam@example.org"})
	if err != nil || inPerson.Room != "" {
		t.Fatalf("an in-person session has room %q (%v)", inPerson.Room, err)
	}
}

func TestSeriesSharesOneRoom(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.SessionTypes[1].Video = true })
	sr, occ, err := e.svc.CreateSeries(context.Background(), seriesRequest("2026-12-09T14:00:00Z", 1, 3))
	if err != nil {
		t.Fatal(err)
	}
	if len(sr.Room) < 16 {
		t.Fatalf("series room %q", sr.Room)
	}
	for _, b := range occ {
		if b.Room != sr.Room {
			t.Fatalf("occurrence %s has room %q, the series %q", b.ID, b.Room, sr.Room)
		}
	}
}

func TestVideoLink(t *testing.T) {
	th := config.Therapist{VideoURL: "https://meet.example.org/ada-{room}?x=1"}
	if got := th.VideoLink("abc234"); got != "https://meet.example.org/ada-abc234?x=1" {
		t.Errorf("with {room}: %q", got)
	}
	th.VideoURL = "https://meet.example.org/ada"
	if got := th.VideoLink("abc234"); got != "https://meet.example.org/ada" {
		t.Errorf("a fixed room: %q", got)
	}
}

func TestPracticeMessageIsChecked(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	b, _, err := e.svc.Book(ctx, request("2026-12-09T14:00:00Z", "sam@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	for _, msg := range []string{"bell\a", strings.Repeat("x", MaxMessage+1), "\xff"} {
		if _, err := e.svc.CancelByPractice(ctx, b, msg); err == nil {
			t.Errorf("cancel with message %q accepted", msg)
		}
		if _, err := e.svc.MoveByPractice(ctx, b, b.Start.Add(time.Hour), msg); err == nil {
			t.Errorf("move with message %q accepted", msg)
		}
	}
	if got, _ := e.svc.Get(ctx, b.ID); got.Seq != 0 {
		t.Fatalf("a refused message changed the booking: seq %d", got.Seq)
	}
	// The practice is not held to the late-cancel policy.
	e.cfg.Cancellation.AllowLate = false
	e.now = b.Start.Add(-time.Hour)
	moved, err := e.svc.MoveByPractice(ctx, b, b.Start.Add(48*time.Hour), "Line one.\nLine two.")
	if err != nil || moved.Seq != 1 {
		t.Fatalf("late move by the practice = %+v %v", moved, err)
	}
}
