package calendar_test

import (
	"testing"
	"time"

	"github.com/consultd/consultd/calendar"
)

// BenchmarkFreeSlots90Days1000Busy lists a whole 90-day horizon for a
// therapist working weekdays 09:00-12:00 and 13:00-17:00 on a 15-minute grid,
// with 1,000 bookings given unsorted: the largest listing the booking page asks for.
func BenchmarkFreeSlots90Days1000Busy(b *testing.B) {
	s := calendar.Schedule{
		TherapistID: "ada",
		Location:    availZone(b, "America/New_York"),
		Weekly:      availWeek(availHours("09:00-12:00", "13:00-17:00"), weekdays...),
	}
	session := calendar.SessionType{Duration: 50 * time.Minute, Buffer: 10 * time.Minute}
	horizon := 90 * 24 * time.Hour
	rules := calendar.Rules{MinNotice: 24 * time.Hour, Horizon: horizon, Step: 15 * time.Minute}
	now := availUTC("2026-02-02T14:00Z")
	from := calendar.DateOf(now.In(s.Location))
	to := calendar.LastDate(s, rules, now)
	busy := availRandomBusy(42, 1000, now, horizon)
	if len(calendar.FreeSlots(s, session, rules, now, from, to, busy)) == 0 {
		b.Fatal("the benchmark should list some free starts")
	}
	b.ReportAllocs()
	for b.Loop() {
		calendar.FreeSlots(s, session, rules, now, from, to, busy)
	}
}
