package testical

import (
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/calendar"
)

func TestParseEvent(t *testing.T) {
	// As another calendar might write it: LF line ends, a TZID, MAILTO: in capitals.
	foreign := "BEGIN:VCALENDAR\nVERSION:2.0\nMETHOD:request\nBEGIN:VEVENT\nUID:x@y\n" +
		"DTSTAMP:20260301T143000Z\nDTSTART;TZID=America/New_York:20260310T140000\n" +
		"DTEND;TZID=America/New_York:20260310T145000\nORGANIZER:MAILTO:a@example.org\n" +
		"END:VEVENT\nEND:VCALENDAR\n"
	ev, err := ParseEvent([]byte(foreign))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 3, 10, 18, 0, 0, 0, time.UTC)
	if ev.Method != calendar.MethodRequest || ev.Start != start || ev.End != start.Add(50*time.Minute) ||
		ev.Organizer.Email != "a@example.org" {
		t.Errorf("got %+v", ev)
	}

	bad := []struct{ desc, in, want string }{
		{"not iCalendar", "hello", "parse"},
		{"no event", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "no VEVENT"},
		{"cut off in a parameter", "BEGIN:VCALENDAR\r\nX;A=b", "malformed iCalendar"},
		{"bad start", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:soon\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "DTSTART"},
		{"bad sequence", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSEQUENCE:two\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "SEQUENCE"},
	}
	for _, tt := range bad {
		t.Run(tt.desc, func(t *testing.T) {
			if _, err := ParseEvent([]byte(tt.in)); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
}
