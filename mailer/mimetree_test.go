package mailer

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
)

// part is one node of a parsed MIME tree, with its body decoded.
type part struct {
	mediaType   string
	params      map[string]string
	disposition string
	dispParams  map[string]string
	body        []byte
	children    []*part
}

// shape writes the tree's media types, e.g.
// "multipart/alternative[text/plain text/html]".
func (p *part) shape() string {
	if len(p.children) == 0 {
		return p.mediaType
	}
	kids := make([]string, len(p.children))
	for i, c := range p.children {
		kids[i] = c.shape()
	}
	return p.mediaType + "[" + strings.Join(kids, " ") + "]"
}

// find returns the first part of the given media type, depth first.
func (p *part) find(mediaType string) *part {
	if p.mediaType == mediaType {
		return p
	}
	for _, c := range p.children {
		if found := c.find(mediaType); found != nil {
			return found
		}
	}
	return nil
}

// parseMessage parses raw with the standard library only, so the tests do
// not trust go-mail to read back what it wrote.
func parseMessage(t *testing.T, raw []byte) (*mail.Message, *part) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse message: %v", err)
	}
	root, err := parsePart(msg.Header.Get("Content-Type"), "",
		msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	if err != nil {
		t.Fatalf("parse MIME tree: %v", err)
	}
	return msg, root
}

func parsePart(contentType, disposition, encoding string, body io.Reader) (*part, error) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, err
	}
	p := &part{mediaType: mediaType, params: params}
	if disposition != "" {
		if p.disposition, p.dispParams, err = mime.ParseMediaType(disposition); err != nil {
			return nil, err
		}
	}
	if !strings.HasPrefix(mediaType, "multipart/") {
		p.body, err = decodeBody(encoding, body)
		return p, err
	}
	r := multipart.NewReader(body, params["boundary"])
	for {
		raw, err := r.NextRawPart()
		if err == io.EOF {
			return p, nil
		}
		if err != nil {
			return nil, err
		}
		child, err := parsePart(raw.Header.Get("Content-Type"), raw.Header.Get("Content-Disposition"),
			raw.Header.Get("Content-Transfer-Encoding"), raw)
		if err != nil {
			return nil, err
		}
		p.children = append(p.children, child)
	}
}

func decodeBody(encoding string, body io.Reader) ([]byte, error) {
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	return io.ReadAll(body)
}

// checkTree asserts the MIME layout Render promises for m, and that every
// body decodes back to what m holds.
func checkTree(t *testing.T, m *Message, root *part) {
	t.Helper()
	wantShape := "multipart/alternative[text/plain text/html]"
	if len(m.Calendar) > 0 {
		wantShape = "multipart/mixed[multipart/alternative[text/plain text/html text/calendar] application/ics]"
	}
	if got := root.shape(); got != wantShape {
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
		p := root.find(b.mediaType)
		if p.params["charset"] != "utf-8" {
			t.Errorf("%s charset = %q, want utf-8", b.mediaType, p.params["charset"])
		}
		if p.disposition != "" {
			t.Errorf("%s has disposition %q; body parts must not be attachments", b.mediaType, p.disposition)
		}
		// Bodies travel with CRLF line ends; the calendar is CRLF already.
		want := strings.ReplaceAll(strings.ReplaceAll(b.want, "\r\n", "\n"), "\n", "\r\n")
		if string(p.body) != want {
			t.Errorf("%s body = %q, want %q", b.mediaType, p.body, want)
		}
	}
	if len(m.Calendar) == 0 {
		return
	}
	if got := root.find("text/calendar").params["method"]; got != m.CalendarMethod {
		t.Errorf("text/calendar method = %q, want %q", got, m.CalendarMethod)
	}
	ics := root.find("application/ics")
	if ics.params["name"] != "invite.ics" || ics.disposition != "attachment" || ics.dispParams["filename"] != "invite.ics" {
		t.Errorf("attachment: type params %v, disposition %q %v; want invite.ics as an attachment",
			ics.params, ics.disposition, ics.dispParams)
	}
	if !bytes.Equal(ics.body, m.Calendar) {
		t.Errorf("attachment body = %q, want the calendar object", ics.body)
	}
}
