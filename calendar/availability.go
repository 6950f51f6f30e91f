package calendar

import (
	"errors"
	"slices"
	"sort"
	"strings"
	"time"
)

// Reasons a start cannot be booked, as returned by CheckStart. The messages
// are written to be shown to the client as they are.
var (
	ErrOffGrid      = errors.New("start is not on the booking grid")
	ErrOutsideHours = errors.New("the session does not fit within the therapist's working hours")
	ErrTimeOff      = errors.New("the therapist is away at that time")
	ErrTooSoon      = errors.New("start is too soon: it has passed or falls within the minimum notice")
	ErrPastHorizon  = errors.New("start is further ahead than bookings are open")
)

// FreeSlots lists the starts at which a session of type t can be booked with
// the therapist of s, for local dates from..to (both included, in s.Location),
// sorted by start. Each slot ends when the session ends; its buffer is not part
// of the slot but must not overlap busy either. busy may be unsorted and
// overlapping; each interval already includes its own booking's buffer, and an
// empty interval blocks nothing. The result is nil when nothing is free, and
// also when r.Step is not a positive whole number of minutes.
//
// Starts follow the wall clock of s.Location (see wallTime): a time the clock
// skips is not offered, and a time the clock shows twice is offered once.
func FreeSlots(s Schedule, t SessionType, r Rules, now time.Time, from, to Date, busy []Interval) []Slot {
	step, ok := stepMinutes(r)
	if !ok {
		return nil
	}
	q := slotQuery{
		schedule: s,
		session:  t,
		step:     step,
		earliest: now.Add(r.MinNotice),
		latest:   now.Add(r.Horizon),
		busy:     newBusySet(busy),
		away:     newBusySet(s.TimeOffSpans),
	}
	// Days wholly before the notice or after the horizon cannot hold a start;
	// skipping them keeps a wide from..to cheap.
	first := maxDate(from, DateOf(q.earliest.In(s.Location)))
	last := minDate(to, LastDate(s, r, now))
	var out []Slot
	for d := first; d.Compare(last) <= 0; d = d.AddDays(1) {
		if !onTimeOff(s, d) {
			out = q.appendDay(out, d)
		}
	}
	return out
}

// CheckStart says why a start is not bookable, ignoring other bookings (the
// store checks overlap atomically); nil when it lies on the grid, inside
// working hours (whole session), not on a day off nor running into part-day
// time off, after now+MinNotice and not past now+Horizon. When several reasons apply, the first of these is given:
// off grid, too soon, past horizon, time off, outside hours.
//
// Of a wall-clock time shown twice (the hour repeated when clocks go back),
// only the instant FreeSlots offers is on the grid; the other is ErrOffGrid.
func CheckStart(s Schedule, t SessionType, r Rules, now time.Time, start time.Time) error {
	step, ok := stepMinutes(r)
	if !ok {
		return ErrOffGrid
	}
	local := start.In(s.Location)
	d := DateOf(local)
	minute := local.Hour()*60 + local.Minute()
	// Rebuilding the start from its wall-clock minute and comparing instants
	// also refuses stray seconds and the second showing of a repeated time.
	if at, _ := wallTime(d, minute, s.Location); minute%step != 0 || !at.Equal(start) {
		return ErrOffGrid
	}
	switch {
	case start.Before(now.Add(r.MinNotice)):
		return ErrTooSoon
	case start.After(now.Add(r.Horizon)):
		return ErrPastHorizon
	case onTimeOff(s, d) || newBusySet(s.TimeOffSpans).overlaps(start, start.Add(t.Duration)):
		return ErrTimeOff
	case !fitsHours(hourSpans(nil, s, d), start, start.Add(t.Duration)):
		return ErrOutsideHours
	}
	return nil
}

// LastDate is the last local date (in s.Location) on which a start could
// still be within the horizon.
func LastDate(s Schedule, r Rules, now time.Time) Date {
	return DateOf(now.Add(r.Horizon).In(s.Location))
}

// MergeSlots merges per-therapist lists into one sorted by start, then
// therapist id, so a practice-wide listing is stable from one call to the next.
// The result is never nil.
func MergeSlots(lists ...[]Slot) []Slot {
	// One therapist's list, as FreeSlots makes it, is already in order.
	if len(lists) == 1 && lists[0] != nil && slices.IsSortedFunc(lists[0], compareSlots) {
		return lists[0]
	}
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	out := make([]Slot, 0, n)
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.SortStableFunc(out, compareSlots)
	return out
}

func compareSlots(a, b Slot) int {
	if c := a.Start.Compare(b.Start); c != 0 {
		return c
	}
	return strings.Compare(a.TherapistID, b.TherapistID)
}

// slotQuery holds what FreeSlots needs for every day it looks at.
type slotQuery struct {
	schedule Schedule
	session  SessionType
	step     int // minutes
	earliest time.Time
	latest   time.Time
	busy     busySet
	away     busySet    // part-day time off
	spans    []Interval // reused from day to day
}

// appendDay appends the free starts of date d, in order. It walks the day's
// grid by wall-clock minute, so overlapping or unsorted weekly ranges still
// give each start once.
func (q *slotQuery) appendDay(out []Slot, d Date) []Slot {
	ranges := q.schedule.Weekly[d.Weekday()]
	if len(ranges) == 0 {
		return out
	}
	q.spans = hourSpans(q.spans[:0], q.schedule, d)
	for minute := 0; minute < minutesPerDay; minute += q.step {
		// A cheap test on wall-clock minutes first: a start outside every
		// range by the clock cannot be inside one in absolute time.
		if !coversMinute(ranges, minute) {
			continue
		}
		start, exists := wallTime(d, minute, q.schedule.Location)
		if !exists || start.Before(q.earliest) || start.After(q.latest) {
			continue
		}
		end := start.Add(q.session.Duration)
		if !fitsHours(q.spans, start, end) || q.away.overlaps(start, end) || q.busy.overlaps(start, end.Add(q.session.Buffer)) {
			continue
		}
		out = append(out, Slot{TherapistID: q.schedule.TherapistID, Start: start, End: end})
	}
	return out
}

// stepMinutes is the grid step in minutes; the grid is laid out in whole
// wall-clock minutes, so any other step is refused.
func stepMinutes(r Rules) (int, bool) {
	if r.Step < time.Minute || r.Step%time.Minute != 0 {
		return 0, false
	}
	return int(r.Step / time.Minute), true
}

func onTimeOff(s Schedule, d Date) bool {
	for _, off := range s.TimeOff {
		if off.Contains(d) {
			return true
		}
	}
	return false
}

func coversMinute(ranges []HoursRange, minute int) bool {
	for _, h := range ranges {
		if h.Start <= minute && minute < h.End {
			return true
		}
	}
	return false
}

func minDate(a, b Date) Date {
	if a.Compare(b) <= 0 {
		return a
	}
	return b
}

func maxDate(a, b Date) Date {
	if a.Compare(b) >= 0 {
		return a
	}
	return b
}

// minutesPerDay is the length of a day by the wall clock. Days around a
// daylight-saving change last 23 or 25 hours in absolute time, which is why
// the engine counts grid starts in wall-clock minutes and converts each one.
const minutesPerDay = 24 * 60

// wallTime is the instant at which the clock in loc shows the given minute
// after midnight of date d. exists is false when the clock never shows it
// (it is skipped when clocks go forward).
//
// When the clock shows that minute twice (the hour repeated when clocks go
// back), the instant is the one time.Date picks, and only that one is ever
// offered: the earlier occurrence in zones west of Greenwich such as
// America/New_York, the later one in Europe/London. Offering a repeated hour
// once keeps one start per wall-clock time, which is what a client reads.
func wallTime(d Date, minute int, loc *time.Location) (t time.Time, exists bool) {
	t = time.Date(d.Year, d.Month, d.Day, 0, minute, 0, 0, loc)
	return t, clockShift(t, d, minute) == 0
}

// boundTime is the instant at which working hours begin or end when the bound
// is the given minute of d. A bound the clock skips is moved to the instant
// clocks jump, whichever way time.Date resolved it, so hours such as
// 00:00-02:30 on a spring-forward night end when the clock leaves 01:59.
func boundTime(d Date, minute int, loc *time.Location) time.Time {
	t := time.Date(d.Year, d.Month, d.Day, 0, minute, 0, 0, loc)
	switch clockShift(t, d, minute) {
	case 1: // resolved after the jump: the jump is where t's zone begins
		begin, _ := t.ZoneBounds()
		return begin
	case -1: // resolved before the jump: the jump is where t's zone ends
		_, end := t.ZoneBounds()
		return end
	}
	return t
}

// clockShift compares the wall clock t shows with the one that was asked for
// (minute after midnight of d): 0 when equal, +1 when later, -1 when earlier.
// It compares full readings, date included, because minute may be 1440 and
// some zones change their clocks at midnight.
func clockShift(t time.Time, d Date, minute int) int {
	want := time.Date(d.Year, d.Month, d.Day, 0, minute, 0, 0, time.UTC)
	got := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	return got.Compare(want)
}

// hourSpans appends to buf the absolute spans of d's weekly hours. A range
// ending at 1440 ends at the next local midnight, however long the day is.
func hourSpans(buf []Interval, s Schedule, d Date) []Interval {
	for _, h := range s.Weekly[d.Weekday()] {
		buf = append(buf, Interval{
			Start: boundTime(d, h.Start, s.Location),
			End:   boundTime(d, h.End, s.Location),
		})
	}
	return buf
}

// fitsHours reports whether the session [start, end) lies within one span.
// Two ranges that touch are not joined: a session may not run across a
// boundary the therapist wrote down.
func fitsHours(spans []Interval, start, end time.Time) bool {
	for _, span := range spans {
		if !start.Before(span.Start) && !end.After(span.End) {
			return true
		}
	}
	return false
}

// busySet is the time already taken, as sorted, disjoint, non-empty spans.
// Sorting and merging once lets each candidate start be checked with a binary
// search instead of against every booking.
type busySet []Interval

// newBusySet sorts and merges busy without changing the caller's slice.
// Spans that touch are merged too: under the half-open rule a session that
// overlaps the union overlaps one of the parts, so nothing changes.
func newBusySet(busy []Interval) busySet {
	sorted := make([]Interval, 0, len(busy))
	for _, b := range busy {
		if b.Start.Before(b.End) {
			sorted = append(sorted, b)
		}
	}
	slices.SortFunc(sorted, func(a, b Interval) int { return a.Start.Compare(b.Start) })
	merged := sorted[:0]
	for _, b := range sorted {
		last := len(merged) - 1
		if last >= 0 && !b.Start.After(merged[last].End) {
			if b.End.After(merged[last].End) {
				merged[last].End = b.End
			}
			continue
		}
		merged = append(merged, b)
	}
	return merged
}

// overlaps reports whether [start, end) shares any instant with the set.
// The first span ending after start is the only one that can overlap: those
// before it end in time, those after it begin later than it does.
func (s busySet) overlaps(start, end time.Time) bool {
	i := sort.Search(len(s), func(i int) bool { return s[i].End.After(start) })
	return i < len(s) && s[i].Start.Before(end)
}
