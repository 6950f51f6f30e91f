package appointments

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/internal/testredis"
	"github.com/consultd/consultd/jobs"
)

// env is the service on a real Redis with a real asynq queue, at a clock
// the test sets: Monday 7 December 2026, noon in New York.
type env struct {
	svc   *Service
	store *booking.Store
	cfg   *config.Config
	now   time.Time
	redis *testredis.Server
}

func newEnv(t *testing.T, change func(*config.Config)) *env {
	t.Helper()
	rs := testredis.Start(t)
	rdb := rs.Client(t)
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	if change != nil {
		change(cfg)
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	e := &env{cfg: cfg, redis: rs, now: time.Date(2026, 12, 7, 17, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return e.now }
	e.store = booking.NewStore(rdb, clock)
	queue := jobs.NewEnqueuer(asynq.NewClientFromRedisClient(rdb), asynq.NewInspectorFromRedisClient(rdb), cfg, clock)
	e.svc = New(Deps{Config: cfg, Store: e.store, Busy: e.store, Queue: queue, Now: clock,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	return e
}

func request(start, email string) Request {
	return Request{Type: "consultation", Start: start, Name: "Sam Lee", Email: email}
}

func TestBookNamesEveryBadField(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		desc  string
		req   Request
		field string
	}{
		{"no name", Request{Type: "consultation", Start: "2026-12-09T14:00:00Z", Email: "sam@example.org"}, "name"},
		{"display name for an address", request("2026-12-09T14:00:00Z", "Sam <sam@example.org>"), "email"},
		{"header injection", request("2026-12-09T14:00:00Z", "sam@example.org\r\nBcc: x@example.org"), "email"},
		{"not RFC 3339", request("9 Dec 2026 09:00", "sam@example.org"), "start"},
		{"off the grid", request("2026-12-09T14:07:00Z", "sam@example.org"), "start"},
		{"a Saturday", request("2026-12-12T14:00:00Z", "sam@example.org"), "start"},
		{"inside the notice", request("2026-12-08T14:00:00Z", "sam@example.org"), "start"},
		{"a link in the name", named("URGENT: verify at http://evil.example/login"), "name"},
		{"a bare www address in the name", named("see www.evil.example"), "name"},
		{"an address in the name", named("write to x@evil.example"), "name"},
		{"an encoded word in the name", named("=?UTF-8?Q?Adm=C3=ADn?="), "name"},
		{"a right-to-left override in the name", named("Sam \u202eeeL"), "name"},
		{"a zero-width space in the name", named("Sa\u200bm"), "name"},
		{"an address literal", request("2026-12-09T14:00:00Z", "a@[127.0.0.1]"), "email"},
		{"a quoted local part", request("2026-12-09T14:00:00Z", "\"a b\"@example.org"), "email"},
		{"not offered by the link", Request{Type: "consultation", Start: "2026-12-09T14:00:00Z", Name: "Sam", Email: "sam@example.org",
			OnlyTypes: []string{"session"}}, "type"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			_, _, err := e.svc.Book(context.Background(), tt.req)
			var bad *InvalidError
			if !errors.As(err, &bad) || bad.Fields[tt.field] == "" {
				t.Fatalf("err = %v, want one naming %s", err, tt.field)
			}
		})
	}
}

func named(name string) Request {
	r := request("2026-12-09T14:00:00Z", "sam@example.org")
	r.Name = name
	return r
}

// Names in every script and with accents, apostrophes and hyphens book.
func TestBookTakesRealNames(t *testing.T) {
	e := newEnv(t, nil)
	for i, name := range []string{"María José García-Núñez", "李小龍", "Zoë O'Brien", "Ngũgĩ wa Thiong'o"} {
		start := time.Date(2026, 12, 9, 14, 15*i, 0, 0, time.UTC).Format(time.RFC3339)
		b, created, err := e.svc.Book(context.Background(), Request{Type: "consultation", Start: start, Name: name, Email: "c" + string(rune('a'+i)) + "@example.org"})
		if err != nil || !created || b.Name != name {
			t.Errorf("%s: %+v %v %v", name, b, created, err)
		}
	}
}

// An idempotency key answers only the client who made it.
func TestIdempotencyKeyOfAnotherClient(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	mine := request("2026-12-09T14:00:00Z", "sam@example.org")
	mine.IdempotencyKey = "k-1"
	first, _, err := e.svc.Book(ctx, mine)
	if err != nil {
		t.Fatal(err)
	}
	theirs := request("2026-12-09T15:00:00Z", "mallory@example.org")
	theirs.IdempotencyKey = "k-1"
	got, created, err := e.svc.Book(ctx, theirs)
	var bad *InvalidError
	if !errors.As(err, &bad) || bad.Fields["idempotency_key"] == "" || created || got.ID != "" {
		t.Fatalf("another client's key: %+v %v %v, want a 422 naming idempotency_key and nothing of %s", got, created, err, first.ID)
	}
}

func TestBookRepeatAndTaken(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	first, created, err := e.svc.Book(ctx, request("2026-12-09T14:00:00Z", "sam@example.org"))
	if err != nil || !created || first.Status != booking.StatusHeld {
		t.Fatalf("first = %+v %v %v", first, created, err)
	}
	again, created, err := e.svc.Book(ctx, request("2026-12-09T14:00:00Z", "sam@example.org"))
	if err != nil || created || again.ID != first.ID {
		t.Fatalf("repeat = %+v %v %v, want the first booking", again, created, err)
	}
	if _, _, err := e.svc.Book(ctx, request("2026-12-09T14:00:00Z", "kim@example.org")); !errors.Is(err, ErrTaken) {
		t.Fatalf("another client's booking of the same time: %v, want ErrTaken", err)
	}
}

// Time off added at run time takes the day out of the free slots and out
// of what can be booked.
func TestTimeOffAtRunTime(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	wed := calendar.Date{Year: 2026, Month: time.December, Day: 9}
	slots := func() int {
		s, err := e.svc.FreeSlots(ctx, SlotsRequest{Type: "consultation", From: wed.String(), To: wed.String()})
		if err != nil {
			t.Fatal(err)
		}
		return len(s)
	}
	if slots() == 0 {
		t.Fatal("no free slots on a working Wednesday")
	}
	if _, err := e.store.AddTimeOff(ctx, "default", wed, wed); err != nil {
		t.Fatal(err)
	}
	if n := slots(); n != 0 {
		t.Fatalf("%d slots offered on a day off", n)
	}
	var bad *InvalidError
	if _, _, err := e.svc.Book(ctx, request("2026-12-09T14:00:00Z", "sam@example.org")); !errors.As(err, &bad) || bad.Fields["start"] == "" {
		t.Fatalf("booking on a day off: %v", err)
	}
}

// The clocks go forward on 14 March 2027 in New York: a 09:00 and a 13:00
// start keep their wall-clock time, so their UTC time moves by an hour.
func TestFreeSlotsAcrossTheSpringChange(t *testing.T) {
	e := newEnv(t, nil)
	e.now = time.Date(2027, 3, 8, 17, 0, 0, 0, time.UTC)
	got, err := e.svc.FreeSlots(context.Background(), SlotsRequest{Type: "consultation", From: "2027-03-12", To: "2027-03-15"})
	if err != nil {
		t.Fatal(err)
	}
	has := func(utc string) bool {
		for _, s := range got {
			if s.Start.UTC().Format(time.RFC3339) == utc {
				return true
			}
		}
		return false
	}
	for _, want := range []string{"2027-03-12T14:00:00Z", "2027-03-12T18:00:00Z", "2027-03-15T13:00:00Z", "2027-03-15T17:00:00Z"} {
		if !has(want) {
			t.Errorf("no slot at %s (09:00 or 13:00 New York time)", want)
		}
	}
	// 08:00 New York time before the change would be 13:00Z, after it 12:00Z: neither is offered.
	for _, early := range []string{"2027-03-12T13:00:00Z", "2027-03-15T12:00:00Z"} {
		if has(early) {
			t.Errorf("a slot at %s, before working hours", early)
		}
	}
}

func TestCancelHoldsClientsToThePolicy(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.Cancellation.AllowLate = false })
	ctx := context.Background()
	b, _, err := e.svc.Book(ctx, request("2026-12-09T14:00:00Z", "sam@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	e.now = b.Start.Add(-2 * time.Hour)
	if _, err := e.svc.Cancel(ctx, b, ""); !errors.Is(err, ErrLate) {
		t.Fatalf("late cancel by the client: %v, want ErrLate", err)
	}
	if _, err := e.svc.Move(ctx, b, b.Start.Add(time.Hour)); !errors.Is(err, ErrLate) {
		t.Fatalf("late move by the client: %v, want ErrLate", err)
	}
	c, err := e.svc.CancelByPractice(ctx, b, "")
	if err != nil || c.Status != booking.StatusCancelled || c.Seq != b.Seq+1 {
		t.Fatalf("practice cancel = %+v %v", c, err)
	}
	again, err := e.svc.CancelByPractice(ctx, c, "")
	if err != nil || again.Seq != c.Seq {
		t.Fatalf("second cancel changed it: %+v %v", again, err)
	}
	if _, err := e.svc.Move(ctx, c, b.Start.Add(time.Hour)); !errors.Is(err, ErrNotLive) {
		t.Fatalf("moving a cancelled booking: %v, want ErrNotLive", err)
	}
}

func TestMove(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	b, _, _ := e.svc.Book(ctx, request("2026-12-09T14:00:00Z", "sam@example.org"))
	other, _, _ := e.svc.Book(ctx, request("2026-12-09T15:00:00Z", "kim@example.org"))
	if _, err := e.svc.Move(ctx, b, other.Start); !errors.Is(err, ErrTaken) {
		t.Fatalf("move onto another booking: %v, want ErrTaken", err)
	}
	moved, err := e.svc.Move(ctx, b, b.Start.Add(30*time.Minute))
	if err != nil || !moved.Start.Equal(b.Start.Add(30*time.Minute)) || moved.Seq != b.Seq+1 {
		t.Fatalf("move = %+v %v", moved, err)
	}
	// The old time is free again; the new one is not offered to others.
	opts, err := e.svc.MoveOptions(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	var oldFree, newFree bool
	for _, s := range opts {
		oldFree = oldFree || s.Start.Equal(b.Start)
		newFree = newFree || s.Start.Equal(moved.Start)
	}
	if !oldFree || newFree {
		t.Fatalf("after the move: old time offered %v, new time offered %v", oldFree, newFree)
	}
}

func TestRedisDown(t *testing.T) {
	e := newEnv(t, nil)
	e.redis.Stop()
	ctx := context.Background()
	_, _, err := e.svc.Book(ctx, request("2026-12-09T14:00:00Z", "sam@example.org"))
	if !errors.Is(err, ErrUnavailable) && !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("book with Redis down: %v", err)
	}
	if _, err := e.svc.FreeSlots(ctx, SlotsRequest{Type: "consultation", From: "2026-12-09", To: "2026-12-09"}); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("slots with Redis down: %v", err)
	}
	if _, err := e.svc.Get(ctx, "default_aaaaaaaaaaaaaaaaaaaaaaaaaa"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("get with Redis down: %v", err)
	}
}

// One address cannot fill the calendar through the public intake: after
// intake.max_live_per_email upcoming bookings it is refused, whatever the
// time asked for; a link from the practice is not held to it.
func TestOneClientCannotFillTheCalendar(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	slots, err := e.svc.FreeSlots(ctx, SlotsRequest{Type: "consultation", From: "2026-12-09", To: "2026-12-11"})
	if err != nil || len(slots) < 10 {
		t.Fatalf("%d slots, %v", len(slots), err)
	}
	made := 0
	var capped *CapError
	for _, sl := range slots[:10] {
		_, _, err := e.svc.Book(ctx, request(sl.Start.UTC().Format(time.RFC3339), "filler@example.org"))
		switch {
		case err == nil:
			made++
		case errors.As(err, &capped):
		default:
			t.Fatalf("booking %s: %v", sl.Start, err)
		}
	}
	if made != e.cfg.Intake.MaxLivePerEmail || capped == nil || capped.Upcoming != 3 {
		t.Fatalf("one address booked %d of 10 (cap %d), refusal %v", made, e.cfg.Intake.MaxLivePerEmail, capped)
	}
	invited := request(slots[10].Start.UTC().Format(time.RFC3339), "filler@example.org")
	invited.Invited = true
	if _, created, err := e.svc.Book(ctx, invited); err != nil || !created {
		t.Fatalf("a booking through the practice's link: %v %v", created, err)
	}
}
