package mailer

import (
	"bytes"
	"errors"
	"flag"
	"mime"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sampleCalendar is CRLF-terminated with a folded line and non-ASCII text,
// as the calendar package writes it.
const sampleCalendar = "BEGIN:VCALENDAR\r\n" +
	"VERSION:2.0\r\n" +
	"PRODID:-//consultd//EN\r\n" +
	"METHOD:REQUEST\r\n" +
	"BEGIN:VEVENT\r\n" +
	"UID:b1@example.org\r\n" +
	"SEQUENCE:0\r\n" +
	"DTSTAMP:20260301T090000Z\r\n" +
	"DTSTART:20260310T140000Z\r\n" +
	"DTEND:20260310T145000Z\r\n" +
	"SUMMARY:Appointment with Riverside Practice – Psychotherapie-Sitzung mit\r\n" +
	" Dr. Müller\r\n" +
	"CLASS:PRIVATE\r\n" +
	"END:VEVENT\r\n" +
	"END:VCALENDAR\r\n"

// sampleInvite returns a fresh invite; tests change their copy.
func sampleInvite() *Message {
	return &Message{
		MessageID: "invite.b1.0@example.org",
		From:      Address{Name: "Riverside Practice", Email: "appointments@example.org"},
		To:        Address{Name: "Zoë O'Neil, Jr.", Email: "client@example.net"},
		ReplyTo:   &Address{Name: "Dr. Ada Rivers", Email: "ada@example.org"},
		Subject:   "Appointment with Riverside Practice",
		Text:      "Your appointment is on Tuesday.\nSee you then.\n",
		HTML:      "<p>Your appointment is on <b>Tuesday</b>.</p>\n<p>See you then – Ümlaut.</p>\n",
		Calendar:  []byte(sampleCalendar),
		Headers: map[string]string{
			"List-Unsubscribe":      "<https://example.org/u/abc>",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		},
		CalendarMethod: "REQUEST",
		Date:           time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
	}
}

func TestValidateRefuses(t *testing.T) {
	tests := []struct {
		desc   string
		change func(m *Message)
	}{
		{"empty message ID", func(m *Message) { m.MessageID = "" }},
		{"message ID in brackets", func(m *Message) { m.MessageID = "<a@b>" }},
		{"message ID without @", func(m *Message) { m.MessageID = "invite.b1" }},
		{"message ID with space", func(m *Message) { m.MessageID = "a b@c" }},
		{"message ID with CRLF", func(m *Message) { m.MessageID = "a@b\r\nBcc: x@y" }},
		{"from not an address", func(m *Message) { m.From.Email = "appointments" }},
		{"to not an address", func(m *Message) { m.To.Email = "client@" }},
		{"to with a display name", func(m *Message) { m.To.Email = "Eve <client@example.net>" }},
		{"to with two addresses", func(m *Message) { m.To.Email = "client@example.net, x@y.z" }},
		{"to with spaces", func(m *Message) { m.To.Email = " client@example.net" }},
		{"to name with LF", func(m *Message) { m.To.Name = "Zoë\nBcc: x@y.z" }},
		{"reply-to not an address", func(m *Message) { m.ReplyTo = &Address{Email: "nope"} }},
		{"subject with CRLF", func(m *Message) { m.Subject = "Hi\r\nBcc: x@y.z" }},
		{"subject with CR", func(m *Message) { m.Subject = "Hi\rthere" }},
		{"empty subject", func(m *Message) { m.Subject = "" }},
		{"no text", func(m *Message) { m.Text = "" }},
		{"no HTML", func(m *Message) { m.HTML = "" }},
		{"no date", func(m *Message) { m.Date = time.Time{} }},
		{"calendar without method", func(m *Message) { m.CalendarMethod = "" }},
		{"method without calendar", func(m *Message) { m.Calendar = nil }},
		{"unknown method", func(m *Message) { m.CalendarMethod = "PUBLISH" }},
		{"method differs from METHOD", func(m *Message) { m.CalendarMethod = "CANCEL" }},
		{"calendar without METHOD", func(m *Message) {
			m.Calendar = bytes.ReplaceAll(m.Calendar, []byte("METHOD:REQUEST\r\n"), nil)
		}},
		{"header value with CRLF", func(m *Message) { m.Headers["List-Unsubscribe"] = "<https://x>\r\nBcc: x@y.z" }},
		{"header name with colon", func(m *Message) { m.Headers["X-A:b"] = "1" }},
		{"header name with space", func(m *Message) { m.Headers["X A"] = "1" }},
		{"header overriding a field", func(m *Message) { m.Headers["subject"] = "other" }},
		{"header overriding Message-ID", func(m *Message) { m.Headers["Message-ID"] = "<x@y>" }},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			m := sampleInvite()
			tc.change(m)
			_, err := Render(m)
			if !errors.Is(err, ErrInvalidMessage) {
				t.Fatalf("Render error = %v, want ErrInvalidMessage", err)
			}
			for _, private := range []string{"client@", "Zoë", "Eve", "x@y.z", "Hi"} {
				if strings.Contains(err.Error(), private) {
					t.Errorf("error %q reveals %q", err, private)
				}
			}
		})
	}
}

func TestRenderTree(t *testing.T) {
	tests := []struct {
		desc   string
		change func(m *Message)
	}{
		{"invite", func(*Message) {}},
		{"cancellation", func(m *Message) {
			m.Calendar = bytes.ReplaceAll(m.Calendar, []byte("METHOD:REQUEST"), []byte("METHOD:CANCEL"))
			m.CalendarMethod = "CANCEL"
		}},
		{"no calendar", func(m *Message) { m.Calendar, m.CalendarMethod = nil, "" }},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			m := sampleInvite()
			tc.change(m)
			raw, err := Render(m)
			if err != nil {
				t.Fatal(err)
			}
			_, root := parseMessage(t, raw)
			checkTree(t, m, root)
		})
	}
}

// checkHeaders asserts the top-level headers Render promises for m.
func checkHeaders(t *testing.T, m *Message, raw []byte) {
	t.Helper()
	msg, _ := parseMessage(t, raw)
	h := msg.Header
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(h.Get("Subject"))
	if err != nil || subject != m.Subject {
		t.Errorf("Subject decodes to %q (%v), want %q", subject, err, m.Subject)
	}
	if got := h.Get("Message-ID"); got != "<"+m.MessageID+">" {
		t.Errorf("Message-ID = %q, want <%s>", got, m.MessageID)
	}
	if date, err := h.Date(); err != nil || !date.Equal(m.Date) {
		t.Errorf("Date = %v (%v), want %v", date, err, m.Date)
	}
	addrs := []struct {
		header string
		want   Address
	}{{"From", m.From}, {"To", m.To}, {"Reply-To", *m.ReplyTo}}
	for _, a := range addrs {
		list, err := h.AddressList(a.header)
		if err != nil || len(list) != 1 || list[0].Name != a.want.Name || list[0].Address != a.want.Email {
			t.Errorf("%s = %v (%v), want %v", a.header, list, err, a.want)
		}
	}
	want := map[string]string{"Auto-Submitted": "auto-generated", "MIME-Version": "1.0", "User-Agent": "", "X-Mailer": ""}
	for k, v := range m.Headers {
		want[k] = v
	}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

func TestRenderHeaders(t *testing.T) {
	tests := []struct {
		desc    string
		subject string
	}{
		{"ASCII subject", "Appointment with Riverside Practice"},
		{"non-ASCII subject", "Rendez-vous confirmé avec Praxis Müller – 10 März 2026 ☀"},
		{"long subject", strings.Repeat("Appointment with a practice whose name is long, ", 4) + "really"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			m := sampleInvite()
			m.Subject = tc.subject
			raw, err := Render(m)
			if err != nil {
				t.Fatal(err)
			}
			checkHeaders(t, m, raw)
			head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
			for _, line := range strings.Split(string(head), "\r\n") {
				if len(line) > 998 || !isASCII(line) {
					t.Errorf("header line is not 7-bit or too long: %q", line)
				}
			}
		})
	}
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

var boundaryParam = regexp.MustCompile(`boundary=([0-9a-f]+)`)

// TestRenderGolden pins the exact bytes, with the random boundaries replaced,
// so a go-mail upgrade that changes the layout shows up in review.
func TestRenderGolden(t *testing.T) {
	raw, err := Render(sampleInvite())
	if err != nil {
		t.Fatal(err)
	}
	for i, match := range boundaryParam.FindAllSubmatch(raw, -1) {
		raw = bytes.ReplaceAll(raw, match[1], []byte("BOUNDARY"+string(rune('A'+i))))
	}
	path := filepath.Join("testdata", "invite.eml")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./mailer -run Golden -update to create it)", err)
	}
	if !bytes.Equal(raw, want) {
		t.Errorf("rendered invite differs from %s (rerun with -update if the change is meant)\n--- got\n%s", path, raw)
	}
}
