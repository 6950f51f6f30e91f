package calendar

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// sampleInvite is a booking as the invite worker would describe it. Times
// are in the therapist's zone on purpose: the file must carry them in UTC.
func sampleInvite(t *testing.T) Event {
	t.Helper()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 3, 10, 14, 0, 0, 0, ny) // EDT from 8 March: 18:00Z
	link := "https://book.example.org/m/eyJpZCI6ImItN2YzYTljIiwiZXhwIjoxNzc0MDAwMDAwfQ.c2lnbmF0dXJl"
	return Event{
		UID:         "b-7f3a9c@book.example.org",
		Method:      MethodRequest,
		Start:       start,
		End:         start.Add(50 * time.Minute),
		Stamp:       time.Date(2026, 3, 1, 9, 30, 0, 0, ny), // EST: 14:30Z
		Summary:     "Appointment with Riverside Practice",
		Description: "Manage or cancel: " + link,
		Location:    "Riverside Practice, 12 Mill Lane; Room 2",
		URL:         link,
		Organizer:   Address{"Riverside Practice", "appointments@example.org"},
		Attendee:    Address{"Lee, Jordan", "jordan.lee@example.com"},
	}
}

// unfold undoes RFC 5545 folding.
func unfold(s string) string { return strings.ReplaceAll(s, "\r\n ", "") }

func TestICSStructure(t *testing.T) {
	req := sampleInvite(t)
	cancel := req
	cancel.Method, cancel.Sequence = MethodCancel, 1
	tests := []struct {
		desc  string
		ev    Event
		lines []string // each must appear as a whole unfolded line
	}{
		{"request", req, []string{
			"BEGIN:VCALENDAR", "PRODID:-//consultd//consultd//EN", "VERSION:2.0",
			"CALSCALE:GREGORIAN", "METHOD:REQUEST", "BEGIN:VEVENT",
			"UID:b-7f3a9c@book.example.org", "SEQUENCE:0",
			"DTSTAMP:20260301T143000Z", "DTSTART:20260310T180000Z", "DTEND:20260310T185000Z",
			"SUMMARY:Appointment with Riverside Practice",
			`LOCATION:Riverside Practice\, 12 Mill Lane\; Room 2`,
			"ORGANIZER;CN=Riverside Practice:mailto:appointments@example.org",
			`ATTENDEE;CN="Lee, Jordan";PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:jordan.lee@example.com`,
			"CLASS:PRIVATE", "TRANSP:OPAQUE", "STATUS:CONFIRMED", "END:VEVENT", "END:VCALENDAR",
		}},
		{"cancel", cancel, []string{
			"METHOD:CANCEL", "SEQUENCE:1", "STATUS:CANCELLED", "CLASS:PRIVATE",
			"UID:b-7f3a9c@book.example.org",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			data, err := tt.ev.ICS()
			if err != nil {
				t.Fatal(err)
			}
			s := string(data)
			checkPhysicalLines(t, s)
			if strings.Contains(s, "TZID") {
				t.Error("file names a TZID; every time must be UTC")
			}
			lines := strings.Split(strings.TrimSuffix(unfold(s), "\r\n"), "\r\n")
			counts := map[string]int{}
			for _, l := range lines {
				counts[l]++
				if name, _, _ := strings.Cut(l, ":"); name == "METHOD" {
					counts["METHOD"]++
				}
				if strings.HasPrefix(l, "DTSTAMP") && !strings.HasSuffix(l, "Z") {
					t.Errorf("DTSTAMP not in UTC: %q", l)
				}
			}
			if counts["METHOD"] != 1 {
				t.Errorf("METHOD appears %d times, want once", counts["METHOD"])
			}
			for _, want := range tt.lines {
				if counts[want] != 1 {
					t.Errorf("line %q appears %d times, want once\n%s", want, counts[want], s)
				}
			}
		})
	}
}

// checkPhysicalLines asserts RFC 5545 §3.1 on the raw bytes: CRLF everywhere,
// at most 75 octets a line, whole UTF-8 sequences on every line.
func checkPhysicalLines(t *testing.T, s string) {
	t.Helper()
	if !strings.HasSuffix(s, "\r\n") {
		t.Error("file does not end in CRLF")
	}
	for i, l := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > maxLineOctets {
			t.Errorf("line %d is %d octets: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i+1, l)
		}
	}
}

func TestFold(t *testing.T) {
	a := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		desc, in, want string
	}{
		{"short", "UID:x\r\n", "UID:x\r\n"},
		{"exactly 75", a(75) + "\r\n", a(75) + "\r\n"},
		{"76", a(76) + "\r\n", a(75) + "\r\n a\r\n"},
		{"three lines", a(75+74+1) + "\r\n", a(75) + "\r\n " + a(74) + "\r\n a\r\n"},
		{"75 with a two-octet rune", a(73) + "ü\r\n", a(73) + "ü\r\n"},
		{"two-octet rune across 75", a(74) + "ü\r\n", a(74) + "\r\n ü\r\n"},
		{"three-octet rune across 75", a(73) + "–x\r\n", a(73) + "\r\n –x\r\n"},
		{"four-octet rune across 75", a(72) + "🙂x\r\n", a(72) + "\r\n 🙂x\r\n"},
		{"several lines", "A:1\r\n" + a(76) + "\r\nB:2\r\n", "A:1\r\n" + a(75) + "\r\n a\r\nB:2\r\n"},
		{"long multi-byte", strings.Repeat("Zürich – ", 30) + "\r\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			got := fold(tt.in)
			if tt.want != "" && got != tt.want {
				t.Errorf("fold\n got %q\nwant %q", got, tt.want)
			}
			checkPhysicalLines(t, got)
			if unfold(got) != tt.in {
				t.Errorf("unfold(fold(x)) != x\n got %q\nwant %q", unfold(got), tt.in)
			}
		})
	}
}

func TestICSRejects(t *testing.T) {
	tests := []struct {
		desc   string
		change func(*Event)
		want   string
	}{
		{"empty UID", func(e *Event) { e.UID = "" }, "no UID"},
		{"UID with newline", func(e *Event) { e.UID = "b-1\r\n@x" }, "control character"},
		{"end equals start", func(e *Event) { e.End = e.Start }, "no later than it starts"},
		{"end before start", func(e *Event) { e.End = e.Start.Add(-time.Hour) }, "no later than it starts"},
		{"zero start", func(e *Event) { e.Start = time.Time{} }, "no start"},
		{"zero stamp", func(e *Event) { e.Stamp = time.Time{} }, "no stamp"},
		{"no method", func(e *Event) { e.Method = "" }, "neither REQUEST nor CANCEL"},
		{"other method", func(e *Event) { e.Method = "PUBLISH" }, "neither REQUEST nor CANCEL"},
		{"negative sequence", func(e *Event) { e.Sequence = -1 }, "negative"},
		{"no organizer email", func(e *Event) { e.Organizer.Email = "" }, "organizer email is empty"},
		{"no attendee email", func(e *Event) { e.Attendee.Email = "" }, "attendee email is empty"},
		{"attendee email with CRLF", func(e *Event) { e.Attendee.Email += "\r\nX-EVIL:1" }, "attendee email contains"},
		{"attendee email without @", func(e *Event) { e.Attendee.Email = "jordan" }, "attendee email has no @"},
		{"URL with newline", func(e *Event) { e.URL += "\nX" }, "URL contains"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			ev := sampleInvite(t)
			tt.change(&ev)
			data, err := ev.ICS()
			if err == nil {
				t.Fatalf("no error; got\n%s", data)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "jordan") || strings.Contains(err.Error(), "Jordan") {
				t.Errorf("error %q names the client; errors reach the logs", err)
			}
		})
	}
}

func TestCleanParamEncodesAsRFC6868(t *testing.T) {
	for in, want := range map[string]string{
		`Ada Rivers`:            `Ada Rivers`,
		`Ada ^ Rivers`:          `Ada ^^ Rivers`,
		`Ada "Addy" Rivers`:     `Ada ^'Addy^' Rivers`,
		"Riverside\r\nPractice": "Riverside  Practice",
		" María José ":          "María José",
	} {
		if got := cleanParam(in); got != want {
			t.Errorf("cleanParam(%q) = %q, want %q", in, got, want)
		}
	}
}
