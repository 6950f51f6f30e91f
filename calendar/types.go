// Package calendar owns time: when a therapist is free (a pure availability
// engine) and how a booking is written as an iCalendar event.
package calendar

import (
	"fmt"
	"time"
)

// Date is a civil date, read in some therapist's time zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date of the form YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// DateOf is the civil date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// At is the instant at which the clock in loc shows minute (0 to 1440)
// after midnight of d. A minute the clock skips when it goes forward is
// the instant of the jump; of a minute shown twice when it goes back, the
// one time.Date picks (the earlier in zones west of Greenwich).
func (d Date) At(minute int, loc *time.Location) time.Time {
	return boundTime(d, minute, loc)
}

// Midnight is the start of the date in loc.
func (d Date) Midnight(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays moves the date by n days.
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	a := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	b := time.Date(e.Year, e.Month, e.Day, 0, 0, 0, 0, time.UTC)
	return a.Compare(b)
}

// Weekday of the date.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// DateRange is a run of whole days, both ends included.
type DateRange struct {
	From, To Date
}

// Contains reports whether d lies in the range.
func (r DateRange) Contains(d Date) bool {
	return r.From.Compare(d) <= 0 && d.Compare(r.To) <= 0
}

// HoursRange is part of a working day in minutes after local midnight;
// End may be 1440 (24:00).
type HoursRange struct {
	Start, End int
}

// Interval is a half-open span of absolute time [Start, End).
type Interval struct {
	Start, End time.Time
}

// Overlaps reports whether the two spans share any instant.
func (i Interval) Overlaps(j Interval) bool {
	return i.Start.Before(j.End) && j.Start.Before(i.End)
}

// Schedule is when one therapist works, in their own zone.
type Schedule struct {
	TherapistID string
	Location    *time.Location
	Weekly      [7][]HoursRange // indexed by time.Weekday
	TimeOff     []DateRange
	// TimeOffSpans are part-day time off, as absolute spans: no session
	// may run into one (its buffer may, as it may run past working hours).
	TimeOffSpans []Interval
}

// SessionType is a kind of appointment. The buffer follows every session
// of this type and is kept free of other sessions.
type SessionType struct {
	ID       string
	Duration time.Duration
	Buffer   time.Duration
}

// Rules bound when a session may start: not sooner than MinNotice from now,
// not later than Horizon from now, on a Step grid from local midnight.
type Rules struct {
	MinNotice time.Duration
	Horizon   time.Duration
	Step      time.Duration
}

// Slot is a bookable start for one therapist.
type Slot struct {
	TherapistID string
	Start, End  time.Time
}
