//go:build faults

package faults

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestAbuse re-runs the findings about abuse of the public intake against
// the real binary: each must now get its clear refusal, with nothing booked
// and nothing sent. Three stacks run side by side, one per configuration:
// the public intake as shipped (no rate limit here, base_url on https), a
// small rate limit behind a trusted proxy with an admin password, and the
// shipped limit of 30 a minute.
func TestAbuse(t *testing.T) {
	began := time.Now()
	t.Cleanup(func() { report(t, "run time", "%.1f s", time.Since(began).Seconds()) })

	t.Run("intake", func(t *testing.T) {
		t.Parallel()
		s := newStackEnv(t, []string{"CONSULTD_BASE_URL=https://book.example.test"})
		slots := newSlotPool(s.freeSlots(time.Hour, 60))
		t.Run("cap per email", func(t *testing.T) { abuseCap(s.on(t), slots) })
		t.Run("names and addresses", func(t *testing.T) { abuseNames(s.on(t), slots) })
		t.Run("idempotency key of another client", func(t *testing.T) { abuseIdempotency(s.on(t), slots) })
		t.Run("invite link hides the address", func(t *testing.T) { abuseInviteLink(s.on(t)) })
		t.Run("headers on https", func(t *testing.T) { abuseHeaders(s.on(t), true) })
		s.checkAlive()
	})
	t.Run("proxied", func(t *testing.T) {
		t.Parallel()
		s := newStackEnv(t, []string{
			"CONSULTD_INTAKE_RATE_LIMIT_PER_MINUTE=5",
			"CONSULTD_INTAKE_TRUSTED_PROXIES=127.0.0.1",
			"CONSULTD_ADMIN_PASSWORD=" + adminPassword,
		})
		slots := newSlotPool(s.freeSlots(time.Hour, 5))
		t.Run("IPv6 counted by its /64", func(t *testing.T) { abuseIPv6(s.on(t), slots) })
		t.Run("admin lockout", func(t *testing.T) { abuseAdmin(s.on(t)) })
		t.Run("no HSTS on http", func(t *testing.T) { abuseHeaders(s.on(t), false) })
		s.checkAlive()
	})
	t.Run("shipped limit", func(t *testing.T) {
		t.Parallel()
		s := newStackEnv(t, []string{"CONSULTD_INTAKE_RATE_LIMIT_PER_MINUTE=30"})
		t.Run("GCRA, not a fixed window", func(t *testing.T) { abuseGCRA(s.on(t)) })
		s.checkAlive()
	})
}

// adminPassword is the practice's password in the proxied stack.
const adminPassword = "Correct-Horse-Battery-9137"

// slotPool hands out free slot starts, each once.
type slotPool struct {
	mu   sync.Mutex
	free []string
}

func newSlotPool(free []string) *slotPool { return &slotPool{free: free} }

func (p *slotPool) take(t *testing.T, n int) []string {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.free) < n {
		t.Fatalf("the slot pool has %d starts left, want %d", len(p.free), n)
	}
	out := p.free[:n:n]
	p.free = p.free[n:]
	return out
}

// reply is an answer of the web process.
type reply struct {
	code   int
	body   string
	header http.Header
	Error  string            `json:"error"`
	Fields map[string]string `json:"fields"`
	ID     string            `json:"id"`
	Start  string            `json:"start"`
}

func (r reply) String() string {
	return fmt.Sprintf("%d %s", r.code, strings.TrimSpace(r.body))
}

// send makes one request; header holds name, value pairs.
func (s *stack) send(method, path, body string, header ...string) reply {
	s.t.Helper()
	req, err := http.NewRequest(method, s.base+path, strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatalf("%s %s: reading the answer: %v", method, path, err)
	}
	r := reply{code: resp.StatusCode, body: string(data), header: resp.Header}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(data, &r)
	}
	return r
}

// request is a booking request's JSON body.
type request struct {
	Type           string `json:"type"`
	Start          string `json:"start"`
	Name           string `json:"name"`
	Email          string `json:"email"`
	Timezone       string `json:"timezone,omitempty"`
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

func (q request) json() string {
	if q.Type == "" {
		q.Type = sessionType
	}
	b, _ := json.Marshal(q)
	return string(b)
}

func (s *stack) bookAs(q request, header ...string) reply {
	s.t.Helper()
	return s.send(http.MethodPost, "/api/bookings", q.json(), header...)
}

// nothingBookedAt fails unless no booking of any status starts at any of
// starts and the slots API still offers each of them.
func (s *stack) nothingBookedAt(starts ...string) {
	s.t.Helper()
	now := time.Now()
	all, err := s.store.List(context.Background(), "default", now.Add(-time.Hour), now.AddDate(0, 0, 7))
	if err != nil {
		s.t.Fatal(err)
	}
	free := s.offered()
	for _, start := range starts {
		at, err := time.Parse(time.RFC3339, start)
		if err != nil {
			s.t.Fatal(err)
		}
		for _, b := range all {
			if b.Start.Equal(at) {
				s.t.Errorf("booking %s (%s) starts at %s, whose request was refused", b.ID, b.Status, start)
			}
		}
		if !free[start] {
			s.t.Errorf("the slot at %s is no longer offered, though its request was refused", start)
		}
	}
}

// offered is every start the slots API lists, from today for 5 days (the
// window freeSlots reads).
func (s *stack) offered() map[string]bool {
	s.t.Helper()
	now := time.Now().UTC()
	r := s.send(http.MethodGet, fmt.Sprintf("/api/slots?type=%s&from=%s&to=%s", sessionType,
		now.Format(time.DateOnly), now.AddDate(0, 0, 5).Format(time.DateOnly)), "")
	var got struct {
		Slots []struct{ Start string } `json:"slots"`
	}
	if err := json.Unmarshal([]byte(r.body), &got); err != nil || r.code != http.StatusOK {
		s.t.Fatalf("GET /api/slots = %d: %v", r.code, err)
	}
	out := map[string]bool{}
	for _, sl := range got.Slots {
		out[sl.Start] = true
	}
	return out
}

// liveFor is the client's bookings that are held or confirmed.
func (s *stack) liveFor(email string) []string {
	s.t.Helper()
	now := time.Now()
	all, err := s.store.List(context.Background(), "default", now.Add(-time.Hour), now.AddDate(0, 0, 7))
	if err != nil {
		s.t.Fatal(err)
	}
	var ids []string
	for _, b := range all {
		if b.Email == email && b.Status.Live() {
			ids = append(ids, b.ID)
		}
	}
	return ids
}

// mailSettled books a control booking for a client of its own, waits for
// its invite and for the queue to empty, so the worker has dealt with
// everything before it; it returns the invites so far by address.
func (s *stack) mailSettled(start, control string, header ...string) map[string][]time.Time {
	s.t.Helper()
	if r := s.bookAs(request{Start: start, Name: "Control Client", Email: control}, header...); r.code != http.StatusCreated {
		s.t.Fatalf("control booking: %v, want 201", r)
	}
	began := time.Now()
	waitUntil(s.t, 30*time.Second, "the control booking's invite and an idle queue", func() bool {
		return len(invites(s.t, s.smtp.Messages())[control]) > 0 && s.settled()
	})
	report(s.t, "control invite after", "%.1f s", time.Since(began).Seconds())
	return invites(s.t, s.smtp.Messages())
}

// abuseCap: one address books 30 sessions at once; the public intake
// allows 3 upcoming ones.
func abuseCap(s *stack, pool *slotPool) {
	t := s.t
	const n = 30
	slots := pool.take(t, n+1)
	email := clientEmail("cap", 0)
	replies := make([]reply, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			replies[i] = s.bookAs(request{Start: slots[i], Name: "Cap Client", Email: email})
		})
	}
	wg.Wait()
	var created, refused []string
	var refusal string
	for i, r := range replies {
		switch {
		case r.code == http.StatusCreated:
			created = append(created, r.ID)
		case r.code == http.StatusConflict && strings.Contains(r.Error, "upcoming appointments"):
			refused = append(refused, slots[i])
			refusal = r.Error
		default:
			t.Errorf("booking %d: %v, want 201 or a 409 about upcoming appointments", i, r)
		}
	}
	report(t, "30 bookings by one address", "%d × 201, %d × 409 %q", len(created), len(refused), refusal)
	if len(created) != 3 || len(refused) != n-3 {
		t.Errorf("%d created and %d refused, want 3 and %d", len(created), len(refused), n-3)
	}
	live := s.liveFor(email)
	slices.Sort(live)
	slices.Sort(created)
	if !slices.Equal(live, created) {
		t.Errorf("the store holds %v for the address, the 201s named %v", live, created)
	}
	s.nothingBookedAt(refused...)
	got := s.mailSettled(slots[n], clientEmail("cap-control", 0))
	report(t, "invites to that address", "%d", len(got[email]))
	if len(got[email]) != len(created) {
		t.Errorf("%d invites reached the address, want %d (one per booking made)", len(got[email]), len(created))
	}
}

// abuseNames: a name or address that could carry a message to a stranger
// is refused naming its field; real names in any script pass.
func abuseNames(s *stack, pool *slotPool) {
	t := s.t
	refusals := []struct{ field, name, email string }{
		{"name", "URGENT: verify your account at http://evil.example/login", ""},
		{"name", "=?UTF-8?Q?Adm=C3=ADn?=", ""},
		{"name", "Anna \u202Egnp.exe", ""},
		{"name", "Ad\u200Bmin", ""},
		{"email", "Ip Literal", "a@[127.0.0.1]"},
		{"email", "Quoted Local", `"a b"@example.org`},
	}
	real := []string{"María José García-Núñez", "李小龍", "Zoë O'Brien"}
	slots := pool.take(t, len(refusals)+len(real)+1)
	var refusedSlots, refusedEmails []string
	for i, c := range refusals {
		email := c.email
		if email == "" {
			email = clientEmail("badname", i)
		}
		r := s.bookAs(request{Start: slots[i], Name: c.name, Email: email})
		report(t, fmt.Sprintf("%s %q", c.field, cmpOr(c.email, c.name)), "%d %q %s: %q", r.code, r.Error, c.field, r.Fields[c.field])
		if r.code != http.StatusUnprocessableEntity || r.Fields[c.field] == "" {
			t.Errorf("%s %q: %v, want 422 naming %s", c.field, cmpOr(c.email, c.name), r, c.field)
		}
		refusedSlots, refusedEmails = append(refusedSlots, slots[i]), append(refusedEmails, email)
	}
	s.nothingBookedAt(refusedSlots...)
	var realEmails []string
	for i, name := range real {
		email := clientEmail("realname", i)
		r := s.bookAs(request{Start: slots[len(refusals)+i], Name: name, Email: email})
		report(t, fmt.Sprintf("name %q", name), "%d", r.code)
		if r.code != http.StatusCreated {
			t.Errorf("name %q: %v, want 201", name, r)
			continue
		}
		if b, err := s.store.Get(context.Background(), r.ID); err != nil || b.Name != name {
			t.Errorf("booking %s holds the name %q (%v), want %q", r.ID, b.Name, err, name)
		}
		realEmails = append(realEmails, email)
	}
	got := s.mailSettled(slots[len(slots)-1], clientEmail("name-control", 0))
	for _, e := range refusedEmails {
		if n := len(got[strings.ToLower(e)]); n > 0 {
			t.Errorf("%d invites reached %s, whose request was refused", n, e)
		}
	}
	for _, e := range realEmails {
		if n := len(got[e]); n != 1 {
			t.Errorf("%d invites reached %s, want 1", n, e)
		}
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// abuseIdempotency: another client who learns a booking's idempotency key
// or its email and time learns nothing about it and books nothing.
func abuseIdempotency(s *stack, pool *slotPool) {
	t := s.t
	slots := pool.take(t, 3)
	key := "abuse-probe-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	emailA, emailB := clientEmail("idem-a", 0), clientEmail("idem-b", 0)
	a := s.bookAs(request{Start: slots[0], Name: "Client A", Email: emailA, IdempotencyKey: key})
	if a.code != http.StatusCreated || a.ID == "" {
		t.Fatalf("client A: %v, want 201", a)
	}
	leaks := func(r reply) []string {
		var out []string
		for _, secret := range []string{a.ID, a.Start, slots[0], `"status"`, "held", "confirmed", emailA} {
			if strings.Contains(r.body, secret) {
				out = append(out, secret)
			}
		}
		return out
	}

	b := s.bookAs(request{Start: slots[1], Name: "Client B", Email: emailB, IdempotencyKey: key})
	report(t, "same key, other email", "%d %q idempotency_key: %q", b.code, b.Error, b.Fields["idempotency_key"])
	if b.code != http.StatusUnprocessableEntity || b.Fields["idempotency_key"] == "" {
		t.Errorf("client B with A's key: %v, want 422 naming idempotency_key", b)
	}
	if l := leaks(b); len(l) > 0 {
		t.Errorf("the answer to client B tells of A's booking (%q): %s", l, b.body)
	}

	rep := s.bookAs(request{Start: slots[0], Name: "Someone Else", Email: emailA})
	report(t, "same email, type, start; other name", "%d %q", rep.code, rep.Error)
	if rep.code != http.StatusConflict {
		t.Errorf("a repeat with another name: %v, want 409", rep)
	}
	if l := leaks(rep); len(l) > 0 {
		t.Errorf("the answer to the repeat tells of A's booking (%q): %s", l, rep.body)
	}
	s.nothingBookedAt(slots[1])
	if live := s.liveFor(emailA); len(live) != 1 || live[0] != a.ID {
		t.Errorf("client A holds %v, want only %s", live, a.ID)
	}
	if bk, err := s.store.Get(context.Background(), a.ID); err != nil || bk.Name != "Client A" {
		t.Errorf("A's booking now carries the name %q (%v)", bk.Name, err)
	}
	got := s.mailSettled(slots[2], clientEmail("idem-control", 0))
	report(t, "invites to A, to B", "%d, %d", len(got[emailA]), len(got[emailB]))
	if len(got[emailA]) != 1 || len(got[emailB]) != 0 {
		t.Errorf("%d invites reached A and %d reached B, want 1 and 0", len(got[emailA]), len(got[emailB]))
	}
}

// abuseInviteLink: a link made by `consultd link` carries the address
// sealed, readable neither as text nor as base64, and still fills it in.
func abuseInviteLink(s *stack) {
	t := s.t
	const email = "invited@example.org"
	cmd := exec.Command(consultdBin, "link", "--email", email, "--type", sessionType)
	cmd.Env = s.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("consultd link: %v\n%s", err, stderr.String())
	}
	link := strings.TrimSpace(stdout.String())
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(u.Path, "/book/") {
		t.Fatalf("consultd link printed %q, want a /book/ URL", link)
	}
	report(t, "link", "%s", link)
	token := strings.TrimPrefix(u.Path, "/book/")
	for _, needle := range addressForms(email) {
		if strings.Contains(strings.ToLower(link), strings.ToLower(needle)) && len(needle) >= 8 {
			t.Errorf("the link %s carries the address as %q", link, needle)
		}
	}
	if raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(token, "s")); err != nil {
		t.Errorf("the token does not decode as a sealed one: %v", err)
	} else if bytes.Contains(bytes.ToLower(raw), []byte(email)) {
		t.Errorf("the decoded token holds the address in clear")
	}
	page := s.send(http.MethodGet, u.RequestURI(), "")
	prefilled := strings.Contains(page.body, `value="`+email+`"`)
	report(t, "booking page of the link", "%d, email prefilled: %v", page.code, prefilled)
	if page.code != http.StatusOK || !prefilled {
		t.Errorf("GET %s = %d, email prefilled %v; want 200 with the email filled in", u.Path, page.code, prefilled)
	}
}

// addressForms is the address as it would show in a URL: as is, escaped,
// and the part of its base64 (either alphabet) that does not depend on the
// bytes around it, at each of the three offsets it may start at.
func addressForms(email string) []string {
	out := []string{email, url.QueryEscape(email), url.PathEscape(email)}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		for k := range 3 {
			s := enc.EncodeToString([]byte(strings.Repeat("\x00", k) + email))
			lo := 0
			if k > 0 {
				lo = 4
			}
			out = append(out, s[lo:len(s)-4])
		}
	}
	return out
}

// abuseHeaders: with base_url on https every answer carries HSTS and pages
// refuse framing; on http there is no HSTS.
func abuseHeaders(s *stack, https bool) {
	t := s.t
	now := time.Now().UTC()
	slots := fmt.Sprintf("/api/slots?type=%s&from=%s&to=%s", sessionType, now.Format(time.DateOnly), now.AddDate(0, 0, 1).Format(time.DateOnly))
	for _, path := range []string{"/book", slots} {
		r := s.send(http.MethodGet, path, "")
		hsts, frame := r.header.Get("Strict-Transport-Security"), r.header.Get("X-Frame-Options")
		name, _, _ := strings.Cut(path, "?")
		report(t, "GET "+name, "%d, HSTS %q, X-Frame-Options %q", r.code, hsts, frame)
		if r.code != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", path, r.code)
		}
		switch {
		case https && !strings.HasPrefix(hsts, "max-age="):
			t.Errorf("GET %s carries no HSTS with base_url on https", path)
		case !https && hsts != "":
			t.Errorf("GET %s carries HSTS %q with base_url on http", path, hsts)
		}
		if path == "/book" && frame != "DENY" {
			t.Errorf("GET /book has X-Frame-Options %q, want DENY", frame)
		}
	}
}

// abuseIPv6: behind a trusted proxy, the addresses of one /64 share one
// limit, as do an IPv4 address and its IPv4-mapped form; another /64 has
// its own. Invalid bodies ({}) count and get 422 until limited.
func abuseIPv6(s *stack, pool *slotPool) {
	t := s.t
	const limit = 5
	slots := pool.take(t, 2)
	probe := func(addr string) reply {
		return s.send(http.MethodPost, "/api/bookings", "{}", "X-Forwarded-For", addr)
	}
	var codes []int
	var limited reply
	for i := range 35 {
		r := probe(fmt.Sprintf("2001:db8:abcd:12:%x:%x:%x:%x", 0x1000+i*97, i*31, i+7, i+1))
		codes = append(codes, r.code)
		if r.code == http.StatusTooManyRequests {
			limited = r
		}
	}
	passed, held := count(codes, http.StatusUnprocessableEntity), count(codes, http.StatusTooManyRequests)
	report(t, "35 addresses of one /64", "%d × 422, then %d × 429 %q (Retry-After %s)", passed, held, limited.Error, limited.header.Get("Retry-After"))
	if passed > limit+1 || passed+held != 35 || codes[len(codes)-1] != http.StatusTooManyRequests {
		t.Errorf("answers %v: want %d × 422, then 429s", codes, limit)
	}
	if !strings.Contains(limited.Error, "too many") || limited.header.Get("Retry-After") == "" {
		t.Errorf("the 429 says %q with Retry-After %q, want a clear message and a wait", limited.Error, limited.header.Get("Retry-After"))
	}
	email := clientEmail("ipv6", 0)
	r := s.bookAs(request{Start: slots[0], Name: "Limited Client", Email: email}, "X-Forwarded-For", "2001:db8:abcd:12::beef")
	report(t, "a real booking from that /64", "%d %q", r.code, r.Error)
	if r.code != http.StatusTooManyRequests {
		t.Errorf("a booking from the limited /64: %v, want 429", r)
	}
	s.nothingBookedAt(slots[0])

	codes = nil
	var forms []string
	for i := range 8 {
		addr := []string{"::ffff:198.51.100.5", "198.51.100.5"}[i%2]
		c := probe(addr).code
		codes = append(codes, c)
		forms = append(forms, fmt.Sprintf("%s→%d", addr, c))
	}
	report(t, "IPv4-mapped and IPv4 alternately", "%s", strings.Join(forms, ", "))
	if n := count(codes, http.StatusUnprocessableEntity); n > limit+1 || codes[6] != http.StatusTooManyRequests || codes[7] != http.StatusTooManyRequests {
		t.Errorf("answers %v: the two forms of one address must share one limit of %d", codes, limit)
	}
	other := probe("2001:db8:abcd:13::1")
	report(t, "an address of another /64", "%d %q", other.code, other.Error)
	if other.code != http.StatusUnprocessableEntity {
		t.Errorf("another /64: %v, want 422 (not limited)", other)
	}
	got := s.mailSettled(slots[1], clientEmail("ipv6-control", 0), "X-Forwarded-For", "192.0.2.77")
	if n := len(got[email]); n > 0 {
		t.Errorf("%d invites reached %s, whose request was limited", n, email)
	}
}

func count(codes []int, code int) int {
	n := 0
	for _, c := range codes {
		if c == code {
			n++
		}
	}
	return n
}

// abuseAdmin: wrong admin passwords hold back their source (and only it);
// the log names the source and never a password.
func abuseAdmin(s *stack) {
	t := s.t
	signIn := func(from, password string) int {
		req, err := http.NewRequest(http.MethodGet, s.base+"/admin/", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.SetBasicAuth("admin", password)
		req.Header.Set("X-Forwarded-For", from)
		resp, err := httpClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	var wrong []string
	var codes []int
	for i := range 12 {
		pw := fmt.Sprintf("guess-%02d-Tr0ub4dor", i)
		wrong = append(wrong, pw)
		codes = append(codes, signIn("203.0.113.9", pw))
	}
	refused, held := count(codes, http.StatusUnauthorized), count(codes, http.StatusTooManyRequests)
	report(t, "12 wrong passwords from 203.0.113.9", "%d × 401, then %d × 429", refused, held)
	if refused+held != 12 || refused > 11 || codes[11] != http.StatusTooManyRequests {
		t.Errorf("answers %v: want 401s, then 429 for that source", codes)
	}
	same := signIn("203.0.113.9", adminPassword)
	other := signIn("203.0.113.50", adminPassword)
	report(t, "right password from 203.0.113.9, from 203.0.113.50", "%d, %d", same, other)
	if same != http.StatusTooManyRequests {
		t.Errorf("the right password from the held-back source = %d, want 429", same)
	}
	if other != http.StatusOK {
		t.Errorf("the right password from another source = %d, want 200", other)
	}

	var refusedLines, heldLines int
	entries, _ := os.ReadDir(s.logDir)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(s.logDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, pw := range append(wrong, adminPassword) {
			if bytes.Contains(data, []byte(pw)) {
				t.Errorf("%s carries a password", e.Name())
			}
		}
		for _, l := range strings.Split(string(data), "\n") {
			if !strings.Contains(l, "203.0.113.9") {
				continue
			}
			switch {
			case strings.Contains(l, "admin sign-in refused"):
				refusedLines++
			case strings.Contains(l, "admin sign-in held back"):
				heldLines++
			}
		}
	}
	report(t, "log lines naming 203.0.113.9", "%d refused, %d held back", refusedLines, heldLines)
	if refusedLines != refused || heldLines != held+1 {
		t.Errorf("the log names the source in %d refused and %d held-back sign-ins, want %d and %d", refusedLines, heldLines, refused, held+1)
	}
}

// abuseGCRA: under the shipped limit of 30 a minute, 60 requests as fast
// as possible get the burst of 30 through and then one more every 2 s, not
// another 30 as a fixed window would once its minute turned; a 429 says to
// come back in 2 s at most, not at the end of a window.
func abuseGCRA(s *stack) {
	t := s.t
	const n, limit = 60, 30
	codes := make([]int, n)
	var retry []string
	var mu sync.Mutex
	began := time.Now()
	var wg sync.WaitGroup
	next := make(chan int)
	for range 4 {
		wg.Go(func() {
			for i := range next {
				r := s.send(http.MethodPost, "/api/bookings", "{}")
				codes[i] = r.code
				if r.code == http.StatusTooManyRequests {
					mu.Lock()
					retry = append(retry, r.header.Get("Retry-After"))
					mu.Unlock()
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	burst := time.Since(began)
	passed := count(codes, http.StatusUnprocessableEntity)
	report(t, "60 requests as fast as possible", "%d passed, %d × 429 in %.2f s", passed, count(codes, http.StatusTooManyRequests), burst.Seconds())

	// Until 2.5 s after the first request, keep asking: GCRA gives back
	// one request every 2 s (60 s / 30), so one more passes, about 2 s in.
	late := 0
	for time.Since(began) < 2500*time.Millisecond {
		if s.send(http.MethodPost, "/api/bookings", "{}").code == http.StatusUnprocessableEntity {
			late++
		}
		time.Sleep(50 * time.Millisecond)
	}
	total := passed + late
	maxRetry := 0
	for _, v := range retry {
		if n, err := strconv.Atoi(v); err == nil && n > maxRetry {
			maxRetry = n
		}
	}
	report(t, "passed in the first 2.5 s", "%d (burst %d, then %d refilled); longest Retry-After %d s", total, passed, late, maxRetry)
	if passed+count(codes, http.StatusTooManyRequests) != n {
		t.Errorf("answers %v: want 422 until limited, then 429", codes)
	}
	// One more for every 2 s gone by, and one for a refill under way.
	bound := limit + 1 + int(time.Since(began)/(2*time.Second))
	if total > bound {
		t.Errorf("%d requests passed in %.1f s (%d in the burst), want at most %d", total, time.Since(began).Seconds(), passed, bound)
	}
	if late < 1 {
		t.Errorf("no request passed 2 to 2.5 s after the burst: the limit gives nothing back until later")
	}
	if passed < limit-1 {
		t.Errorf("only %d of the burst of %d passed", passed, limit)
	}
	if maxRetry < 1 || maxRetry > 2 {
		t.Errorf("a 429 said to retry after %d s, want 1 or 2 (one request comes back every 2 s)", maxRetry)
	}
}
