package appointments

import (
	"fmt"
	"regexp"
	"strings"
)

// Words is how a field's problem is written for the JSON API (in English,
// read by programs by the field's key). A page says the same in its own
// language: it tells which problem a message is by these very words, so
// the wording lives here once and a page cannot drift from it.
type Words string

// The problems the client's fields can have.
const (
	WordsRequired    Words = "is required"
	WordsNotUTF8     Words = "is not valid UTF-8"
	WordsTooLong     Words = "is longer than %d characters"
	WordsControl     Words = "contains control characters"
	WordsInvisible   Words = "contains invisible formatting characters"
	WordsNameOnly    Words = "must be a name only, without links, addresses or encoded text"
	WordsEmail       Words = "is not a valid email address"
	WordsZone        Words = "is not a known IANA time zone"
	WordsNotInLink   Words = "is not offered by this booking link"
	WordsStartFormat Words = "is not an RFC 3339 time such as 2026-12-01T14:00:00Z"
	WordsUnknownType Words = "unknown session type %q"
	WordsNotOffered  Words = "%q is not offered: use one of %s"
)

// The problems of a time off the practice adds.
const (
	WordsNoTherapist Words = "Please choose a therapist."
	WordsNoFirstDay  Words = "Please give the first day off."
	WordsNotADate    Words = "%q is not a date: please write it as YYYY-MM-DD, for example 2026-12-24."
	WordsNotATime    Words = "%q is not a time: please write it as HH:MM, for example 13:00."
	WordsLastBefore  Words = "The last day is before the first."
	WordsTooManyDays Words = "Time off lasts %d days at most: add a longer absence in parts."
	WordsDaysPast    Words = "The last day has passed: time off is for days to come."
	WordsEndsBefore  Words = "The time off ends before it starts."
	WordsTimePast    Words = "That time has passed: time off is for times to come."
)

// Say writes the words with their values.
func (w Words) Say(args ...any) string { return fmt.Sprintf(string(w), args...) }

// In reports whether msg was written with these words (with any values).
func (w Words) In(msg string) bool {
	parts := verbs.Split(string(w), -1)
	if len(parts) == 1 {
		return msg == parts[0]
	}
	first, last := parts[0], parts[len(parts)-1]
	if len(msg) < len(first)+len(last) || !strings.HasPrefix(msg, first) || !strings.HasSuffix(msg, last) {
		return false
	}
	rest := msg[len(first) : len(msg)-len(last)]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(rest, p)
		if i < 0 {
			return false
		}
		rest = rest[i+len(p):]
	}
	return true
}

// verbs are the formatting verbs the words use.
var verbs = regexp.MustCompile(`%[dqs]`)

// NotOffered reads back what WordsNotOffered said: the language asked
// for and the list of those offered.
func NotOffered(msg string) (asked, offered string, ok bool) {
	if !WordsNotOffered.In(msg) {
		return "", "", false
	}
	quoted, rest, ok := strings.Cut(msg, ": use one of ")
	if !ok {
		return "", "", false
	}
	if _, err := fmt.Sscanf(quoted, "%q is not offered", &asked); err != nil {
		return "", "", false
	}
	return asked, rest, true
}
