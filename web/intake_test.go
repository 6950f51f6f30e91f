package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/jobs"
)

// apiAnswer is any JSON answer of the API.
type apiAnswer struct {
	ID        string            `json:"id"`
	Status    string            `json:"status"`
	Start     string            `json:"start"`
	ManageURL string            `json:"manage_url"`
	Error     string            `json:"error"`
	Fields    map[string]string `json:"fields"`
	Slots     []struct{ Start, End string }
}

func (e *pageEnv) api(t *testing.T, method, path, body string) (int, apiAnswer, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a apiAnswer
	_ = json.NewDecoder(resp.Body).Decode(&a)
	return resp.StatusCode, a, resp.Header
}

// freeStarts lists free consultation starts over the next week.
func (e *pageEnv) freeStarts(t *testing.T) []string {
	t.Helper()
	now := time.Now().UTC()
	_, a, _ := e.api(t, "GET", fmt.Sprintf("/api/slots?type=consultation&from=%s&to=%s", now.Format(time.DateOnly), now.AddDate(0, 0, 7).Format(time.DateOnly)), "")
	if len(a.Slots) == 0 {
		t.Fatal("no free slots")
	}
	out := make([]string, len(a.Slots))
	for i, s := range a.Slots {
		out[i] = s.Start
	}
	return out
}

func jsonBooking(start, name, email string) string {
	return fmt.Sprintf(`{"type":"consultation","start":%q,"name":%q,"email":%q}`, start, name, email)
}

func TestBookingAPIRefusesBadInput(t *testing.T) {
	e := startPageEnv(t)
	free := e.freeStarts(t)[0]
	ok := func(change string) string {
		return strings.Replace(`{"type":"consultation","start":"`+free+`","name":"Sam Lee","email":"sam@example.org"}`, `}`, change+`}`, 1)
	}
	tests := []struct {
		desc   string
		body   string
		status int
		field  string
	}{
		{"no name", jsonBooking(free, " ", "sam@example.org"), 422, "name"},
		{"bad email", jsonBooking(free, "Sam", "not-an-email"), 422, "email"},
		{"header injection in email", jsonBooking(free, "Sam", "sam@example.org\r\nBcc: all@example.org"), 422, "email"},
		{"display name instead of address", jsonBooking(free, "Sam", "Sam <sam@example.org>"), 422, "email"},
		{"line break in name", jsonBooking(free, "Sam\nBcc: x@example.org", "sam@example.org"), 422, "name"},
		{"name too long", jsonBooking(free, strings.Repeat("a", 101), "sam@example.org"), 422, "name"},
		{"notes too long", ok(`,"notes":"` + strings.Repeat("n", 2001) + `"`), 422, "notes"},
		{"control character in notes", ok(`,"notes":"a\u0007b"`), 422, "notes"},
		{"unknown zone", ok(`,"timezone":"Mars/Base"`), 422, "timezone"},
		{"unknown therapist", ok(`,"therapist":"nobody"`), 422, "therapist"},
		{"unknown type", strings.Replace(jsonBooking(free, "Sam", "sam@example.org"), "consultation", "massage", 1), 422, "type"},
		{"start not a time", jsonBooking("tomorrow", "Sam", "sam@example.org"), 422, "start"},
		{"start off the grid", jsonBooking(shift(t, free, 7*time.Minute), "Sam", "sam@example.org"), 422, "start"},
		{"start in the past", jsonBooking("2020-01-06T14:00:00Z", "Sam", "sam@example.org"), 422, "start"},
		{"start past the horizon", jsonBooking(shift(t, free, 90*24*time.Hour), "Sam", "sam@example.org"), 422, "start"},
		{"start outside hours", jsonBooking(outsideHours(t, free), "Sam", "sam@example.org"), 422, "start"},
		{"unknown field", ok(`,"role":"admin"`), 422, ""},
		{"two objects", ok(``) + `{}`, 422, ""},
		{"not JSON", `type=consultation`, 422, ""},
		{"empty", ``, 422, ""},
		{"wrong type", `{"type":1}`, 422, ""},
		{"too large", ok(`,"notes":"` + strings.Repeat("n", 70<<10) + `"`), 413, ""},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			status, a, _ := e.api(t, "POST", "/api/bookings", tt.body)
			if status != tt.status || a.Error == "" {
				t.Fatalf("status = %d %+v, want %d with an error", status, a, tt.status)
			}
			if tt.field != "" && a.Fields[tt.field] == "" {
				t.Fatalf("fields = %v, want a message for %s", a.Fields, tt.field)
			}
		})
	}
	if n := e.bookings(t); n != 0 {
		t.Fatalf("%d bookings after bad requests", n)
	}
}

func shift(t *testing.T, rfc string, d time.Duration) string {
	t.Helper()
	s, err := time.Parse(time.RFC3339, rfc)
	if err != nil {
		t.Fatal(err)
	}
	return s.Add(d).UTC().Format(time.RFC3339)
}

// outsideHours is 03:00 in New York on the day of start: nobody works then.
func outsideHours(t *testing.T, rfc string) string {
	t.Helper()
	s, _ := time.Parse(time.RFC3339, rfc)
	ny, _ := time.LoadLocation("America/New_York")
	l := s.In(ny)
	return time.Date(l.Year(), l.Month(), l.Day()+1, 3, 0, 0, 0, ny).UTC().Format(time.RFC3339)
}

func TestBookingAPICreatesAndRefusesATakenSlot(t *testing.T) {
	e := startPageEnv(t)
	free := e.freeStarts(t)[0]
	status, a, _ := e.api(t, "POST", "/api/bookings", jsonBooking(free, "Sam Lee", "sam@example.org"))
	if status != 201 || a.Status != "held" || a.Start != free || !strings.HasPrefix(a.ManageURL, "https://book.riverside.example/m/") {
		t.Fatalf("POST = %d %+v", status, a)
	}
	status, a, _ = e.api(t, "POST", "/api/bookings", jsonBooking(free, "Alex Kim", "alex@example.org"))
	if status != 409 || a.Error == "" {
		t.Fatalf("second booking of the slot = %d %+v", status, a)
	}
	// The slot is no longer offered.
	for _, s := range e.freeStarts(t) {
		if s == free {
			t.Fatal("a held slot is still offered")
		}
	}
}

// A repeat of the same request returns the first booking but not its
// manage link: whoever knows a client's email and time could send it.
func TestRepeatedBookingGetsNoManageLink(t *testing.T) {
	e := startPageEnv(t)
	body := jsonBooking(e.freeStarts(t)[0], "Sam Lee", "sam@example.org")
	_, first, _ := e.api(t, "POST", "/api/bookings", body)
	status, again, _ := e.api(t, "POST", "/api/bookings", body)
	if status != 201 || again.ID != first.ID || again.ManageURL != "" {
		t.Fatalf("repeat = %d %+v", status, again)
	}
}

func TestBookingAPIReleasesTheHoldWhenTheQueueFails(t *testing.T) {
	e := startPageEnv(t)
	deps := e.srv.Deps
	dead := asynq.RedisClientOpt{Addr: "127.0.0.1:1", DialTimeout: 200 * time.Millisecond}
	deps.Appointments = e.rules(e.cfg, time.Now, jobs.NewEnqueuer(asynq.NewClient(dead), asynq.NewInspector(dead), e.cfg, time.Now))
	broken := httptest.NewServer(New(deps).Handler())
	defer broken.Close()
	free := e.freeStarts(t)[0]
	resp, err := http.Post(broken.URL+"/api/bookings", "application/json", strings.NewReader(jsonBooking(free, "Sam", "sam@example.org")))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 {
		t.Fatalf("status = %d, want 503", resp.StatusCode)
	}
	if status, a, _ := e.api(t, "POST", "/api/bookings", jsonBooking(free, "Sam", "sam@example.org")); status != 201 {
		t.Fatalf("the slot was not released: %d %+v", status, a)
	}
}

func TestBookingAPIAnswers503WhenRedisIsDown(t *testing.T) {
	e := startPageEnv(t)
	free := e.freeStarts(t)[0]
	e.redis.Stop()
	status, a, _ := e.api(t, "POST", "/api/bookings", jsonBooking(free, "Sam", "sam@example.org"))
	if status != 503 || a.Error == "" {
		t.Fatalf("status = %d %+v, want 503", status, a)
	}
	if status, _, _ := e.api(t, "GET", "/readyz", ""); status != 503 {
		t.Fatalf("readyz = %d", status)
	}
}

func TestBookingAPIRateLimit(t *testing.T) {
	e := startPageEnv(t)
	deps := e.srv.Deps
	deps.Limiter = NewRateLimiter(e.redis.Client(t), 3)
	limited := httptest.NewServer(New(deps).Handler())
	defer limited.Close()
	codes := []int{}
	var retry string
	for range 5 {
		resp, err := http.Post(limited.URL+"/api/bookings", "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes = append(codes, resp.StatusCode)
		retry = resp.Header.Get("Retry-After")
	}
	if fmt.Sprint(codes) != "[422 422 422 429 429]" || retry == "" {
		t.Fatalf("codes = %v, Retry-After %q", codes, retry)
	}
}

func TestSlotsAPIRefusesBadQueries(t *testing.T) {
	e := startPageEnv(t)
	today := time.Now().UTC()
	day := func(n int) string { return today.AddDate(0, 0, n).Format(time.DateOnly) }
	tests := []struct {
		desc, query, field string
	}{
		{"unknown type", "type=massage&from=" + day(1) + "&to=" + day(2), "type"},
		{"missing type", "from=" + day(1) + "&to=" + day(2), "type"},
		{"bad from", "type=consultation&from=12/01/2026&to=" + day(2), "from"},
		{"missing to", "type=consultation&from=" + day(1), "to"},
		{"to before from", "type=consultation&from=" + day(3) + "&to=" + day(1), "to"},
		{"past the horizon", "type=consultation&from=" + day(1) + "&to=" + day(70), "to"},
		{"unknown therapist", "type=consultation&from=" + day(1) + "&to=" + day(2) + "&therapist=nobody", "therapist"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			status, a, _ := e.api(t, "GET", "/api/slots?"+tt.query, "")
			if status != 422 || a.Fields[tt.field] == "" {
				t.Fatalf("status = %d %+v, want 422 naming %s", status, a, tt.field)
			}
		})
	}
}
