package calendar_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/consultd/consultd/calendar"
)

// availLayout writes instants in UTC to the minute, as the tests expect them.
const availLayout = "2006-01-02T15:04Z"

var weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}

func availUTC(s string) time.Time {
	t, err := time.Parse(availLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

func availDay(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func availZone(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatalf("load zone %s: %v", name, err)
	}
	return loc
}

// availHours reads ranges written "09:00-12:00".
func availHours(specs ...string) []calendar.HoursRange {
	var out []calendar.HoursRange
	for _, spec := range specs {
		var h1, m1, h2, m2 int
		if _, err := fmt.Sscanf(spec, "%d:%d-%d:%d", &h1, &m1, &h2, &m2); err != nil {
			panic(err)
		}
		out = append(out, calendar.HoursRange{Start: h1*60 + m1, End: h2*60 + m2})
	}
	return out
}

// availWeek puts the same hours on each of days.
func availWeek(hours []calendar.HoursRange, days ...time.Weekday) [7][]calendar.HoursRange {
	var week [7][]calendar.HoursRange
	for _, d := range days {
		week[d] = hours
	}
	return week
}

func availStarts(slots []calendar.Slot) []string {
	var out []string
	for _, s := range slots {
		out = append(out, s.Start.UTC().Format(availLayout))
	}
	return out
}

func TestFreeSlotsRules(t *testing.T) {
	morning := availWeek(availHours("09:00-12:00"), weekdays...)
	session := calendar.SessionType{ID: "session", Duration: 50 * time.Minute, Buffer: 10 * time.Minute}
	short := calendar.SessionType{ID: "short", Duration: 30 * time.Minute}
	open := calendar.Rules{Horizon: 60 * 24 * time.Hour, Step: 30 * time.Minute}
	fine := calendar.Rules{Horizon: 60 * 24 * time.Hour, Step: 10 * time.Minute}
	booked := []calendar.Interval{{Start: availUTC("2026-06-10T14:00Z"), End: availUTC("2026-06-10T15:00Z")}}
	tests := []struct {
		desc     string
		weekly   [7][]calendar.HoursRange
		timeOff  []calendar.DateRange
		session  calendar.SessionType
		rules    calendar.Rules
		now      string
		from, to string
		busy     []calendar.Interval
		want     []string
	}{{
		desc:    "hours ending at 24:00 offer a last session ending at local midnight",
		weekly:  availWeek(availHours("20:00-24:00"), time.Wednesday),
		session: calendar.SessionType{Duration: time.Hour}, rules: open,
		now: "2026-06-01T00:00Z", from: "2026-06-10", to: "2026-06-10",
		want: []string{"2026-06-11T00:00Z", "2026-06-11T00:30Z", "2026-06-11T01:00Z", "2026-06-11T01:30Z",
			"2026-06-11T02:00Z", "2026-06-11T02:30Z", "2026-06-11T03:00Z"},
	}, {
		desc:    "time off over several days and a month end",
		weekly:  availWeek(availHours("09:00-10:00"), weekdays...),
		timeOff: []calendar.DateRange{{From: availDay("2026-06-29"), To: availDay("2026-07-02")}},
		session: calendar.SessionType{Duration: time.Hour}, rules: open,
		now: "2026-06-01T00:00Z", from: "2026-06-26", to: "2026-07-06",
		want: []string{"2026-06-26T13:00Z", "2026-07-03T13:00Z", "2026-07-06T13:00Z"},
	}, {
		desc:    "a weekday without hours has no starts",
		weekly:  availWeek(availHours("09:00-10:00"), time.Tuesday),
		session: calendar.SessionType{Duration: time.Hour}, rules: open,
		now: "2026-06-01T00:00Z", from: "2026-06-08", to: "2026-06-10",
		want: []string{"2026-06-09T13:00Z"},
	}, {
		desc:   "a booking with its buffer blocks the starts that would overlap it",
		weekly: morning, session: session, rules: fine,
		now: "2026-06-01T00:00Z", from: "2026-06-10", to: "2026-06-10", busy: booked,
		want: []string{"2026-06-10T13:00Z", "2026-06-10T15:00Z", "2026-06-10T15:10Z"},
	}, {
		desc:   "unsorted, overlapping busy intervals block the same starts",
		weekly: morning, session: session, rules: fine,
		now: "2026-06-01T00:00Z", from: "2026-06-10", to: "2026-06-10",
		busy: []calendar.Interval{
			{Start: availUTC("2026-06-10T14:30Z"), End: availUTC("2026-06-10T15:00Z")},
			{Start: availUTC("2026-06-11T13:00Z"), End: availUTC("2026-06-11T14:00Z")},
			{Start: availUTC("2026-06-10T14:00Z"), End: availUTC("2026-06-10T14:40Z")},
		},
		want: []string{"2026-06-10T13:00Z", "2026-06-10T15:00Z", "2026-06-10T15:10Z"},
	}, {
		desc:   "the new session's buffer blocks a start just before a booking",
		weekly: morning, rules: fine,
		session: calendar.SessionType{Duration: 50 * time.Minute, Buffer: 15 * time.Minute},
		now:     "2026-06-01T00:00Z", from: "2026-06-10", to: "2026-06-10", busy: booked,
		want: []string{"2026-06-10T15:00Z", "2026-06-10T15:10Z"},
	}, {
		desc:    "the buffer may run past the end of hours",
		weekly:  availWeek(availHours("09:00-10:00"), time.Wednesday),
		session: calendar.SessionType{Duration: 50 * time.Minute, Buffer: 30 * time.Minute},
		rules:   calendar.Rules{Horizon: 60 * 24 * time.Hour, Step: time.Hour},
		now:     "2026-06-01T00:00Z", from: "2026-06-10", to: "2026-06-10",
		want: []string{"2026-06-10T13:00Z"},
	}, {
		desc:   "a start exactly at the end of the minimum notice is offered",
		weekly: morning, session: short,
		rules: calendar.Rules{MinNotice: 90 * time.Minute, Horizon: 60 * 24 * time.Hour, Step: 30 * time.Minute},
		now:   "2026-06-10T12:30Z", from: "2026-06-10", to: "2026-06-10",
		want: []string{"2026-06-10T14:00Z", "2026-06-10T14:30Z", "2026-06-10T15:00Z", "2026-06-10T15:30Z"},
	}, {
		desc:   "a start exactly at the horizon is the last one offered",
		weekly: morning, session: short,
		rules: calendar.Rules{Horizon: 9*24*time.Hour + 30*time.Minute, Step: 30 * time.Minute},
		now:   "2026-06-01T14:00Z", from: "2026-06-10", to: "2026-06-12",
		want: []string{"2026-06-10T13:00Z", "2026-06-10T13:30Z", "2026-06-10T14:00Z", "2026-06-10T14:30Z"},
	}, {
		desc:   "days that have passed offer nothing",
		weekly: morning, session: short, rules: open,
		now: "2026-06-10T18:00Z", from: "2026-06-08", to: "2026-06-10",
	}, {
		desc:    "overlapping weekly ranges offer each start once",
		weekly:  availWeek(availHours("10:00-12:00", "09:00-11:00"), time.Wednesday),
		session: calendar.SessionType{Duration: time.Hour},
		rules:   calendar.Rules{Horizon: 60 * 24 * time.Hour, Step: time.Hour},
		now:     "2026-06-01T00:00Z", from: "2026-06-10", to: "2026-06-10",
		want: []string{"2026-06-10T13:00Z", "2026-06-10T14:00Z", "2026-06-10T15:00Z"},
	}, {
		desc:    "a session may not run across two ranges that touch",
		weekly:  availWeek(availHours("09:00-10:30", "10:30-12:00"), time.Wednesday),
		session: calendar.SessionType{Duration: time.Hour}, rules: open,
		now: "2026-06-01T00:00Z", from: "2026-06-10", to: "2026-06-10",
		want: []string{"2026-06-10T13:00Z", "2026-06-10T13:30Z", "2026-06-10T14:30Z", "2026-06-10T15:00Z"},
	}, {
		desc:   "a step that is not whole minutes offers nothing",
		weekly: morning, session: short,
		rules: calendar.Rules{Horizon: 60 * 24 * time.Hour, Step: 90 * time.Second},
		now:   "2026-06-01T00:00Z", from: "2026-06-10", to: "2026-06-10",
	}, {
		desc:   "from after to offers nothing",
		weekly: morning, session: short, rules: open,
		now: "2026-06-01T00:00Z", from: "2026-06-11", to: "2026-06-10",
	}}
	ny := availZone(t, "America/New_York")
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			s := calendar.Schedule{TherapistID: "ada", Location: ny, Weekly: tc.weekly, TimeOff: tc.timeOff}
			busy := slices.Clone(tc.busy)
			got := calendar.FreeSlots(s, tc.session, tc.rules, availUTC(tc.now), availDay(tc.from), availDay(tc.to), busy)
			if starts := availStarts(got); !slices.Equal(starts, tc.want) {
				t.Errorf("starts:\n got %v\nwant %v", starts, tc.want)
			}
			for _, slot := range got {
				if slot.TherapistID != "ada" || !slot.End.Equal(slot.Start.Add(tc.session.Duration)) {
					t.Errorf("slot %+v: want therapist ada and end = start + %v", slot, tc.session.Duration)
				}
			}
			if !slices.Equal(busy, tc.busy) {
				t.Errorf("FreeSlots changed the caller's busy slice")
			}
		})
	}
}

func TestCheckStart(t *testing.T) {
	s := calendar.Schedule{
		TherapistID: "ada",
		Location:    availZone(t, "America/New_York"),
		Weekly:      availWeek(availHours("09:00-12:00", "13:00-17:00"), weekdays...),
		TimeOff:     []calendar.DateRange{{From: availDay("2026-11-05"), To: availDay("2026-11-06")}},
	}
	s.Weekly[time.Sunday] = availHours("00:00-24:00")
	session := calendar.SessionType{Duration: 50 * time.Minute, Buffer: 10 * time.Minute}
	rules := calendar.Rules{MinNotice: 24 * time.Hour, Horizon: 30 * 24 * time.Hour, Step: 15 * time.Minute}
	now := availUTC("2026-10-20T14:00Z")
	tests := []struct {
		desc  string
		start time.Time
		want  error
	}{
		{"on the grid inside hours", availUTC("2026-10-28T13:00Z"), nil},
		{"between grid points", availUTC("2026-10-28T13:10Z"), calendar.ErrOffGrid},
		{"seconds past a grid point", availUTC("2026-10-28T13:00Z").Add(30 * time.Second), calendar.ErrOffGrid},
		{"first 01:30 of the fall-back night", availUTC("2026-11-01T05:30Z"), nil},
		{"second 01:30 of the fall-back night", availUTC("2026-11-01T06:30Z"), calendar.ErrOffGrid},
		{"in the past", availUTC("2026-10-19T13:00Z"), calendar.ErrTooSoon},
		{"within the minimum notice", availUTC("2026-10-21T13:00Z"), calendar.ErrTooSoon},
		{"exactly at the minimum notice", availUTC("2026-10-21T14:00Z"), nil},
		{"exactly at the horizon", availUTC("2026-11-19T14:00Z"), nil},
		{"one step past the horizon", availUTC("2026-11-19T14:15Z"), calendar.ErrPastHorizon},
		{"first day of time off", availUTC("2026-11-05T14:00Z"), calendar.ErrTimeOff},
		{"last day of time off", availUTC("2026-11-06T21:00Z"), calendar.ErrTimeOff},
		{"during the lunch break", availUTC("2026-10-28T16:15Z"), calendar.ErrOutsideHours},
		{"session running past the end of hours", availUTC("2026-10-28T15:15Z"), calendar.ErrOutsideHours},
		{"a weekday without hours", availUTC("2026-10-24T14:00Z"), calendar.ErrOutsideHours},
		{"off the grid is said before too soon", availUTC("2026-10-19T13:10Z"), calendar.ErrOffGrid},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			err := calendar.CheckStart(s, session, rules, now, tc.start)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Errorf("CheckStart(%s) = %v, want %v", tc.start.Format(time.RFC3339), err, tc.want)
			}
		})
	}
}

func TestCheckStartRefusesBadStep(t *testing.T) {
	s := calendar.Schedule{Location: time.UTC, Weekly: availWeek(availHours("00:00-24:00"), weekdays...)}
	start := availUTC("2026-06-10T12:00Z")
	for _, tc := range []struct {
		desc string
		step time.Duration
	}{
		{"zero step", 0},
		{"negative step", -15 * time.Minute},
		{"step of seconds", 90 * time.Second},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			rules := calendar.Rules{Horizon: 60 * 24 * time.Hour, Step: tc.step}
			err := calendar.CheckStart(s, calendar.SessionType{Duration: time.Minute}, rules, availUTC("2026-06-01T00:00Z"), start)
			if !errors.Is(err, calendar.ErrOffGrid) {
				t.Errorf("got %v, want ErrOffGrid", err)
			}
		})
	}
}
