package calendar_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/consultd/consultd/calendar"
)

// Part-day time off takes out every start whose session would run into it,
// and no more: the session may end as it begins and its buffer may run
// into it, as a buffer may run past working hours. Afternoons on the days
// New York's clocks change (2027-03-14, 2027-11-07) are read on the new
// offset.
func TestFreeSlotsLeaveOutPartDayTimeOff(t *testing.T) {
	ny := availZone(t, "America/New_York")
	hour := calendar.SessionType{Duration: 50 * time.Minute, Buffer: 10 * time.Minute}
	rules := calendar.Rules{Horizon: 2 * 365 * 24 * time.Hour, Step: time.Hour}
	now := availUTC("2027-01-01T00:00Z")
	afternoon := func(day string) calendar.Interval {
		d := availDay(day)
		return calendar.Interval{Start: d.At(13*60, ny), End: d.At(17*60, ny)}
	}
	tests := []struct {
		desc string
		day  string
		off  []calendar.Interval
		want []string
	}{
		{"no time off", "2027-01-05", nil, []string{
			"2027-01-05T14:00Z", "2027-01-05T15:00Z", "2027-01-05T16:00Z",
			"2027-01-05T18:00Z", "2027-01-05T19:00Z", "2027-01-05T20:00Z", "2027-01-05T21:00Z"}},
		{"the afternoon off, on EST", "2027-01-05", []calendar.Interval{afternoon("2027-01-05")}, []string{
			"2027-01-05T14:00Z", "2027-01-05T15:00Z", "2027-01-05T16:00Z"}},
		{"spring forward: the afternoon off is on EDT", "2027-03-14", []calendar.Interval{afternoon("2027-03-14")}, []string{
			"2027-03-14T13:00Z", "2027-03-14T14:00Z", "2027-03-14T15:00Z"}},
		{"fall back: the afternoon off is on EST", "2027-11-07", []calendar.Interval{afternoon("2027-11-07")}, []string{
			"2027-11-07T14:00Z", "2027-11-07T15:00Z", "2027-11-07T16:00Z"}},
		{"time off from 10:30 takes the session that would run into it", "2027-01-05",
			[]calendar.Interval{{Start: availUTC("2027-01-05T15:30Z"), End: availUTC("2027-01-05T19:00Z")}}, []string{
				"2027-01-05T14:00Z", "2027-01-05T19:00Z", "2027-01-05T20:00Z", "2027-01-05T21:00Z"}},
		{"time off from 10:50: only the buffer runs into it", "2027-01-05",
			[]calendar.Interval{{Start: availUTC("2027-01-05T15:50Z"), End: availUTC("2027-01-05T23:00Z")}}, []string{
				"2027-01-05T14:00Z", "2027-01-05T15:00Z"}},
		{"time off of another day takes nothing", "2027-01-05", []calendar.Interval{afternoon("2027-01-06")}, []string{
			"2027-01-05T14:00Z", "2027-01-05T15:00Z", "2027-01-05T16:00Z",
			"2027-01-05T18:00Z", "2027-01-05T19:00Z", "2027-01-05T20:00Z", "2027-01-05T21:00Z"}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			d := availDay(tc.day)
			s := calendar.Schedule{TherapistID: "ada", Location: ny, TimeOffSpans: tc.off,
				Weekly: availWeek(availHours("09:00-12:00", "13:00-17:00"), d.Weekday())}
			got := availStarts(calendar.FreeSlots(s, hour, rules, now, d, d, nil))
			if !slices.Equal(got, tc.want) {
				t.Errorf("starts:\n got %v\nwant %v", got, tc.want)
			}
			// CheckStart agrees with FreeSlots on every grid point of the day.
			for m := 0; m < 24*60; m += 60 {
				start := d.At(m, ny)
				offered := slices.Contains(got, start.UTC().Format(availLayout))
				if err := calendar.CheckStart(s, hour, rules, now, start); (err == nil) != offered {
					t.Errorf("CheckStart(%s) = %v, offered %v", start.UTC().Format(availLayout), err, offered)
				} else if err != nil && slices.ContainsFunc(tc.off, func(i calendar.Interval) bool {
					return i.Overlaps(calendar.Interval{Start: start, End: start.Add(hour.Duration)})
				}) && !errors.Is(err, calendar.ErrTimeOff) {
					t.Errorf("CheckStart(%s) = %v, want ErrTimeOff", start.UTC().Format(availLayout), err)
				}
			}
		})
	}
}

// Date.At reads a wall-clock time on a day the clocks change: 13:00 on
// either side of the change, and a time the clock skips as the jump.
func TestDateAtAcrossClockChanges(t *testing.T) {
	ny := availZone(t, "America/New_York")
	tests := []struct {
		day    string
		minute int
		want   string
	}{
		{"2027-03-13", 13 * 60, "2027-03-13T18:00Z"},
		{"2027-03-14", 13 * 60, "2027-03-14T17:00Z"},
		{"2027-03-14", 2*60 + 30, "2027-03-14T07:00Z"},
		{"2027-11-07", 13 * 60, "2027-11-07T18:00Z"},
		{"2027-11-06", 13 * 60, "2027-11-06T17:00Z"},
		{"2027-01-05", 24 * 60, "2027-01-06T05:00Z"},
	}
	for _, tc := range tests {
		if got := availDay(tc.day).At(tc.minute, ny).UTC().Format(availLayout); got != tc.want {
			t.Errorf("%s minute %d = %s, want %s", tc.day, tc.minute, got, tc.want)
		}
	}
}
