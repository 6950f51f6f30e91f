package web

import (
	"context"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/booking"
)

// booked books a consultation through the API and returns its manage path.
func (e *pageEnv) booked(t *testing.T) (booking.Booking, string) {
	t.Helper()
	status, a, _ := e.api(t, "POST", "/api/bookings", jsonBooking(e.freeStarts(t)[0], "Sam Lee", "sam@example.org"))
	if status != 201 {
		t.Fatalf("booking = %d %+v", status, a)
	}
	b, err := e.store.Get(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(a.ManageURL)
	return b, u.Path
}

func (e *pageEnv) postTo(t *testing.T, path string, form url.Values) page {
	t.Helper()
	resp, err := e.client.PostForm(e.ts.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	return readPage(t, resp)
}

var manageSlotRe = regexp.MustCompile(`name="start" id="[^"]+" value="([^"]+)"`)

func TestManagePageCancels(t *testing.T) {
	e := startPageEnv(t)
	b, path := e.booked(t)
	p := e.get(t, path)
	if p.status != 200 || p.header.Get("Referrer-Policy") != "no-referrer" || !strings.Contains(p.header.Get("Cache-Control"), "no-store") {
		t.Fatalf("manage page: %d %v", p.status, p.header)
	}
	contains(t, p, "Cancel my appointment", "Move my appointment", "Free consultation")
	csrf := csrfRe.FindStringSubmatch(p.body)[1]
	if p := e.postTo(t, path+"/cancel", url.Values{}); p.status != 403 {
		t.Fatalf("cancel without CSRF token = %d", p.status)
	}
	if got, _ := e.store.Get(context.Background(), b.ID); got.Status != booking.StatusHeld {
		t.Fatalf("status after a refused form = %s", got.Status)
	}
	p = e.postTo(t, path+"/cancel", url.Values{"csrf": {csrf}})
	if p.status != 200 {
		t.Fatalf("cancel = %d", p.status)
	}
	contains(t, p, "Your appointment is cancelled", "Book a new time")
	if got, _ := e.store.Get(context.Background(), b.ID); got.Status != booking.StatusCancelled {
		t.Fatalf("status = %s", got.Status)
	}
}

func TestManagePageMoves(t *testing.T) {
	e := startPageEnv(t)
	b, path := e.booked(t)
	p := e.get(t, path)
	csrf := csrfRe.FindStringSubmatch(p.body)[1]
	starts := manageSlotRe.FindAllStringSubmatch(p.body, -1)
	if len(starts) < 2 {
		t.Fatal("no times to move to")
	}
	target := starts[len(starts)-1][1]
	p = e.postTo(t, path+"/reschedule", url.Values{"csrf": {csrf}, "start": {target}})
	if p.status != 200 {
		t.Fatalf("move = %d", p.status)
	}
	contains(t, p, "Your appointment has moved")
	got, _ := e.store.Get(context.Background(), b.ID)
	if got.Start.UTC().Format(time.RFC3339) != target || got.Seq != 1 {
		t.Fatalf("booking = %+v, want at %s with sequence 1", got, target)
	}
}

func TestManageLinksRefused(t *testing.T) {
	e := startPageEnv(t)
	_, path := e.booked(t)
	tests := []struct {
		desc, path string
		status     int
	}{
		{"forged", path[:len(path)-4] + "AAAA", 403},
		{"garbage", "/m/not-a-token", 403},
		{"expired", "/m/" + e.signer.Sign("manage", "default_x", time.Now().Add(-time.Minute)), 403},
		{"other purpose", "/m/" + e.signer.Sign("unsubscribe", strings.TrimPrefix(path, "/m/"), time.Now().Add(time.Hour)), 403},
		{"booking gone", "/m/" + e.signer.Sign("manage", "default_aaaaaaaaaaaaaaaaaaaaaaaaaa", time.Now().Add(time.Hour)), 404},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			if p := e.get(t, tt.path); p.status != tt.status {
				t.Fatalf("page = %d, want %d", p.status, tt.status)
			}
			if status, a, _ := e.api(t, "GET", "/api"+strings.Replace(tt.path, "/m/", "/manage/", 1), ""); status != tt.status || a.Error == "" {
				t.Fatalf("API = %d %+v, want %d", status, a, tt.status)
			}
		})
	}
}

// Inside the late-cancel window the policy is stated; with allow_late off
// the client is asked to contact the practice and nothing changes. The
// clock is set two hours before the session.
func TestLateCancelPolicy(t *testing.T) {
	e := startPageEnv(t)
	b, path := e.booked(t)
	for _, allow := range []bool{true, false} {
		cfg := *e.cfg
		cfg.Cancellation.AllowLate = allow
		deps := e.srv.Deps
		deps.Config = &cfg
		deps.Now = func() time.Time { return b.Start.Add(-2 * time.Hour) }
		deps.Appointments = e.rules(&cfg, deps.Now, e.queue)
		ts := httptest.NewServer(New(deps).Handler())
		p := (&pageEnv{ts: ts, client: e.client}).get(t, path)
		contains(t, p, cfg.Cancellation.Policy)
		tok := strings.TrimPrefix(path, "/m/")
		status, a, _ := (&pageEnv{ts: ts, client: e.client}).api(t, "GET", "/api/manage/"+tok, "")
		if status != 200 {
			t.Fatalf("manage API = %d", status)
		}
		_ = a
		if !allow {
			contains(t, p, "too close to the appointment")
			if status, a, _ := (&pageEnv{ts: ts, client: e.client}).api(t, "POST", "/api/manage/"+tok+"/cancel", ""); status != 409 || !strings.Contains(a.Error, "contact the practice") {
				t.Fatalf("late cancel = %d %+v", status, a)
			}
			if got, _ := e.store.Get(context.Background(), b.ID); !got.Status.Live() {
				t.Fatal("a late cancel went through against the policy")
			}
		}
		ts.Close()
	}
}

// A session can move to a time that overlaps its own current one (a
// quarter of an hour later): it does not stand in its own way.
func TestManagePageOffersTimesNextToItself(t *testing.T) {
	e := startPageEnv(t)
	now := time.Now().UTC()
	_, a, _ := e.api(t, "GET", "/api/slots?type=session&from="+now.Format(time.DateOnly)+"&to="+now.AddDate(0, 0, 7).Format(time.DateOnly), "")
	free := map[string]bool{}
	for _, sl := range a.Slots {
		free[sl.Start] = true
	}
	start := ""
	for _, sl := range a.Slots {
		if free[shift(t, sl.Start, 15*time.Minute)] {
			start = sl.Start
			break
		}
	}
	status, b, _ := e.api(t, "POST", "/api/bookings", strings.Replace(jsonBooking(start, "Sam Lee", "sam@example.org"), "consultation", "session", 1))
	if status != 201 {
		t.Fatalf("booking = %d", status)
	}
	u, _ := url.Parse(b.ManageURL)
	p := e.get(t, u.Path)
	offered := map[string]bool{}
	for _, m := range manageSlotRe.FindAllStringSubmatch(p.body, -1) {
		offered[m[1]] = true
	}
	if offered[start] {
		t.Error("the booking's own time is offered as a move")
	}
	if later := shift(t, start, 15*time.Minute); !offered[later] {
		t.Errorf("%s, a quarter of an hour later, is not offered", later)
	}
}
