package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
)

var removeRe = regexp.MustCompile(`action="(/admin/timeoff/default/[a-z2-7]+/remove)"`)

// Time off added in the admin area closes the day everywhere a client
// could book it, leaves the booking already made on it (listed for
// review), and removing it opens the day again.
func TestAdminTimeOffClosesAndReopensADay(t *testing.T) {
	a := startPageEnv(t).withAdmin(t, nil)
	days := a.daysWithSlots(t, 2)
	off, other := days[0], days[1]
	inside, _ := a.bookAt(t, a.slotsOn(t, off)[0])
	outside, managePath := a.bookAt(t, a.slotsOn(t, other)[0])
	before := a.slotsOn(t, off)
	target := before[0]
	reschedule := "/api" + strings.Replace(managePath, "/m/", "/manage/", 1) + "/reschedule"

	// Where the day shows up and whether it is open: each check first
	// runs with the day open, so none can pass for want of slots.
	checks := []struct {
		desc string
		open func(t *testing.T) bool
	}{
		{"/api/slots", func(t *testing.T) bool { return len(a.slotsOn(t, off)) > 0 }},
		{"booking page", func(t *testing.T) bool {
			return startsOn(t, a.get(t, "/book?type=consultation&from="+off.String()).body, off) > 0
		}},
		{"manage page's move list", func(t *testing.T) bool { return startsOn(t, a.get(t, managePath).body, off) > 0 }},
	}
	for _, c := range checks {
		if !c.open(t) {
			t.Fatalf("%s: %s is not open before the time off", c.desc, off)
		}
	}

	p := a.adminDo(t, "POST", "/admin/timeoff", rightCredentials, url.Values{
		"csrf": {a.adminCSRF(t, "/admin/timeoff")}, "therapist": {"default"}, "from": {off.String()}, "to": {off.String()},
	})
	if p.status != 303 || !strings.HasPrefix(p.header.Get("Location"), "/admin/timeoff?added=") {
		t.Fatalf("add = %d to %q", p.status, p.header.Get("Location"))
	}
	p = a.adminDo(t, "GET", p.header.Get("Location"), rightCredentials, nil)
	contains(t, p, "The time off is saved", "1 booking falls in this time off: review it.",
		`href="/admin/bookings/`+inside.ID+`"`, "added on ")
	if strings.Contains(p.body, outside.ID) {
		t.Error("a booking on another day is listed as falling in the time off")
	}
	checkPageHeaders(t, p)

	for _, c := range checks {
		if c.open(t) {
			t.Errorf("%s: %s is still open during the time off", c.desc, off)
		}
	}
	if len(a.slotsOn(t, other)) == 0 {
		t.Errorf("%s closed too", other)
	}
	if status, ans, _ := a.api(t, "POST", "/api/bookings", jsonBooking(target, "Kim Park", "kim@example.org")); status != 422 || ans.Fields["start"] != calendar.ErrTimeOff.Error() {
		t.Errorf("booking during the time off = %d %+v, want 422 naming the time off", status, ans)
	}
	if status, ans, _ := a.api(t, "POST", reschedule, `{"start":"`+target+`"}`); status != 422 {
		t.Errorf("moving into the time off = %d %+v, want 422", status, ans)
	}
	if got, _ := a.store.Get(t.Context(), inside.ID); !got.Status.Live() {
		t.Error("the booking inside the time off was cancelled")
	}

	m := removeRe.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatal("no remove button")
	}
	p = a.adminDo(t, "POST", m[1], rightCredentials, url.Values{"csrf": {a.adminCSRF(t, "/admin/timeoff")}})
	if p.status != 303 || !strings.HasPrefix(p.header.Get("Location"), "/admin/timeoff?removed=") {
		t.Fatalf("remove = %d to %q", p.status, p.header.Get("Location"))
	}
	p = a.adminDo(t, "GET", p.header.Get("Location"), rightCredentials, nil)
	contains(t, p, "The time off is removed", "No time off.")

	for _, c := range checks {
		if !c.open(t) {
			t.Errorf("%s: %s is not open again after the removal", c.desc, off)
		}
	}
	if after := a.slotsOn(t, off); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("slots after the removal %v, want %v", after, before)
	}
	if status, ans, _ := a.api(t, "POST", reschedule, `{"start":"`+target+`"}`); status != 200 {
		t.Errorf("moving onto the day again = %d %+v", status, ans)
	}
}

func TestAdminTimeOffRefusesBadDates(t *testing.T) {
	a := startPageEnv(t).withAdmin(t, nil)
	today := calendar.DateOf(time.Now().In(newYork(t)))
	d := func(n int) string { return today.AddDays(n).String() }
	tests := []struct {
		desc, therapist, from, to string
		field, msg                string // "" when accepted
	}{
		{"no first day", "default", "", d(3), "from", "Please give the first day off."},
		{"not a date", "default", "24/12/2026", "", "from", "is not a date: please write it as YYYY-MM-DD"},
		{"no such last day", "default", d(3), "2027-02-30", "to", "is not a date: please write it as YYYY-MM-DD"},
		{"last day before the first", "default", d(5), d(4), "to", "The last day is before the first."},
		{"longer than 366 days", "default", d(1), d(367), "to", "Time off lasts 366 days at most"},
		{"wholly past", "default", d(-9), d(-2), "to", "The last day has passed"},
		{"no therapist", "", d(1), d(2), "therapist", "Please choose a therapist."},
		{"unknown therapist", "nobody", d(1), d(2), "therapist", "Please choose a therapist."},
		{"366 days", "default", d(1), d(366), "", ""},
		{"one day, the last left empty", "default", d(2), "", "", ""},
		{"ending today", "default", d(-3), d(0), "", ""},
	}
	accepted := 0
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			p := a.adminDo(t, "POST", "/admin/timeoff", rightCredentials, url.Values{
				"csrf": {a.adminCSRF(t, "/admin/timeoff")}, "therapist": {tt.therapist}, "from": {tt.from}, "to": {tt.to},
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
				`value="`+tt.from+`"`, `name="csrf"`)
			checkPageHeaders(t, p)
		})
	}
	got, err := a.store.TimeOff(t.Context(), "default")
	if err != nil || len(got) != accepted {
		t.Fatalf("stored %d entries (%v), want the %d accepted", len(got), err, accepted)
	}
	if !slices.ContainsFunc(got, func(e booking.TimeOffEntry) bool { return e.From == today.AddDays(1) && e.To == today.AddDays(366) }) {
		t.Errorf("no entry of 366 days among %+v", got)
	}
}

// The remove button of an entry removed meanwhile (in another tab) ends
// as the first did; a therapist who is not configured is 404.
func TestAdminTimeOffRemoveTwice(t *testing.T) {
	a := startPageEnv(t).withAdmin(t, nil)
	day := calendar.DateOf(time.Now().In(newYork(t))).AddDays(3)
	id, err := a.store.AddTimeOff(t.Context(), "default", day, day)
	if err != nil {
		t.Fatal(err)
	}
	csrf := a.adminCSRF(t, "/admin/timeoff")
	tests := []struct {
		desc, path string
		status     int
	}{
		{"the entry", "/admin/timeoff/default/" + id + "/remove", 303},
		{"the entry again", "/admin/timeoff/default/" + id + "/remove", 303},
		{"an unknown therapist", "/admin/timeoff/nobody/" + id + "/remove", 404},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			if p := a.adminDo(t, "POST", tt.path, rightCredentials, url.Values{"csrf": {csrf}}); p.status != tt.status {
				t.Fatalf("status = %d, want %d", p.status, tt.status)
			}
		})
	}
	if got, _ := a.store.TimeOff(t.Context(), "default"); len(got) != 0 {
		t.Fatalf("left: %+v", got)
	}
}

// The configuration's time off and the run-time one both close their days.
// Requests run side by side and the configuration's list keeps spare
// capacity, so a request that appended into it would show, here and to -race.
func TestScheduleJoinsBothKindsOfTimeOff(t *testing.T) {
	e := startPageEnv(t)
	days := e.daysWithSlots(t, 3)
	a := e.withAdmin(t, func(d *Deps) {
		c := *d.Config
		c.Therapists = slices.Clone(c.Therapists)
		c.Therapists[0].TimeOff = []config.TimeOff{{From: days[0].String()}, {From: "2020-01-01"}, {From: "2020-02-01"}}
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		d.Config = &c
	})
	if _, err := a.store.AddTimeOff(t.Context(), "default", days[1], days[1]); err != nil {
		t.Fatal(err)
	}
	configured := a.srv.Config.Therapists[0].Schedule().TimeOff
	if len(configured) != 3 || cap(configured) == len(configured) {
		t.Fatalf("the configuration's time off has %d entries, capacity %d: the test needs spare capacity", len(configured), cap(configured))
	}
	var wg sync.WaitGroup
	counts := make([]int, 4)
	for i := range counts {
		wg.Go(func() {
			resp, err := http.Get(a.ts.URL + "/api/slots?type=consultation&from=" + days[0].String() + "&to=" + days[2].String())
			if err != nil {
				return
			}
			defer resp.Body.Close()
			var ans apiAnswer
			if resp.StatusCode == 200 && json.NewDecoder(resp.Body).Decode(&ans) == nil {
				counts[i] = len(ans.Slots)
			}
		})
	}
	wg.Wait()
	want := len(a.slotsOn(t, days[2]))
	for i, n := range counts {
		if n != want || want == 0 {
			t.Errorf("request %d: %d slots over the three days, want the %d of %s alone", i, n, want, days[2])
		}
	}
	if spare := configured[:cap(configured)][len(configured)]; spare != (calendar.DateRange{}) {
		t.Errorf("a request wrote %v into the configuration's time off", spare)
	}
}

// A therapist with as much time off as the store keeps gets the form back
// with the way out, and nothing is added.
func TestAdminTimeOffFull(t *testing.T) {
	a := startPageEnv(t).withAdmin(t, nil)
	first := calendar.DateOf(time.Now().In(newYork(t))).AddDays(1)
	for i := range booking.MaxTimeOffEntries {
		if _, err := a.store.AddTimeOff(t.Context(), "default", first.AddDays(i), first.AddDays(i)); err != nil {
			t.Fatal(err)
		}
	}
	p := a.adminDo(t, "POST", "/admin/timeoff", rightCredentials, url.Values{
		"csrf": {a.adminCSRF(t, "/admin/timeoff")}, "therapist": {"default"}, "from": {first.AddDays(200).String()},
	})
	if p.status != 422 {
		t.Fatalf("status = %d, want 422", p.status)
	}
	contains(t, p, "Nothing was saved: Dr. Ada Rivers has 100 entries of time off", "remove past ones first",
		`value="`+first.AddDays(200).String()+`"`)
	if got, _ := a.store.TimeOff(t.Context(), "default"); len(got) != booking.MaxTimeOffEntries {
		t.Fatalf("%d entries stored", len(got))
	}
}

var dayHeadingRe = regexp.MustCompile(`<h3>([A-Za-z]+ \d+ [A-Za-z]+ \d{4})( <strong class="flag">time off</strong>)?</h3>`)

// The days page shows a week, paging by a week so no day is on two
// pages, and flags a day of time off and the live booking still on it.
func TestAdminDaysFlagTimeOff(t *testing.T) {
	a := startPageEnv(t).withAdmin(t, nil)
	days := a.daysWithSlots(t, 2)
	off, other := days[0], days[1]
	inside, _ := a.bookAt(t, a.slotsOn(t, off)[0])
	outside, _ := a.bookAt(t, a.slotsOn(t, other)[0])
	p := a.adminDo(t, "POST", "/admin/timeoff", rightCredentials, url.Values{
		"csrf": {a.adminCSRF(t, "/admin/timeoff")}, "therapist": {"default"}, "from": {off.String()},
	})
	if p.status != 303 {
		t.Fatalf("add time off = %d", p.status)
	}
	p = a.adminDo(t, "GET", "/admin/?date="+off.String(), rightCredentials, nil)
	headings := dayHeadingRe.FindAllStringSubmatch(p.body, -1)
	if len(headings) != 7 || headings[0][1] != dayLabel(english(t), off) || headings[6][1] != dayLabel(english(t), off.AddDays(6)) {
		t.Fatalf("days listed: %v, want the 7 from %s", headings, off)
	}
	for i, h := range headings {
		if flagged := h[2] != ""; flagged != (i == 0) {
			t.Errorf("%s flagged as time off: %v", h[1], flagged)
		}
	}
	contains(t, p, `href="/admin/?date=`+off.AddDays(7).String()+`" rel="next"`, `href="/admin/?date=`+off.AddDays(-7).String()+`" rel="prev"`,
		`data-label="Time"`, `data-label="Status"`)
	rows := regexp.MustCompile(`(?s)<tr class="status-[a-z]+">.*?</tr>`).FindAllString(p.body, -1)
	var flaggedRows []string
	for _, r := range rows {
		if strings.Contains(r, "on time off") {
			flaggedRows = append(flaggedRows, r)
		}
	}
	if len(flaggedRows) != 1 || !strings.Contains(flaggedRows[0], inside.ID) || strings.Contains(flaggedRows[0], outside.ID) {
		t.Errorf("rows flagged on time off: %q, want only %s's", flaggedRows, inside.ID)
	}
}
