package calendar

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/emersion/go-ical"
)

// TestZoneFromVTimezone builds locations from the VTIMEZONEs of the test
// feeds and compares their offset with the IANA zone's every hour of
// 2020-2027, around every change of clocks.
func TestZoneFromVTimezone(t *testing.T) {
	tests := []struct {
		desc, feed, tzid, iana string
	}{
		{"Outlook's Western Europe, defined from 1601", "busy_outlook.ics", "W. Europe Standard Time", "Europe/Berlin"},
		{"Google's New York, defined from 1970", "busy_weekly.ics", "America/New_York", "America/New_York"},
		{"Google's Berlin", "busy_berlin.ics", "Europe/Berlin", "Europe/Berlin"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.feed))
			if err != nil {
				t.Fatal(err)
			}
			cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
			if err != nil {
				t.Fatal(err)
			}
			var vtz *ical.Component
			for _, c := range cal.Children {
				if id, _ := c.Props.Text(ical.PropTimezoneID); c.Name == ical.CompTimezone && id == tt.tzid {
					vtz = c
				}
			}
			if vtz == nil {
				t.Fatalf("no VTIMEZONE %q in %s", tt.tzid, tt.feed)
			}
			end := time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)
			got, err := zoneFromVTimezone(tt.tzid, vtz, end)
			if err != nil {
				t.Fatal(err)
			}
			want := loadZone(t, tt.iana)
			for at := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC); at.Before(end); at = at.Add(time.Hour) {
				_, g := at.In(got).Zone()
				_, w := at.In(want).Zone()
				if g != w {
					t.Fatalf("at %s: offset %d, %s has %d", at.Format(time.RFC3339), g, tt.iana, w)
				}
			}
		})
	}
}

// TestFeedZoneChoice checks which zone a TZID resolves to.
func TestFeedZoneChoice(t *testing.T) {
	ny := loadZone(t, "America/New_York")
	// A VTIMEZONE that claims an IANA name but gives it a fixed +01:00.
	bogus := "BEGIN:VTIMEZONE\nTZID:America/Chicago\nBEGIN:STANDARD\nDTSTART:19700101T000000\n" +
		"TZOFFSETFROM:+0100\nTZOFFSETTO:+0100\nEND:STANDARD\nEND:VTIMEZONE\n"
	tests := []struct {
		desc, tzid, want string
	}{
		{"IANA name wins over the feed's VTIMEZONE of that name", "America/Chicago", "2026-10-08T15:00:00Z"},
		{"unknown name without VTIMEZONE: the therapist's zone", "Pacific Standard Time", "2026-10-08T14:00:00Z"},
		{"Local is not the host's zone", "Local", "2026-10-08T14:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			feed := "BEGIN:VCALENDAR\nVERSION:2.0\n" + bogus + "BEGIN:VEVENT\nUID:a\nDTSTART;TZID=" + tt.tzid +
				":20261008T100000\nDURATION:PT1H\nEND:VEVENT\nEND:VCALENDAR\n"
			busy, err := BusyFromICSExcept([]byte(feed), ny, feedFrom, feedTo, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(busy) != 1 || busy[0].Start.UTC().Format(time.RFC3339) != tt.want {
				t.Errorf("busy = %v, want one span from %s", busy, tt.want)
			}
		})
	}
}
