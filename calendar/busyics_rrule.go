package calendar

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/teambition/rrule-go"
)

// Recurrence rules of feeds are expanded on a floating wall clock: times
// are handled as readings of a clock (the fields of a UTC time, which has
// no daylight saving) and only then placed in a zone.

// dateOnlyUntil finds an UNTIL written as a date without a time.
var dateOnlyUntil = regexp.MustCompile(`UNTIL=\d{8}(;|$)`)

// repeat expands an RRULE on the wall clock of start's zone. Occurrences
// are returned as floating wall-clock readings (fields of a UTC time), up to
// end; the caller places each in the zone, so a daylight-saving change moves
// no occurrence off its local time. rrule-go is given floating times only:
// UNTIL, which may be UTC, is moved to the same wall clock first.
func repeat(rule string, start time.Time, allDay bool, end time.Time, limit int) ([]time.Time, error) {
	rule = strings.ToUpper(strings.TrimSpace(rule))
	opt, err := rrule.StrToROptionInLocation(rule, start.Location())
	if err != nil {
		return nil, err
	}
	// An hourly or finer rule that never matches would keep rrule-go busy
	// for a very long time, and no calendar app makes such busy events.
	if opt.Freq > rrule.DAILY {
		return nil, fmt.Errorf("FREQ=%s is not supported", opt.Freq)
	}
	opt.Dtstart = floating(start)
	if !opt.Until.IsZero() {
		opt.Until = floating(opt.Until.In(start.Location()))
		if !allDay && dateOnlyUntil.MatchString(rule) {
			// A date UNTIL on a timed event (against RFC 5545, but written):
			// the whole day is meant.
			opt.Until = opt.Until.Add(24*time.Hour - time.Second)
		}
	}
	// Without UNTIL rrule-go stops 290 years after DTSTART (the longest
	// time.Duration), which cuts off zones defined from 1601 as Outlook does.
	if opt.Until.IsZero() || opt.Until.After(end) {
		opt.Until = end
	}
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, err
	}
	next := r.Iterator()
	var out []time.Time
	for {
		w, ok := next()
		if !ok || w.After(end) {
			return out, nil
		}
		if len(out) == limit {
			return nil, fmt.Errorf("more than %d occurrences", limit)
		}
		out = append(out, w)
	}
}

// floating is the wall-clock reading of t, as the fields of a UTC time.
func floating(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

// placeWall is the instant at which loc's clock shows the floating reading
// w. A reading the clock skips, or shows twice, is resolved as time.Date
// does (see wallTime).
func placeWall(w time.Time, loc *time.Location) time.Time {
	return time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, loc)
}
