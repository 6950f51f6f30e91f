package app

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/config"
)

// privateFeedPath stands for the password-like path of a private calendar.
const privateFeedPath = "/calendar/ical/ada/private-5be0c19d7f3a/basic.ics"

// feedDay is a Tuesday at least two days ahead, in the therapist's zone.
func feedDay(loc *time.Location) time.Time {
	d := time.Now().In(loc).AddDate(0, 0, 2)
	for d.Weekday() != time.Tuesday {
		d = d.AddDate(0, 0, 1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
}

// TestBusyCalendarRemovesItsSlots: an event of 10:00-11:00 in the
// therapist's own calendar takes exactly the four consultations that
// start in that hour out of /api/slots, the intake refuses them with 409,
// and a second feed that never loads blocks nothing but shows in /readyz.
func TestBusyCalendarRemovesItsSlots(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	day := feedDay(ny)
	feed := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:x1\r\n" +
		"SUMMARY:Own therapy appointment\r\n" +
		"DTSTART;TZID=America/New_York:" + day.Format("20060102") + "T100000\r\n" +
		"DTEND;TZID=America/New_York:" + day.Format("20060102") + "T110000\r\n" +
		"END:VEVENT\r\nEND:VCALENDAR\r\n"
	calendars := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != privateFeedPath {
			http.Error(w, "gone", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/calendar")
		_, _ = w.Write([]byte(feed))
	}))
	t.Cleanup(calendars.Close)
	e := startEnv(t, func(c *config.Config) {
		c.Therapists[0].BusyICS = []config.Secret{
			config.Secret(calendars.URL + privateFeedPath),
			config.Secret(calendars.URL + "/broken.ics"),
		}
	})

	ready := waitForFeeds(t, e.base)
	want := fmt.Sprint([]any{"busy_ics[0]", "ok", "busy_ics[1]", "never loaded"})
	if got := fmt.Sprint(ready); got != want {
		t.Errorf("/readyz feeds of default = %s, want %s", got, want)
	}

	var got slotsAnswer
	date := day.Format(time.DateOnly)
	if code := do(t, "GET", e.base+"/api/slots?type=consultation&from="+date+"&to="+date, "", &got); code != 200 {
		t.Fatalf("slots: %d", code)
	}
	var starts []string
	for _, s := range got.Slots {
		at, _ := time.Parse(time.RFC3339, s.Start)
		starts = append(starts, at.In(ny).Format("15:04"))
	}
	if wantStarts := officeQuarters(10, 11); !slices.Equal(starts, wantStarts) {
		t.Errorf("slots on %s:\n %v\nwant\n %v", date, starts, wantStarts)
	}

	at := func(clock string) string {
		c, err := time.Parse("15:04", clock)
		if err != nil {
			t.Fatal(err)
		}
		return time.Date(day.Year(), day.Month(), day.Day(), c.Hour(), c.Minute(), 0, 0, ny).UTC().Format(time.RFC3339)
	}
	var manageURL string
	for _, tc := range []struct {
		clock string
		want  int
	}{{"10:15", 409}, {"10:45", 409}, {"09:45", 201}, {"11:00", 201}} {
		body := fmt.Sprintf(`{"type":"consultation","start":%q,"name":"Sam Lee","email":"sam%s@example.org"}`, at(tc.clock), tc.clock[:2]+tc.clock[3:])
		var answer map[string]any
		if code := do(t, "POST", e.base+"/api/bookings", body, &answer); code != tc.want {
			t.Errorf("booking at %s: %d %v, want %d", tc.clock, code, answer, tc.want)
		} else if code == 409 && answer["error"] != "that time is no longer available: please choose another" {
			t.Errorf("booking at %s: message %v", tc.clock, answer["error"])
		} else if tc.clock == "09:45" {
			manageURL, _ = answer["manage_url"].(string)
		}
	}
	// Moving a booking into the busy hour is refused the same way.
	token := manageURL[strings.LastIndex(manageURL, "/")+1:]
	var moved map[string]any
	if code := do(t, "POST", e.base+"/api/manage/"+token+"/reschedule", fmt.Sprintf(`{"start":%q}`, at("10:30")), &moved); code != 409 {
		t.Errorf("reschedule into the busy hour: %d %v, want 409", code, moved)
	}

	logs := e.logs.String()
	if !strings.Contains(logs, "busy calendar never loaded") || !strings.Contains(logs, `feed="busy_ics[1] 127.0.0.1"`) {
		t.Errorf("no warning naming the feed that never loaded:\n%s", logs)
	}
	for _, secret := range []string{"private-5be0c19d7f3a", "Own therapy appointment"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs reveal %q", secret)
		}
	}
}

// officeQuarters are the default therapist's quarter-hour starts (09:00-12:00
// and 13:00-17:00) without those in [fromHour, toHour).
func officeQuarters(fromHour, toHour int) []string {
	var out []string
	for m := 9 * 60; m < 17*60; m += 15 {
		if (m >= 12*60 && m < 13*60) || (m >= fromHour*60 && m < toHour*60) {
			continue
		}
		out = append(out, fmt.Sprintf("%02d:%02d", m/60, m%60))
	}
	return out
}

// waitForFeeds polls /readyz until the first feed of the default therapist
// has been read at start-up, and returns each feed's name and state.
func waitForFeeds(t *testing.T, base string) []any {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var ready struct {
			Status string `json:"status"`
			Feeds  map[string][]struct {
				Feed, State string
			} `json:"feeds"`
		}
		code := do(t, "GET", base+"/readyz", "", &ready)
		var out []any
		for _, f := range ready.Feeds["default"] {
			out = append(out, f.Feed, f.State)
		}
		if code == 200 && len(out) > 1 && out[1] == "ok" {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz: %d %+v", code, ready)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
