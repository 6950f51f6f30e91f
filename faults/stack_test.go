//go:build faults

package faults

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/internal/testredis"
	"github.com/consultd/consultd/internal/testsmtp"
)

// therapistEmail receives the therapist's notices; clientDomain is the
// domain of every client address, so logs can be searched for it.
const (
	therapistEmail = "therapist@practice.test"
	clientDomain   = "clients.test"
	sessionType    = "consultation"
)

// stack is one deployment: redis-server, the SMTP server, and consultd as a
// web process and a worker process, configured through the environment.
type stack struct {
	t       *testing.T
	redis   *testredis.Server
	smtp    *testsmtp.Server
	rdb     *redis.Client
	store   *booking.Store
	insp    *asynq.Inspector
	env     []string
	base    string
	logDir  string
	started map[string]int
	web     *proc
	worker  *proc
}

// newStack starts everything; redisArgs go to redis-server. The processes
// stop (and their logs are checked) when the test ends.
func newStack(t *testing.T, redisArgs ...string) *stack {
	t.Helper()
	return newStackEnv(t, nil, redisArgs...)
}

// newStackEnv is newStack with env (CONSULTD_KEY=value) added after the
// suite's own settings, so it overrides them.
func newStackEnv(t *testing.T, env []string, redisArgs ...string) *stack {
	t.Helper()
	s := &stack{t: t, logDir: t.TempDir(), started: map[string]int{}}
	s.redis = testredis.StartWith(t, redisArgs...)
	s.smtp = testsmtp.Start(t)
	s.rdb = s.redis.Client(t)
	s.store = booking.NewStore(s.rdb, time.Now)
	s.insp = asynq.NewInspectorFromRedisClient(s.rdb)
	listen := net.JoinHostPort("127.0.0.1", strconv.Itoa(freePort(t)))
	s.base = "http://" + listen
	s.env = append(environWithout("CONSULTD_"),
		"CONSULTD_REDIS_ADDR="+s.redis.Addr(),
		"CONSULTD_LISTEN="+listen,
		"CONSULTD_BASE_URL="+s.base,
		"CONSULTD_SECRET=fault-suite-secret-0123456789abcdef0123",
		"CONSULTD_MAIL_MODE=smtp",
		"CONSULTD_MAIL_SMTP_HOST="+s.smtp.Host(),
		"CONSULTD_MAIL_SMTP_PORT="+strconv.Itoa(s.smtp.Port()),
		"CONSULTD_MAIL_SMTP_TLS=none",
		"CONSULTD_MAIL_SMTP_TIMEOUT=5s",
		"CONSULTD_WORKER_SHUTDOWN_TIMEOUT=10s",
		"CONSULTD_INTAKE_RATE_LIMIT_PER_MINUTE=0",
		"CONSULTD_BOOKING_MIN_NOTICE=0s",
		"CONSULTD_BOOKING_SLOT_STEP=15m",
		"CONSULTD_REMINDERS_BEFORE=1h",
		"CONSULTD_THERAPISTS="+therapistsYAML(),
		"CONSULTD_SESSION_TYPES=[{id: "+sessionType+", name: Consultation, duration: 15m}]",
	)
	s.env = append(s.env, env...)
	// Registered before the processes start, so it runs after they stop.
	t.Cleanup(s.checkLogs)
	s.web = s.start("web")
	s.waitHealthy()
	s.worker = s.start("worker")
	return s
}

// on is the stack as seen by t, a subtest of the test that started it, so
// its helpers fail that subtest. It must not start processes.
func (s *stack) on(t *testing.T) *stack {
	c := *s
	c.t = t
	return &c
}

// therapistsYAML is one therapist who works every day around the clock, so
// there are slots at any hour.
func therapistsYAML() string {
	var days []string
	for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"} {
		days = append(days, d+`: ["00:00-24:00"]`)
	}
	return "[{id: default, name: Practice Therapist, email: " + therapistEmail +
		", timezone: UTC, weekly: {" + strings.Join(days, ", ") + "}}]"
}

func environWithout(prefix string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, prefix) {
			out = append(out, kv)
		}
	}
	return out
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// proc is one consultd process.
type proc struct {
	role string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
}

// start runs `consultd <role>` with its output in a log file of its own.
func (s *stack) start(role string) *proc {
	s.t.Helper()
	s.started[role]++
	f, err := os.Create(filepath.Join(s.logDir, fmt.Sprintf("%s-%d.log", role, s.started[role])))
	if err != nil {
		s.t.Fatal(err)
	}
	cmd := exec.Command(consultdBin, role)
	cmd.Env = s.env
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		s.t.Fatalf("start consultd %s: %v", role, err)
	}
	p := &proc{role: role, cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	s.t.Cleanup(p.stop)
	return p
}

// kill ends the process as a crash would and waits until it is gone.
func (p *proc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop asks the process to shut down and kills it if it does not.
func (p *proc) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		p.kill()
	}
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// checkAlive fails the test if the web or the current worker process has
// exited: a fault must be ridden out, not end the process.
func (s *stack) checkAlive() {
	s.t.Helper()
	for _, p := range []*proc{s.web, s.worker} {
		if p.exited() {
			s.t.Errorf("consultd %s exited during the test: %v", p.role, p.cmd.ProcessState)
		}
	}
}

// waitHealthy waits until the web process answers /healthz.
func (s *stack) waitHealthy() {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if s.web.exited() {
			s.t.Fatalf("consultd web exited at start:\n%s", s.logTail("web-1.log"))
		}
		if resp, err := http.Get(s.base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("consultd web did not answer /healthz within 15 s:\n%s", s.logTail("web-1.log"))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// checkLogs fails the test if a process logged a client address, and shows
// the end of every log when the test failed.
func (s *stack) checkLogs() {
	entries, _ := os.ReadDir(s.logDir)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(s.logDir, e.Name()))
		if err != nil {
			continue
		}
		if n := bytes.Count(data, []byte("@"+clientDomain)); n > 0 {
			s.t.Errorf("%s carries client addresses (%d times): logs must name bookings only", e.Name(), n)
		}
		if s.t.Failed() {
			s.t.Logf("end of %s:\n%s", e.Name(), s.logTail(e.Name()))
		}
	}
}

// logTail is the last lines of one process log, without go-redis's
// repeated connection messages.
func (s *stack) logTail(name string) string {
	data, err := os.ReadFile(filepath.Join(s.logDir, name))
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if !strings.HasPrefix(l, "redis: ") && !strings.Contains(l, "redis: connection pool") {
			lines = append(lines, l)
		}
	}
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	return strings.Join(lines, "\n")
}

// linesAbout gathers the lines of every process log that mention one of
// keys (a booking's ID, its start), as evidence when a check fails.
func (s *stack) linesAbout(keys ...string) string {
	var out []string
	entries, _ := os.ReadDir(s.logDir)
	for _, e := range entries {
		data, _ := os.ReadFile(filepath.Join(s.logDir, e.Name()))
		for _, l := range strings.Split(string(data), "\n") {
			for _, k := range keys {
				if strings.Contains(l, k) {
					out = append(out, e.Name()+": "+l)
					break
				}
			}
		}
	}
	return strings.Join(out, "\n")
}
