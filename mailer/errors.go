package mailer

import (
	"errors"
	"fmt"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// IsPermanent reports whether err carries a 5xx reply from the SMTP server to
// the message (its recipient or its content), so a retry would get the same
// answer. 4xx replies, network errors, timeouts, connection and
// authentication failures are not permanent: they say nothing about the
// message. Nor is a 5xx to MAIL FROM: it refuses the practice's own sender
// address or session (550 sender rejected, 530 authentication required), a
// configuration fault that every message would hit until it is fixed, and
// giving up on the messages would lose them.
func IsPermanent(err error) bool {
	var sendErr *gomail.SendError
	if !errors.As(err, &sendErr) || sendErr.Reason == gomail.ErrSMTPMailFrom {
		return false
	}
	code := sendErr.ErrorCode()
	return code >= 500 && code <= 599
}

// smtpError describes an SMTP failure without go-mail's own text, which lists
// the affected recipients and echoes the server's reply (servers commonly
// quote the address they refuse). Unwrap keeps the cause reachable for
// errors.As, IsPermanent and errors.Is(err, context.Canceled).
type smtpError struct {
	text   string
	causes []error
}

func (e *smtpError) Error() string   { return e.text }
func (e *smtpError) Unwrap() []error { return e.causes }

// sendFailed wraps an error from go-mail's send. ctxErr is the context's
// error when the context ended the send by closing its connection.
func sendFailed(err, ctxErr error) error {
	var b strings.Builder
	b.WriteString("smtp send: ")
	var sendErr *gomail.SendError
	if errors.As(err, &sendErr) {
		b.WriteString(sendErr.Reason.String())
		if code := sendErr.ErrorCode(); code != 0 {
			fmt.Fprintf(&b, ": server replied %d", code)
			if esc := sendErr.EnhancedStatusCode(); esc != "" {
				fmt.Fprintf(&b, " (%s)", esc)
			}
		} else {
			b.WriteString(": connection failed")
		}
	} else {
		// go-mail's send returns only SendErrors; anything else is
		// unknown text and stays out of the message.
		b.WriteString("failed")
	}
	causes := []error{err}
	if ctxErr != nil {
		fmt.Fprintf(&b, " (%v)", ctxErr)
		causes = append(causes, ctxErr)
	}
	return &smtpError{text: b.String(), causes: causes}
}

// dialFailed wraps an error from connecting, greeting, STARTTLS or AUTH.
// Their text is about the server and the practice's account, not a client.
func dialFailed(server string, err error) error {
	return &smtpError{
		text:   fmt.Sprintf("smtp send: connect to %s: %v", server, err),
		causes: []error{err},
	}
}
