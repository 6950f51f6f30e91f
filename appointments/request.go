package appointments

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
)

// Field limits (the admin forms use them too); each is generous for real input and small enough that no
// field can carry a payload.
const (
	MaxName     = 100
	MaxEmail    = 254
	MaxNotes    = 2000
	MaxTimezone = 64
	MaxIdemKey  = 128
	MaxShort    = 64
)

// MaxPreferredName bounds what a client would like to be called.
const MaxPreferredName = 50

// Request is a client's booking as they wrote it, through the JSON API or
// the form. Errors name its fields as the API does.
type Request struct {
	Type, Start, Name, Email, Therapist, Timezone, Notes, IdempotencyKey string
	// PreferredName is what the client would like to be called (optional):
	// checked like Name, stored with the booking, never logged.
	PreferredName string
	// Language is the one asked for (the API's language field, the page's
	// switch; "": none), AcceptLanguage the browser's header: see
	// clientLanguage.
	Language, AcceptLanguage string
	// OnlyTypes, when set, are the session types the booking link offers
	// (an invitation); any other type is refused.
	OnlyTypes []string
	// Invited: made through a signed invite link from the practice, so
	// not held to the public intake's cap per client, and free to book a
	// type that is invite_only (when the link names it).
	Invited bool
}

// Valid is a request whose every field has been checked.
type Valid struct {
	Request
	SessionType config.SessionType
	Start       time.Time
	Therapists  []config.Therapist
}

// Validate checks every field; an *InvalidError names each bad one.
// ErrInviteOnly, whatever else is wrong, for an invite_only type asked
// for without an invitation: no correction of the other fields would help.
func (s *Service) Validate(req Request) (Valid, error) {
	v := Valid{Request: req}
	f := map[string]string{}
	inviteOnly := false
	v.Name, v.Email = checkClient(f, req.Name, req.Email, req.Notes, req.Timezone)
	v.Language = s.clientLanguage(f, req.Language, req.AcceptLanguage)
	v.PreferredName = strings.TrimSpace(req.PreferredName)
	if CheckText(f, "preferred_name", v.PreferredName, MaxPreferredName, false, false) {
		if msg := nameProblem(v.PreferredName); msg != "" {
			f["preferred_name"] = msg
		}
	}
	CheckText(f, "idempotency_key", req.IdempotencyKey, MaxIdemKey, false, false)
	if CheckText(f, "type", req.Type, MaxShort, true, false) {
		st, ok := s.cfg.SessionType(req.Type)
		switch {
		case !ok:
			f["type"] = WordsUnknownType.Say(req.Type)
		case req.OnlyTypes != nil && !slices.Contains(req.OnlyTypes, req.Type):
			f["type"] = string(WordsNotInLink)
		case st.InviteOnly && !req.Invited:
			inviteOnly = true
		}
		v.SessionType = st
	}
	if CheckText(f, "therapist", req.Therapist, MaxShort, false, false) {
		ts, msg := s.pickTherapists(req.Therapist)
		if msg != "" {
			f["therapist"] = msg
		}
		v.Therapists = ts
	}
	if CheckText(f, "start", req.Start, MaxShort, true, false) {
		t, err := time.Parse(time.RFC3339, req.Start)
		if err != nil {
			f["start"] = string(WordsStartFormat)
		}
		v.Start = t.UTC()
	}
	switch {
	case inviteOnly:
		return v, ErrInviteOnly
	case len(f) > 0:
		return v, invalid("the booking request is invalid", f)
	}
	return v, nil
}

// nameProblem refuses what a person's name never holds but a message to a
// stranger would: a link, an address, an RFC 2047 encoded word (which a
// mail program would decode into anything), or an invisible format
// character (bidi overrides, zero-width joiners: category Cf), which can
// make a name read as something else. Accents and every script pass.
func nameProblem(name string) string {
	lower := strings.ToLower(name)
	for _, bad := range []string{"://", "www.", "@", "=?"} {
		if strings.Contains(lower, bad) {
			return string(WordsNameOnly)
		}
	}
	for _, r := range name {
		if unicode.Is(unicode.Cf, r) {
			return string(WordsInvisible)
		}
	}
	return ""
}

// emailProblem refuses anything but a plain address: display names, IP
// address literals (a@[127.0.0.1]) and quoted local parts ("a b"@x), which
// real clients do not use and some mail systems treat oddly.
func emailProblem(email string) string {
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || strings.ContainsAny(email, "\"[]") {
		return string(WordsEmail)
	}
	return ""
}

// checkClient checks what a client is known by, for a booking and a series
// alike: their name and email (returned trimmed), their note and zone.
func checkClient(f map[string]string, name, email, notes, zone string) (string, string) {
	name, email = strings.TrimSpace(name), strings.TrimSpace(email)
	if CheckText(f, "name", name, MaxName, true, false) {
		if msg := nameProblem(name); msg != "" {
			f["name"] = msg
		}
	}
	if CheckText(f, "email", email, MaxEmail, true, false) {
		if msg := emailProblem(email); msg != "" {
			f["email"] = msg
		}
	}
	CheckText(f, "notes", notes, MaxNotes, false, true)
	if CheckText(f, "timezone", zone, MaxTimezone, false, false) && zone != "" {
		if _, err := calendar.LoadZone(zone); err != nil {
			f["timezone"] = string(WordsZone)
		}
	}
	return name, email
}

// pickTherapists is the one asked for, or everyone when none is named.
func (s *Service) pickTherapists(id string) ([]config.Therapist, string) {
	if id == "" {
		return s.cfg.Therapists, ""
	}
	t, ok := s.cfg.Therapist(id)
	if !ok {
		return nil, fmt.Sprintf("unknown therapist %q", id)
	}
	return []config.Therapist{t}, ""
}

// CheckText enforces presence, length and the absence of control
// characters (which could split an email header); multiline allows line
// breaks and tabs for free text that never reaches a header.
func CheckText(f map[string]string, field, s string, max int, required, multiline bool) bool {
	switch {
	case required && strings.TrimSpace(s) == "":
		f[field] = string(WordsRequired)
	case !utf8.ValidString(s):
		f[field] = string(WordsNotUTF8)
	case utf8.RuneCountInString(s) > max:
		f[field] = WordsTooLong.Say(max)
	case hasControl(s, multiline):
		f[field] = string(WordsControl)
	default:
		return true
	}
	return false
}

func hasControl(s string, multiline bool) bool {
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return true
		}
	}
	return false
}
