package calendar

import "time"

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
