package web

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/internal/testzone"
	"github.com/consultd/consultd/templates"
)

func TestZoneChoices(t *testing.T) {
	kathmandu, err := time.LoadLocation("Asia/Kathmandu")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		desc, chosen string
		wantExtra    []string // joined after the common zones, in order
		wantSelected string
	}{
		{"nothing chosen", "", []string{"Asia/Kathmandu"}, ""},
		{"a common zone", "Europe/Paris", []string{"Asia/Kathmandu"}, "Europe/Paris"},
		{"a rarer zone", "America/Argentina/Buenos_Aires", []string{"Asia/Kathmandu", "America/Argentina/Buenos_Aires"}, "America/Argentina/Buenos_Aires"},
		{"no such zone", "Mars/Olympus", []string{"Asia/Kathmandu"}, ""},
		{"the server's own zone", "Local", []string{"Asia/Kathmandu"}, ""},
		{"a path", "../../etc/passwd", []string{"Asia/Kathmandu"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			got := zoneChoices(english(t), kathmandu, tc.chosen, zoneTestNow)
			if len(got) != len(commonZones)+len(tc.wantExtra) {
				t.Fatalf("%d zones, want %d", len(got), len(commonZones)+len(tc.wantExtra))
			}
			for i, z := range tc.wantExtra {
				if got[len(commonZones)+i].Value != z {
					t.Errorf("extra zone %d = %s, want %s", i, got[len(commonZones)+i].Value, z)
				}
			}
			selected := ""
			for _, c := range got {
				if c.Selected {
					selected += c.Value
				}
			}
			if selected != tc.wantSelected {
				t.Errorf("selected %q, want %q", selected, tc.wantSelected)
			}
		})
	}
}

var zoneTestNow = time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)

// TestZoneChoiceLabels: the picker speaks of zones as people do, and tells
// apart choices that share a name by their place.
func TestZoneChoiceLabels(t *testing.T) {
	kathmandu, err := time.LoadLocation("Asia/Kathmandu")
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]zoneChoice{}
	for _, c := range zoneChoices(english(t), kathmandu, "America/Argentina/Buenos_Aires", zoneTestNow) {
		labels[c.Value] = c
	}
	for zone, want := range map[string]zoneChoice{
		"America/New_York":               {Name: "Eastern Time", Label: "Eastern Time (New York)"},
		"Europe/Paris":                   {Name: "Central European Time", Label: "Central European Time (Paris)"},
		"Europe/Berlin":                  {Name: "Central European Time", Label: "Central European Time (Berlin)"},
		"Europe/London":                  {Name: "UK time", Label: "UK time (London)"},
		"Asia/Kathmandu":                 {Name: "Kathmandu time", Label: "Kathmandu time"},
		"America/Argentina/Buenos_Aires": {Name: "Buenos Aires time", Label: "Buenos Aires time"},
		"UTC":                            {Name: "UTC", Label: "UTC"},
	} {
		got := labels[zone]
		if got.Name != want.Name || got.Label != want.Label {
			t.Errorf("%s: name %q, label %q; want %q, %q", zone, got.Name, got.Label, want.Name, want.Label)
		}
	}
	seen := map[string]string{}
	for zone, c := range labels {
		if other, ok := seen[c.Label]; ok {
			t.Errorf("%s and %s are both labelled %q", zone, other, c.Label)
		}
		seen[c.Label] = zone
		if strings.Contains(c.Label, "/") || strings.Contains(c.Name, "_") {
			t.Errorf("%s is shown by its ID: %q, %q", zone, c.Name, c.Label)
		}
	}
}

// TestAPIZone: the booking page asks for the name of a visitor's zone it
// does not list, and gets it as the emails will say it, in the page's
// language; a bad ID is a 422 naming the id parameter, a language not
// offered one naming lang.
func TestAPIZone(t *testing.T) {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Languages = []string{"en", "es"}
	pages, err := templates.Load("", cfg.Languages...)
	if err != nil {
		t.Fatal(err)
	}
	handler := New(Deps{Config: cfg, Pages: pages, Now: func() time.Time { return zoneTestNow }}).Handler()
	tests := []struct {
		desc, query       string
		status            int
		wantName, wantLbl string
	}{
		{"in Spanish", "id=America/Detroit&lang=es", 200, "hora del Este", "hora del Este (Detroit)"},
		{"a place in Spanish", "id=America/Argentina/Buenos_Aires&lang=es-MX", 200, "hora de Buenos Aires", "hora de Buenos Aires"},
		{"a language not offered", "id=America/Detroit&lang=fr", 422, "", ""},
		{"a zone of a shared clock", "id=America/Detroit", 200, "Eastern Time", "Eastern Time (Detroit)"},
		{"a zone known by its place", "id=America/Argentina/Buenos_Aires", 200, "Buenos Aires time", "Buenos Aires time"},
		{"an old ID a browser may send", "id=Asia/Calcutta", 200, "India time", "India time (Calcutta)"},
		{"UTC", "id=UTC", 200, "UTC", "UTC"},
		{"no such zone", "id=Mars/Olympus", 422, "", ""},
		{"the server's own", "id=Local", 422, "", ""},
		{"nothing", "", 422, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, httptest.NewRequest("GET", "/api/zone?"+tc.query, nil))
			var got struct {
				Name, Label, Error string
				Fields             map[string]string
			}
			if err := json.NewDecoder(rec.Body).Decode(&got); err != nil {
				t.Fatal(err)
			}
			if rec.Code != tc.status || got.Name != tc.wantName || got.Label != tc.wantLbl {
				t.Errorf("%d %q %q, want %d %q %q", rec.Code, got.Name, got.Label, tc.status, tc.wantName, tc.wantLbl)
			}
			if tc.status == 422 && got.Fields["id"] == "" && !strings.Contains(got.Fields["lang"], "en, es") {
				t.Errorf("the 422 names no field, or not the languages offered: %+v", got)
			}
		})
	}
}

// TestPagesNameZonesForPeople: the client's and the practice's pages say
// zones as people do, never by their tz ID (a form's values may hold IDs,
// which no one reads).
func TestPagesNameZonesForPeople(t *testing.T) {
	e := startPageEnv(t)
	a := e.withAdmin(t, nil)
	p := a.get(t, "/book")
	csrf, start := formOf(t, p)
	booked := a.post(t, validForm(csrf, start))
	status, one, _ := a.api(t, "POST", "/api/bookings", strings.Replace(jsonBooking(a.freeStarts(t)[1], "Sam Lee", "sam@example.org"),
		`}`, `,"timezone":"Europe/London"}`, 1))
	if status != 201 {
		t.Fatalf("booking = %d %+v", status, one)
	}
	first := a.nextWeekday(t, time.Wednesday, 10)
	code, sr := a.postSeries(t, strings.Replace(seriesBody(first, 1, 3), `}`, `,"timezone":"Europe/Paris"}`, 1))
	if code != 201 {
		t.Fatalf("series = %d %+v", code, sr)
	}
	b, err := a.store.Get(t.Context(), one.ID)
	if err != nil {
		t.Fatal(err)
	}
	day := calendar.DateOf(b.Start.In(newYork(t))).String()
	manage, _ := url.Parse(one.ManageURL)
	seriesManage, _ := url.Parse(sr.ManageURL)
	pages := []struct {
		desc  string
		page  page
		wants []string
	}{
		{"the booking page", p, []string{"Times are shown in <span id=\"zone-name\">Eastern Time</span>.", `data-name="UK time"`, "UK time (London)"}},
		{"the booking's confirmation", booked, []string{"(UK time)"}},
		{"the manage page", a.get(t, manage.Path), []string{"Times are shown in UK time.", "(UK time)"}},
		{"a series' manage page", a.get(t, seriesManage.Path), []string{"Times are shown in Central European Time.", "(Eastern Time)"}},
		{"the admin's days", a.adminDo(t, "GET", "/admin/?date="+day, rightCredentials, nil), []string{"times in Eastern Time"}},
		{"the admin's booking", a.adminDo(t, "GET", "/admin/bookings/"+one.ID, rightCredentials, nil), []string{"(Eastern Time)", "(UK time)", "<dd>UK time</dd>"}},
		{"the admin's time off", a.adminDo(t, "GET", "/admin/timeoff", rightCredentials, nil), []string{"days in Eastern Time"}},
		{"the admin's series form", a.adminDo(t, "GET", "/admin/series", rightCredentials, nil), []string{`<option value="Europe/London">UK time (London)</option>`}},
	}
	for _, tc := range pages {
		if tc.page.status != 200 && tc.page.status != 201 {
			t.Errorf("%s: status %d", tc.desc, tc.page.status)
		}
		if ids := testzone.IDs(tc.page.body); len(ids) > 0 {
			t.Errorf("%s names zones by their tz ID: %q", tc.desc, ids)
		}
		for _, w := range tc.wants {
			if !strings.Contains(tc.page.body, w) {
				t.Errorf("%s lacks %q", tc.desc, w)
			}
		}
	}
}
