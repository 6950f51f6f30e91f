package app

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/internal/testredis"
	"github.com/consultd/consultd/internal/testsmtp"
)

// env is one running consultd (all roles) on a real redis-server and a
// real SMTP server, as a client would meet it.
type env struct {
	app  *App
	base string
	smtp *testsmtp.Server
	rdb  *testredis.Server
	cfg  *config.Config
	logs *syncBuffer
}

// syncBuffer collects log lines from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testConfig is the built-in configuration pointed at the test servers;
// change can adjust it before it is validated.
func testConfig(t *testing.T, rdb *testredis.Server, smtp *testsmtp.Server, change func(*config.Config)) *config.Config {
	t.Helper()
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Listen = "127.0.0.1:0"
	cfg.BaseURL = "https://book.riverside.example"
	cfg.Secret = "test-secret-0123456789abcdef0123456789"
	cfg.Booking.MinNotice = time.Hour
	cfg.Intake.RateLimitPerMinute = 0
	if rdb != nil {
		cfg.Redis.Addr = rdb.Addr()
	}
	if smtp != nil {
		cfg.Mail.Mode = config.MailSMTP
		cfg.Mail.SMTP.Host, cfg.Mail.SMTP.Port, cfg.Mail.SMTP.TLS = smtp.Host(), smtp.Port(), "none"
		cfg.Mail.SMTP.Timeout = 5 * time.Second
	}
	if change != nil {
		change(cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// startEnv runs the whole service until the test ends.
func startEnv(t *testing.T, change func(*config.Config)) *env {
	t.Helper()
	e := &env{rdb: testredis.Start(t), smtp: testsmtp.Start(t), logs: &syncBuffer{}}
	e.cfg = testConfig(t, e.rdb, e.smtp, change)
	e.app, e.base = runApp(t, e.cfg, AllRoles, e.logs)
	return e
}

// runApp runs one process of the service until the test ends; a config
// path, when given, is watched for changes.
func runApp(t *testing.T, cfg *config.Config, roles Roles, logs io.Writer, configPath ...string) (*App, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts := Options{Logger: logger}
	if len(configPath) > 0 {
		opts.ConfigPath = configPath[0]
	}
	a, err := New(ctx, cfg, roles, opts)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
		a.Close()
	})
	return a, "http://" + a.Addr()
}

// do sends a request and decodes a JSON answer into out (when not nil).
func do(t *testing.T, method, url, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %d %s: %v", method, url, resp.StatusCode, data, err)
		}
	}
	return resp.StatusCode
}

type slotsAnswer struct {
	Slots []struct {
		Start, End, Therapist string
	} `json:"slots"`
}

// firstSlots lists free slots of a type over the next two weeks.
func firstSlots(t *testing.T, base, typ string) slotsAnswer {
	t.Helper()
	now := time.Now().UTC()
	url := base + "/api/slots?type=" + typ + "&from=" + now.Format(time.DateOnly) + "&to=" + now.AddDate(0, 0, 14).Format(time.DateOnly)
	var got slotsAnswer
	if code := do(t, "GET", url, "", &got); code != 200 {
		t.Fatalf("slots: %d", code)
	}
	if len(got.Slots) == 0 {
		t.Fatal("no free slots in two weeks")
	}
	return got
}

// httpGet returns a page's body, whatever its status.
func httpGet(url string) (string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return string(body), err
}

// eventually polls cond every 50 ms until it holds, or fails the test
// after within.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %s", within, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
