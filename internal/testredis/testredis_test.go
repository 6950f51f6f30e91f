package testredis

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestStartAnswersAndIsEmpty(t *testing.T) {
	s := Start(t)
	c := s.Client(t)
	ctx := context.Background()
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("PING: %v", err)
	}
	if n, err := c.DBSize(ctx).Result(); err != nil || n != 0 {
		t.Fatalf("DBSIZE = %d, %v; want an empty server", n, err)
	}
	cfg, err := c.ConfigGet(ctx, "appendonly").Result()
	if err != nil || cfg["appendonly"] != "no" {
		t.Fatalf("appendonly = %q, %v; want no", cfg["appendonly"], err)
	}
}

func TestServersAreIndependent(t *testing.T) {
	a, b := Start(t), Start(t)
	if a.Addr() == b.Addr() {
		t.Fatalf("both servers on %s", a.Addr())
	}
	ctx := context.Background()
	if err := a.Client(t).Set(ctx, "k", "a", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if n := b.Client(t).Exists(ctx, "k").Val(); n != 0 {
		t.Fatalf("key written to a is visible on b")
	}
}

// With an AOF, data survives both a clean stop and a crash; without one,
// a restart starts empty. Clients reconnect to the same address.
func TestRestart(t *testing.T) {
	tests := []struct {
		desc     string
		args     []string
		crash    bool
		wantKept bool
	}{
		{desc: "no persistence, stop", wantKept: false},
		{desc: "aof, stop", args: []string{"--appendonly", "yes"}, wantKept: true},
		{desc: "aof always, kill", args: []string{"--appendonly", "yes", "--appendfsync", "always"}, crash: true, wantKept: true},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			s := StartWith(t, tt.args...)
			c := s.Client(t)
			ctx := context.Background()
			if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
				t.Fatal(err)
			}
			if tt.crash {
				s.Kill()
			}
			s.Restart(t)
			n, err := c.Exists(ctx, "k").Result()
			if err != nil {
				t.Fatalf("after restart: %v", err)
			}
			if got := n == 1; got != tt.wantKept {
				t.Fatalf("key kept = %v, want %v", got, tt.wantKept)
			}
		})
	}
}

func TestStopTwiceIsHarmless(t *testing.T) {
	s := Start(t)
	s.Stop()
	s.Stop()
	if c, err := net.DialTimeout("tcp", s.Addr(), time.Second); err == nil {
		c.Close()
		t.Fatal("stopped server still accepts connections")
	}
}

// fatalTB records the message of Fatalf and ends the goroutine, as
// testing.T does, so the failure path itself can be tested.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestMissingBinaryFailsWithHowToInstall(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	f := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() { defer close(done); Start(f) }()
	<-done
	if !strings.Contains(f.msg, "redis-server is not on PATH") || !strings.Contains(f.msg, "make test") {
		t.Fatalf("message %q should say redis-server is missing and how to install it", f.msg)
	}
}
