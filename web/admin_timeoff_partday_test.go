package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
)

// adminJSON sends a JSON request to the admin API with the practice's
// credential and decodes the answer.
func (e *pageEnv) adminJSON(t *testing.T, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
	req.SetBasicAuth(adminTestUser, adminTestPassword)
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&a)
	return resp.StatusCode, a
}

// afternoon splits a day's free starts at 13:00 New York time.
func afternoon(t *testing.T, day calendar.Date, starts []string) (morning, after []string) {
	t.Helper()
	noon := day.At(13*60, newYork(t))
	for _, s := range starts {
		at, _ := time.Parse(time.RFC3339, s)
		if at.Before(noon) {
			morning = append(morning, s)
		} else {
			after = append(after, s)
		}
	}
	return morning, after
}

// The afternoon off, added from the page: its starts close, the morning's
// stay, the booking already made in it is listed for review, a booking
// there is refused, and removing it opens the afternoon again.
func TestAdminPartDayTimeOff(t *testing.T) {
	a := startPageEnv(t).withAdmin(t, nil)
	day := a.daysWithSlots(t, 1)[0]
	morning, after := afternoon(t, day, a.slotsOn(t, day))
	if len(morning) == 0 || len(after) < 2 {
		t.Fatalf("%s: %d morning and %d afternoon slots", day, len(morning), len(after))
	}
	inside, _ := a.bookAt(t, after[0])

	p := a.adminDo(t, "POST", "/admin/timeoff", rightCredentials, url.Values{
		"csrf": {a.adminCSRF(t, "/admin/timeoff")}, "therapist": {"default"}, "from": {day.String()},
		"from_time": {"13:00"}, "to_time": {"17:00"},
	})
	if p.status != 303 {
		t.Fatalf("add = %d:\n%s", p.status, p.body)
	}
	p = a.adminDo(t, "GET", p.header.Get("Location"), rightCredentials, nil)
	contains(t, p, "The time off is saved: clients cannot book "+dayLabel(english(t), day)+", 13:00–17:00.",
		"1 booking falls in this time off: review it.", `href="/admin/bookings/`+inside.ID+`"`)

	nowMorning, nowAfter := afternoon(t, day, a.slotsOn(t, day))
	if len(nowAfter) != 0 || !slices.Equal(nowMorning, morning) {
		t.Errorf("after the time off: morning %v (was %v), afternoon %v", nowMorning, morning, nowAfter)
	}
	if status, ans, _ := a.api(t, "POST", "/api/bookings", jsonBooking(after[1], "Kim Park", "kim@example.org")); status != 422 || ans.Fields["start"] != calendar.ErrTimeOff.Error() {
		t.Errorf("booking in the afternoon off = %d %+v, want 422 naming start", status, ans)
	}
	if status, _, _ := a.api(t, "POST", "/api/bookings", jsonBooking(morning[0], "Kim Park", "kim@example.org")); status != 201 {
		t.Errorf("booking the morning = %d", status)
	}

	m := removeRe.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatal("no remove button")
	}
	if p := a.adminDo(t, "POST", m[1], rightCredentials, url.Values{"csrf": {a.adminCSRF(t, "/admin/timeoff")}}); p.status != 303 {
		t.Fatalf("remove = %d", p.status)
	}
	if _, again := afternoon(t, day, a.slotsOn(t, day)); !slices.Equal(again, after[1:]) {
		t.Errorf("afternoon after the removal %v, want %v", again, after[1:])
	}
}

func TestAdminTimeOffRefusesBadTimes(t *testing.T) {
	a := startPageEnv(t).withAdmin(t, nil)
	ny := newYork(t)
	today := calendar.DateOf(time.Now().In(ny))
	d := func(n int) string { return today.AddDays(n).String() }
	tests := []struct {
		desc, from, fromTime, to, toTime string
		field, msg                       string // "" when accepted
	}{
		{"not a time", d(2), "1pm", "", "", "from_time", "is not a time: please write it as HH:MM, for example 13:00."},
		{"no such time", d(2), "13:00", "", "25:00", "to_time", "is not a time"},
		{"ends before it starts", d(2), "15:00", "", "13:00", "to_time", "The time off ends before it starts."},
		{"ends as it starts", d(2), "15:00", "", "15:00", "to_time", "The time off ends before it starts."},
		{"passed", d(-1), "09:00", "", "12:00", "to_time", "That time has passed"},
		{"from a time to the end of the day", d(2), "13:00", "", "", "", ""},
		{"from the start of the day to a time", d(3), "", "", "12:00", "", ""},
		{"over several days", d(4), "18:00", d(6), "09:00", "", ""},
		{"the rest of today", d(0), "", "", "24:00", "", ""},
	}
	accepted := 0
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			p := a.adminDo(t, "POST", "/admin/timeoff", rightCredentials, url.Values{
				"csrf": {a.adminCSRF(t, "/admin/timeoff")}, "therapist": {"default"},
				"from": {tt.from}, "from_time": {tt.fromTime}, "to": {tt.to}, "to_time": {tt.toTime},
			})
			if tt.field == "" {
				if p.status != 303 {
					t.Fatalf("status = %d, want 303:\n%s", p.status, p.body)
				}
				accepted++
				return
			}
			if p.status != 422 {
				t.Fatalf("status = %d, want 422", p.status)
			}
			contains(t, p, `<p class="error" id="`+tt.field+`-error">`, tt.msg, "Nothing was saved",
				`value="`+tt.fromTime+`"`, `value="`+tt.toTime+`"`)
		})
	}
	got, err := a.store.TimeOff(t.Context(), "default")
	if err != nil || len(got) != accepted {
		t.Fatalf("stored %d entries (%v), want the %d accepted", len(got), err, accepted)
	}
	for _, e := range got {
		if _, partDay := e.Span(); !partDay {
			t.Errorf("entry %+v stored as whole days", e)
		}
	}
}

// The admin JSON API lists, adds and removes time off, part days
// included, and names the bad field.
func TestAdminAPITimeOff(t *testing.T) {
	e := startPageEnv(t)
	day := e.daysWithSlots(t, 1)[0]
	_, after := afternoon(t, day, e.slotsOn(t, day))
	a := e.withAdmin(t, func(d *Deps) {
		c := *d.Config
		c.Therapists = slices.Clone(c.Therapists)
		c.Therapists[0].TimeOff = []config.TimeOff{{From: "2027-03-14 13:00", To: "2027-03-14 17:00"}}
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		d.Config = &c
	})
	inside, _ := a.bookAt(t, after[0])

	status, ans := a.adminJSON(t, "POST", "/admin/api/timeoff",
		`{"therapist":"default","from":"`+day.String()+`","from_time":"13:00","to_time":"17:00"}`)
	ny := newYork(t)
	if status != 201 || ans["start"] != day.At(13*60, ny).UTC().Format(time.RFC3339) || ans["end"] != day.At(17*60, ny).UTC().Format(time.RFC3339) ||
		ans["source"] != "admin" || ans["from"] != day.String() || ans["to"] != day.String() {
		t.Fatalf("POST = %d %v", status, ans)
	}
	if b, _ := ans["bookings"].([]any); len(b) != 1 || b[0] != inside.ID {
		t.Errorf("bookings in the time off: %v, want [%s]", ans["bookings"], inside.ID)
	}
	id, _ := ans["id"].(string)

	status, list := a.adminJSON(t, "GET", "/admin/api/timeoff", "")
	entries, _ := list["time_off"].([]any)
	if status != 200 || len(entries) != 2 {
		t.Fatalf("GET = %d %v", status, list)
	}
	first, _ := entries[0].(map[string]any)
	if first["source"] != "config" || first["start"] != "2027-03-14T17:00:00Z" || first["end"] != "2027-03-14T21:00:00Z" {
		t.Errorf("the configuration's part day, on the day New York's clocks go forward: %v", first)
	}

	for _, bad := range []struct{ body, field string }{
		{`{"therapist":"default","from":"` + day.String() + `","from_time":"1pm"}`, "from_time"},
		{`{"therapist":"default","from":"` + day.String() + `","from_time":"15:00","to_time":"13:00"}`, "to_time"},
		{`{"therapist":"nobody","from":"` + day.String() + `"}`, "therapist"},
		{`{"therapist":"default","from":"soon"}`, "from"},
	} {
		if status, ans := a.adminJSON(t, "POST", "/admin/api/timeoff", bad.body); status != 422 || ans["fields"].(map[string]any)[bad.field] == nil {
			t.Errorf("%s = %d %v, want 422 naming %s", bad.body, status, ans, bad.field)
		}
	}
	if status, _ := a.adminJSON(t, "DELETE", "/admin/api/timeoff/default/"+id, ""); status != 200 {
		t.Errorf("DELETE = %d", status)
	}
	if status, _ := a.adminJSON(t, "DELETE", "/admin/api/timeoff/default/"+id, ""); status != 404 {
		t.Errorf("DELETE again = %d, want 404", status)
	}
	if status, _ := a.adminJSON(t, "DELETE", "/admin/api/timeoff/nobody/"+id, ""); status != 404 {
		t.Errorf("DELETE of an unknown therapist's = %d, want 404", status)
	}
	req, _ := http.NewRequest("GET", a.ts.URL+"/admin/api/timeoff", nil)
	if resp, err := a.client.Do(req); err != nil || resp.StatusCode != 401 {
		t.Errorf("without credentials: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
}
