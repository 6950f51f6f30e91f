package mailer

import (
	"bytes"
	"fmt"
	"net/mail"

	gomail "github.com/wneessen/go-mail"
)

const (
	// charset is written in lower case, as the iMIP examples and most
	// clients write it; MIME compares charset names case-insensitively.
	charset = gomail.Charset("utf-8")

	// inviteFilename and inviteType name the copy of the calendar object
	// attached for clients that do not read the calendar alternative. The
	// type is named explicitly: guessed from the extension it would depend
	// on the host's mime.types.
	inviteFilename = "invite.ics"
	inviteType     = gomail.ContentType("application/ics")
)

// Render returns the message exactly as it is written to an SMTP server or to
// the outbox. Multipart boundaries are random, so two renderings of one
// message differ only in them.
func Render(m *Message) ([]byte, error) {
	msg, err := build(m)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("mailer: render: %w", err)
	}
	return buf.Bytes(), nil
}

// build validates m and turns it into a go-mail message. The MIME tree comes
// from go-mail's layout rules: several body parts make a
// multipart/alternative, and an attachment next to body parts wraps them in
// a multipart/mixed. So with a calendar the result is
//
//	multipart/mixed
//	  multipart/alternative
//	    text/plain; charset=utf-8
//	    text/html; charset=utf-8
//	    text/calendar; method=REQUEST; charset=utf-8
//	  application/ics; name="invite.ics" (attachment)
//
// and without one, multipart/alternative with the text and HTML parts.
func build(m *Message) (*gomail.Msg, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	msg := gomail.NewMsg(
		gomail.WithCharset(charset),
		gomail.WithEncoding(gomail.EncodingQP),
		// The default User-Agent names the library and its version; it tells
		// recipients nothing and tells probes what to look for.
		gomail.WithNoDefaultUserAgent(),
	)
	msg.FromMailAddress(mailAddress(m.From))
	msg.ToMailAddress(mailAddress(m.To))
	if m.ReplyTo != nil {
		msg.ReplyToMailAddress(mailAddress(*m.ReplyTo))
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetDateWithValue(m.Date)
	// RFC 3834: tells auto-responders (vacation replies) not to answer.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	for key, value := range m.Headers {
		msg.SetGenHeader(gomail.Header(key), value)
	}

	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	if len(m.Calendar) > 0 {
		// go-mail writes a part's Content-Type as "<type>; charset=<cs>" and
		// has no option for further parameters, so the method parameter
		// travels inside the type, as go-mail's own TypeSMIMESigned carries
		// its name parameter. Parameter order carries no meaning in MIME.
		calendarType := gomail.ContentType("text/calendar; method=" + m.CalendarMethod)
		msg.AddAlternativeString(calendarType, string(m.Calendar))
		err := msg.AttachReader(inviteFilename, bytes.NewReader(m.Calendar),
			gomail.WithFileContentType(inviteType))
		if err != nil {
			return nil, fmt.Errorf("mailer: attach calendar: %w", err)
		}
	}
	return msg, nil
}

// mailAddress hands go-mail a parsed address, so a display name is quoted or
// RFC 2047-encoded by net/mail rather than pasted into the header.
func mailAddress(a Address) *mail.Address {
	return &mail.Address{Name: a.Name, Address: a.Email}
}
