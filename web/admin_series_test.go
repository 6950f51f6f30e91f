package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// nextWeekday is the first such weekday at least 7 days ahead, at hh:00
// in the therapist's zone.
func (e *pageEnv) nextWeekday(t *testing.T, wd time.Weekday, hour int) time.Time {
	t.Helper()
	th, _ := e.cfg.Therapist("default")
	d := time.Now().In(th.Location()).AddDate(0, 0, 7)
	for d.Weekday() != wd {
		d = d.AddDate(0, 0, 1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, th.Location())
}

type seriesAnswer struct {
	ID          string            `json:"id"`
	ManageURL   string            `json:"manage_url"`
	Error       string            `json:"error"`
	Fields      map[string]string `json:"fields"`
	Conflicts   []string          `json:"conflicts"`
	Occurrences []struct{ ID, Start, Status string }
}

func (e *pageEnv) postSeries(t *testing.T, body string) (int, seriesAnswer) {
	t.Helper()
	req, _ := http.NewRequest("POST", e.ts.URL+"/admin/api/series", strings.NewReader(body))
	req.SetBasicAuth(adminTestUser, adminTestPassword)
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a seriesAnswer
	_ = json.NewDecoder(resp.Body).Decode(&a)
	return resp.StatusCode, a
}

func seriesBody(start time.Time, every, count int) string {
	return `{"type":"session","start":"` + start.UTC().Format(time.RFC3339) + `","name":"Sam Lee","email":"sam@example.org","every_weeks":` +
		strconv.Itoa(every) + `,"count":` + strconv.Itoa(count) + `}`
}

func TestAdminSeriesAPI(t *testing.T) {
	a := startPageEnv(t).withAdmin(t, nil)
	first := a.nextWeekday(t, time.Wednesday, 10)
	code, sr := a.postSeries(t, seriesBody(first, 1, 6))
	if code != 201 || len(sr.Occurrences) != 6 || sr.ManageURL == "" {
		t.Fatalf("create = %d %+v", code, sr)
	}
	// Every other week from the second week meets the second, fourth and sixth.
	code, clash := a.postSeries(t, seriesBody(first.AddDate(0, 0, 7), 2, 4))
	if code != 409 || len(clash.Conflicts) != 3 || clash.Conflicts[0] != sr.Occurrences[1].Start || clash.Conflicts[2] != sr.Occurrences[5].Start {
		t.Fatalf("overlapping series = %d %+v", code, clash)
	}
	for _, tt := range []struct{ body, field string }{
		{seriesBody(first, 1, 1), "count"},
		{seriesBody(first, 3, 4), "every_weeks"},
		{seriesBody(first.Add(10*time.Minute), 1, 4), "start"},
		{seriesBody(first.Add(-8*time.Hour), 1, 4), "start"},
	} {
		if code, bad := a.postSeries(t, tt.body); code != 422 || bad.Fields[tt.field] == "" {
			t.Errorf("%s = %d %+v, want 422 naming %s", tt.body, code, bad, tt.field)
		}
	}
}

var occurrenceLinkRe = regexp.MustCompile(`href="(/m/[^"?]+\?occurrence=[^"]+)"`)

// The series' manage page lists its sessions; one is cancelled from it,
// another moved from its own page, as a client would.
func TestSeriesManagePage(t *testing.T) {
	a := startPageEnv(t).withAdmin(t, nil)
	first := a.nextWeekday(t, time.Thursday, 10)
	code, sr := a.postSeries(t, seriesBody(first, 1, 5))
	if code != 201 {
		t.Fatalf("create = %d %+v", code, sr)
	}
	path := strings.TrimPrefix(sr.ManageURL, a.cfg.BaseURL)
	p := a.get(t, path)
	contains(t, p, "Your standing appointment", "Every week", "Cancel all remaining sessions")
	links := occurrenceLinkRe.FindAllStringSubmatch(p.body, -1)
	if len(links) != 5 {
		t.Fatalf("%d sessions to change on the page, want 5", len(links))
	}
	one := a.get(t, strings.ReplaceAll(links[2][1], "&amp;", "&"))
	csrf, _ := formOf(t, one)
	ask := a.get(t, strings.ReplaceAll(cancelLinkRe.FindStringSubmatch(one.body)[1], "&amp;", "&"))
	contains(t, ask, "Cancel this session?", `name="occurrence" value="`+sr.Occurrences[2].Start+`"`)
	after := a.postTo(t, path+"/cancel", url.Values{"csrf": {csrf}, "occurrence": {sr.Occurrences[2].Start}, "confirm": {"yes"}})
	contains(t, after, "The session is cancelled", "This appointment is cancelled.")

	moveFrom := a.get(t, strings.ReplaceAll(links[4][1], "&amp;", "&"))
	contains(t, moveFrom, "All sessions of your standing appointment", `name="occurrence" value="`+sr.Occurrences[4].Start+`"`)
	csrf, start := formOf(t, moveFrom)
	resp, err := a.client.PostForm(a.ts.URL+path+"/reschedule", url.Values{"csrf": {csrf}, "occurrence": {sr.Occurrences[4].Start}, "start": {start}})
	if err != nil {
		t.Fatal(err)
	}
	moved := readPage(t, resp)
	if moved.status != 200 {
		t.Fatalf("move = %d:\n%s", moved.status, moved.body)
	}
	contains(t, moved, "has moved")
	if status, _, _ := a.api(t, "GET", "/api/manage/"+strings.TrimPrefix(path, "/m/"), ""); status != 200 {
		t.Fatalf("GET the series = %d", status)
	}

	// Cancelling the rest asks once more too.
	all := a.get(t, path+"?cancel=all")
	contains(t, all, "Cancel every session still to come?", `name="all" value="1"`, "Yes, cancel all remaining sessions")
	csrf = csrfRe.FindStringSubmatch(all.body)[1]
	if p := a.postTo(t, path+"/cancel", url.Values{"csrf": {csrf}, "all": {"1"}}); !strings.Contains(p.body, "Cancel every session still to come?") {
		t.Fatalf("a cancel of the rest without confirm = %d, want the question", p.status)
	}
	done := a.postTo(t, path+"/cancel", url.Values{"csrf": {csrf}, "all": {"1"}, "confirm": {"yes"}, "reason": {"Moving away."}})
	contains(t, done, "Every session still to come is cancelled", "No session is left to change")
}

// The practice books a series from its own page, given in its own time.
func TestAdminSeriesForm(t *testing.T) {
	a := startPageEnv(t).withAdmin(t, nil)
	p := a.adminDo(t, "GET", "/admin/series", rightCredentials, nil)
	if p.status != 200 {
		t.Fatalf("GET /admin/series = %d", p.status)
	}
	csrf := csrfRe.FindStringSubmatch(p.body)[1]
	first := a.nextWeekday(t, time.Tuesday, 13)
	form := url.Values{"csrf": {csrf}, "therapist": {"default"}, "type": {"session"}, "date": {first.Format(time.DateOnly)},
		"time": {"13:00"}, "every_weeks": {"2"}, "count": {"4"}, "name": {"Sam Lee"}, "email": {"sam@example.org"}}
	done := a.adminDo(t, "POST", "/admin/series", rightCredentials, form)
	if done.status != http.StatusSeeOther || !strings.HasPrefix(done.header.Get("Location"), "/admin/bookings/") {
		t.Fatalf("POST /admin/series = %d %s", done.status, done.header.Get("Location"))
	}
	page := a.adminDo(t, "GET", done.header.Get("Location"), rightCredentials, nil)
	contains(t, page, "Standing appointment", "Every other week", "4 sessions")
	again := a.adminDo(t, "POST", "/admin/series", rightCredentials, form)
	if again.status != http.StatusConflict || !strings.Contains(again.body, "not free") {
		t.Fatalf("the same series again = %d", again.status)
	}
}
