package mailer

import (
	"bytes"
	"net/mail"
	"strings"
	"testing"

	"github.com/consultd/consultd/internal/testmail"
)

// parseMessage reads raw back with the standard library only.
func parseMessage(t *testing.T, raw []byte) (*mail.Message, *testmail.Part) {
	t.Helper()
	return testmail.Parse(t, raw)
}

// checkTree asserts the MIME layout Render promises for m, and that every
// body decodes back to what m holds.
func checkTree(t *testing.T, m *Message, root *testmail.Part) {
	t.Helper()
	wantShape := "multipart/alternative[text/plain text/html]"
	if len(m.Calendar) > 0 {
		wantShape = "multipart/mixed[multipart/alternative[text/plain text/html text/calendar] application/ics]"
	}
	if got := root.Shape(); got != wantShape {
		t.Fatalf("MIME tree = %s, want %s", got, wantShape)
	}
	bodies := []struct {
		mediaType string
		want      string
	}{
		{"text/plain", m.Text},
		{"text/html", m.HTML},
	}
	if len(m.Calendar) > 0 {
		bodies = append(bodies, struct{ mediaType, want string }{"text/calendar", string(m.Calendar)})
	}
	for _, b := range bodies {
		p := root.Find(b.mediaType)
		if p.Params["charset"] != "utf-8" {
			t.Errorf("%s charset = %q, want utf-8", b.mediaType, p.Params["charset"])
		}
		if p.Disposition != "" {
			t.Errorf("%s has disposition %q; body parts must not be attachments", b.mediaType, p.Disposition)
		}
		// Bodies travel with CRLF line ends; the calendar is CRLF already.
		want := strings.ReplaceAll(strings.ReplaceAll(b.want, "\r\n", "\n"), "\n", "\r\n")
		if string(p.Body) != want {
			t.Errorf("%s body = %q, want %q", b.mediaType, p.Body, want)
		}
	}
	if len(m.Calendar) == 0 {
		return
	}
	if got := root.Find("text/calendar").Params["method"]; got != m.CalendarMethod {
		t.Errorf("text/calendar method = %q, want %q", got, m.CalendarMethod)
	}
	ics := root.Find("application/ics")
	if ics.Params["name"] != "invite.ics" || ics.Disposition != "attachment" || ics.DispParams["filename"] != "invite.ics" {
		t.Errorf("attachment: type params %v, disposition %q %v; want invite.ics as an attachment",
			ics.Params, ics.Disposition, ics.DispParams)
	}
	if !bytes.Equal(ics.Body, m.Calendar) {
		t.Errorf("attachment body = %q, want the calendar object", ics.Body)
	}
}
