package calendar

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
)

// TestVTimezoneMatchesZoneData reads each generated VTIMEZONE back with
// the feed reader's own VTIMEZONE parser and compares its offset with Go's
// zone data every quarter hour of the years it covers.
func TestVTimezoneMatchesZoneData(t *testing.T) {
	tests := []struct {
		zone     string
		from, to string
		shape    string // the observances in order: S for STANDARD, D for DAYLIGHT
	}{
		{"America/New_York", "2026-02-24", "2026-04-28", "SDS"},
		{"America/New_York", "2026-11-10", "2027-03-02", "SDSDS"},
		{"Europe/London", "2026-03-10", "2026-05-12", "SDS"},
		{"Europe/Dublin", "2026-01-05", "2026-12-28", "SDS"}, // negative DST in the tz data
		{"Australia/Sydney", "2026-01-05", "2026-12-28", "DSD"},
		{"Australia/Lord_Howe", "2026-01-05", "2026-12-28", "DSD"}, // half an hour of DST
		{"America/Sao_Paulo", "2018-06-01", "2020-06-01", "DSDS"},  // DST ended in 2019
		{"Asia/Tokyo", "2026-01-05", "2027-12-28", "S"},
		{"UTC", "2026-01-05", "2026-12-28", "S"},
	}
	for _, tt := range tests {
		t.Run(tt.zone+" "+tt.from, func(t *testing.T) {
			loc := loadZone(t, tt.zone)
			from, _ := time.ParseInLocation(time.DateOnly, tt.from, loc)
			to, _ := time.ParseInLocation(time.DateOnly, tt.to, loc)
			tz, err := VTimezone(loc, from, to)
			if err != nil {
				t.Fatal(err)
			}
			var shape string
			for _, c := range tz.Children {
				shape += c.Name[:1]
			}
			if shape != tt.shape {
				t.Errorf("observances %s, want %s", shape, tt.shape)
			}
			// Through the encoder and decoder, as a client receives it.
			cal := ical.NewCalendar()
			cal.Props.SetText(ical.PropProductID, prodID)
			cal.Props.SetText(ical.PropVersion, "2.0")
			cal.Children = append(cal.Children, tz)
			var buf bytes.Buffer
			if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
				t.Fatal(err)
			}
			back, err := ical.NewDecoder(&buf).Decode()
			if err != nil {
				t.Fatal(err)
			}
			first := time.Date(from.Year(), 1, 1, 0, 0, 0, 0, loc)
			end := time.Date(to.Year()+1, 1, 1, 0, 0, 0, 0, loc)
			got, err := zoneFromVTimezone("read back", back.Children[0], end)
			if err != nil {
				t.Fatal(err)
			}
			for at := first; at.Before(end); at = at.Add(15 * time.Minute) {
				gn, g := at.In(got).Zone()
				wn, w := at.In(loc).Zone()
				if g != w || gn != wn {
					t.Fatalf("at %s: %s %d, the zone data has %s %d", at.UTC().Format(time.RFC3339), gn, g, wn, w)
				}
			}
		})
	}
}

func TestVTimezoneLines(t *testing.T) {
	tests := []struct {
		zone  string
		lines []string // the observances' lines, unfolded, in order
	}{
		{"America/New_York", []string{
			"BEGIN:STANDARD", "DTSTART:20251102T020000", "TZNAME:EST", "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500", "END:STANDARD",
			"BEGIN:DAYLIGHT", "DTSTART:20260308T020000", "TZNAME:EDT", "TZOFFSETFROM:-0500", "TZOFFSETTO:-0400", "END:DAYLIGHT",
			"BEGIN:STANDARD", "DTSTART:20261101T020000", "TZNAME:EST", "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500", "END:STANDARD",
		}},
		{"Europe/London", []string{
			"BEGIN:STANDARD", "DTSTART:20251026T020000", "TZNAME:GMT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0000", "END:STANDARD",
			"BEGIN:DAYLIGHT", "DTSTART:20260329T010000", "TZNAME:BST", "TZOFFSETFROM:+0000", "TZOFFSETTO:+0100", "END:DAYLIGHT",
			"BEGIN:STANDARD", "DTSTART:20261025T020000", "TZNAME:GMT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0000", "END:STANDARD",
		}},
		{"Asia/Kolkata", []string{ // +05:30 since 1945
			"BEGIN:STANDARD", "DTSTART:19451015T000000", "TZNAME:IST", "TZOFFSETFROM:+0630", "TZOFFSETTO:+0530", "END:STANDARD",
		}},
		{"UTC", []string{
			"BEGIN:STANDARD", "DTSTART:19700101T000000", "TZNAME:UTC", "TZOFFSETFROM:+0000", "TZOFFSETTO:+0000", "END:STANDARD",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			loc := loadZone(t, tt.zone)
			at := time.Date(2026, 6, 1, 0, 0, 0, 0, loc)
			tz, err := VTimezone(loc, at, at)
			if err != nil {
				t.Fatal(err)
			}
			cal := ical.NewCalendar()
			cal.Props.SetText(ical.PropProductID, prodID)
			cal.Props.SetText(ical.PropVersion, "2.0")
			cal.Children = append(cal.Children, tz)
			var buf bytes.Buffer
			if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
				t.Fatal(err)
			}
			s := buf.String()
			want := "BEGIN:VTIMEZONE\r\nTZID:" + tt.zone + "\r\n" + strings.Join(tt.lines, "\r\n") + "\r\nEND:VTIMEZONE\r\n"
			if !strings.Contains(s, want) {
				t.Errorf("got\n%s\nwant\n%s", s, want)
			}
		})
	}
}

func TestVTimezoneRefuses(t *testing.T) {
	ny := loadZone(t, "America/New_York")
	at := time.Date(2026, 6, 1, 0, 0, 0, 0, ny)
	if _, err := VTimezone(time.Local, at, at); err == nil {
		t.Error("Local: no error; the host's zone has no name a client can use")
	}
	if _, err := VTimezone(ny, at, at.AddDate(0, 0, -1)); err == nil || !strings.Contains(err.Error(), "before it begins") {
		t.Errorf("range ending before it begins: error %v", err)
	}
}
