package calendar_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/calendar"
)

// availFarHorizon keeps notice and horizon out of the way of zone tests.
var availFarHorizon = calendar.Rules{Horizon: 2 * 365 * 24 * time.Hour}

// availOneDay lists the free starts of day in zone when hours are worked on it.
func availOneDay(t *testing.T, zone, day string, hours []calendar.HoursRange, step, duration time.Duration) []calendar.Slot {
	t.Helper()
	d := availDay(day)
	s := calendar.Schedule{TherapistID: "ada", Location: availZone(t, zone), Weekly: availWeek(hours, d.Weekday())}
	rules := availFarHorizon
	rules.Step = step
	return calendar.FreeSlots(s, calendar.SessionType{Duration: duration}, rules, availUTC("2026-01-01T00:00Z"), d, d, nil)
}

// The clocks change on 2026-03-08 and 2026-11-01 in New York (at 07:00Z and
// 06:00Z) and on 2026-03-29 and 2026-10-25 in London (both at 01:00Z).
func TestFreeSlotsAcrossClockChanges(t *testing.T) {
	tests := []struct {
		desc      string
		zone, day string
		hours     []string
		step, dur time.Duration
		want      []string
	}{
		{"New York spring forward skips 02:00-02:59", "America/New_York", "2026-03-08", []string{"01:00-04:00"}, 30 * time.Minute, 30 * time.Minute,
			[]string{"2026-03-08T06:00Z", "2026-03-08T06:30Z", "2026-03-08T07:00Z", "2026-03-08T07:30Z"}},
		{"New York spring forward refuses the session straddling the gap past the end of hours", "America/New_York", "2026-03-08", []string{"00:00-03:00"}, 30 * time.Minute, time.Hour,
			[]string{"2026-03-08T05:00Z", "2026-03-08T05:30Z", "2026-03-08T06:00Z"}},
		{"New York spring forward: hours ending inside the gap end at the jump", "America/New_York", "2026-03-08", []string{"00:00-02:30"}, 30 * time.Minute, 30 * time.Minute,
			[]string{"2026-03-08T05:00Z", "2026-03-08T05:30Z", "2026-03-08T06:00Z", "2026-03-08T06:30Z"}},
		{"New York spring forward afternoon is on EDT", "America/New_York", "2026-03-08", []string{"13:00-17:00"}, time.Hour, time.Hour,
			[]string{"2026-03-08T17:00Z", "2026-03-08T18:00Z", "2026-03-08T19:00Z", "2026-03-08T20:00Z"}},
		{"New York fall back offers the repeated hour once, on EDT", "America/New_York", "2026-11-01", []string{"01:00-04:00"}, 30 * time.Minute, 30 * time.Minute,
			[]string{"2026-11-01T05:00Z", "2026-11-01T05:30Z", "2026-11-01T07:00Z", "2026-11-01T07:30Z", "2026-11-01T08:00Z", "2026-11-01T08:30Z"}},
		{"New York fall back: a two-hour session may span the repeated hour", "America/New_York", "2026-11-01", []string{"00:00-03:00"}, time.Hour, 2 * time.Hour,
			[]string{"2026-11-01T04:00Z", "2026-11-01T05:00Z"}},
		{"New York fall back afternoon is on EST", "America/New_York", "2026-11-01", []string{"13:00-17:00"}, time.Hour, time.Hour,
			[]string{"2026-11-01T18:00Z", "2026-11-01T19:00Z", "2026-11-01T20:00Z", "2026-11-01T21:00Z"}},
		{"London spring forward skips 01:00-01:59", "Europe/London", "2026-03-29", []string{"01:00-04:00"}, 30 * time.Minute, 30 * time.Minute,
			[]string{"2026-03-29T01:00Z", "2026-03-29T01:30Z", "2026-03-29T02:00Z", "2026-03-29T02:30Z"}},
		{"London spring forward: hours starting inside the gap begin at the jump", "Europe/London", "2026-03-29", []string{"01:30-03:00"}, 30 * time.Minute, 30 * time.Minute,
			[]string{"2026-03-29T01:00Z", "2026-03-29T01:30Z"}},
		{"London spring forward: a session may straddle the gap inside hours", "Europe/London", "2026-03-29", []string{"00:00-03:00"}, 30 * time.Minute, time.Hour,
			[]string{"2026-03-29T00:00Z", "2026-03-29T00:30Z", "2026-03-29T01:00Z"}},
		{"London spring forward morning is on BST", "Europe/London", "2026-03-29", []string{"09:00-12:00"}, time.Hour, time.Hour,
			[]string{"2026-03-29T08:00Z", "2026-03-29T09:00Z", "2026-03-29T10:00Z"}},
		{"London spring forward afternoon is on BST", "Europe/London", "2026-03-29", []string{"13:00-17:00"}, time.Hour, time.Hour,
			[]string{"2026-03-29T12:00Z", "2026-03-29T13:00Z", "2026-03-29T14:00Z", "2026-03-29T15:00Z"}},
		{"London fall back offers the repeated hour once, on GMT", "Europe/London", "2026-10-25", []string{"01:00-04:00"}, 30 * time.Minute, 30 * time.Minute,
			[]string{"2026-10-25T01:00Z", "2026-10-25T01:30Z", "2026-10-25T02:00Z", "2026-10-25T02:30Z", "2026-10-25T03:00Z", "2026-10-25T03:30Z"}},
		{"London fall back from midnight skips the first 01:00-01:59", "Europe/London", "2026-10-25", []string{"00:00-02:00"}, 30 * time.Minute, 30 * time.Minute,
			[]string{"2026-10-24T23:00Z", "2026-10-24T23:30Z", "2026-10-25T01:00Z", "2026-10-25T01:30Z"}},
		{"London fall back morning is on GMT", "Europe/London", "2026-10-25", []string{"09:00-12:00"}, time.Hour, time.Hour,
			[]string{"2026-10-25T09:00Z", "2026-10-25T10:00Z", "2026-10-25T11:00Z"}},
		{"London fall back afternoon is on GMT", "Europe/London", "2026-10-25", []string{"13:00-17:00"}, time.Hour, time.Hour,
			[]string{"2026-10-25T13:00Z", "2026-10-25T14:00Z", "2026-10-25T15:00Z", "2026-10-25T16:00Z"}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			got := availStarts(availOneDay(t, tc.zone, tc.day, availHours(tc.hours...), tc.step, tc.dur))
			if !slices.Equal(got, tc.want) {
				t.Errorf("starts:\n got %v\nwant %v", got, tc.want)
			}
		})
	}
}

// A whole day of hours has 23 or 25 hours on the days the clocks change; the
// last session still ends at the next local midnight and no start repeats.
func TestFreeSlotsWholeDay(t *testing.T) {
	tests := []struct {
		desc, zone, day string
		count           int
		first, last     string
	}{
		{"New York ordinary day", "America/New_York", "2026-06-10", 96, "2026-06-10T04:00Z", "2026-06-11T03:45Z"},
		{"New York spring forward (23 hours)", "America/New_York", "2026-03-08", 92, "2026-03-08T05:00Z", "2026-03-09T03:45Z"},
		{"New York fall back (25 hours)", "America/New_York", "2026-11-01", 96, "2026-11-01T04:00Z", "2026-11-02T04:45Z"},
		{"London spring forward (23 hours)", "Europe/London", "2026-03-29", 92, "2026-03-29T00:00Z", "2026-03-29T22:45Z"},
		{"London fall back (25 hours)", "Europe/London", "2026-10-25", 96, "2026-10-24T23:00Z", "2026-10-25T23:45Z"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			got := availOneDay(t, tc.zone, tc.day, availHours("00:00-24:00"), 15*time.Minute, 15*time.Minute)
			starts := availStarts(got)
			if len(starts) != tc.count || starts[0] != tc.first || starts[len(starts)-1] != tc.last {
				t.Fatalf("got %d starts from %s to %s, want %d from %s to %s",
					len(starts), starts[0], starts[len(starts)-1], tc.count, tc.first, tc.last)
			}
			if len(slices.Compact(slices.Clone(starts))) != len(starts) {
				t.Errorf("a start repeats: %v", starts)
			}
			midnight := availDay(tc.day).AddDays(1).Midnight(availZone(t, tc.zone))
			if end := got[len(got)-1].End; !end.Equal(midnight) {
				t.Errorf("last session ends %v, want next local midnight %v", end.UTC(), midnight.UTC())
			}
		})
	}
}

func TestMergeSlotsAcrossZones(t *testing.T) {
	day := availDay("2026-06-10")
	rules := calendar.Rules{Horizon: 60 * 24 * time.Hour, Step: 30 * time.Minute}
	now := availUTC("2026-06-01T00:00Z")
	list := func(id, zone, hours string) []calendar.Slot {
		s := calendar.Schedule{TherapistID: id, Location: availZone(t, zone), Weekly: availWeek(availHours(hours), time.Wednesday)}
		return calendar.FreeSlots(s, calendar.SessionType{Duration: 30 * time.Minute}, rules, now, day, day, nil)
	}
	ada := list("ada", "America/New_York", "09:00-10:00") // 13:00Z
	ben := list("ben", "Europe/London", "14:00-15:00")    // 13:00Z as well
	cy := list("cy", "Australia/Sydney", "22:00-23:00")   // 12:00Z
	tests := []struct {
		desc  string
		lists [][]calendar.Slot
		want  []string
	}{
		{"three zones, ties broken by therapist id", [][]calendar.Slot{ben, cy, ada},
			[]string{"cy 2026-06-10T12:00Z", "cy 2026-06-10T12:30Z", "ada 2026-06-10T13:00Z",
				"ben 2026-06-10T13:00Z", "ada 2026-06-10T13:30Z", "ben 2026-06-10T13:30Z"}},
		{"one list comes back as it was", [][]calendar.Slot{ada}, []string{"ada 2026-06-10T13:00Z", "ada 2026-06-10T13:30Z"}},
		{"no lists", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			var got []string
			for _, s := range calendar.MergeSlots(tc.lists...) {
				got = append(got, s.TherapistID+" "+s.Start.UTC().Format(availLayout))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("merged:\n got %s\nwant %s", strings.Join(got, ", "), strings.Join(tc.want, ", "))
			}
		})
	}
}

func TestLastDate(t *testing.T) {
	tests := []struct {
		desc, zone, now string
		horizon         time.Duration
		want            string
	}{
		{"New York is still on the day before", "America/New_York", "2026-06-01T02:00Z", 9 * 24 * time.Hour, "2026-06-09"},
		{"London has reached the day", "Europe/London", "2026-06-01T02:00Z", 9 * 24 * time.Hour, "2026-06-10"},
		{"horizon landing on local midnight counts that date", "America/New_York", "2026-06-01T04:00Z", 9 * 24 * time.Hour, "2026-06-10"},
		{"23 hours after the first 01:30 of the fall-back night is still that day", "America/New_York", "2026-11-01T05:30Z", 23 * time.Hour, "2026-11-01"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			s := calendar.Schedule{Location: availZone(t, tc.zone)}
			got := calendar.LastDate(s, calendar.Rules{Horizon: tc.horizon}, availUTC(tc.now))
			if got.String() != tc.want {
				t.Errorf("LastDate = %s, want %s", got, tc.want)
			}
		})
	}
}
