package web

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
)

// Field limits; each is generous for real input and small enough that no
// field can carry a payload.
const (
	maxName     = 100
	maxEmail    = 254
	maxNotes    = 2000
	maxTimezone = 64
	maxIdemKey  = 128
	maxShort    = 64
)

// bookingRequest is a client's booking, as sent to the JSON API or the form.
type bookingRequest struct {
	Type           string `json:"type"`
	Start          string `json:"start"`
	Name           string `json:"name"`
	Email          string `json:"email"`
	Therapist      string `json:"therapist"`
	Timezone       string `json:"timezone"`
	Notes          string `json:"notes"`
	IdempotencyKey string `json:"idempotency_key"`
}

// validRequest is a request whose every field has been checked.
type validRequest struct {
	bookingRequest
	sessionType config.SessionType
	start       time.Time
	therapists  []config.Therapist
}

// validate checks every field and returns a message per bad field.
func (s *Server) validate(req bookingRequest) (validRequest, map[string]string) {
	v := validRequest{bookingRequest: req}
	f := map[string]string{}
	v.Name = strings.TrimSpace(req.Name)
	v.Email = strings.TrimSpace(req.Email)
	checkText(f, "name", v.Name, maxName, true, false)
	if checkText(f, "email", v.Email, maxEmail, true, false) {
		if a, err := mail.ParseAddress(v.Email); err != nil || a.Address != v.Email {
			f["email"] = "is not a valid email address"
		}
	}
	checkText(f, "notes", req.Notes, maxNotes, false, true)
	checkText(f, "idempotency_key", req.IdempotencyKey, maxIdemKey, false, false)
	if checkText(f, "timezone", req.Timezone, maxTimezone, false, false) && req.Timezone != "" {
		if _, err := calendar.LoadZone(req.Timezone); err != nil {
			f["timezone"] = "is not a known IANA time zone"
		}
	}
	if checkText(f, "type", req.Type, maxShort, true, false) {
		st, ok := s.Config.SessionType(req.Type)
		if !ok {
			f["type"] = fmt.Sprintf("unknown session type %q", req.Type)
		}
		v.sessionType = st
	}
	if checkText(f, "therapist", req.Therapist, maxShort, false, false) {
		ts, msg := s.pickTherapists(req.Therapist)
		if msg != "" {
			f["therapist"] = msg
		}
		v.therapists = ts
	}
	if checkText(f, "start", req.Start, maxShort, true, false) {
		t, err := time.Parse(time.RFC3339, req.Start)
		if err != nil {
			f["start"] = "is not an RFC 3339 time such as 2026-12-01T14:00:00Z"
		}
		v.start = t.UTC()
	}
	return v, f
}

// checkText enforces presence, length and the absence of control
// characters (which could split an email header); multiline allows line
// breaks and tabs for free text that never reaches a header.
func checkText(f map[string]string, field, s string, max int, required, multiline bool) bool {
	switch {
	case required && strings.TrimSpace(s) == "":
		f[field] = "is required"
	case !utf8.ValidString(s):
		f[field] = "is not valid UTF-8"
	case utf8.RuneCountInString(s) > max:
		f[field] = fmt.Sprintf("is longer than %d characters", max)
	case hasControl(s, multiline):
		f[field] = "contains control characters"
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
