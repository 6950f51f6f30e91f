package calendar

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/emersion/go-ical"
)

// CopyEvent is a booking as the therapist's own calendar keeps it (a
// CalDAV object): private, who by initials and what kind of session, the
// video link when there is one. It has no METHOD, ORGANIZER or ATTENDEE:
// it is the therapist's own entry, not an invitation, so no server
// schedules it or emails the client about it.
type CopyEvent struct {
	UID        string // the client's invite's UID
	Sequence   int
	Start, End time.Time
	Stamp      time.Time
	Summary    string // "S. L. · Psychotherapy session"
	Location   string // the video link, or the practice's address
	URL        string // the booking in the admin area
}

// ICS renders the event as one calendar object, folded and CRLF-ended.
func (e CopyEvent) ICS() ([]byte, error) {
	if e.UID == "" || e.Start.IsZero() || !e.End.After(e.Start) {
		return nil, fmt.Errorf("calendar: copy event %q needs a UID and a start before its end", e.UID)
	}
	ev := timedEvent(e.UID, e.Sequence, e.Stamp, e.Start, e.End)
	p := ev.Props
	setTextIfAny(p, ical.PropSummary, e.Summary)
	setTextIfAny(p, ical.PropLocation, e.Location)
	setURL(p, e.URL)
	p.SetText(ical.PropClass, "PRIVATE")
	p.SetText(ical.PropTransparency, "OPAQUE")
	ev.SetStatus(ical.EventConfirmed)
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropProductID, prodID)
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Children = append(cal.Children, ev.Component)
	var buf bytes.Buffer
	if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
		return nil, fmt.Errorf("calendar: encode copy of %s: %w", e.UID, err)
	}
	return []byte(fold(buf.String())), nil
}

// CopySequence is the SEQUENCE of the event in a calendar object written
// by CopyEvent.ICS, and whether there is one.
func CopySequence(cal *ical.Calendar) (int, bool) {
	for _, ev := range cal.Events() {
		if p := ev.Props.Get(ical.PropSequence); p != nil {
			n, err := strconv.Atoi(p.Value)
			return n, err == nil
		}
	}
	return 0, false
}
