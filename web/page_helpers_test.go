package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/internal/testredis"
	"github.com/consultd/consultd/jobs"
	"github.com/consultd/consultd/links"
	"github.com/consultd/consultd/locale"
	"github.com/consultd/consultd/templates"
)

const pageTestSecret = "page-test-secret-0123456789abcdef0123"

// pageEnv is the web server alone, on a real redis-server, as a browser
// meets it: a cookie jar, no redirects followed.
type pageEnv struct {
	srv    *Server
	ts     *httptest.Server
	client *http.Client
	redis  *testredis.Server
	store  *booking.Store
	cfg    *config.Config
	signer *links.Signer
	links  *links.Links
	queue  appointments.Queue
	// languages are the catalogs of cfg.Languages.
	languages appointments.Languages
}

func startPageEnv(t *testing.T) *pageEnv {
	t.Helper()
	return startPageEnvWith(t, nil)
}

// startPageEnvWith is startPageEnv with change made to the configuration
// before anything is built from it.
func startPageEnvWith(t *testing.T, change func(*config.Config)) *pageEnv {
	t.Helper()
	rs := testredis.Start(t)
	rdb := rs.Client(t)
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	cfg.BaseURL = "https://book.riverside.example"
	cfg.Secret = pageTestSecret
	cfg.Booking.MinNotice = time.Hour
	if change != nil {
		change(cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	pages, err := templates.Load("", cfg.Languages...)
	if err != nil {
		t.Fatal(err)
	}
	queue := asynq.NewClientFromRedisClient(rdb)
	inspector := asynq.NewInspectorFromRedisClient(rdb)
	signer := links.NewSigner([]byte(pageTestSecret), time.Now)
	l := links.New(cfg, signer, time.Now)
	store := booking.NewStore(rdb, time.Now)
	e := &pageEnv{redis: rs, store: store, cfg: cfg, signer: signer, links: l, queue: jobs.NewEnqueuer(queue, inspector, cfg, time.Now),
		languages: pages.Catalogs()}
	srv := New(Deps{
		Config: cfg, Store: store,
		Appointments: e.rules(cfg, time.Now, e.queue),
		Links:        l, Pages: pages,
		Ready:  func(ctx context.Context) error { return rdb.Ping(ctx).Err() },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	e.srv, e.ts, e.client = srv, ts, client
	return e
}

// rules are the use cases of cfg at the clock now, on the env's store.
func (e *pageEnv) rules(cfg *config.Config, now func() time.Time, queue appointments.Queue) *appointments.Service {
	return appointments.New(appointments.Deps{
		Config: cfg, Store: e.store, Busy: e.store, Queue: queue, Now: now, Languages: e.languages,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
}

// page is one answer, its body read.
type page struct {
	status int
	header http.Header
	body   string
}

func (e *pageEnv) get(t *testing.T, path string) page {
	t.Helper()
	resp, err := e.client.Get(e.ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	return readPage(t, resp)
}

func (e *pageEnv) post(t *testing.T, form url.Values) page {
	t.Helper()
	resp, err := e.client.PostForm(e.ts.URL+"/book", form)
	if err != nil {
		t.Fatal(err)
	}
	return readPage(t, resp)
}

func readPage(t *testing.T, resp *http.Response) page {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return page{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

var (
	csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	slotRe = regexp.MustCompile(`name="start" id="[^"]+" value="([^"]+)"`)
)

// formOf reads the CSRF token and the first free start from a booking page.
func formOf(t *testing.T, p page) (csrf, start string) {
	t.Helper()
	m := csrfRe.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no csrf field in the page:\n%s", p.body)
	}
	s := slotRe.FindStringSubmatch(p.body)
	if s == nil {
		t.Fatalf("no free slot in the page:\n%s", p.body)
	}
	return m[1], s[1]
}

// validForm is a booking the form accepts.
func validForm(csrf, start string) url.Values {
	return url.Values{
		"csrf": {csrf}, "type": {"consultation"}, "start": {start}, "name": {"Sam Lee"},
		"email": {"sam@example.org"}, "timezone": {"Europe/London"}, "notes": {"first time"},
	}
}

// bookings counts the bookings of the default therapist over the horizon.
func (e *pageEnv) bookings(t *testing.T) int {
	t.Helper()
	now := time.Now()
	list, err := e.store.List(context.Background(), "default", now.Add(-time.Hour), now.Add(e.cfg.Booking.Horizon+24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

func contains(t *testing.T, p page, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(p.body, w) {
			t.Errorf("page (%d) lacks %q", p.status, w)
		}
	}
}

// english is the default catalog's localizer, for tests of what the pages
// write in English.
func english(t testing.TB) *locale.Localizer {
	t.Helper()
	pages, err := templates.Load("")
	if err != nil {
		t.Fatal(err)
	}
	return pages.Catalogs().For("en")
}
