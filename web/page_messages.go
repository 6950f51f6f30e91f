package web

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/locale"
)

// The use cases explain a refusal in English, for the JSON API, whose
// programs read its fields by key. A client's page says the same in the
// page's language: a problem by the kind of error, a field's message by
// the field and the kind of check that failed, each from the catalog
// (page.problem.*, page.field.*, page.start.*).

// problems maps each domain error a client's page can meet to its message.
var problems = []struct {
	err error
	key string
}{
	{appointments.ErrInviteOnly, "page.problem.invite_only"},
	{appointments.ErrTaken, "page.problem.taken"},
	{appointments.ErrNotFree, "page.problem.not_free"},
	{appointments.ErrLate, "page.problem.late"},
	{appointments.ErrNotLive, "page.problem.not_live"},
	{appointments.ErrNotInSeries, "page.problem.not_in_series"},
	{appointments.ErrPast, "page.problem.past"},
	{appointments.ErrNotFound, "page.problem.gone"},
	{appointments.ErrOutcomeUnknown, "page.problem.uncertain"},
	{appointments.ErrUnavailable, "page.problem.unavailable"},
}

// pageProblem classifies err (logging what failed on our side) and says
// it as a sentence in l for a client's page.
func (s *Server) pageProblem(ctx context.Context, l *locale.Localizer, err error) (answer, string) {
	a := s.classified(ctx, err)
	return a, problemText(l, a, err)
}

func problemText(l *locale.Localizer, a answer, err error) string {
	var capped *appointments.CapError
	var bad *appointments.InvalidError
	switch {
	case errors.As(err, &capped):
		return l.T("page.problem.capped", "Count", capped.Upcoming)
	case errors.As(err, new(*appointments.ConflictError)):
		return l.T("page.problem.conflicts")
	case errors.As(err, &bad) && bad.Fields["start"] != "":
		return l.T("page.problem.cannot_book", "Why", startReason(l, bad.Fields["start"]))
	}
	for _, p := range problems {
		if errors.Is(err, p.err) {
			return l.T(p.key)
		}
	}
	if a.Status >= http.StatusInternalServerError {
		return l.T("page.problem.internal")
	}
	if len(a.Fields) > 0 {
		field := slices.Min(slices.Collect(maps.Keys(a.Fields)))
		return fieldMessage(l, field, a.Fields[field])
	}
	return l.T("page.problem.other", "Detail", sentence(a.Msg))
}

// startReasons are the use cases' reasons why a start cannot be booked.
var startReasons = map[string]string{
	calendar.ErrOffGrid.Error():      "page.start.off_grid",
	calendar.ErrOutsideHours.Error(): "page.start.outside_hours",
	calendar.ErrTimeOff.Error():      "page.start.time_off",
	calendar.ErrTooSoon.Error():      "page.start.too_soon",
	calendar.ErrPastHorizon.Error():  "page.start.past_horizon",
}

// startReason is why a time cannot be booked, as a clause in l ("the
// therapist is away at that time").
func startReason(l *locale.Localizer, msg string) string {
	if key, ok := startReasons[msg]; ok {
		return l.T(key)
	}
	return l.T("page.start.other", "Detail", msg)
}

// fieldMessages says each field's problem as a sentence in l, shown next
// to the field.
func fieldMessages(l *locale.Localizer, fields map[string]string) map[string]string {
	out := make(map[string]string, len(fields))
	for k, msg := range fields {
		out[k] = fieldMessage(l, k, msg)
	}
	return out
}

// fieldChecks are the use cases' words for a field's problem
// (appointments.Words): the catalog has a sentence for each, which names
// the field.
var fieldChecks = []struct {
	words appointments.Words
	key   string
}{
	{appointments.WordsTooLong, "page.field.too_long"},
	{appointments.WordsControl, "page.field.control"},
	{appointments.WordsNotUTF8, "page.field.utf8"},
	{appointments.WordsInvisible, "page.field.invisible"},
	{appointments.WordsNameOnly, "page.field.name_only"},
	{appointments.WordsEmail, "page.field.email_invalid"},
	{appointments.WordsZone, "page.field.zone"},
	{appointments.WordsNotInLink, "page.field.not_in_link"},
	{appointments.WordsStartFormat, "page.field.start_format"},
	{appointments.WordsUnknownType, "page.field.unknown_type"},
}

// fieldMessage is one field's problem as a sentence in l.
func fieldMessage(l *locale.Localizer, field, msg string) string {
	label := l.T("page.field." + field)
	if label == "page.field."+field {
		label = l.T("page.field.this")
	}
	switch {
	case msg == "":
		return ""
	case appointments.WordsRequired.In(msg):
		if s := l.T("page.field.required." + field); s != "page.field.required."+field {
			return s
		}
		return sentence(l.T("page.field.required", "Field", label))
	case field == "language" && appointments.WordsNotOffered.In(msg):
		asked, offered, _ := appointments.NotOffered(msg)
		return l.T("page.field.language_offered", "Asked", asked, "Offered", offered)
	case field == "start" && startReasons[msg] != "":
		return sentence(startReason(l, msg))
	}
	for _, c := range fieldChecks {
		if c.words.In(msg) {
			var limit int
			_, _ = fmt.Sscanf(msg, string(appointments.WordsTooLong), &limit)
			return sentence(l.T(c.key, "Field", label, "Max", limit, "Detail", msg))
		}
	}
	return sentence(l.T("page.field.other", "Field", label, "Detail", englishDetail(label, msg)))
}

// englishDetail is a check's own words as a sentence: "The note is
// blank", or the message itself when it does not start with a verb.
func englishDetail(label, msg string) string {
	if strings.HasPrefix(msg, "is ") || strings.HasPrefix(msg, "contains ") {
		return label + " " + msg
	}
	return msg
}

// lowerFirst lowers a sentence's first letter, for a phrase inside
// another ("By video" → "by video").
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// upperFirst raises a phrase's first letter, to start a sentence.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// adminProblems are the refusals only the practice meets.
var adminProblems = []struct {
	err error
	key string
}{
	{appointments.ErrNotStarted, "admin.problem.not_started"},
	{appointments.ErrAnswered, "admin.problem.answered"},
	{appointments.ErrTimeOffFull, "admin.problem.timeoff_full"},
}

// adminProblem says why a change from an admin page did not go through,
// in l: the kind of refusal, and each field's problem.
func adminProblem(l *locale.Localizer, a answer, err error) string {
	for _, p := range adminProblems {
		if errors.Is(err, p.err) {
			return l.T(p.key)
		}
	}
	if len(a.Fields) == 0 || a.Fields["start"] != "" {
		return problemText(l, a, err)
	}
	msg := l.T("admin.problem.invalid")
	for _, field := range slices.Sorted(maps.Keys(a.Fields)) {
		msg += " " + fieldMessage(l, field, a.Fields[field])
	}
	return msg
}
