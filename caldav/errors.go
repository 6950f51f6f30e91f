package caldav

import (
	"errors"
	"fmt"
)

// Class is what kind of failure a CalDAV request met, as /readyz and the
// log name it.
type Class string

// Classes of failure.
const (
	ClassAuth        Class = "auth refused"     // 401 or 403: the user name or password
	ClassNoCalendar  Class = "no calendar"      // the collection is not there
	ClassUnreachable Class = "unreachable"      // no answer: DNS, TCP, TLS
	ClassTimeout     Class = "timeout"          // no answer in time
	ClassServer      Class = "server error"     // 5xx
	ClassRefused     Class = "refused"          // another 4xx
	ClassBadReply    Class = "unreadable reply" // an answer we cannot read
)

// ErrChanged says a conditional write failed: the object was written or
// removed by someone else since it was read.
var ErrChanged = errors.New("caldav: the calendar object changed meanwhile")

// Error is a failed CalDAV request.
type Error struct {
	Op     string // get, put, delete, report
	Host   string
	Class  Class
	Status int // the HTTP status, 0 when there was no answer
	cause  error
}

func (e *Error) Error() string {
	s := fmt.Sprintf("caldav %s on %s: %s", e.Op, e.Host, e.Class)
	if e.Status != 0 {
		s += fmt.Sprintf(" (%d)", e.Status)
	}
	if e.cause != nil {
		s += ": " + e.cause.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.cause }

// ClassOf is the class of err, or "" when err is no CalDAV failure.
func ClassOf(err error) Class {
	var e *Error
	if errors.As(err, &e) {
		return e.Class
	}
	return ""
}
