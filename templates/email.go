package templates

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/consultd/consultd/locale"
)

// The emails, by the name Set.Email takes.
const (
	EmailInvite             = "invite"              // to the client, with the calendar invite
	EmailUpdate             = "update"              // to the client: the session moved
	EmailCancel             = "cancel"              // to the client: cancelled, book again
	EmailReminder           = "reminder"            // to the client, before the session
	EmailReflection         = "reflection"          // to the client, after the session
	EmailTherapistBooked    = "therapist_booked"    // to the therapist: a new booking
	EmailTherapistChanged   = "therapist_changed"   // to the therapist: a booking moved
	EmailTherapistCancelled = "therapist_cancelled" // to the therapist: a booking cancelled
	EmailTherapistFlagged   = "therapist_flagged"   // to the therapist: the client's address refused mail
	EmailTherapistReleased  = "therapist_released"  // to the therapist: a hold that could not be confirmed was let go
	EmailTherapistDigest    = "therapist_digest"    // to the therapist: tomorrow's sessions
	EmailSeriesInvite       = "series_invite"       // to the client: a standing series, with its one calendar event
	EmailTherapistSeries    = "therapist_series"    // to the therapist: a new standing series
	EmailRequestReceived    = "request_received"    // to the client: a request awaits approval (no calendar invite)
	EmailRequestDeclined    = "request_declined"    // to the client: the request was declined, book another time
	EmailRequestExpired     = "request_expired"     // to the client: the request went unanswered and was released
	EmailTherapistApproval  = "therapist_approval"  // to the therapist: a request to approve or decline
	EmailPracticeCancel     = "practice_cancel"     // to the client: the practice cancelled, book again
	EmailPracticeUpdate     = "practice_update"     // to the client: the practice moved the session
)

// emailNames lists every email Set.Email can render.
var emailNames = []string{
	EmailInvite, EmailUpdate, EmailCancel, EmailReminder, EmailReflection,
	EmailTherapistBooked, EmailTherapistChanged, EmailTherapistCancelled, EmailTherapistFlagged,
	EmailTherapistReleased, EmailTherapistDigest, EmailSeriesInvite, EmailTherapistSeries,
	EmailRequestReceived, EmailRequestDeclined, EmailRequestExpired, EmailTherapistApproval,
	EmailPracticeCancel, EmailPracticeUpdate,
}

func isEmail(name string) bool { return slices.Contains(emailNames, name) }

// EmailData is everything an email may say. It deliberately has no field for the
// client's note: no email carries it. Times are formatted by the caller, in the
// recipient's language.
type EmailData struct {
	// L writes in the recipient's language: the templates' words
	// ({{.L.T "email.invite.booked" "Practice" .Practice}}) and the HTML's lang.
	// nil: the default language.
	L             *locale.Localizer
	Practice      string // "Riverside Practice"
	ClientName    string // the client's name as they gave it: greetings and therapist bodies, never subjects
	TherapistName string
	SessionName   string // "Free consultation": bodies only, never subjects (it may be clinical)
	// When is the session's time in the recipient's zone: "Tuesday 1 December 2026,
	// 09:00–09:15 (Eastern Time)".
	When string
	// WhenShort is the start in short form in the recipient's zone, for subjects:
	// "Tue 1 Dec at 09:00". Empty leaves the time out of the subject.
	WhenShort string
	// WhenTherapist is the time in the therapist's zone, "" when the zones agree.
	// Client emails show it as the practice's time; therapist emails, which may
	// also get the therapist's time in When, show it first and When as the client's.
	WhenTherapist string
	PreviousWhen  string // update and therapist_changed: the old time, formatted like When
	Location      string // address or video link; may be empty
	// VideoURL is the session's video link (Location too), "" when not a
	// video session: the "Join the session" button.
	VideoURL       string
	ManageURL      string // the client's cancel / reschedule page
	BookURL        string // book again / book the next session
	AdminURL       string // the therapist's view of the booking (therapist emails only)
	UnsubscribeURL string // stops reflection prompts (reflection only)
	Policy         string // cancellation policy; may be empty
	NextBooked     bool   // reflection: a next session is booked, so no booking link
	// Recurrence says how a standing series repeats: "Every week on
	// Tuesdays at 13:00, 10 sessions, the last on Tuesday 12 May 2027".
	Recurrence string
	// Skipped are the weeks of a series left out (taken or days off).
	Skipped []string
	// ApproveURL and DeclineURL are the signed one-click links of a request
	// (therapist_approval only); Expires is when the request is released
	// unanswered, in the recipient's zone.
	ApproveURL, DeclineURL, Expires string
	// ChangedBy is who cancelled or moved the session, "the client" or
	// "the practice" (therapist_cancelled, therapist_changed).
	ChangedBy string
	// Ahead is how long before the session the change was made: "2 days
	// and 3 hours" (therapist_cancelled, therapist_changed).
	Ahead string
	// Reason is what a client who cancelled tells the therapist
	// (therapist_cancelled only): the therapist's body only; may be empty.
	Reason string
	// Message is the practice's own words to the client, with a declined
	// request (request_declined) or its own change (practice_cancel,
	// practice_update): the client's body only; may be empty.
	Message string
	// FreeTimes are a few times the client could book instead
	// (practice_cancel), formatted like When.
	FreeTimes []string
	// Sessions lists a day's sessions (therapist_digest only), in the
	// therapist's zone, by start.
	Sessions []DigestLine
}

// DigestLine is one session in the therapist's daily digest: client
// initials only, no email, no note.
type DigestLine struct {
	Time, Session, Client, AdminURL string
	// Attendance is what was recorded ("attended", "no-show"; "" none).
	Attendance string
	// LateCancel: the client cancelled inside the late-cancel window.
	LateCancel bool
}

// Email is a rendered email: a one-line subject and the two bodies.
type Email struct{ Subject, Text, HTML string }

// Email renders the email name with data.
func (s *Set) Email(name string, data EmailData) (Email, error) {
	t, ok := s.emails[name]
	if !ok {
		return Email{}, fmt.Errorf("email %q: no such email", name)
	}
	buf := s.buffer()
	defer s.release(buf)
	if data.L == nil {
		data.L = s.catalogs.For(s.catalogs.Default())
	}
	d := &data // box once for the three executions below
	var e Email
	if err := t.text.ExecuteTemplate(buf, "subject", d); err != nil {
		return Email{}, fmt.Errorf("email %s: %s: subject: %w", name, t.textFile, err)
	}
	if e.Subject = oneLine(buf.Bytes()); e.Subject == "" {
		return Email{}, fmt.Errorf("email %s: %s: the subject is empty", name, t.textFile)
	}
	buf.Reset()
	if err := t.text.Execute(buf, d); err != nil {
		return Email{}, fmt.Errorf("email %s: %s: %w", name, t.textFile, err)
	}
	e.Text = string(tidyText(buf.Bytes()))
	buf.Reset()
	if err := t.html.ExecuteTemplate(buf, "layout", d); err != nil {
		return Email{}, fmt.Errorf("email %s: %s: %w", name, t.htmlFile, err)
	}
	e.HTML = buf.String()
	return e, nil
}

func (s *Set) buffer() *bytes.Buffer { return s.bufs.Get().(*bytes.Buffer) }

// release keeps ordinary buffers for reuse and lets an unusually large one go,
// so one huge render does not pin its memory for the life of the process.
func (s *Set) release(buf *bytes.Buffer) {
	if buf.Cap() > 64<<10 {
		return
	}
	buf.Reset()
	s.bufs.Put(buf)
}

// oneLine makes a rendered subject safe for a header: every run of white space
// or control characters, CR and LF included and whichever field they came from,
// becomes one space, and the ends are trimmed.
func oneLine(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	gap := false
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			gap = sb.Len() > 0
			continue
		}
		if gap {
			sb.WriteByte(' ')
			gap = false
		}
		sb.WriteRune(r) // invalid UTF-8 comes out as U+FFFD
	}
	return sb.String()
}

// tidyText tidies a rendered plain-text body in place, so templates can stay
// readable: CRLF and lone CR become LF, blanks at line ends go, runs of blank
// lines (left by optional fields) shrink to one, and the text ends with one LF.
// It writes never ahead of where it reads, so reusing b is safe.
func tidyText(b []byte) []byte {
	out := b[:0]
	blank := false
	for len(b) > 0 {
		var line []byte
		if i := bytes.IndexAny(b, "\r\n"); i < 0 {
			line, b = b, nil
		} else {
			crlf := b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n'
			line, b = b[:i], b[i+1:]
			if crlf {
				b = b[1:]
			}
		}
		line = bytes.TrimRight(line, " \t")
		if len(line) == 0 {
			blank = len(out) > 0
			continue
		}
		if len(out) > 0 {
			out = append(out, '\n')
			if blank {
				out = append(out, '\n')
			}
		}
		blank = false
		out = append(out, line...)
	}
	if len(out) > 0 {
		out = append(out, '\n')
	}
	return out
}
