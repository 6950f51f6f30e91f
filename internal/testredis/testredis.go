// Package testredis starts a real redis-server for integration tests, so
// that Lua scripts, expiry and restarts behave as they do in production
// rather than as an in-memory imitation would.
package testredis

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// readyTimeout bounds the wait for a fresh server to answer PING; a loaded
// CI machine may need a few seconds to load an AOF file.
const readyTimeout = 15 * time.Second

// Server is one redis-server process owned by a test.
type Server struct {
	bin     string
	dir     string
	port    int
	busPort int    // Cluster bus port, when cluster mode is on
	conf    string // config file, given first (Sentinel needs one)
	args    []string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
}

// Start runs a fresh redis-server on a free loopback port with its data
// directory in t.TempDir(), without persistence. It is stopped when the
// test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartWith(t)
}

// StartWith is Start with extra redis-server arguments, which override the
// defaults (for example "--appendonly", "yes").
func StartWith(t testing.TB, args ...string) *Server {
	t.Helper()
	return start(t, "", args)
}

// start runs redis-server with a config file (when conf is not empty) and
// args.
func start(t testing.TB, conf string, args []string) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("testredis: redis-server is not on PATH (%v). The integration tests need a real Redis: "+
			"run `make test` (it installs it), or install it yourself, e.g. `apt-get install redis-server` "+
			"or `brew install redis`.", err)
	}
	s := &Server{bin: bin, dir: t.TempDir(), conf: conf, args: args}
	t.Cleanup(s.Stop)
	// Another process may take the free port between our probe and the
	// server's bind; a few attempts make that race harmless.
	var lastErr error
	for range 5 {
		if s.port, lastErr = freePort(); lastErr != nil {
			continue
		}
		// The bus port defaults to port+10000, which is past 65535 for
		// many free ports; a free one of its own avoids that.
		if clusterEnabled(args) {
			if s.busPort, lastErr = freePort(); lastErr != nil {
				continue
			}
		}
		if lastErr = s.launch(); lastErr == nil {
			return s
		}
	}
	t.Fatalf("testredis: %v", lastErr)
	return nil
}

// Addr is the server's host:port.
func (s *Server) Addr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
}

// Client returns a client of the server, closed when the test ends.
func (s *Server) Client(t testing.TB) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: s.Addr()})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Stop ends the server gracefully (SIGTERM: an AOF is flushed) and waits
// for it. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.signal(syscall.SIGTERM)
}

// Kill ends the server abruptly (SIGKILL), as a crash would.
func (s *Server) Kill() {
	s.signal(syscall.SIGKILL)
}

// Restart starts the server again on the same port and directory, so
// clients reconnect to it and any AOF or RDB file is loaded again.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop()
	if err := s.launch(); err != nil {
		t.Fatalf("testredis: restart: %v", err)
	}
}

// Pause freezes the server (SIGSTOP): connections are still accepted by
// the kernel but nothing answers, as with a hung host. Resume undoes it.
func (s *Server) Pause() { s.send(syscall.SIGSTOP) }

// Resume lets a paused server run again (SIGCONT).
func (s *Server) Resume() { s.send(syscall.SIGCONT) }

func (s *Server) send(sig syscall.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		_ = s.cmd.Process.Signal(sig)
	}
}

func (s *Server) signal(sig syscall.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(sig)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
}

// launch starts the process and waits until it answers PING.
func (s *Server) launch() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	logPath := filepath.Join(s.dir, "redis.log")
	var args []string
	if s.conf != "" {
		args = append(args, s.conf)
	}
	args = append(args,
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--dir", s.dir,
		"--logfile", logPath,
		"--save", "",
		"--appendonly", "no",
		"--daemonize", "no",
	)
	if s.busPort != 0 {
		args = append(args, "--cluster-port", strconv.Itoa(s.busPort))
	}
	args = append(args, s.args...)
	cmd := exec.Command(s.bin, args...)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()

	if err := waitReady(s.Addr(), done); err != nil {
		_ = cmd.Process.Kill()
		<-done
		return fmt.Errorf("redis-server on %s: %w; its log:\n%s", s.Addr(), err, readLog(logPath))
	}
	s.cmd, s.done = cmd, done
	return nil
}

func waitReady(addr string, exited <-chan struct{}) error {
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second})
	defer c.Close()
	deadline := time.Now().Add(readyTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-exited:
			return errors.New("exited before answering PING")
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer to PING within %s: %w", readyTimeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// clusterEnabled reports whether args turn cluster mode on without naming
// a bus port.
func clusterEnabled(args []string) bool {
	on := false
	for i, a := range args {
		if a == "--cluster-port" {
			return false
		}
		if a == "--cluster-enabled" && i+1 < len(args) && args[i+1] == "yes" {
			on = true
		}
	}
	return on
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// readLog returns the end of the server log, where a failure is explained.
func readLog(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	const max = 4 << 10
	if len(b) > max {
		b = b[len(b)-max:]
	}
	return string(bytes.TrimSpace(b))
}
