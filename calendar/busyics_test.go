package calendar

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// feedWindow is the span every feed test reads: autumn 2026, across both
// the European (25 October) and the American (1 November) change of clocks.
var (
	feedNow  = time.Date(2026, 9, 28, 0, 0, 0, 0, time.UTC)
	feedFrom = feedNow.Add(-24 * time.Hour)
	feedTo   = feedNow.Add(100 * 24 * time.Hour)
)

func loadZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func readFeed(t *testing.T, name string, loc *time.Location) []Interval {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	busy, err := BusyFromICSExcept(data, loc, feedFrom, feedTo, "")
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return busy
}

// hoursFrom lists "HH:00" for each hour in [first, last].
func hoursFrom(first, last int) []string {
	var out []string
	for h := first; h <= last; h++ {
		out = append(out, fmt.Sprintf("%02d:00", h))
	}
	return out
}

// officeHours less the given starts: 09:00-12:00 and 13:00-17:00 hold
// one-hour sessions at 09, 10, 11, 13, 14, 15 and 16.
func officeHoursBut(taken ...string) []string {
	all := append(hoursFrom(9, 11), hoursFrom(13, 16)...)
	return slices.DeleteFunc(all, func(s string) bool { return slices.Contains(taken, s) })
}

// TestBusyFromICSFreeSlots feeds real-world-shaped calendars to FreeSlots
// for a therapist in New York who works every day, and checks which
// one-hour sessions are offered on a date (local starts).
func TestBusyFromICSFreeSlots(t *testing.T) {
	ny := loadZone(t, "America/New_York")
	office := []HoursRange{{Start: 9 * 60, End: 12 * 60}, {Start: 13 * 60, End: 17 * 60}}
	allDay := []HoursRange{{Start: 0, End: 24 * 60}}
	tests := []struct {
		desc  string
		feed  string
		date  string
		hours []HoursRange
		want  []string
	}{
		{"weekly event", "busy_weekly.ics", "2026-10-06", office, officeHoursBut("10:00")},
		{"weekly event: EXDATE frees the day", "busy_weekly.ics", "2026-10-13", office, officeHoursBut()},
		{"weekly event: moved occurrence leaves its day", "busy_weekly.ics", "2026-10-20", office, officeHoursBut()},
		{"weekly event: moved occurrence lands on its new day", "busy_weekly.ics", "2026-10-21", office, officeHoursBut("14:00")},
		{"weekly event: cancelled occurrence", "busy_weekly.ics", "2026-10-27", office, officeHoursBut()},
		{"weekly event after the November change keeps 10:00", "busy_weekly.ics", "2026-11-03", office, officeHoursBut("10:00")},
		{"weekly event: UNTIL includes its last occurrence", "busy_weekly.ics", "2026-11-24", office, officeHoursBut("10:00")},
		{"weekly event: nothing after UNTIL", "busy_weekly.ics", "2026-12-01", office, officeHoursBut()},
		{"09:00-10:30 weekly before the change", "busy_dst.ics", "2026-10-26", office, officeHoursBut("09:00", "10:00")},
		{"09:00-10:30 weekly after the change", "busy_dst.ics", "2026-11-02", office, officeHoursBut("09:00", "10:00", "16:00")},
		{"09:00-10:30 weekly: COUNT ends it", "busy_dst.ics", "2026-11-16", office, officeHoursBut()},
		{"daily 16:00 with DURATION before the change", "busy_dst.ics", "2026-10-30", office, officeHoursBut("16:00")},
		{"daily 16:00: COUNT ends it", "busy_dst.ics", "2026-11-03", office, officeHoursBut()},
		{"day before an all-day event stays free to midnight", "busy_allday.ics", "2026-10-29", allDay, hoursFrom(0, 23)},
		{"all-day event blocks the therapist's whole day", "busy_allday.ics", "2026-10-30", allDay, nil},
		{"day after an all-day event is free from midnight", "busy_allday.ics", "2026-10-31", allDay, hoursFrom(0, 23)},
		{"two-day event: first day", "busy_allday.ics", "2026-11-05", allDay, nil},
		{"two-day event: second day", "busy_allday.ics", "2026-11-06", allDay, nil},
		{"two-day event: DTEND is exclusive", "busy_allday.ics", "2026-11-07", allDay, hoursFrom(0, 23)},
		{"weekly all-day event", "busy_allday.ics", "2026-10-12", allDay, nil},
		{"weekly all-day event: date EXDATE", "busy_allday.ics", "2026-10-19", allDay, hoursFrom(0, 23)},
		{"weekly all-day event: third and last", "busy_allday.ics", "2026-10-26", allDay, nil},
		{"transparent all-day event", "busy_allday.ics", "2026-10-09", allDay, hoursFrom(0, 23)},
		{"Berlin 16:00 in summer time is 10:00 in New York", "busy_berlin.ics", "2026-10-08", office, officeHoursBut("10:00")},
		{"Berlin 16:00 between the two changes is 11:00", "busy_berlin.ics", "2026-10-29", office, officeHoursBut("11:00")},
		{"transparent and cancelled ignored, tentative UTC half hour counts", "busy_transparent.ics", "2026-10-05", office, officeHoursBut("11:00")},
		{"Outlook zone from VTIMEZONE, summer time", "busy_outlook.ics", "2026-10-15", office, officeHoursBut("10:00")},
		{"Outlook zone: Europe changed, America not yet", "busy_outlook.ics", "2026-10-29", office, officeHoursBut("11:00")},
		{"Outlook zone: both changed", "busy_outlook.ics", "2026-11-05", office, officeHoursBut("10:00")},
		{"Outlook zone: COUNT ends it", "busy_outlook.ics", "2026-11-12", office, officeHoursBut()},
	}
	session := SessionType{ID: "session", Duration: time.Hour}
	rules := Rules{Horizon: 120 * 24 * time.Hour, Step: time.Hour}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			s := Schedule{TherapistID: "ada", Location: ny}
			for d := range s.Weekly {
				s.Weekly[d] = tt.hours
			}
			d, err := ParseDate(tt.date)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, sl := range FreeSlots(s, session, rules, feedNow, d, d, readFeed(t, tt.feed, ny)) {
				got = append(got, sl.Start.In(ny).Format("15:04"))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s on %s offers\n %v\nwant\n %v", tt.feed, tt.date, got, tt.want)
			}
		})
	}
}

// TestBusyFromICSIntervals checks the spans themselves: clipped to the
// window, merged when they touch, in UTC instants.
func TestBusyFromICSIntervals(t *testing.T) {
	ny := loadZone(t, "America/New_York")
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		desc     string
		events   string
		from, to string
		want     []string
	}{
		{"timed event in its zone",
			"DTSTART;TZID=Europe/Berlin:20261008T160000\nDTEND;TZID=Europe/Berlin:20261008T170000",
			"2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z", []string{"2026-10-08T14:00:00Z/2026-10-08T15:00:00Z"}},
		{"floating time is the therapist's",
			"DTSTART:20261008T160000\nDTEND:20261008T170000",
			"2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z", []string{"2026-10-08T20:00:00Z/2026-10-08T21:00:00Z"}},
		{"clipped to the window",
			"DTSTART:20261008T100000Z\nDTEND:20261008T140000Z",
			"2026-10-08T12:00:00Z", "2026-10-08T13:00:00Z", []string{"2026-10-08T12:00:00Z/2026-10-08T13:00:00Z"}},
		{"outside the window",
			"DTSTART:20261008T100000Z\nDTEND:20261008T140000Z",
			"2026-10-09T00:00:00Z", "2026-10-10T00:00:00Z", nil},
		{"all-day on the November change lasts 25 hours",
			"DTSTART;VALUE=DATE:20261101",
			"2026-10-01T00:00:00Z", "2026-12-01T00:00:00Z", []string{"2026-11-01T04:00:00Z/2026-11-02T05:00:00Z"}},
		{"touching events merge",
			"DTSTART:20261008T100000Z\nDTEND:20261008T110000Z\nEND:VEVENT\nBEGIN:VEVENT\nUID:b\nDTSTART:20261008T110000Z\nDURATION:PT1H",
			"2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z", []string{"2026-10-08T10:00:00Z/2026-10-08T12:00:00Z"}},
		{"no end: a timed event takes no time",
			"DTSTART:20261008T100000Z",
			"2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z", nil},
		{"a yearly event begun long ago",
			"DTSTART;VALUE=DATE:19501010\nRRULE:FREQ=YEARLY",
			"2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z", []string{"2026-10-10T04:00:00Z/2026-10-11T04:00:00Z"}},
		{"date UNTIL on a timed event includes that day",
			"DTSTART;TZID=America/New_York:20261005T180000\nDURATION:PT1H\nRRULE:FREQ=DAILY;UNTIL=20261006",
			"2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z",
			[]string{"2026-10-05T22:00:00Z/2026-10-05T23:00:00Z", "2026-10-06T22:00:00Z/2026-10-06T23:00:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			feed := "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\nBEGIN:VEVENT\nUID:a\n" + tt.events + "\nEND:VEVENT\nEND:VCALENDAR\n"
			busy, err := BusyFromICSExcept([]byte(feed), ny, utc(tt.from), utc(tt.to), "")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, b := range busy {
				got = append(got, b.Start.UTC().Format(time.RFC3339)+"/"+b.End.UTC().Format(time.RFC3339))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestBusyFromICSRefuses checks that what cannot be read fails the whole
// feed (the caller keeps its last good copy) with a message that names no
// event content.
func TestBusyFromICSRefuses(t *testing.T) {
	wrap := func(event string) string {
		return "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:a\nSUMMARY:Private matter\n" + event + "\nEND:VEVENT\nEND:VCALENDAR\n"
	}
	tests := []struct {
		desc, feed, want string
	}{
		{"not a calendar", "<!DOCTYPE html><html><body>Sign in</body></html>", "read iCalendar feed"},
		{"empty", "", "read iCalendar feed"},
		{"cut off", "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:a\nDTSTART:20261008T100000Z\n", "read iCalendar feed"},
		{"no DTSTART", wrap("DTEND:20261008T100000Z"), "feed event 1: no DTSTART"},
		{"bad DTSTART", wrap("DTSTART:2026-10-08"), "feed event 1: DTSTART"},
		{"bad RRULE", wrap("DTSTART:20261008T100000Z\nRRULE:FREQ=FORTNIGHTLY"), "feed event 1: RRULE"},
		{"hourly RRULE", wrap("DTSTART:20261008T100000Z\nRRULE:FREQ=HOURLY"), "FREQ=HOURLY is not supported"},
		{"mixed DTSTART and DTEND", wrap("DTSTART;VALUE=DATE:20261008\nDTEND:20261008T100000Z"), "feed event 1: DTEND"},
	}
	ny := loadZone(t, "America/New_York")
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			_, err := BusyFromICSExcept([]byte(tt.feed), ny, feedFrom, feedTo, "")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "Private") {
				t.Errorf("error repeats event content: %v", err)
			}
		})
	}
}

// The practice's own bookings, seen in the therapist's calendar through its
// private feed, are not busy time of their own.
func TestBusyFromICSSkipsOwnEvents(t *testing.T) {
	feed := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n" +
		"BEGIN:VEVENT\r\nUID:feed-default_abc@book.riverside.example\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261102T150000Z\r\nDTEND:20261102T160000Z\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:dentist-1@calendar.example\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261102T170000Z\r\nDTEND:20261102T180000Z\r\nEND:VEVENT\r\n" +
		"END:VCALENDAR\r\n"
	from, to := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)
	all, err := BusyFromICSExcept([]byte(feed), time.UTC, from, to, "")
	if err != nil || len(all) != 2 {
		t.Fatalf("all events: %v, %v", all, err)
	}
	others, err := BusyFromICSExcept([]byte(feed), time.UTC, from, to, "Book.Riverside.Example")
	if err != nil || len(others) != 1 || others[0].Start.Hour() != 17 {
		t.Fatalf("without the practice's own: %v, %v", others, err)
	}
}
