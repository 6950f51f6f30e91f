package jobs

import (
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/internal/testradicale"
	"github.com/consultd/consultd/internal/testredis"
)

// A calendar copy task writes the booking as it is when the task runs: a
// task made for an older version, run late or twice or beside the newer
// one, never puts back an old time or a cancelled session.
func TestCalendarCopyWritesTheCurrentVersion(t *testing.T) {
	srv := testradicale.Start(t)
	coll := srv.MakeCalendar(t, "practice")
	store := booking.NewStore(testredis.Start(t).Client(t), time.Now)
	c := testComposer(t)
	c.cfg.Therapists[0].CalDAV = config.CalDAV{URL: coll, Username: testradicale.User, Password: testradicale.Password}
	h := NewHandlers(HandlerDeps{Store: store, Compose: c, Config: c.cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: time.Now})
	ctx := t.Context()

	start := time.Now().Add(72 * time.Hour).Truncate(time.Hour).UTC()
	b, _, err := store.Claim(ctx, booking.Booking{TherapistID: "default", Type: "session", Start: start, End: start.Add(50 * time.Minute),
		Name: "Sam Lee", Email: "sam@example.org"}, "", booking.Guard{})
	if err != nil {
		t.Fatal(err)
	}
	if b, err = store.Confirm(ctx, b.ID, b.Seq); err != nil {
		t.Fatal(err)
	}
	v0 := NewCalendarCopyTask(b)
	object := func() string {
		objs := srv.Objects(t, coll)
		if len(objs) > 1 {
			t.Fatalf("%d objects for one booking", len(objs))
		}
		for _, body := range objs {
			return body
		}
		return ""
	}
	if err := h.handleCalendarCopy(ctx, v0); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(object(), "DTSTART:"+start.Format("20060102T150405Z")) {
		t.Fatalf("after the first run:\n%s", object())
	}

	// Moved, then both versions' tasks run at once, many times.
	later := start.Add(2 * time.Hour)
	moved, err := store.Reschedule(ctx, b.ID, later, later.Add(50*time.Minute), booking.Guard{})
	if err != nil {
		t.Fatal(err)
	}
	v1 := NewCalendarCopyTask(moved)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			task := v0
			if i%2 == 1 {
				task = v1
			}
			errs <- h.handleCalendarCopy(ctx, task)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a run failed: %v", err)
		}
	}
	if obj := object(); !strings.Contains(obj, "DTSTART:"+later.Format("20060102T150405Z")) || !strings.Contains(obj, "SEQUENCE:1") {
		t.Fatalf("after racing runs of both versions:\n%s", obj)
	}

	// Cancelled: the old version's task, run late, removes it too.
	if _, _, err := store.Cancel(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if err := h.handleCalendarCopy(ctx, v0); err != nil {
		t.Fatal(err)
	}
	if obj := object(); obj != "" {
		t.Fatalf("a cancelled booking is still in the calendar:\n%s", obj)
	}
	if err := h.handleCalendarCopy(ctx, v1); err != nil || object() != "" {
		t.Fatalf("a late run after the cancel: %v, %q", err, object())
	}
}
