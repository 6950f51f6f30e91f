package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	adminTestUser     = "admin"
	adminTestPassword = "correct horse battery staple"
)

// credentials are what a request sends as Basic auth; nil sends none.
type credentials struct{ user, pass string }

var rightCredentials = &credentials{adminTestUser, adminTestPassword}

// withAdmin is the same service with the admin area on: a copy of the
// config with a password, then change applied to the dependencies.
func (e *pageEnv) withAdmin(t *testing.T, change func(*Deps)) *pageEnv {
	t.Helper()
	cfg := *e.cfg
	cfg.Admin.User, cfg.Admin.Password = adminTestUser, adminTestPassword
	deps := e.srv.Deps
	deps.Config = &cfg
	if change != nil {
		change(&deps)
	}
	deps.Appointments = e.rules(deps.Config, deps.Now, e.queue)
	srv := New(deps)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &pageEnv{srv: srv, ts: ts, client: e.client, redis: e.redis, store: e.store, cfg: &cfg, signer: e.signer, links: e.links, queue: e.queue,
		languages: e.languages}
}

// adminDo sends a request with the given credentials (and form, for a POST).
func (e *pageEnv) adminDo(t *testing.T, method, path string, c *credentials, form url.Values) page {
	t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c != nil {
		req.SetBasicAuth(c.user, c.pass)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return readPage(t, resp)
}

// Without admin.password nothing under /admin exists, whatever is sent:
// the answers are the mux's own 404 for a path it does not know.
func TestAdminAbsentWithoutPassword(t *testing.T) {
	e := startPageEnv(t)
	b, _ := e.booked(t)
	nothing := e.get(t, "/no-such-page")
	tests := []struct {
		desc, method, path string
		creds              *credentials
	}{
		{"bare /admin", "GET", "/admin", nil},
		{"list", "GET", "/admin/", nil},
		{"list with credentials", "GET", "/admin/", rightCredentials},
		{"unknown booking", "GET", "/admin/bookings/x", nil},
		{"real booking", "GET", "/admin/bookings/" + b.ID, rightCredentials},
		{"cancel", "POST", "/admin/bookings/" + b.ID + "/cancel", rightCredentials},
		{"post to the list", "POST", "/admin/", nil},
		{"other path", "GET", "/admin/static/x.css", nil},
		{"time off", "GET", "/admin/timeoff", rightCredentials},
		{"add time off", "POST", "/admin/timeoff", rightCredentials},
		{"remove time off", "POST", "/admin/timeoff/default/x/remove", rightCredentials},
		{"links", "GET", "/admin/links", rightCredentials},
		{"make a link", "POST", "/admin/links", rightCredentials},
		{"rotate a feed", "POST", "/admin/links/feed/default/rotate", rightCredentials},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			p := e.adminDo(t, tt.method, tt.path, tt.creds, url.Values{})
			if p.status != 404 || p.body != nothing.body || p.header.Get("WWW-Authenticate") != "" || p.header.Get("Content-Security-Policy") != "" {
				t.Fatalf("%s %s = %d %v %q, want the plain 404 of %q", tt.method, tt.path, p.status, p.header, p.body, nothing.body)
			}
		})
	}
	if got, _ := e.store.Get(t.Context(), b.ID); !got.Status.Live() {
		t.Fatal("the booking was cancelled through an admin area that does not exist")
	}
}

func TestAdminSignIn(t *testing.T) {
	e := startPageEnv(t)
	b, _ := e.booked(t)
	a := e.withAdmin(t, nil)
	tests := []struct {
		desc   string
		creds  *credentials
		status int
	}{
		{"no credentials", nil, 401},
		{"empty", &credentials{"", ""}, 401},
		{"wrong user", &credentials{"root", adminTestPassword}, 401},
		{"wrong password", &credentials{adminTestUser, "correct horse battery stapler"}, 401},
		{"password prefix", &credentials{adminTestUser, adminTestPassword[:7]}, 401},
		{"user in other case", &credentials{"Admin", adminTestPassword}, 401},
		{"right", rightCredentials, 200},
	}
	for _, tt := range tests {
		for _, path := range []string{"/admin/", "/admin/bookings/" + b.ID} {
			t.Run(tt.desc+" "+path, func(t *testing.T) {
				p := a.adminDo(t, "GET", path, tt.creds, nil)
				if p.status != tt.status {
					t.Fatalf("status = %d, want %d", p.status, tt.status)
				}
				challenge := p.header.Get("WWW-Authenticate")
				if want := tt.status == 401; want != (challenge == `Basic realm="consultd admin", charset="UTF-8"`) {
					t.Errorf("WWW-Authenticate = %q", challenge)
				}
				if tt.status == 401 && strings.Contains(p.body, "Sam Lee") {
					t.Error("a refused request shows the client's name")
				}
				checkPageHeaders(t, p)
			})
		}
	}
}

// Paths other than the pages: the credential comes first, so an
// unauthenticated visitor cannot tell which paths exist.
func TestAdminOtherPaths(t *testing.T) {
	a := startPageEnv(t).withAdmin(t, nil)
	tests := []struct {
		desc, method, path string
		creds              *credentials
		status             int
		location           string
	}{
		{"bare /admin", "GET", "/admin", nil, 401, ""},
		{"bare /admin signed in", "GET", "/admin", rightCredentials, 301, "/admin/"},
		{"unknown path", "GET", "/admin/nope", nil, 401, ""},
		{"unknown path signed in", "GET", "/admin/nope", rightCredentials, 404, ""},
		{"post to the list signed in", "POST", "/admin/", rightCredentials, 404, ""},
		{"malformed booking id", "GET", "/admin/bookings/x", rightCredentials, 404, ""},
		{"booking that does not exist", "GET", "/admin/bookings/default_aaaaaaaaaaaaaaaaaaaaaaaaaa", rightCredentials, 404, ""},
		{"not a date", "GET", "/admin/?date=tomorrow", rightCredentials, 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			p := a.adminDo(t, tt.method, tt.path, tt.creds, url.Values{})
			if p.status != tt.status || p.header.Get("Location") != tt.location {
				t.Fatalf("%s %s = %d (Location %q), want %d (%q)", tt.method, tt.path, p.status, p.header.Get("Location"), tt.status, tt.location)
			}
		})
	}
}

// After too many wrong credentials from one address even the right one
// is refused, with a Retry-After, until the limit lets one more try back;
// then the right one is let in. Other addresses, and requests that send no
// credential at all, are not held back.
func TestAdminSignInLimit(t *testing.T) {
	e := startPageEnv(t)
	a := e.withAdmin(t, func(d *Deps) {
		d.Limiter = NewRateLimiter(e.redis.Client(t), 30)
	})
	h := a.srv.Handler()
	send := func(addr string, c *credentials) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/admin/", nil)
		r.RemoteAddr = addr + ":40000"
		if c != nil {
			r.SetBasicAuth(c.user, c.pass)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	wrong := &credentials{adminTestUser, "guess"}
	for i := range adminFailuresPerMinute {
		if w := send("192.0.2.1", wrong); w.Code != 401 {
			t.Fatalf("wrong attempt %d = %d, want 401", i+1, w.Code)
		}
		if w := send("192.0.2.3", nil); w.Code != 401 {
			t.Fatalf("request without credentials %d = %d, want 401", i+1, w.Code)
		}
	}
	// One try comes back every minute/adminFailuresPerMinute.
	maxWait := 60 / adminFailuresPerMinute
	var retry int
	tests := []struct {
		desc, addr string
		creds      *credentials
		status     int
	}{
		{"right credentials from the guessing address", "192.0.2.1", rightCredentials, 429},
		{"another wrong one from it", "192.0.2.1", wrong, 429},
		{"another address", "192.0.2.2", rightCredentials, 200},
		{"the same address as IPv4-mapped IPv6", "[::ffff:192.0.2.1]", rightCredentials, 429},
		{"another user name from the guessing address", "192.0.2.1", &credentials{"colleague", "x"}, 401},
		{"address that sent no credentials", "192.0.2.3", rightCredentials, 200},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			w := send(tt.addr, tt.creds)
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d", w.Code, tt.status)
			}
			if tt.status == 429 {
				n, err := strconv.Atoi(w.Header().Get("Retry-After"))
				if err != nil || n < 1 || n > maxWait {
					t.Fatalf("Retry-After = %q, want 1 to %d seconds", w.Header().Get("Retry-After"), maxWait)
				}
				retry = n
			}
		})
	}
	if retry == 0 {
		t.Fatal("no Retry-After to wait for")
	}
	time.Sleep(time.Duration(retry) * time.Second)
	if w := send("192.0.2.1", rightCredentials); w.Code != 200 {
		t.Fatalf("right credentials after Retry-After = %d, want 200", w.Code)
	}
}

// checkPageHeaders asserts the headers every admin answer carries.
func checkPageHeaders(t *testing.T, p page) {
	t.Helper()
	h := p.header
	if h.Get("Cache-Control") != "no-store" || h.Get("Referrer-Policy") != "no-referrer" ||
		h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("headers of a %d answer: %v", p.status, h)
	}
}

// An IPv6 client is counted by its /64: guesses from one address of it
// hold back its neighbours too, not the next /64.
func TestAdminSignInLimitCountsAnIPv6Slash64(t *testing.T) {
	e := startPageEnv(t)
	a := e.withAdmin(t, func(d *Deps) {
		d.Limiter = NewRateLimiter(e.redis.Client(t), 30)
	})
	h := a.srv.Handler()
	send := func(addr string, c *credentials) int {
		r := httptest.NewRequest("GET", "/admin/", nil)
		r.RemoteAddr = "[" + addr + "]:40000"
		r.SetBasicAuth(c.user, c.pass)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	for i := range adminFailuresPerMinute {
		if code := send(fmt.Sprintf("2001:db8:1:1::%x", i+1), &credentials{adminTestUser, "guess"}); code != 401 {
			t.Fatalf("wrong attempt %d = %d", i+1, code)
		}
	}
	if code := send("2001:db8:1:1:ffff::1", rightCredentials); code != 429 {
		t.Fatalf("the same /64 = %d, want 429", code)
	}
	if code := send("2001:db8:1:2::1", rightCredentials); code != 200 {
		t.Fatalf("the next /64 = %d, want 200", code)
	}
}
