// Package testmail reads a received message back into its MIME tree with
// the standard library only, so tests do not trust the code that wrote it.
package testmail

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

// Part is one node of a parsed MIME tree, its body decoded.
type Part struct {
	MediaType   string
	Params      map[string]string
	Disposition string
	DispParams  map[string]string
	Body        []byte
	Children    []*Part
}

// Shape writes the tree's media types, e.g.
// "multipart/alternative[text/plain text/html]".
func (p *Part) Shape() string {
	if len(p.Children) == 0 {
		return p.MediaType
	}
	kids := make([]string, len(p.Children))
	for i, c := range p.Children {
		kids[i] = c.Shape()
	}
	return p.MediaType + "[" + strings.Join(kids, " ") + "]"
}

// Find returns the first part of the given media type, depth first, or nil.
func (p *Part) Find(mediaType string) *Part {
	if p.MediaType == mediaType {
		return p
	}
	for _, c := range p.Children {
		if found := c.Find(mediaType); found != nil {
			return found
		}
	}
	return nil
}

// Parse reads raw into its header and MIME tree, failing the test if it
// is not a well-formed message.
func Parse(t testing.TB, raw []byte) (*mail.Message, *Part) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse message: %v", err)
	}
	root, err := parsePart(msg.Header.Get("Content-Type"), "", msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	if err != nil {
		t.Fatalf("parse MIME tree: %v", err)
	}
	return msg, root
}

func parsePart(contentType, disposition, encoding string, body io.Reader) (*Part, error) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, err
	}
	p := &Part{MediaType: mediaType, Params: params}
	if disposition != "" {
		if p.Disposition, p.DispParams, err = mime.ParseMediaType(disposition); err != nil {
			return nil, err
		}
	}
	if !strings.HasPrefix(mediaType, "multipart/") {
		p.Body, err = decodeBody(encoding, body)
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
		p.Children = append(p.Children, child)
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
