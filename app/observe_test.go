package app

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/config"
)

// send makes one request and returns the answer with its body read.
func send(t *testing.T, method, url, body string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
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
	return resp, string(data)
}

// series is the value of one exposed series, or -1 when it is missing.
func series(exposition, name string) float64 {
	for line := range strings.Lines(exposition) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return -1
			}
			return f
		}
	}
	return -1
}

// waitSeries scrapes until the series has the value: workers count
// emails after the HTTP answer.
func waitSeries(t *testing.T, base, name string, want float64) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, body := send(t, "GET", base+"/metrics", "", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("GET /metrics = %d", resp.StatusCode)
		}
		got := series(body, name)
		if got == want {
			return body
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s = %v, want %v", name, got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestMetricsAndRequestIDsAfterBookings(t *testing.T) {
	e := startEnv(t, nil)
	slots := firstSlots(t, e.base, "consultation").Slots
	body := bookingBody("consultation", slots[0].Start, "Sam Lee", "sam@example.org")

	resp, answer := send(t, "POST", e.base+"/api/bookings", body, nil)
	if resp.StatusCode != 201 {
		t.Fatalf("POST = %d %s", resp.StatusCode, answer)
	}
	id := regexp.MustCompile(`"id":"([^"]+)"`).FindStringSubmatch(answer)[1]
	manage := regexp.MustCompile(`"manage_url":"[^"]*/m/([^"]+)"`).FindStringSubmatch(answer)[1]
	reqID := resp.Header.Get("X-Request-ID")
	if len(reqID) < 20 {
		t.Fatalf("X-Request-ID = %q", reqID)
	}
	waitStatus(t, e, id, booking.StatusConfirmed)
	if !regexp.MustCompile(`msg="booking held".*booking=` + id + `.*request_id=` + reqID).MatchString(e.logs.String()) {
		t.Errorf("no log line of the booking carries request_id=%s:\n%s", reqID, e.logs)
	}

	if resp, _ := send(t, "POST", e.base+"/api/bookings", body, nil); resp.StatusCode != 201 {
		t.Fatalf("repeat = %d", resp.StatusCode)
	}
	e.smtp.RejectRecipient("gone@example.org", 550, "no such user")
	if resp, _ := send(t, "POST", e.base+"/api/bookings", bookingBody("consultation", slots[1].Start, "Kim Park", "gone@example.org"), nil); resp.StatusCode != 201 {
		t.Fatalf("second booking = %d", resp.StatusCode)
	}
	if resp, _ := send(t, "POST", e.base+"/api/bookings", `{"type":"nope"}`, nil); resp.StatusCode != 422 {
		t.Fatalf("invalid booking = %d", resp.StatusCode)
	}
	if resp, _ := send(t, "GET", e.base+"/m/"+manage, "", nil); resp.StatusCode != 200 {
		t.Fatalf("manage page = %d", resp.StatusCode)
	}

	out := waitSeries(t, e.base, `consultd_emails_total{kind="invite",result="refused"}`, 1)
	for name, want := range map[string]float64{
		`consultd_bookings_total{outcome="created"}`:                                          2,
		`consultd_bookings_total{outcome="repeat"}`:                                           1,
		`consultd_bookings_total{outcome="invalid"}`:                                          1,
		`consultd_bookings_total{outcome="taken"}`:                                            0,
		`consultd_emails_total{kind="invite",result="sent"}`:                                  1,
		`consultd_emails_total{kind="reminder",result="sent"}`:                                0,
		`consultd_http_request_duration_seconds_count{code="201",route="POST /api/bookings"}`: 3,
		`consultd_http_request_duration_seconds_count{code="422",route="POST /api/bookings"}`: 1,
		`consultd_http_request_duration_seconds_count{code="200",route="GET /m/{token}"}`:     1,
	} {
		if got := series(out, name); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	if got := series(out, `consultd_emails_total{kind="notice",result="sent"}`); got < 1 {
		t.Errorf("therapist notices sent = %v", got)
	}
	if got := series(out, `consultd_queue_size{queue="default"}`); got < 1 {
		t.Errorf("queue size = %v, want the scheduled reminders at least", got)
	}
	if series(out, `consultd_queue_latency_seconds{queue="default"}`) < 0 {
		t.Error("no queue latency")
	}
	// No label carries an address, a booking or a link: paths with tokens
	// are recorded by their pattern only.
	for _, leak := range []string{"@", id, manage, "Sam", "gone"} {
		if strings.Contains(out, leak) {
			t.Errorf("/metrics holds %q", leak)
		}
	}
	if m := regexp.MustCompile(`/m/[^{]`).FindString(out); m != "" {
		t.Errorf("/metrics holds a manage path: %q", m)
	}
}

func TestQueueMonitorIsBehindTheAdminCredential(t *testing.T) {
	const user, pass = "practice", "a long admin password for tests"
	closed := startEnv(t, nil)
	open := startEnv(t, func(c *config.Config) { c.Admin.User, c.Admin.Password = user, pass })
	auth := func(u, p string) http.Header {
		r, _ := http.NewRequest("GET", "/", nil)
		r.SetBasicAuth(u, p)
		return r.Header
	}
	tests := []struct {
		desc         string
		base, method string
		path         string
		header       http.Header
		want         int
	}{
		{"no admin password: no monitor", closed.base, "GET", "/admin/queues", auth(user, pass), 404},
		{"no admin password: no API", closed.base, "GET", "/admin/queues/api/queues", nil, 404},
		{"no credential", open.base, "GET", "/admin/queues", nil, 401},
		{"wrong password", open.base, "GET", "/admin/queues/api/queues", auth(user, "guess"), 401},
		{"the page", open.base, "GET", "/admin/queues", auth(user, pass), 200},
		{"the API", open.base, "GET", "/admin/queues/api/queues", auth(user, pass), 200},
		{"read-only", open.base, "POST", "/admin/queues/api/queues/default:pause", auth(user, pass), 405},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			resp, body := send(t, tt.method, tt.base+tt.path, "", tt.header)
			if resp.StatusCode != tt.want {
				t.Fatalf("%s %s = %d, want %d: %.200s", tt.method, tt.path, resp.StatusCode, tt.want, body)
			}
			if tt.want == 200 && tt.path == "/admin/queues" {
				checkMonitorPolicy(t, body, resp.Header.Get("Content-Security-Policy"))
			}
		})
	}
}

// checkMonitorPolicy: the monitor's page loads its scripts from under
// /admin/queues, and its policy allows exactly the inline scripts it has
// and nothing from other sites.
func checkMonitorPolicy(t *testing.T, page, csp string) {
	t.Helper()
	if !strings.Contains(page, `src="/admin/queues/static/js/`) {
		t.Errorf("page does not load its scripts from /admin/queues:\n%.500s", page)
	}
	scripts := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindAllStringSubmatch(page, -1)
	if len(scripts) == 0 {
		t.Fatal("no inline scripts: the policy test tests nothing")
	}
	for _, m := range scripts {
		sum := sha256.Sum256([]byte(m[1]))
		if h := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(csp, h) {
			t.Errorf("policy %q lacks %s", csp, h)
		}
	}
	if strings.Contains(csp, "http") || strings.Contains(csp, "unsafe-eval") || strings.Contains(csp, "script-src 'self' 'unsafe-inline'") {
		t.Errorf("policy too open: %q", csp)
	}
}
