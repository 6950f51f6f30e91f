package feeds

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/internal/testredis"
)

// secretPath stands for the password-like path of a private calendar.
const secretPath = "/calendar/ical/ada/private-7d1e0c44b2a9/basic.ics"

var testNow = time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)

// calendarWith is a feed holding one private event per span "start/end".
func calendarWith(spans ...string) string {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n")
	for i, s := range spans {
		start, end, _ := strings.Cut(s, "/")
		b.WriteString("BEGIN:VEVENT\r\nUID:e" + string(rune('a'+i)) + "\r\nSUMMARY:Confidential appointment\r\n")
		b.WriteString("DTSTART:" + start + "\r\nDTEND:" + end + "\r\nEND:VEVENT\r\n")
	}
	b.WriteString("END:VCALENDAR\r\n")
	return b.String()
}

var (
	feedA = calendarWith("20261005T140000Z/20261005T150000Z")
	feedB = calendarWith("20261006T140000Z/20261006T150000Z")
	spanA = "2026-10-05T14:00:00Z/2026-10-05T15:00:00Z"
	spanB = "2026-10-06T14:00:00Z/2026-10-06T15:00:00Z"
)

// answer is what the test server does for one request.
type answer struct {
	status int
	body   string
	etag   string
}

// calendarServer answers requests for secretPath in turn with answers,
// counting them and those that carried validators.
type calendarServer struct {
	*httptest.Server
	mu                    sync.Mutex
	answers               []answer
	requests, conditional int
}

func newCalendarServer(t *testing.T, answers ...answer) *calendarServer {
	s := &calendarServer{answers: answers}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.requests++
		if r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != "" {
			s.conditional++
		}
		if r.URL.Path != secretPath || len(s.answers) == 0 {
			http.NotFound(w, r)
			return
		}
		a := s.answers[0]
		s.answers = s.answers[1:]
		if a.etag != "" {
			w.Header().Set("ETag", a.etag)
			w.Header().Set("Last-Modified", "Wed, 30 Sep 2026 08:00:00 GMT")
		}
		w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
		w.WriteHeader(a.status)
		_, _ = w.Write([]byte(a.body))
	}))
	t.Cleanup(s.Close)
	return s
}

// setup is a configuration whose default therapist reads the given feeds,
// a store on a flushed Redis and a refresher logging into logs.
func setup(t *testing.T, rdb *redis.Client, clock *time.Time, feeds ...string) (*Store, *Refresher, *bytes.Buffer) {
	t.Helper()
	if err := rdb.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range feeds {
		cfg.Therapists[0].BusyICS = append(cfg.Therapists[0].BusyICS, config.Secret(f))
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return *clock }
	logs := &bytes.Buffer{}
	store := NewStore(rdb, cfg, now)
	r := NewRefresher(store, cfg, Options{Now: now, Logger: slogTo(logs)})
	return store, r, logs
}

func busySpans(t *testing.T, s *Store) []string {
	t.Helper()
	busy, err := s.Busy(context.Background(), "default", testNow, testNow.Add(30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, b := range busy {
		out = append(out, b.Start.Format(time.RFC3339)+"/"+b.End.Format(time.RFC3339))
	}
	return out
}

func TestRefreshHTTP(t *testing.T) {
	rdb := testredis.Start(t).Client(t)
	tests := []struct {
		desc            string
		answers         []answer
		wantRequests    int
		wantConditional int
		wantBusy        []string
		wantState       string
		wantLog         string
	}{
		{"304 keeps the stored copy", []answer{{200, feedA, `"v1"`}, {304, "", ""}},
			2, 1, []string{spanA}, StateOK, ""},
		{"new content replaces the copy", []answer{{200, feedA, `"v1"`}, {200, feedB, `"v2"`}},
			2, 1, []string{spanB}, StateOK, ""},
		{"a 500 after a success keeps the old copy", []answer{{200, feedA, `"v1"`}, {500, "", ""}},
			2, 1, []string{spanA}, StateFailing, "last good copy stays in use"},
		{"a page that is not a calendar keeps the old copy", []answer{{200, feedA, ""}, {200, "<html>Sign in</html>", ""}},
			2, 0, []string{spanA}, StateFailing, "last good copy stays in use"},
		{"never loaded blocks nothing", []answer{{500, "", ""}, {503, "", ""}},
			2, 0, nil, StateNeverLoaded, "never loaded: it blocks no time"},
		{"too large a feed is refused", []answer{{200, strings.Repeat("X", MaxFeedBytes+1), ""}},
			1, 0, nil, StateNeverLoaded, "larger than 5 MiB"},
		{"an emptied calendar frees the time", []answer{{200, feedA, ""}, {200, calendarWith(), ""}},
			2, 0, nil, StateOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			srv := newCalendarServer(t, tt.answers...)
			clock := testNow
			store, r, logs := setup(t, rdb, &clock, srv.URL+secretPath)
			for range tt.answers {
				if err := r.refreshAll(context.Background()); err != nil {
					t.Fatal(err)
				}
				clock = clock.Add(15 * time.Minute)
			}
			if srv.requests != tt.wantRequests || srv.conditional != tt.wantConditional {
				t.Errorf("requests %d (conditional %d), want %d (%d)", srv.requests, srv.conditional, tt.wantRequests, tt.wantConditional)
			}
			if got := busySpans(t, store); !slices.Equal(got, tt.wantBusy) {
				t.Errorf("busy = %v, want %v", got, tt.wantBusy)
			}
			report, err := store.Report(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got := report["default"]; len(got) != 1 || got[0].Feed != "busy_ics[0]" || got[0].State != tt.wantState {
				t.Errorf("report = %+v, want busy_ics[0] %q", report, tt.wantState)
			}
			checkLogs(t, logs.String(), tt.wantLog)
		})
	}
}

// checkLogs wants the line (when given) with the therapist and the host,
// and never the secret path or the content of an event.
func checkLogs(t *testing.T, logs, want string) {
	t.Helper()
	if want != "" && (!strings.Contains(logs, want) || !strings.Contains(logs, "therapist=default") ||
		!strings.Contains(logs, `feed="busy_ics[0] 127.0.0.1"`)) {
		t.Errorf("logs lack %q with therapist and host:\n%s", want, logs)
	}
	for _, secret := range []string{"private-7d1e0c44b2a9", "Confidential", "Sign in"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs reveal %q:\n%s", secret, logs)
		}
	}
}

// TestNotModifiedReadsTheKeptCopyAgain: a 304 a week later still extends
// the busy time to the new end of the window, from the copy kept in memory.
func TestNotModifiedReadsTheKeptCopyAgain(t *testing.T) {
	rdb := testredis.Start(t).Client(t)
	weekly := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:w\r\nDTSTART:20261002T140000Z\r\n" +
		"DURATION:PT1H\r\nRRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	srv := newCalendarServer(t, answer{200, weekly, `"w1"`}, answer{304, "", ""})
	clock := testNow
	store, r, _ := setup(t, rdb, &clock, srv.URL+secretPath)
	farEnd := func() bool {
		// The last occurrence inside now+horizon of the second run.
		at := time.Date(2026, 12, 4, 14, 0, 0, 0, time.UTC)
		busy, err := store.Busy(context.Background(), "default", at, at.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return len(busy) == 1
	}
	if err := r.refreshAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if farEnd() {
		t.Fatal("4 December is busy before the window reaches it")
	}
	clock = clock.Add(7 * 24 * time.Hour)
	if err := r.refreshAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if srv.conditional != 1 || !farEnd() {
		t.Errorf("after a 304 a week later: conditional requests %d, 4 December busy %v", srv.conditional, farEnd())
	}
}

func TestRefreshFile(t *testing.T) {
	rdb := testredis.Start(t).Client(t)
	path := filepath.Join(t.TempDir(), "ada.ics")
	clock := testNow
	store, r, logs := setup(t, rdb, &clock, path)
	steps := []struct {
		desc     string
		content  string // "" removes the file
		wantBusy []string
	}{
		{"missing file: never loaded", "", nil},
		{"file appears", feedA, []string{spanA}},
		{"file changes", feedB, []string{spanB}},
		{"file removed: the last good copy stays", "", []string{spanB}},
	}
	for _, s := range steps {
		if s.content == "" {
			_ = os.Remove(path)
		} else if err := os.WriteFile(path, []byte(s.content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := r.refreshAll(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := busySpans(t, store); !slices.Equal(got, s.wantBusy) {
			t.Errorf("%s: busy = %v, want %v", s.desc, got, s.wantBusy)
		}
	}
	if strings.Contains(logs.String(), filepath.Dir(path)) || !strings.Contains(logs.String(), "file ada.ics") {
		t.Errorf("logs should name the file by its base name only:\n%s", logs)
	}
}
