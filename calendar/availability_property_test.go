package calendar_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/consultd/consultd/calendar"
)

// FreeSlots and CheckStart must agree, or the booking page would list starts
// the API refuses (or the other way round). Over a whole year, every instant
// on a quarter-hour grid is bookable by CheckStart exactly when FreeSlots
// lists it, in zones whose clocks change in different ways.
func TestFreeSlotsAgreesWithCheckStart(t *testing.T) {
	weekdayHours := availHours("09:00-12:00", "13:00-17:00")
	tests := []struct {
		desc, zone   string
		weekendHours []calendar.HoursRange
	}{
		{"New York, whole weekend days", "America/New_York", availHours("00:00-24:00")},
		{"New York, hours at the change", "America/New_York", availHours("01:00-04:00", "13:00-17:00", "23:30-24:00")},
		{"London, whole weekend days", "Europe/London", availHours("00:00-24:00")},
		{"London, hours at the change", "Europe/London", availHours("00:30-02:30", "13:00-17:00")},
		{"Santiago, clocks change at midnight", "America/Santiago", availHours("00:00-01:00", "22:30-24:00")},
		{"Lord Howe, clocks move half an hour", "Australia/Lord_Howe", availHours("01:00-03:00")},
		{"Kathmandu, five hours forty-five ahead", "Asia/Kathmandu", availHours("00:00-24:00")},
	}
	session := calendar.SessionType{Duration: 50 * time.Minute, Buffer: 10 * time.Minute}
	rules := calendar.Rules{Horizon: 400 * 24 * time.Hour, Step: 15 * time.Minute}
	now := availUTC("2025-12-30T00:00Z")
	from, to := availDay("2026-01-01"), availDay("2026-12-31")
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			loc := availZone(t, tc.zone)
			weekly := availWeek(weekdayHours, weekdays...)
			weekly[time.Saturday], weekly[time.Sunday] = tc.weekendHours, tc.weekendHours
			s := calendar.Schedule{TherapistID: "ada", Location: loc, Weekly: weekly}
			slots := calendar.FreeSlots(s, session, rules, now, from, to, nil)
			offered := make(map[int64]bool, len(slots))
			for i, slot := range slots {
				if i > 0 && !slot.Start.After(slots[i-1].Start) {
					t.Fatalf("not strictly sorted: %v then %v", slots[i-1].Start, slot.Start)
				}
				offered[slot.Start.Unix()] = true
			}
			end := to.AddDays(1).Midnight(loc)
			for x := from.Midnight(loc); x.Before(end); x = x.Add(rules.Step) {
				err := calendar.CheckStart(s, session, rules, now, x)
				if (err == nil) != offered[x.Unix()] {
					t.Fatalf("%s (%s): CheckStart says %v, FreeSlots offers it: %v",
						x.UTC().Format(availLayout), x.In(loc).Format(time.DateTime+" MST"), err, offered[x.Unix()])
				}
			}
		})
	}
}

// Whatever busy looks like (unsorted, overlapping, touching), FreeSlots must
// keep exactly the free starts whose session and buffer overlap no interval,
// as a check of every start against every interval says.
func TestFreeSlotsBusyMatchesBruteForce(t *testing.T) {
	s := calendar.Schedule{
		TherapistID: "ada",
		Location:    availZone(t, "America/New_York"),
		Weekly:      availWeek(availHours("09:00-12:00", "13:00-17:00"), weekdays...),
	}
	session := calendar.SessionType{Duration: 50 * time.Minute, Buffer: 10 * time.Minute}
	rules := calendar.Rules{Horizon: 30 * 24 * time.Hour, Step: 15 * time.Minute}
	now := availUTC("2026-03-01T00:00Z")
	from, to := availDay("2026-03-01"), availDay("2026-03-31")
	tests := []struct {
		desc  string
		seed  uint64
		count int
	}{
		{"a few long bookings", 1, 20},
		{"many bookings", 2, 300},
		{"crowded month", 3, 1000},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			busy := availRandomBusy(tc.seed, tc.count, now, 30*24*time.Hour)
			all := calendar.FreeSlots(s, session, rules, now, from, to, nil)
			var want []string
			for _, slot := range all {
				occupied := calendar.Interval{Start: slot.Start, End: slot.End.Add(session.Buffer)}
				if !slices.ContainsFunc(busy, occupied.Overlaps) {
					want = append(want, slot.Start.UTC().Format(availLayout))
				}
			}
			if len(want) == 0 || len(want) == len(all) {
				t.Fatalf("the busy intervals should block some starts and leave others: %d of %d free", len(want), len(all))
			}
			got := availStarts(calendar.FreeSlots(s, session, rules, now, from, to, busy))
			if !slices.Equal(got, want) {
				t.Errorf("FreeSlots kept %d starts, a check against every interval keeps %d:\n got %v\nwant %v",
					len(got), len(want), got, want)
			}
		})
	}
}

// availRandomBusy makes n busy intervals in [from, from+span), in random
// order, on a five-minute grid so that touching and overlapping are common.
func availRandomBusy(seed uint64, n int, from time.Time, span time.Duration) []calendar.Interval {
	rng := rand.New(rand.NewPCG(seed, seed))
	slots := int(span / (5 * time.Minute))
	busy := make([]calendar.Interval, n)
	for i := range busy {
		start := from.Add(time.Duration(rng.IntN(slots)) * 5 * time.Minute)
		busy[i] = calendar.Interval{Start: start, End: start.Add(time.Duration(1+rng.IntN(24)) * 5 * time.Minute)}
	}
	return busy
}
