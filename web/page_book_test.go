package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/appointments"
)

// HSTS is on every answer when base_url is https, and on none when it is
// plain http (a browser would then refuse the service for a year).
func TestStrictTransportFollowsTheBaseURL(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	for base, want := range map[string]string{
		"https://book.riverside.example": hstsValue,
		"HTTPS://book.riverside.example": hstsValue,
		"http://127.0.0.1:8080":          "",
	} {
		rec := httptest.NewRecorder()
		strictTransport(base, ok).ServeHTTP(rec, httptest.NewRequest("GET", "/api/slots", nil))
		if got := rec.Header().Get("Strict-Transport-Security"); got != want {
			t.Errorf("base_url %s: HSTS %q, want %q", base, got, want)
		}
	}
}

func TestBookPageListsSlotsWithHeaders(t *testing.T) {
	e := startPageEnv(t)
	p := e.get(t, "/book")
	if p.status != http.StatusOK {
		t.Fatalf("GET /book = %d:\n%s", p.status, p.body)
	}
	for name, want := range map[string]string{
		"Content-Security-Policy": contentSecurityPolicy,
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"Cache-Control":           "no-store",
		"Content-Type":            "text/html; charset=utf-8",
		"X-Frame-Options":         "DENY",
		// base_url is https in these tests.
		"Strict-Transport-Security": hstsValue,
	} {
		if got := p.header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	_, start := formOf(t, p)
	at, err := time.Parse(time.RFC3339, start)
	if err != nil || !strings.HasSuffix(start, "Z") {
		t.Fatalf("slot value %q is not an RFC 3339 UTC time", start)
	}
	th, _ := e.cfg.Therapist("default")
	local := at.In(th.Location())
	// The first slot is labelled with its time, under its day, in the
	// therapist's zone.
	contains(t, p, local.Format("Monday 2 January"), `">`+local.Format("15:04")+`</label>`,
		`<script src="/static/book.js?v=`+assetVersion()+`" defer></script>`,
		`<label for="name">`, `<label for="email">`, `<label for="notes">`, "it is never emailed",
		`name="timezone" id="timezone"`)
	cookie := p.header.Get("Set-Cookie")
	for _, want := range []string{csrfCookiePlain + "=", "HttpOnly", "SameSite=Strict", "Max-Age=7200"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("Set-Cookie %q lacks %s", cookie, want)
		}
	}
	if strings.Contains(cookie, "Secure") {
		t.Errorf("Set-Cookie %q is Secure on plain http: the browser would drop it", cookie)
	}
}

func TestBookPageChoosesTypeAndPages(t *testing.T) {
	e := startPageEnv(t)
	p := e.get(t, "/book?type=session")
	contains(t, p, `<input type="hidden" name="type" value="session">`, `href="/book?type=session" aria-current="page"`,
		`class="later" href="/book?from=`)
	later := regexp.MustCompile(`class="later" href="([^"]+)"`).FindStringSubmatch(p.body)[1]
	next := e.get(t, strings.ReplaceAll(later, "&amp;", "&"))
	if next.status != http.StatusOK {
		t.Fatalf("later page = %d", next.status)
	}
	contains(t, next, `class="earlier" href="/book?from=`, `value="session"`)
	if unknown := e.get(t, "/book?type=nope&from=1999-01-01"); unknown.status != http.StatusOK {
		t.Errorf("an unknown type or date in the query should fall back to the defaults, got %d", unknown.status)
	}
}

func TestBookFormBooks(t *testing.T) {
	e := startPageEnv(t)
	csrf, start := formOf(t, e.get(t, "/book"))
	p := e.post(t, validForm(csrf, start))
	if p.status != http.StatusCreated {
		t.Fatalf("POST /book = %d:\n%s", p.status, p.body)
	}
	at, _ := time.Parse(time.RFC3339, start)
	london, _ := time.LoadLocation("Europe/London")
	contains(t, p, "Your time is booked", at.In(london).Format("15:04"), "(UK time)", "sam@example.org",
		`href="https://book.riverside.example/m/`)
	if p.header.Get("Cache-Control") != "no-store" {
		t.Error("the confirmation may be cached")
	}
	if n := e.bookings(t); n != 1 {
		t.Fatalf("%d bookings, want 1", n)
	}
	// A reload re-posts the form: the same booking, not a second one.
	if again := e.post(t, validForm(csrf, start)); again.status != http.StatusCreated || e.bookings(t) != 1 {
		t.Errorf("a re-posted form gave %d and %d bookings, want 201 and 1", again.status, e.bookings(t))
	}
}

func TestBookFormShowsProblemsNextToFields(t *testing.T) {
	e := startPageEnv(t)
	csrf, start := formOf(t, e.get(t, "/book"))
	tests := []struct {
		desc   string
		change func(url.Values)
		wants  []string
	}{
		{"missing name", func(f url.Values) { f.Del("name") },
			[]string{`id="name-error">Please enter your name.</p>`, `aria-invalid="true" aria-describedby="name-error"`, `value="sam@example.org"`}},
		{"markup in the name is kept, escaped", func(f url.Values) { f.Set("name", "<b>x</b>"); f.Set("email", "not-an-address") },
			[]string{`value="&lt;b&gt;x&lt;/b&gt;"`, `id="email-error">The email address is not a valid email address.</p>`, `value="not-an-address"`}},
		{"no time chosen", func(f url.Values) { f.Del("start") },
			[]string{`id="start-error">Please choose a time.</p>`, `aria-describedby="start-error"`}},
		{"a start off the grid", func(f url.Values) { f.Set("start", offGrid(t, start)) },
			[]string{`id="start-error">Start is not on the booking grid.</p>`}},
		{"a note too long", func(f url.Values) { f.Set("notes", strings.Repeat("n", appointments.MaxNotes+1)) },
			[]string{`id="notes-error">The note is longer than 2000 characters.</p>`, `value="Sam Lee"`}},
		{"an unknown zone", func(f url.Values) { f.Set("timezone", "Mars/Olympus") },
			[]string{`id="timezone-error">The time zone is not a known IANA time zone.</p>`}},
		{"an unknown type", func(f url.Values) { f.Set("type", "<i>") },
			[]string{`id="type-error">Unknown session type &#34;&lt;i&gt;&#34;.</p>`}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			f := validForm(csrf, start)
			tc.change(f)
			p := e.post(t, f)
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422:\n%s", p.status, p.body)
			}
			contains(t, p, append(tc.wants, "Nothing was booked yet", `name="csrf" value="`)...)
			if strings.Contains(p.body, "<b>x</b>") {
				t.Error("the name reached the page unescaped")
			}
			if n := e.bookings(t); n != 0 {
				t.Errorf("%d bookings after an invalid form", n)
			}
		})
	}
}

func TestBookFormSlotTakenMeanwhile(t *testing.T) {
	e := startPageEnv(t)
	csrf, start := formOf(t, e.get(t, "/book"))
	if p := e.post(t, validForm(csrf, start)); p.status != http.StatusCreated {
		t.Fatalf("first booking = %d", p.status)
	}
	f := validForm(csrf, start)
	f.Set("email", "other@example.org")
	f.Set("name", "Robin Ash")
	p := e.post(t, f)
	if p.status != http.StatusConflict {
		t.Fatalf("second booking of one slot = %d, want 409", p.status)
	}
	contains(t, p, `class="problem" role="alert">Someone has just booked that time.`, `value="Robin Ash"`)
	if strings.Contains(p.body, `value="`+start+`"`) {
		t.Error("the taken slot is still offered")
	}
}

func TestBookFormLimits(t *testing.T) {
	e := startPageEnv(t)
	csrf, start := formOf(t, e.get(t, "/book"))
	f := validForm(csrf, start)
	f.Set("notes", strings.Repeat("n", maxBody))
	p := e.post(t, f)
	if p.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("a body over %d bytes = %d, want 413", maxBody, p.status)
	}
	contains(t, p, "Nothing was booked")
	if n := e.bookings(t); n != 0 {
		t.Errorf("%d bookings after a refused form", n)
	}
}

func TestBookFormWhenRedisIsDown(t *testing.T) {
	e := startPageEnv(t)
	csrf, start := formOf(t, e.get(t, "/book"))
	e.redis.Stop()
	p := e.post(t, validForm(csrf, start))
	if p.status != http.StatusServiceUnavailable {
		t.Fatalf("POST with redis down = %d, want 503", p.status)
	}
	contains(t, p, "Nothing was booked", "try again")
	if g := e.get(t, "/book"); g.status != http.StatusServiceUnavailable {
		t.Errorf("GET /book with redis down = %d, want 503", g.status)
	}
}

func TestStaticFiles(t *testing.T) {
	e := startPageEnv(t)
	tests := []struct {
		path, status, cache, ctype string
	}{
		{"/static/book.js?v=" + assetVersion(), "200", staticVersioned, "text/javascript"},
		{"/static/book.css?v=old", "200", staticBare, "text/css"},
		{"/static/site.css", "200", staticBare, "text/css"},
		{"/static/", "404", "", ""},
		{"/static/nope.js", "404", "", ""},
	}
	for _, tc := range tests {
		p := e.get(t, tc.path)
		if got := fmt.Sprint(p.status); got != tc.status {
			t.Errorf("%s: status %s, want %s", tc.path, got, tc.status)
			continue
		}
		if tc.status != "200" {
			continue
		}
		if got := p.header.Get("Cache-Control"); got != tc.cache {
			t.Errorf("%s: Cache-Control %q, want %q", tc.path, got, tc.cache)
		}
		if got := p.header.Get("Content-Type"); !strings.HasPrefix(got, tc.ctype) {
			t.Errorf("%s: Content-Type %q, want %s", tc.path, got, tc.ctype)
		}
		if p.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", tc.path)
		}
	}
}

// offGrid is a start seven minutes after a free one: never on a grid of
// whole quarter hours.
func offGrid(t *testing.T, start string) string {
	t.Helper()
	at, err := time.Parse(time.RFC3339, start)
	if err != nil {
		t.Fatal(err)
	}
	return at.Add(7 * time.Minute).Format(time.RFC3339)
}
