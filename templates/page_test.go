package templates

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"
)

func TestErrorPage(t *testing.T) {
	s := mustLoad(t, "")
	var buf bytes.Buffer
	err := s.Page(&buf, "error", ErrorPage{Title: "Link expired", Message: `<b>Ask</b> for "a new one"`, L: s.Catalogs().For("en")})
	if err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	for _, want := range []string{
		"<!doctype html>", `<html lang="en">`, `name="viewport"`, `<link rel="stylesheet" href="/static/site.css">`,
		"<title>Link expired</title>", "<main", "<h1>Link expired</h1>", "&lt;b&gt;Ask&lt;/b&gt; for &#34;a new one&#34;",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}

func TestPageWritesNothingOnError(t *testing.T) {
	s := mustLoad(t, "")
	var buf bytes.Buffer
	if err := s.Page(&buf, "nope", nil); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown page: got %v, want an error naming it", err)
	}
	dir := writeDir(t, map[string]string{
		// Fails only when run with data: calls a method ErrorPage does not have.
		"pages/error.html": `{{define "title"}}x{{end}}{{define "content"}}<p>before</p>{{.Title.Missing}}{{end}}`,
	})
	s = mustLoad(t, dir)
	err := s.Page(&buf, "error", ErrorPage{Title: "x", L: s.Catalogs().For("en")})
	if err == nil || !strings.Contains(err.Error(), "error.html") {
		t.Errorf("got %v, want an error naming error.html", err)
	}
	if buf.Len() != 0 {
		t.Errorf("a failed page wrote %q", buf.String())
	}
}

// Pages are clones of the layout: one page's "content" never shows in another.
func TestPagesDoNotCollide(t *testing.T) {
	srcs, err := sources("")
	if err != nil {
		t.Fatal(err)
	}
	srcs["pages/other.html"] = source{name: "pages/other.html",
		text: `{{define "title"}}Other{{end}}{{define "content"}}<p>other content</p>{{end}}`}
	s, err := load(srcs, nil)
	if err != nil {
		t.Fatal(err)
	}
	render := func(name string) string {
		var buf bytes.Buffer
		if err := s.Page(&buf, name, ErrorPage{Title: "Error title", Message: "error message", L: s.Catalogs().For("en")}); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	errPage, other := render("error"), render("other")
	if !strings.Contains(errPage, "error message") || strings.Contains(errPage, "other content") {
		t.Errorf("error page shows another page's content:\n%s", errPage)
	}
	if !strings.Contains(other, "<title>Other</title>") || strings.Contains(other, "error message") {
		t.Errorf("other page shows another page's content:\n%s", other)
	}
}

func TestStatic(t *testing.T) {
	css, err := fs.ReadFile(Static(), "site.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"system-ui", ":focus-visible", "width: 100%"} {
		if !bytes.Contains(css, []byte(want)) {
			t.Errorf("site.css lacks %s", want)
		}
	}
}

// The admin pages' data are types of package web; the maps here carry the
// same fields. The booking shows markup in the client's name and note, which
// the goldens show escaped.
func TestGoldenAdminPages(t *testing.T) {
	s := mustLoad(t, "")
	row := func(time, client, status, flag string) map[string]any {
		return map[string]any{"URL": "/admin/bookings/default_abc", "Time": time, "Session": "Free consultation",
			"Client": client, "Status": status, "Flag": flag}
	}
	pages := []struct {
		name string
		data map[string]any
	}{
		{"admin_days", map[string]any{
			"Practice": "Riverside Practice", "Date": "2026-12-01", "Prev": "2026-11-24", "Next": "2026-12-08",
			"Range": "Tuesday 1 December 2026 – Monday 7 December 2026", "Style": "/static/admin.css?v=test",
			"Therapists": []map[string]any{{"Name": "Dr. Ada Rivers", "Zone": "Eastern Time", "Days": []map[string]any{
				{"Label": "Tuesday 1 December 2026", "Bookings": []map[string]any{
					row("09:00–09:15", "<b>Sam</b> Lee", "confirmed", "undeliverable"),
					row("10:00–10:50", "Alex Kim", "cancelled", ""),
					{"URL": "/admin/bookings/default_def", "Time": "11:00–11:50", "Session": "Psychotherapy session",
						"Client": "Kim Lee", "Status": "cancelled", "LateCancel": true},
					{"URL": "/admin/bookings/default_ghi", "Time": "12:00–12:50", "Session": "Psychotherapy session",
						"Client": "Jo Park", "Status": "confirmed", "Attendance": "no-show"},
				}},
				{"Label": "Wednesday 2 December 2026"},
				{"Label": "Thursday 3 December 2026", "Off": true, "Bookings": []map[string]any{
					{"URL": "/admin/bookings/default_jkl", "Time": "09:00–09:50", "Session": "Psychotherapy session",
						"Client": "Lu Chen", "Status": "confirmed", "OnTimeOff": true},
				}},
			}}},
		}},
		{"admin_booking", map[string]any{
			"Practice": "Riverside Practice", "ID": "default_abc", "Therapist": "Dr. Ada Rivers", "Session": "Free consultation",
			"When":       "Tuesday 1 December 2026, 09:00–09:15 (Eastern Time)",
			"ClientWhen": "Tuesday 1 December 2026, 14:00–14:15 (UK time)",
			"Name":       "<b>Sam</b> Lee", "Email": "sam@example.org", "TimeZone": "UK time",
			"Notes": "First time.\n<script>x()</script> & \"more\"", "Status": "confirmed", "Flag": "undeliverable", "Seq": 2,
			"Created": "2026-11-20 10:00:00 EST", "Updated": "2026-11-21 11:30:00 EST", "Live": true, "Locked": true,
			"DayURL": "/admin/?date=2026-12-01", "Action": "/admin/bookings/default_abc/cancel", "CSRF": "csrf-token",
			"MoveAction": "/admin/bookings/default_abc/reschedule", "MaxMessage": 1000,
			"Moves": []map[string]string{{"Value": "2026-12-02T14:00:00Z", "Label": "Wednesday 2 December 2026, 09:00"}},
			"Style": "/static/admin.css?v=test", "PreferredName": "<i>Sunny</i>", "Attendance": "attended",
			"AttendAction": "/admin/bookings/default_abc/attendance",
		}},
		// A run-time entry with a booking in it, whole and part days from
		// the file, and a form sent back with problems.
		{"admin_timeoff", map[string]any{
			"Practice": "Riverside Practice", "Notice": "The time off is saved: clients cannot book Thursday 24 December 2026.",
			"Problem": "Nothing was saved: please check what is marked below.",
			"Therapists": []map[string]any{{"ID": "default", "Name": "Dr. Ada Rivers", "Zone": "Eastern Time", "Chosen": true,
				"Entries": []map[string]any{
					{"Days": "Thursday 24 December 2026 – Saturday 26 December 2026", "Source": "from the configuration file"},
					{"Days": "Tuesday 5 January 2027, 13:00–17:00", "Source": "from the configuration file"},
					{"ID": "abc", "Days": "Monday 3 August 2026", "Source": "added on 20 July 2026",
						"Remove":   "/admin/timeoff/default/abc/remove",
						"Warning":  "1 booking falls in this time off: review it.",
						"Bookings": []map[string]any{row("Mon 3 Aug 09:00–09:15", "<b>Sam</b> Lee", "confirmed", "")}},
				}}},
			"Form":   map[string]any{"Therapist": "default", "From": "2026-08-10", "To": "2026-08-01", "FromTime": "13:00", "ToTime": "1pm"},
			"Errors": map[string]string{"to": "The last day is before the first.", "to_time": `"1pm" is not a time`},
			"Action": "/admin/timeoff", "CSRF": "csrf-token", "Style": "/static/admin.css?v=test",
		}},
		{"approval", map[string]any{
			"Practice": "Riverside Practice", "Client": "S. L.", "Session": "Free consultation",
			"When": "Tuesday 1 December 2026, 09:00–09:15 (Eastern Time)", "Status": "pending",
			"Decline": true, "Action": "/decline/tok", "CSRF": "csrf-token", "AdminURL": "/admin/bookings/default_abc",
		}},
		{"admin_links", map[string]any{
			"Practice": "Riverside Practice",
			"Types": []map[string]any{
				{"ID": "consultation", "Name": "Free consultation", "Length": "15 minutes", "Checked": true},
				{"ID": "session", "Name": "Psychotherapy session", "Length": "50 minutes"},
			},
			"Form":    map[string]any{"Email": "sam@example.org", "Days": "14", "Types": []string{"consultation"}},
			"Errors":  map[string]string{},
			"Link":    "https://book.riverside.example/book/tok.en?x=<1>",
			"Expires": "Tuesday 15 December 2026, 10:00 EST",
			"Feeds": []map[string]any{{"ID": "default", "Name": "Dr. Ada Rivers",
				"URL": "https://book.riverside.example/feed/tok.ics", "Rotate": "/admin/links/feed/default/rotate"}},
			"Action": "/admin/links", "CSRF": "csrf-token", "Style": "/static/admin.css?v=test",
		}},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			p.data["L"] = s.Catalogs().For("en")
			var buf bytes.Buffer
			if err := s.Page(&buf, p.name, p.data); err != nil {
				t.Fatal(err)
			}
			golden(t, "page_"+p.name+".html", buf.String())
		})
	}
}
