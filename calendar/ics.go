package calendar

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-ical"
)

// Method is the iTIP method (RFC 5546) of an invite: what the receiving
// calendar should do with the event.
type Method string

const (
	MethodRequest Method = "REQUEST" // a new or changed appointment
	MethodCancel  Method = "CANCEL"  // the appointment no longer takes place
)

// prodID names the software that wrote the calendar (RFC 5545 §3.7.3).
const prodID = "-//consultd//consultd//EN"

// maxLineOctets is the longest content line RFC 5545 §3.1 allows, CRLF excluded.
const maxLineOctets = 75

// Address is a calendar user: a display name and a mail address.
type Address struct{ Name, Email string }

// Event is one appointment as sent by iMIP (RFC 6047). Every message about the
// same booking carries the same UID and a higher Sequence, so the client's
// calendar replaces its copy instead of adding a second one.
type Event struct {
	UID         string // stable: "<booking id>@<host>"
	Sequence    int    // raised on every change
	Method      Method
	Start, End  time.Time
	Stamp       time.Time // DTSTAMP: when the message was made; written in UTC
	Summary     string    // "Appointment with <practice>"; never a client's note
	Description string    // short, e.g. the manage link line
	Location    string    // address or video link, may be empty
	URL         string    // manage link, may be empty
	Organizer   Address   // the practice address the mail is from
	Attendee    Address   // the client
}

// ICS renders a complete VCALENDAR for the event: CRLF line ends, lines folded
// at 75 octets, all times in UTC so that no VTIMEZONE is needed.
func (e Event) ICS() ([]byte, error) {
	if err := e.validate(); err != nil {
		return nil, err
	}
	return encode(e.UID, e.Method, e.component())
}

// encode writes a VCALENDAR of the given method holding children, folded.
func encode(uid string, method Method, children ...*ical.Component) ([]byte, error) {
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropProductID, prodID)
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropCalendarScale, "GREGORIAN")
	cal.Props.SetText(ical.PropMethod, string(method))
	cal.Children = append(cal.Children, children...)

	var buf bytes.Buffer
	if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
		return nil, fmt.Errorf("calendar: encode event %s: %w", uid, err)
	}
	// go-ical writes each property on one line, however long: fold here.
	return []byte(fold(buf.String())), nil
}

// validate refuses what would make an invite that calendars reject or
// misfile. Messages name the field, never the client's name or address.
func (e Event) validate() error {
	switch {
	case e.UID == "":
		return errors.New("calendar: event has no UID")
	case strings.IndexFunc(e.UID, unicode.IsControl) >= 0:
		return fmt.Errorf("calendar: event UID %q contains a control character", e.UID)
	case e.Method != MethodRequest && e.Method != MethodCancel:
		return fmt.Errorf("calendar: event %s: method %q is neither REQUEST nor CANCEL", e.UID, e.Method)
	case e.Sequence < 0:
		return fmt.Errorf("calendar: event %s: sequence %d is negative", e.UID, e.Sequence)
	case e.Stamp.IsZero():
		return fmt.Errorf("calendar: event %s has no stamp (DTSTAMP)", e.UID)
	case e.Start.IsZero():
		return fmt.Errorf("calendar: event %s has no start", e.UID)
	case !e.End.After(e.Start):
		return fmt.Errorf("calendar: event %s ends (%s) no later than it starts (%s)",
			e.UID, e.End.UTC().Format(time.RFC3339), e.Start.UTC().Format(time.RFC3339))
	case strings.IndexFunc(e.URL, unicode.IsControl) >= 0:
		return fmt.Errorf("calendar: event %s: URL contains a control character", e.UID)
	}
	if err := checkEmail(e.Organizer.Email); err != nil {
		return fmt.Errorf("calendar: event %s: organizer %w", e.UID, err)
	}
	if err := checkEmail(e.Attendee.Email); err != nil {
		return fmt.Errorf("calendar: event %s: attendee %w", e.UID, err)
	}
	return nil
}

// checkEmail accepts what can stand in a mailto: URI on one line. Full address
// syntax is checked at intake; this guards the file's structure.
func checkEmail(addr string) error {
	switch {
	case addr == "":
		return errors.New("email is empty")
	case strings.IndexFunc(addr, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return errors.New("email contains a space or control character")
	case !strings.Contains(addr, "@"):
		return errors.New("email has no @")
	}
	return nil
}

// timedEvent is a VEVENT with its identity and times, all in UTC.
func timedEvent(uid string, sequence int, stamp, start, end time.Time) *ical.Event {
	ev := ical.NewEvent()
	p := ev.Props
	p.SetText(ical.PropUID, uid)
	seq := ical.NewProp(ical.PropSequence) // go-ical has no integer setter
	seq.Value = strconv.Itoa(sequence)
	p.Set(seq)
	// SetDateTime writes TZID=<zone> for anything not in time.UTC.
	p.SetDateTime(ical.PropDateTimeStamp, stamp.UTC())
	p.SetDateTime(ical.PropDateTimeStart, start.UTC())
	p.SetDateTime(ical.PropDateTimeEnd, end.UTC())
	return ev
}

// setURL writes a URL verbatim (url.URL.String would re-encode it).
func setURL(p ical.Props, u string) {
	if u != "" {
		prop := ical.NewProp(ical.PropURL)
		prop.Value = u
		p.Set(prop)
	}
}

func (e Event) component() *ical.Component {
	ev := timedEvent(e.UID, e.Sequence, e.Stamp, e.Start, e.End)
	p := ev.Props
	setTextIfAny(p, ical.PropSummary, e.Summary)
	setTextIfAny(p, ical.PropDescription, e.Description)
	setTextIfAny(p, ical.PropLocation, e.Location)
	setURL(p, e.URL)
	p.Set(addressProp(ical.PropOrganizer, e.Organizer))
	att := addressProp(ical.PropAttendee, e.Attendee)
	att.Params.Set(ical.ParamRole, "REQ-PARTICIPANT")
	att.Params.Set(ical.ParamParticipationStatus, "NEEDS-ACTION")
	att.Params.Set(ical.ParamRSVP, "TRUE")
	p.Set(att)
	p.SetText(ical.PropClass, "PRIVATE")
	p.SetText(ical.PropTransparency, "OPAQUE")
	if e.Method == MethodCancel {
		ev.SetStatus(ical.EventCancelled)
	} else {
		ev.SetStatus(ical.EventConfirmed)
	}
	return ev.Component
}

// setTextIfAny escapes through go-ical's SetText, which handles backslash,
// comma, semicolon and LF but not CR or other controls: those are cleaned first.
func setTextIfAny(p ical.Props, name, text string) {
	if text = cleanText(text); text != "" {
		p.SetText(name, text)
	}
}

func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, s)
}

// addressProp writes "NAME;CN=<name>:mailto:<email>". go-ical quotes a CN
// holding , ; or : but refuses a double quote outright and passes CR/LF
// through into the line, so the name is encoded first.
func addressProp(name string, a Address) *ical.Prop {
	prop := ical.NewProp(name)
	prop.Value = "mailto:" + a.Email
	if cn := cleanParam(a.Name); cn != "" {
		prop.Params.Set(ical.ParamCommonName, cn)
	}
	return prop
}

// cleanParam encodes a parameter value as RFC 6868 says: ^ as ^^ and a
// double quote as ^'; a control character (a line break in a name means
// nothing) becomes a space.
func cleanParam(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r == '^':
			b.WriteString("^^")
		case r == '"':
			b.WriteString("^'")
		case unicode.IsControl(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// fold splits every CRLF-ended content line longer than 75 octets; each
// continuation starts with one space and no UTF-8 sequence is cut.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/maxLineOctets*3)
	for s != "" {
		line, rest, _ := strings.Cut(s, "\r\n")
		s = rest
		limit := maxLineOctets
		for len(line) > limit {
			cut := limit
			for cut > 0 && !utf8.RuneStart(line[cut]) {
				cut--
			}
			if cut == 0 { // not UTF-8: cut by octets rather than loop forever
				cut = limit
			}
			b.WriteString(line[:cut])
			b.WriteString("\r\n ")
			line = line[cut:]
			limit = maxLineOctets - 1 // the leading space counts
		}
		b.WriteString(line)
		b.WriteString("\r\n")
	}
	return b.String()
}
