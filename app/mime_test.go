package app

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

// part is one leaf of a parsed message: its media type, parameters and
// decoded body.
type part struct {
	mediaType string
	params    map[string]string
	body      []byte
	path      string // e.g. "multipart/mixed/multipart/alternative/text/calendar"
}

// parseMessage reads a received message into its header and leaf parts.
func parseMessage(t *testing.T, data []byte) (*mail.Message, []part) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a mail message: %v", err)
	}
	body, _ := io.ReadAll(msg.Body)
	parts := walk(t, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), body, "")
	return msg, parts
}

func walk(t *testing.T, contentType, encoding string, body []byte, prefix string) []part {
	t.Helper()
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		t.Fatalf("content type %q: %v", contentType, err)
	}
	path := strings.TrimPrefix(prefix+"/"+mt, "/")
	if !strings.HasPrefix(mt, "multipart/") {
		return []part{{mediaType: mt, params: params, body: decode(t, encoding, body), path: path}}
	}
	r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var out []part
	for {
		p, err := r.NextRawPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		data, _ := io.ReadAll(p)
		out = append(out, walk(t, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), data, path)...)
	}
}

func decode(t *testing.T, encoding string, body []byte) []byte {
	t.Helper()
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		out, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
		if err != nil {
			t.Fatal(err)
		}
		return out
	case "base64":
		out, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, bytes.NewReader(bytes.ReplaceAll(body, []byte("\r\n"), nil))))
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	return body
}

// find returns the parts whose path ends with suffix.
func find(parts []part, suffix string) []part {
	var out []part
	for _, p := range parts {
		if strings.HasSuffix(p.path, suffix) {
			out = append(out, p)
		}
	}
	return out
}
