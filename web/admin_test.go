package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/jobs"
)

const (
	scriptName = `<script>alert(1)</script> Lee`
	scriptNote = `Line one <script>steal()</script>
& "line two"`
)

// bookedWithScript books through the API as a client who typed markup into
// the name and the note.
func (e *pageEnv) bookedWithScript(t *testing.T) booking.Booking {
	t.Helper()
	body := fmt.Sprintf(`{"type":"consultation","start":%q,"name":%q,"email":"sam@example.org","timezone":"Europe/London","notes":%q}`,
		e.freeStarts(t)[0], scriptName, scriptNote)
	status, a, _ := e.api(t, "POST", "/api/bookings", body)
	if status != 201 {
		t.Fatalf("booking = %d %+v", status, a)
	}
	b, err := e.store.Get(t.Context(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAdminListAndDetail(t *testing.T) {
	e := startPageEnv(t)
	b := e.bookedWithScript(t)
	a := e.withAdmin(t, nil)
	ny, _ := time.LoadLocation("America/New_York")
	day := calendar.DateOf(b.Start.In(ny))
	when := b.Start.In(ny).Format("15:04") + "–" + b.End.In(ny).Format("15:04")
	detail := "/admin/bookings/" + b.ID
	escapedName := "&lt;script&gt;alert(1)&lt;/script&gt; Lee"
	escapedNote := "Line one &lt;script&gt;steal()&lt;/script&gt;\n&amp; &#34;line two&#34;"

	if err := e.store.SetFlag(t.Context(), b.ID, "undeliverable"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		desc, path  string
		wants, nots []string
	}{
		{"list of the booking's week", "/admin/?date=" + day.String(),
			[]string{escapedName, `href="` + detail + `"`, when, "Free consultation", "held",
				`<strong class="flag">undeliverable</strong>`, "Dr. Ada Rivers", "Eastern Time",
				"?date=" + day.AddDays(-7).String(), "?date=" + day.AddDays(7).String(), "/static/admin.css?v="},
			[]string{"<script>", "steal()", "sam@example.org"}},
		{"list of the week before", "/admin/?date=" + day.AddDays(-8).String(),
			[]string{"No bookings."}, []string{escapedName}},
		{"list of today by default", "/admin/",
			[]string{`value="` + calendar.DateOf(time.Now().In(ny)).String() + `"`}, nil},
		{"detail", detail,
			[]string{escapedName, escapedNote, "sam@example.org", "<dd>UK time</dd>", "held", "undeliverable",
				"Free consultation", "Dr. Ada Rivers", "(Eastern Time)", "(UK time)", b.ID,
				`action="` + detail + `/cancel"`, `name="csrf"`, `href="/admin/?date=` + day.String() + `"`},
			[]string{"<script>", "too close to the session", "Europe/London"}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			p := a.adminDo(t, "GET", tt.path, rightCredentials, nil)
			if p.status != 200 {
				t.Fatalf("status = %d", p.status)
			}
			contains(t, p, tt.wants...)
			for _, n := range tt.nots {
				if strings.Contains(p.body, n) {
					t.Errorf("page holds %q", n)
				}
			}
			checkPageHeaders(t, p)
		})
	}
}

// The practice cancels inside the late window even where clients may not
// (allow_late off, the clock two hours before the session): the booking is
// cancelled and the client's cancellation is queued, once.
func TestAdminCancel(t *testing.T) {
	e := startPageEnv(t)
	b, managePath := e.booked(t)
	a := e.withAdmin(t, func(d *Deps) {
		d.Config.Cancellation.AllowLate = false
		d.Now = func() time.Time { return b.Start.Add(-2 * time.Hour) }
	})
	if status, _, _ := a.api(t, "POST", "/api"+strings.Replace(managePath, "/m/", "/manage/", 1)+"/cancel", ""); status != 409 {
		t.Fatalf("the client's own cancel = %d, want 409 inside the late window", status)
	}
	detail := "/admin/bookings/" + b.ID
	p := a.adminDo(t, "GET", detail, rightCredentials, nil)
	contains(t, p, "too close to the session for the client")
	csrf := csrfRe.FindStringSubmatch(p.body)[1]

	refused := []struct {
		desc   string
		form   url.Values
		creds  *credentials
		status int
	}{
		{"no CSRF token", url.Values{}, rightCredentials, 403},
		{"forged CSRF token", url.Values{"csrf": {csrf[:len(csrf)-4] + "AAAA"}}, rightCredentials, 403},
		{"no credentials", url.Values{"csrf": {csrf}}, nil, 401},
		{"wrong password", url.Values{"csrf": {csrf}}, &credentials{adminTestUser, "nope"}, 401},
	}
	for _, tt := range refused {
		t.Run(tt.desc, func(t *testing.T) {
			if p := a.adminDo(t, "POST", detail+"/cancel", tt.creds, tt.form); p.status != tt.status {
				t.Fatalf("cancel = %d, want %d", p.status, tt.status)
			}
			if got, _ := e.store.Get(t.Context(), b.ID); got.Status != booking.StatusHeld || got.Seq != 0 {
				t.Fatalf("booking after a refused cancel: %s seq %d", got.Status, got.Seq)
			}
		})
	}

	for range 2 { // a second post changes nothing and queues nothing new
		p = a.adminDo(t, "POST", detail+"/cancel", rightCredentials, url.Values{"csrf": {csrf}})
		if p.status != 303 || p.header.Get("Location") != detail+"?done=cancelled" {
			t.Fatalf("cancel = %d to %q", p.status, p.header.Get("Location"))
		}
		got, err := e.store.Get(t.Context(), b.ID)
		if err != nil || got.Status != booking.StatusCancelled || got.Seq != 1 {
			t.Fatalf("booking after the cancel: %+v %v", got, err)
		}
	}
	inspector := asynq.NewInspectorFromRedisClient(e.redis.Client(t))
	if _, err := inspector.GetTaskInfo(jobs.Queue, "cancel:"+b.ID+":1"); err != nil {
		t.Fatalf("the client's cancellation was not queued: %v", err)
	}

	p = a.adminDo(t, "GET", p.header.Get("Location"), rightCredentials, nil)
	contains(t, p, "The booking is cancelled", "cancelled")
	if strings.Contains(p.body, `name="csrf"`) {
		t.Error("a cancelled booking still offers the cancel form")
	}
	checkPageHeaders(t, p)
	if p := a.adminDo(t, "POST", "/admin/bookings/default_aaaaaaaaaaaaaaaaaaaaaaaaaa/cancel", rightCredentials, url.Values{"csrf": {csrf}}); p.status != 404 {
		t.Fatalf("cancel of an unknown booking = %d, want 404", p.status)
	}
}

// The notice after a cancel shows only for a booking that is cancelled, so
// a hand-made URL cannot claim otherwise.
func TestAdminNoticeNeedsCancelledBooking(t *testing.T) {
	e := startPageEnv(t)
	b, _ := e.booked(t)
	p := e.withAdmin(t, nil).adminDo(t, "GET", "/admin/bookings/"+b.ID+"?done=cancelled", rightCredentials, nil)
	if p.status != 200 || strings.Contains(p.body, "The booking is cancelled") {
		t.Fatalf("live booking page = %d, claims it is cancelled: %v", p.status, strings.Contains(p.body, "The booking is cancelled"))
	}
}
