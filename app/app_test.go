package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/config"
)

func TestEmbeddedDefaultServesSlots(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, nil, nil, func(c *config.Config) { c.Mail.OutboxDir = dir })
	logs := &syncBuffer{}
	_, base := runApp(t, cfg, AllRoles, logs)
	if code := do(t, "GET", base+"/readyz", "", nil); code != 200 {
		t.Fatalf("readyz = %d", code)
	}
	got := firstSlots(t, base, "consultation")
	start, err := time.Parse(time.RFC3339, got.Slots[0].Start)
	if err != nil || start.Location() != time.UTC {
		t.Fatalf("start %q is not RFC 3339 UTC", got.Slots[0].Start)
	}
	for _, want := range []string{"in-memory Redis", "LOST when it stops", "/book"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("start-up log lacks %q:\n%s", want, logs)
		}
	}
}

func TestReadyzFailsWithoutRedis(t *testing.T) {
	e := startEnv(t, nil)
	if code := do(t, "GET", e.base+"/readyz", "", nil); code != 200 {
		t.Fatalf("readyz = %d with redis up", code)
	}
	e.rdb.Stop()
	if code := do(t, "GET", e.base+"/readyz", "", nil); code != 503 {
		t.Fatalf("readyz = %d with redis down, want 503", code)
	}
	if code := do(t, "GET", e.base+"/healthz", "", nil); code != 200 {
		t.Fatalf("healthz = %d with redis down, want 200", code)
	}
}

// The embedded Redis is only for a first run, but reminders must still
// work there: asynq's scheduled tasks depend on its Lua scripts.
func TestAsynqSchedulingRunsOnEmbeddedRedis(t *testing.T) {
	mini, err := miniredis.Run()
	if err != nil {
		t.Fatal(err)
	}
	defer mini.Close()
	conn := asynq.RedisClientOpt{Addr: mini.Addr()}
	ran := make(chan time.Time, 1)
	mux := asynq.NewServeMux()
	mux.HandleFunc("test:later", func(context.Context, *asynq.Task) error {
		ran <- time.Now()
		return nil
	})
	srv := asynq.NewServer(conn, asynq.Config{DelayedTaskCheckInterval: delayedCheck, Logger: asynqLogger{discardLogger()}})
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	client := asynq.NewClient(conn)
	defer client.Close()
	// asynq keeps due times in whole seconds; reminders fall on whole
	// minutes, so the test does too.
	due := time.Now().Add(2 * time.Second).Truncate(time.Second)
	if _, err := client.Enqueue(asynq.NewTask("test:later", nil), asynq.ProcessAt(due)); err != nil {
		t.Fatal(err)
	}
	select {
	case at := <-ran:
		if at.Before(due) {
			t.Fatalf("ran %v before it was due", due.Sub(at))
		}
		t.Logf("scheduled task ran %v after its time", at.Sub(due).Round(time.Millisecond))
	case <-time.After(10 * time.Second):
		t.Fatal("a task scheduled 2 s ahead did not run within 10 s on the embedded redis")
	}
}
