// Package mailer owns outgoing email: the message model, its rendering to
// RFC 5322 bytes (with the iMIP calendar layout clients show as an invitation),
// and two senders, a pooled SMTP sender and a directory outbox for development.
//
// Recipients are clients of therapists: no error from this package names an
// address, a display name or a subject.
package mailer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// Address is a mailbox: an optional display name and a bare address.
type Address struct {
	Name, Email string
}

// Message is one email. Text and HTML carry the same content; Calendar, when
// set, makes it an iMIP message (RFC 6047) with CalendarMethod matching the
// METHOD inside the iCalendar object.
type Message struct {
	// MessageID is deterministic so that a retried send is recognisably the
	// same message; written without angle brackets, e.g. "invite.b1.2@host".
	MessageID      string
	From           Address
	To             Address
	ReplyTo        *Address
	Subject        string
	Text, HTML     string
	Calendar       []byte
	CalendarMethod string            // "REQUEST" or "CANCEL"
	Headers        map[string]string // extra headers, e.g. List-Unsubscribe
	Date           time.Time
}

// Sender delivers messages. Implementations are safe for concurrent use.
type Sender interface {
	Send(ctx context.Context, m *Message) error
	Close() error
}

// ErrInvalidMessage marks a message refused before sending: retrying it can
// never succeed.
var ErrInvalidMessage = errors.New("mailer: invalid message")

// reservedHeaders are written from Message fields; Headers may not override them.
var reservedHeaders = map[string]bool{
	"From": true, "To": true, "Cc": true, "Bcc": true, "Reply-To": true,
	"Subject": true, "Date": true, "Message-Id": true, "Mime-Version": true,
	"Content-Type": true, "Content-Transfer-Encoding": true, "Auto-Submitted": true,
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidMessage, fmt.Sprintf(format, args...))
}

// validate refuses what would produce a malformed or injectable message. Its
// errors name the field, never the value.
func (m *Message) validate() error {
	if err := checkMessageID(m.MessageID); err != nil {
		return err
	}
	if err := checkAddress("from", m.From); err != nil {
		return err
	}
	if err := checkAddress("to", m.To); err != nil {
		return err
	}
	if m.ReplyTo != nil {
		if err := checkAddress("reply-to", *m.ReplyTo); err != nil {
			return err
		}
	}
	switch {
	case m.Subject == "":
		return invalid("subject is empty")
	case hasLineBreak(m.Subject):
		return invalid("subject contains CR, LF or NUL")
	case m.Text == "" || m.HTML == "":
		return invalid("text and HTML bodies are both required")
	case m.Date.IsZero():
		return invalid("date is not set")
	}
	if err := checkCalendar(m.Calendar, m.CalendarMethod); err != nil {
		return err
	}
	for key, value := range m.Headers {
		if err := checkHeader(key, value); err != nil {
			return err
		}
	}
	return nil
}

func hasLineBreak(s string) bool { return strings.ContainsAny(s, "\r\n\x00") }

func checkMessageID(id string) error {
	if id == "" {
		return invalid("message ID is empty")
	}
	for _, r := range id {
		if r <= ' ' || r > '~' || r == '<' || r == '>' {
			return invalid("message ID must be printable ASCII without spaces or angle brackets")
		}
	}
	if left, right, ok := strings.Cut(id, "@"); !ok || left == "" || right == "" {
		return invalid("message ID must have the form left@right")
	}
	return nil
}

// checkAddress insists on a bare address in Email: a display name or spaces
// smuggled into it would otherwise reach the header and the envelope.
func checkAddress(field string, a Address) error {
	if hasLineBreak(a.Name) {
		return invalid("%s name contains CR, LF or NUL", field)
	}
	parsed, err := mail.ParseAddress(a.Email)
	if err != nil || parsed.Name != "" || parsed.Address != a.Email {
		return invalid("%s is not a valid email address", field)
	}
	return nil
}

// checkCalendar requires the Content-Type method to match the object's METHOD:
// clients ignore or misread an invitation whose two disagree (RFC 6047 2.4).
func checkCalendar(cal []byte, method string) error {
	if len(cal) == 0 {
		if method != "" {
			return invalid("calendar method set without a calendar")
		}
		return nil
	}
	if method != "REQUEST" && method != "CANCEL" {
		return invalid("calendar method must be REQUEST or CANCEL")
	}
	for line := range bytes.Lines(cal) {
		name, value, ok := bytes.Cut(bytes.TrimRight(line, "\r\n"), []byte(":"))
		if ok && strings.EqualFold(string(name), "METHOD") {
			if !strings.EqualFold(string(value), method) {
				return invalid("calendar METHOD does not match the calendar method")
			}
			return nil
		}
	}
	return invalid("calendar has no METHOD property")
}

func checkHeader(key, value string) error {
	if key == "" {
		return invalid("header with an empty name")
	}
	for _, r := range key {
		if r <= ' ' || r > '~' || r == ':' {
			return invalid("header name must be printable ASCII without spaces or colons")
		}
	}
	if reservedHeaders[textproto.CanonicalMIMEHeaderKey(key)] {
		return invalid("header %s is set from the message fields", key)
	}
	if hasLineBreak(value) {
		return invalid("header %s value contains CR, LF or NUL", key)
	}
	return nil
}
