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
	"github.com/consultd/consultd/calendar"
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

var cancelLinkRe = regexp.MustCompile(`class="button secondary" href="([^"]+)">Cancel my appointment`)

// Cancelling asks once more, with an optional reason for the therapist;
// only the second form cancels.
func TestManagePageCancels(t *testing.T) {
	e := startPageEnv(t)
	b, path := e.booked(t)
	p := e.get(t, path)
	if p.status != 200 || p.header.Get("Referrer-Policy") != "no-referrer" || !strings.Contains(p.header.Get("Cache-Control"), "no-store") {
		t.Fatalf("manage page: %d %v", p.status, p.header)
	}
	contains(t, p, "Cancel my appointment", "Move my appointment", "Free consultation")
	m := cancelLinkRe.FindStringSubmatch(p.body)
	if m == nil || m[1] != path+"?cancel=1" {
		t.Fatalf("no link to cancel, or the wrong one: %v", m)
	}
	ask := e.get(t, strings.ReplaceAll(m[1], "&amp;", "&"))
	contains(t, ask, "<h1>Cancel this appointment?</h1>", `<label for="reason">`, `name="confirm" value="yes"`,
		`maxlength="500"`, `href="`+path+`">No, keep it</a>`, e.cfg.Cancellation.Policy)
	held := func(when string) {
		t.Helper()
		if got, _ := e.store.Get(context.Background(), b.ID); got.Status != booking.StatusHeld {
			t.Fatalf("status %s = %s, want still held", when, got.Status)
		}
	}
	csrf := csrfRe.FindStringSubmatch(ask.body)[1]
	if p := e.postTo(t, path+"/cancel", url.Values{"confirm": {"yes"}}); p.status != 403 {
		t.Fatalf("cancel without CSRF token = %d", p.status)
	}
	held("after a refused form")
	// The old one-step form (a page left open) only asks.
	p = e.postTo(t, path+"/cancel", url.Values{"csrf": {csrf}})
	if p.status != 200 || !strings.Contains(p.body, "Cancel this appointment?") {
		t.Fatalf("a cancel without confirm = %d, want the question", p.status)
	}
	held("after the first step")
	p = e.postTo(t, path+"/cancel", url.Values{"csrf": {csrf}, "confirm": {"yes"}, "reason": {strings.Repeat("x", 501)}})
	if p.status != 422 {
		t.Fatalf("a reason too long = %d, want 422", p.status)
	}
	contains(t, p, `id="reason-error">The reason is longer than 500 characters.`, `aria-invalid="true"`, strings.Repeat("x", 501))
	held("after a reason too long")
	p = e.postTo(t, path+"/cancel", url.Values{"csrf": {csrf}, "confirm": {"yes"}, "reason": {"I have a cold."}})
	if p.status != 200 {
		t.Fatalf("cancel = %d", p.status)
	}
	contains(t, p, "Your appointment is cancelled", "Book a new time")
	if got, _ := e.store.Get(context.Background(), b.ID); got.Status != booking.StatusCancelled {
		t.Fatalf("status = %s", got.Status)
	}
	// Asking again about a cancelled booking shows it as it is.
	contains(t, e.get(t, path+"?cancel=1"), "This appointment is cancelled.")
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

// The page states the part of the late-cancel policy that applies to this
// booking now: until when it is free to change, that a cancel now counts
// as late, or, with allow_late off inside the window, that it can no
// longer change online, how to reach the practice, and nothing changes.
func TestLateCancelPolicy(t *testing.T) {
	e := startPageEnv(t)
	b, path := e.booked(t)
	th, _ := e.cfg.Therapist(b.TherapistID)
	deadline := b.Start.Add(-24 * time.Hour).In(calendar.ZoneOr(b.TimeZone, th.Location())).Format("Monday 2 January at 15:04")
	tests := []struct {
		desc   string
		before time.Duration
		allow  bool
		wants  []string
	}{
		{"early, late cancels allowed", 72 * time.Hour, true,
			[]string{"You can cancel or move it free of charge until " + deadline + ". After that, a cancel counts as late (less than 24 hours before)."}},
		{"early, late cancels locked", 72 * time.Hour, false,
			[]string{"You can cancel or move it online until " + deadline + ". After that (less than 24 hours before), only the practice can change it."}},
		{"late, allowed", 2 * time.Hour, true, []string{"Cancelling from now on counts as late (less than 24 hours before the session)."}},
		{"late, locked", 2 * time.Hour, false, []string{"It is too close to the appointment to change it online (less than 24 hours before).",
			"please contact the practice: <span class=\"text\">Phone 555 0100</span>, or <a href=\"mailto:desk@riverside.example\">desk@riverside.example</a>."}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			cfg := *e.cfg
			cfg.Cancellation.AllowLate = tt.allow
			cfg.Practice.Contact = "Phone 555 0100"
			cfg.Mail.ReplyTo = "Front desk <desk@riverside.example>"
			deps := e.srv.Deps
			deps.Config = &cfg
			deps.Now = func() time.Time { return b.Start.Add(-tt.before) }
			deps.Appointments = e.rules(&cfg, deps.Now, e.queue)
			ts := httptest.NewServer(New(deps).Handler())
			defer ts.Close()
			pe := &pageEnv{ts: ts, client: e.client}
			p := pe.get(t, path)
			contains(t, p, append(tt.wants, cfg.Cancellation.Policy)...)
			locked := tt.before < 24*time.Hour && !tt.allow
			if got := strings.Contains(p.body, "Move my appointment") || strings.Contains(p.body, "Cancel my appointment"); got == locked {
				t.Errorf("forms to change it shown: %v, want %v", got, !locked)
			}
			if !locked {
				return
			}
			if ask := pe.get(t, path+"?cancel=1"); strings.Contains(ask.body, "Cancel this appointment?") {
				t.Error("a booking the policy locks is offered a cancel")
			}
			tok := strings.TrimPrefix(path, "/m/")
			if status, a, _ := pe.api(t, "POST", "/api/manage/"+tok+"/cancel", ""); status != 409 || !strings.Contains(a.Error, "contact the practice") {
				t.Fatalf("late cancel = %d %+v", status, a)
			}
			if got, _ := e.store.Get(context.Background(), b.ID); !got.Status.Live() {
				t.Fatal("a late cancel went through against the policy")
			}
		})
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

var (
	laterRe   = regexp.MustCompile(`class="later" href="([^"]+)"`)
	earlierRe = regexp.MustCompile(`class="earlier" href="([^"]+)"`)
)

// Moving offers the whole horizon, a week at a time, without a script:
// "Later times" pages forward to the last bookable day, "Earlier times"
// back.
func TestManagePageMovesAWeekAtATime(t *testing.T) {
	e := startPageEnv(t)
	_, path := e.booked(t)
	th, _ := e.cfg.Therapist("default")
	today := calendar.DateOf(time.Now().In(th.Location()))
	last := calendar.DateOf(time.Now().Add(e.cfg.Booking.Horizon).In(th.Location()))
	p := e.get(t, path)
	if earlierRe.MatchString(p.body) {
		t.Error("the first week offers earlier times")
	}
	var pages []page
	for i := 0; ; i++ {
		pages = append(pages, p)
		week := today.AddDays(7 * i)
		for _, m := range manageSlotRe.FindAllStringSubmatch(p.body, -1) {
			at, _ := time.Parse(time.RFC3339, m[1])
			if d := calendar.DateOf(at.In(th.Location())); d.Compare(week) < 0 || d.Compare(week.AddDays(6)) > 0 {
				t.Fatalf("page %d (from %s) offers %s", i+1, week, d)
			}
		}
		m := laterRe.FindStringSubmatch(p.body)
		if m == nil {
			break
		}
		if i > 20 {
			t.Fatal("later times never end")
		}
		next := strings.ReplaceAll(m[1], "&amp;", "&")
		if want := path + "?from=" + week.AddDays(7).String(); next != want {
			t.Fatalf("later link %q, want %q", next, want)
		}
		p = e.get(t, next)
		if back := earlierRe.FindStringSubmatch(p.body); back == nil || !strings.HasSuffix(back[1], "from="+week.String()) {
			t.Fatalf("page %d: earlier link %v, want back to %s", i+2, back, week)
		}
	}
	if lastWeek := today.AddDays(7 * (len(pages) - 1)); last.Compare(lastWeek) < 0 || last.Compare(lastWeek.AddDays(6)) > 0 {
		t.Errorf("%d weeks offered, the last from %s; the horizon ends on %s", len(pages), lastWeek, last)
	}
	// A date outside the horizon shows the first week.
	if p := e.get(t, path+"?from=1999-01-01"); p.status != 200 || earlierRe.MatchString(p.body) {
		t.Errorf("a date before today: %d, earlier link %v", p.status, earlierRe.MatchString(p.body))
	}
}
