package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/booking"
)

// begun is a booking whose session started ten minutes ago, claimed
// straight in the store (the intake never books the past).
func (e *pageEnv) begun(t *testing.T) booking.Booking {
	t.Helper()
	start := time.Now().Add(-10 * time.Minute).UTC()
	b, _, err := e.store.Claim(t.Context(), booking.Booking{TherapistID: "default", Type: "session", Start: start, End: start.Add(50 * time.Minute),
		Name: "Sam Lee", Email: "sam@example.org"}, "", booking.Guard{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// postAttendance sends the admin API's attendance request.
func (e *pageEnv) postAttendance(t *testing.T, id, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", e.ts.URL+"/admin/api/bookings/"+id+"/attendance", strings.NewReader(body))
	req.SetBasicAuth(adminTestUser, adminTestPassword)
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestAdminAPIAttendance(t *testing.T) {
	e := startPageEnv(t)
	a := e.withAdmin(t, nil)
	ahead, _ := e.booked(t)
	begun := e.begun(t)
	tests := []struct {
		desc, id, body string
		status         int
	}{
		{"before the start", ahead.ID, `{"status":"attended"}`, 409},
		{"an unknown status", begun.ID, `{"status":"late"}`, 422},
		{"no status", begun.ID, `{}`, 422},
		{"an unknown field", begun.ID, `{"status":"attended","x":1}`, 422},
		{"no such booking", "default_aaaaaaaaaaaaaaaaaaaaaaaaaa", `{"status":"attended"}`, 404},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			if status, body := a.postAttendance(t, tt.id, tt.body); status != tt.status {
				t.Fatalf("attendance = %d %v, want %d", status, body, tt.status)
			}
		})
	}
	status, body := a.postAttendance(t, begun.ID, `{"status":"no_show"}`)
	if status != 200 || body["id"] != begun.ID || body["attendance"] != "no_show" || body["manage_url"] != nil {
		t.Fatalf("no-show after the start = %d %v", status, body)
	}
	if got, _ := e.store.Get(t.Context(), begun.ID); got.Attendance != booking.NoShow {
		t.Fatalf("stored attendance = %q", got.Attendance)
	}
	if got, _ := e.store.Get(t.Context(), ahead.ID); got.Attendance != booking.AttendanceNone {
		t.Fatalf("refused attendance was stored: %q", got.Attendance)
	}
}

func TestAdminAttendanceButtonFromTheStart(t *testing.T) {
	e := startPageEnv(t)
	a := e.withAdmin(t, nil)
	ahead, _ := e.booked(t)
	begun := e.begun(t)
	if p := a.adminDo(t, "GET", "/admin/bookings/"+ahead.ID, rightCredentials, nil); strings.Contains(p.body, "/attendance") {
		t.Error("a session not yet begun offers the attendance form")
	}
	detail := "/admin/bookings/" + begun.ID
	p := a.adminDo(t, "GET", detail, rightCredentials, nil)
	contains(t, p, `action="`+detail+`/attendance"`, `value="attended"`, `value="no_show"`)
	csrf := csrfRe.FindStringSubmatch(p.body)[1]
	if p := a.adminDo(t, "POST", detail+"/attendance", rightCredentials, url.Values{"status": {"attended"}}); p.status != 403 {
		t.Fatalf("attendance without CSRF = %d, want 403", p.status)
	}
	p = a.adminDo(t, "POST", detail+"/attendance", rightCredentials, url.Values{"csrf": {csrf}, "status": {"attended"}})
	if p.status != 303 || p.header.Get("Location") != detail+"?done=attendance" {
		t.Fatalf("attendance = %d to %q", p.status, p.header.Get("Location"))
	}
	p = a.adminDo(t, "GET", p.header.Get("Location"), rightCredentials, nil)
	contains(t, p, "The attendance is recorded: attended.", "<dt>Attendance</dt><dd>attended</dd>")
	ny, _ := time.LoadLocation("America/New_York")
	p = a.adminDo(t, "GET", "/admin/?date="+begun.Start.In(ny).Format(time.DateOnly), rightCredentials, nil)
	contains(t, p, "held · attended")
	if p := a.adminDo(t, "POST", "/admin/bookings/"+ahead.ID+"/attendance", rightCredentials, url.Values{"csrf": {csrf}, "status": {"no_show"}}); p.status != 409 {
		t.Fatalf("attendance before the start from the form = %d, want 409", p.status)
	}
}

// A client's cancel inside the late window shows as a late cancel in the
// list of bookings.
func TestAdminListShowsLateCancel(t *testing.T) {
	e := startPageEnv(t)
	b, managePath := e.booked(t)
	a := e.withAdmin(t, func(d *Deps) { d.Config.Cancellation.LateWindow = 60 * 24 * time.Hour })
	if status, _, _ := a.api(t, "POST", "/api"+strings.Replace(managePath, "/m/", "/manage/", 1)+"/cancel", ""); status != 200 {
		t.Fatalf("client cancel = %d", status)
	}
	ny, _ := time.LoadLocation("America/New_York")
	p := a.adminDo(t, "GET", "/admin/?date="+b.Start.In(ny).Format(time.DateOnly), rightCredentials, nil)
	contains(t, p, `cancelled <strong class="late">late cancel</strong>`)
	p = a.adminDo(t, "GET", "/admin/bookings/"+b.ID, rightCredentials, nil)
	contains(t, p, `<strong class="late">late cancel</strong>`)
}

func TestPreferredNameThroughAPIAndForm(t *testing.T) {
	e := startPageEnv(t)
	starts := e.freeStarts(t)
	body := `{"type":"consultation","start":"` + starts[0] + `","name":"Samantha Lee","preferred_name":"Sam","email":"sam@example.org"}`
	status, a, _ := e.api(t, "POST", "/api/bookings", body)
	if status != 201 {
		t.Fatalf("booking = %d %+v", status, a)
	}
	if b, _ := e.store.Get(t.Context(), a.ID); b.PreferredName != "Sam" {
		t.Fatalf("stored preferred name %q", b.PreferredName)
	}
	bad := `{"type":"consultation","start":"` + starts[1] + `","name":"Kim","preferred_name":"www.evil.example","email":"kim@example.org"}`
	if status, a, _ := e.api(t, "POST", "/api/bookings", bad); status != 422 || a.Fields["preferred_name"] == "" {
		t.Fatalf("bad preferred name = %d %v, want 422 naming preferred_name", status, a.Fields)
	}

	csrf, start := formOf(t, e.get(t, "/book"))
	f := validForm(csrf, start)
	f.Set("preferred_name", strings.Repeat("x", 51))
	p := e.post(t, f)
	contains(t, p, `id="preferred_name-error">The name you go by is longer than 50 characters.</p>`)
	f.Set("preferred_name", "Jo")
	if p := e.post(t, f); p.status != http.StatusCreated {
		t.Fatalf("form with a preferred name = %d", p.status)
	}
	list, _ := e.store.List(t.Context(), "default", time.Now(), time.Now().AddDate(0, 0, 60))
	var found bool
	for _, b := range list {
		found = found || b.PreferredName == "Jo"
	}
	if !found {
		t.Error("the form's preferred name was not stored")
	}
}
