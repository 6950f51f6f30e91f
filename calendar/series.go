package calendar

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/emersion/go-ical"
)

// maxSeriesOccurrences bounds a standing series: ten years of weekly
// sessions.
const maxSeriesOccurrences = 520

// WeeklyOccurrences lists count starts of a series that meets every
// everyWeeks weeks: first, then the same weekday and the same wall-clock
// time in loc, so a 13:00 session stays at 13:00 when the clocks change.
// It returns nil when everyWeeks or count is below 1.
//
// A wall-clock time that loc's clock skips on some occurrence's day (the
// hour clocks go forward) or shows twice (the hour they go back) is the
// instant time.Date gives, which is fixed by the zone data: in
// America/New_York a skipped 02:30 is 01:30 EST and a repeated 01:30 is
// the first, EDT; in Europe/London a skipped 01:30 is 02:30 BST and a
// repeated 01:30 is the second, GMT. The availability grid offers no start
// in a skipped hour, but a series' later week may land in one. A reader of
// the series' RRULE places such a week as RFC 5545 §3.3.5 says (a skipped
// time with the offset before the gap, a repeated one at its first
// showing), which differs from time.Date in New York's skipped hour and
// London's repeated one; the weeks themselves, and so RECURRENCE-ID and
// EXDATE, are still named the same (see SeriesEvent).
func WeeklyOccurrences(first time.Time, loc *time.Location, everyWeeks, count int) []time.Time {
	if everyWeeks < 1 || count < 1 {
		return nil
	}
	out := make([]time.Time, count)
	for i := range out {
		out[i] = weekOf(first, loc, everyWeeks*i)
	}
	return out
}

// weekOf is first's wall-clock time in loc, weeks weeks later.
func weekOf(first time.Time, loc *time.Location, weeks int) time.Time {
	w := first.In(loc)
	y, m, d := w.Date()
	h, mi, s := w.Clock()
	return time.Date(y, m, d+7*weeks, h, mi, s, w.Nanosecond(), loc)
}

// SeriesEvent is a standing weekly series sent as one iMIP event (RFC
// 6047): one VEVENT with DTSTART;TZID= the therapist's zone, an RRULE and
// a VTIMEZONE for the years it spans, so the client's calendar shows one
// series at the same local time before and after the clocks change.
//
// The embedded Event's Start and End are the first occurrence's, and its
// UID, Sequence, Stamp, texts and addresses are those of every message
// about the series. Every message carries a higher Sequence than the one
// before, whatever it changes.
//
// Occurrences are named as Occurrences lists them. In the file they are
// written as the series' wall-clock time on their day (RECURRENCE-ID,
// EXDATE), which is how a reader of the RRULE names them even on a day
// whose clock skips or repeats that time.
type SeriesEvent struct {
	Event
	Zone       *time.Location // the therapist's zone, whose clock the series keeps
	EveryWeeks int            // INTERVAL: 1 for weekly, 2 for every other week
	Count      int            // occurrences in all; or 0, with Until
	Until      time.Time      // with Count 0: the last occurrence starts at or before Until

	// Skipped are the occurrences that do not take place: weeks that
	// conflicted when the series was booked and, in every message after
	// a cancellation, the cancelled ones (EXDATE).
	Skipped []time.Time
	// Moved are the occurrences that take place at another time.
	Moved []MovedOccurrence
}

// MovedOccurrence is one occurrence of a series moved to another time.
type MovedOccurrence struct {
	Original   time.Time // its start as Occurrences lists it: RECURRENCE-ID
	Start, End time.Time
}

// Occurrences lists the series' starts as RRULE makes them, including
// skipped and moved ones (see WeeklyOccurrences). It is empty for a series
// without Count or Until.
func (s SeriesEvent) Occurrences() []time.Time {
	if s.Zone == nil || s.EveryWeeks < 1 {
		return nil
	}
	if s.Count > 0 {
		return WeeklyOccurrences(s.Start, s.Zone, s.EveryWeeks, min(s.Count, maxSeriesOccurrences+1))
	}
	var out []time.Time
	for i := 0; len(out) <= maxSeriesOccurrences; i++ {
		t := weekOf(s.Start, s.Zone, s.EveryWeeks*i)
		if t.After(s.Until) {
			break
		}
		out = append(out, t)
	}
	return out
}

// ICS renders the series as its Method says. REQUEST: the series as it now
// stands, for the first invite and for every change: the master VEVENT
// with the RRULE and an EXDATE per skipped occurrence, and one VEVENT per
// moved occurrence carrying its RECURRENCE-ID and new times. CANCEL: the
// whole series, by the master VEVENT without RECURRENCE-ID.
//
// A move is sent with the master rather than as the moved occurrence
// alone: RFC 5546 allows both, but Outlook and Google Calendar apply the
// complete form most reliably, and a client that missed an earlier
// message is brought up to date by the next.
//
// Cancelling "the rest" cancels the series: calendars then drop its past
// occurrences too. To keep them, send a REQUEST whose Count (or Until)
// ends the series instead.
func (s SeriesEvent) ICS() ([]byte, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	tz, err := s.vtimezone()
	if err != nil {
		return nil, err
	}
	parts := []*ical.Component{tz, s.master()}
	if s.Method == MethodRequest {
		for _, m := range s.sortedMoves() {
			parts = append(parts, s.moved(m))
		}
	}
	return encode(s.UID, s.Method, parts...)
}

// CancelOccurrenceICS renders the cancellation of one occurrence, named
// by its start as Occurrences lists it, whether or not it is already in
// Skipped and whether or not it was moved: METHOD:CANCEL with one VEVENT
// whose RECURRENCE-ID is that occurrence and STATUS:CANCELLED. The
// embedded Method is not used. Later messages about the series list the
// occurrence in Skipped.
func (s SeriesEvent) CancelOccurrenceICS(original time.Time) ([]byte, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	i, ok := s.index(original)
	if !ok {
		return nil, fmt.Errorf("calendar: series %s: %s is not one of its occurrences", s.UID, original.UTC().Format(time.RFC3339))
	}
	occ := MovedOccurrence{Original: original, Start: original, End: original.Add(s.End.Sub(s.Start))}
	if m, ok := s.move(original); ok {
		occ = m
	}
	tz, err := s.vtimezone()
	if err != nil {
		return nil, err
	}
	ev := s.instance(i, occ.Start, occ.End)
	ev.Props.SetText(ical.PropStatus, string(ical.EventCancelled))
	return encode(s.UID, MethodCancel, tz, ev)
}

// validate refuses a series that calendars would read otherwise than it
// is meant; messages name fields, never the client.
func (s SeriesEvent) validate() error {
	if err := s.Event.validate(); err != nil {
		return err
	}
	switch {
	case s.Zone == nil || s.Zone.String() == "" || s.Zone.String() == "Local":
		return fmt.Errorf("calendar: series %s: %w", s.UID, errNoZone)
	case s.EveryWeeks < 1:
		return fmt.Errorf("calendar: series %s: every %d weeks: must be 1 or more", s.UID, s.EveryWeeks)
	case (s.Count > 0) == !s.Until.IsZero():
		return fmt.Errorf("calendar: series %s: give either a count or an until, not both or neither", s.UID)
	case s.Count < 0:
		return fmt.Errorf("calendar: series %s: count %d is negative", s.UID, s.Count)
	case !s.Until.IsZero() && s.Until.Before(s.Start):
		return fmt.Errorf("calendar: series %s: until is before the first start", s.UID)
	case len(s.Occurrences()) > maxSeriesOccurrences:
		return fmt.Errorf("calendar: series %s: more than %d occurrences", s.UID, maxSeriesOccurrences)
	case !readsBack(s.Start, s.Zone):
		// A reader takes a repeated local time for its first showing.
		return fmt.Errorf("calendar: series %s starts at %s, a local time %s shows twice: calendars would read the first",
			s.UID, s.Start.In(s.Zone).Format("2006-01-02 15:04 MST"), s.Zone)
	}
	for _, t := range s.Skipped {
		if _, ok := s.index(t); !ok {
			return fmt.Errorf("calendar: series %s: skipped %s is not one of its occurrences", s.UID, t.UTC().Format(time.RFC3339))
		}
	}
	seen := map[int]bool{}
	for _, m := range s.Moved {
		i, ok := s.index(m.Original)
		switch {
		case !ok:
			return fmt.Errorf("calendar: series %s: moved %s is not one of its occurrences", s.UID, m.Original.UTC().Format(time.RFC3339))
		case seen[i]:
			return fmt.Errorf("calendar: series %s: occurrence %s moved twice", s.UID, m.Original.UTC().Format(time.RFC3339))
		case slices.ContainsFunc(s.Skipped, m.Original.Equal):
			return fmt.Errorf("calendar: series %s: occurrence %s both skipped and moved", s.UID, m.Original.UTC().Format(time.RFC3339))
		case m.Start.IsZero() || !m.End.After(m.Start):
			return fmt.Errorf("calendar: series %s: moved %s: end no later than start", s.UID, m.Original.UTC().Format(time.RFC3339))
		}
		seen[i] = true
	}
	return nil
}

// index is the position of an occurrence's start in Occurrences.
func (s SeriesEvent) index(start time.Time) (int, bool) {
	i := slices.IndexFunc(s.Occurrences(), start.Equal)
	return i, i >= 0
}

func (s SeriesEvent) move(original time.Time) (MovedOccurrence, bool) {
	i := slices.IndexFunc(s.Moved, func(m MovedOccurrence) bool { return m.Original.Equal(original) })
	if i < 0 {
		return MovedOccurrence{}, false
	}
	return s.Moved[i], true
}

func (s SeriesEvent) sortedMoves() []MovedOccurrence {
	return slices.SortedFunc(slices.Values(s.Moved), func(a, b MovedOccurrence) int { return a.Original.Compare(b.Original) })
}

// vtimezone covers every time the messages write.
func (s SeriesEvent) vtimezone() (*ical.Component, error) {
	from, to := s.Start, s.End
	if occ := s.Occurrences(); len(occ) > 0 {
		to = latest(to, occ[len(occ)-1].Add(s.End.Sub(s.Start)))
	}
	for _, m := range s.Moved {
		from, to = earliest(from, m.Start), latest(to, m.End)
	}
	tz, err := VTimezone(s.Zone, from, to)
	if err != nil {
		return nil, fmt.Errorf("calendar: series %s: %w", s.UID, err)
	}
	return tz, nil
}

// master is the VEVENT of the whole series.
func (s SeriesEvent) master() *ical.Component {
	c := s.component()
	p := c.Props
	p.Set(s.wallProp(ical.PropDateTimeStart, 0))
	p.Set(zonedProp(ical.PropDateTimeEnd, s.End, s.Zone))
	rule := ical.NewProp(ical.PropRecurrenceRule)
	rule.Value = "FREQ=WEEKLY;INTERVAL=" + strconv.Itoa(s.EveryWeeks)
	if s.Count > 0 {
		rule.Value += ";COUNT=" + strconv.Itoa(s.Count)
	} else {
		// With a DTSTART in a zone, UNTIL must be UTC (RFC 5545 §3.3.10).
		rule.Value += ";UNTIL=" + s.Until.UTC().Format("20060102T150405Z")
	}
	p.Set(rule)
	skipped := make([]int, 0, len(s.Skipped))
	for _, t := range s.Skipped {
		i, _ := s.index(t)
		skipped = append(skipped, i)
	}
	slices.Sort(skipped)
	for _, i := range slices.Compact(skipped) {
		p.Add(s.wallProp(ical.PropExceptionDates, i))
	}
	return c
}

// moved is the VEVENT of one moved occurrence.
func (s SeriesEvent) moved(m MovedOccurrence) *ical.Component {
	i, _ := s.index(m.Original)
	return s.instance(i, m.Start, m.End)
}

// instance is a VEVENT about occurrence i alone, now at [start, end).
func (s SeriesEvent) instance(i int, start, end time.Time) *ical.Component {
	c := s.component()
	c.Props.Set(s.wallProp(ical.PropRecurrenceID, i))
	c.Props.Set(zonedProp(ical.PropDateTimeStart, start, s.Zone))
	c.Props.Set(zonedProp(ical.PropDateTimeEnd, end, s.Zone))
	return c
}

// wallProp names occurrence i as a reader of the RRULE does: the first
// start's wall-clock time on the occurrence's day, in the series' zone.
func (s SeriesEvent) wallProp(name string, i int) *ical.Prop {
	w := s.Start.In(s.Zone)
	y, m, d := w.Date()
	h, mi, sec := w.Clock()
	p := ical.NewProp(name)
	p.Params.Set(ical.ParamTimezoneID, s.Zone.String())
	p.Value = time.Date(y, m, d+7*s.EveryWeeks*i, h, mi, sec, 0, time.UTC).Format("20060102T150405")
	return p
}

// zonedProp writes the instant t as a local time in loc, or in UTC when
// loc's clock shows that local time twice and t is the second showing,
// which readers would take for the first.
func zonedProp(name string, t time.Time, loc *time.Location) *ical.Prop {
	p := ical.NewProp(name)
	if !readsBack(t, loc) {
		p.Value = t.UTC().Format("20060102T150405Z")
		return p
	}
	p.Params.Set(ical.ParamTimezoneID, loc.String())
	p.Value = t.In(loc).Format("20060102T150405")
	return p
}

// readsBack reports whether t's local time in loc names t for a reader
// that takes a repeated local time for its first showing (RFC 5545
// §3.3.5): false only in the hour after clocks go back.
func readsBack(t time.Time, loc *time.Location) bool {
	l := t.In(loc)
	begin, _ := l.ZoneBounds()
	if begin.IsZero() {
		return true
	}
	_, now := l.Zone()
	_, before := begin.Add(-time.Second).Zone()
	return before <= now || !l.Before(begin.Add(time.Duration(before-now)*time.Second))
}
