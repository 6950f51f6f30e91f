package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consultd/consultd/internal/testredis"
)

// lockedBuffer is a bytes.Buffer safe to read while the command writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serve logs each configuration warning once at start and runs anyway.
func TestServeLogsWarningsOnceAtStart(t *testing.T) {
	rs := testredis.Start(t)
	path := writeConfig(t, `listen: 127.0.0.1:0
redis: {addr: "`+rs.Addr()+`"}
mail: {mode: outbox, outbox_dir: "`+t.TempDir()+`"}
therapists: [{id: lee, name: Dr. Lee, email: lee@practice.test, timezone: Europe/London, weekly: {monday: ["09:00-17:00"]}}]
session_types: [{id: session, name: Session, duration: 50m}]
booking: {min_notice: 2h}
cancellation: {late_window: 24h, allow_late: false}
`)
	var out, errOut lockedBuffer
	root := newRoot(&out, &errOut)
	root.SetArgs([]string{"serve", "--config", path})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(errOut.String(), "consultd is serving") {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start:\n%s", errOut.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v\n%s", err, errOut.String())
	}
	logs := errOut.String()
	for _, want := range []string{"key=secret", "key=cancellation.late_window"} {
		if n := strings.Count(logs, want); n != 1 {
			t.Errorf("%s logged %d times, want once:\n%s", want, n, logs)
		}
	}
	if !strings.Contains(logs, "kept in Redis") {
		t.Errorf("the secret warning does not say the key is kept in Redis:\n%s", logs)
	}
}

// serve refuses the built-in samples over SMTP before it starts anything.
func TestServeRefusesTheSamplesOverSMTP(t *testing.T) {
	code, _, errOut := runCLI(t, "serve", "--config", writeConfig(t, "mail: {mode: smtp}\n"))
	if code != 1 || !strings.Contains(errOut, "therapists: the built-in sample therapist ada@example.org is still in force") {
		t.Fatalf("exit %d:\n%s", code, errOut)
	}
}
