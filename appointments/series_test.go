package appointments

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
)

func seriesRequest(start string, every, count int) SeriesRequest {
	return SeriesRequest{Type: "session", Start: start, Name: "Sam Lee", Email: "sam@example.org", EveryWeeks: every, Count: count}
}

func TestSeriesNamesEveryBadField(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		desc  string
		req   SeriesRequest
		field string
	}{
		{"one session", seriesRequest("2026-12-09T14:00:00Z", 1, 1), "count"},
		{"53 sessions", seriesRequest("2026-12-09T14:00:00Z", 1, 53), "count"},
		{"every three weeks", seriesRequest("2026-12-09T14:00:00Z", 3, 4), "every_weeks"},
		{"off the grid", seriesRequest("2026-12-09T14:10:00Z", 1, 4), "start"},
		{"outside the hours", seriesRequest("2026-12-09T03:00:00Z", 1, 4), "start"},
		{"beyond a year", seriesRequest("2026-12-09T14:00:00Z", 2, 30), "count"},
		{"a link in the name", SeriesRequest{Type: "session", Start: "2026-12-09T14:00:00Z", Name: "see http://x.example", Email: "s@example.org", EveryWeeks: 1, Count: 4}, "name"},
		{"unknown type", SeriesRequest{Type: "massage", Start: "2026-12-09T14:00:00Z", Name: "Sam", Email: "s@example.org", EveryWeeks: 1, Count: 4}, "type"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			_, _, err := e.svc.CreateSeries(context.Background(), tt.req)
			var bad *InvalidError
			if !errors.As(err, &bad) || bad.Fields[tt.field] == "" {
				t.Fatalf("err = %v, want one naming %s", err, tt.field)
			}
		})
	}
}

// Ten Mondays at 13:00 New York time across the March change: the same
// wall-clock time before and after, so the UTC time moves by an hour.
func TestSeriesKeepsTheWallClockAcrossTheChange(t *testing.T) {
	e := newEnv(t, nil)
	e.now = time.Date(2027, 2, 20, 17, 0, 0, 0, time.UTC)
	sr, occ, err := e.svc.CreateSeries(context.Background(), seriesRequest("2027-03-01T18:00:00Z", 1, 10))
	if err != nil || len(occ) != 10 {
		t.Fatalf("CreateSeries: %d occurrences, %v", len(occ), err)
	}
	ny, _ := time.LoadLocation("America/New_York")
	for i, b := range occ {
		local := b.Start.In(ny)
		if local.Weekday() != time.Monday || local.Hour() != 13 || local.Minute() != 0 || b.Series != sr.ID {
			t.Errorf("occurrence %d at %s (%s)", i+1, local, b.Start)
		}
	}
	if occ[1].Start.UTC().Hour() != 18 || occ[2].Start.UTC().Hour() != 17 {
		t.Errorf("the second and third Mondays are at %s and %s UTC", occ[1].Start.UTC(), occ[2].Start.UTC())
	}
}

// A series may lie past the public horizon; a taken week or a day off
// refuses it whole and names the dates, unless told to skip them.
func TestSeriesConflicts(t *testing.T) {
	e := newEnv(t, func(c *config.Config) {
		c.Therapists[0].TimeOff = []config.TimeOff{{From: "2026-12-24", To: "2026-12-26"}}
	})
	ctx := context.Background()
	// Thursdays from 10 December 2026, 09:00 New York: the 17th is taken,
	// the 24th is one of the configuration's days off, and the 31st is
	// time off added at run time.
	if _, _, err := e.svc.Book(ctx, Request{Type: "consultation", Start: "2026-12-17T14:30:00Z", Name: "Kim", Email: "kim@example.org"}); err != nil {
		t.Fatal(err)
	}
	nye := calendar.Date{Year: 2026, Month: time.December, Day: 31}
	if _, err := e.store.AddTimeOff(ctx, "default", nye, nye); err != nil {
		t.Fatal(err)
	}
	_, _, err := e.svc.CreateSeries(ctx, seriesRequest("2026-12-10T14:00:00Z", 1, 12))
	var conflicts *ConflictError
	if !errors.As(err, &conflicts) || len(conflicts.Starts) != 3 ||
		calendar.DateOf(conflicts.Starts[0]).Day != 17 || calendar.DateOf(conflicts.Starts[1]).Day != 24 || calendar.DateOf(conflicts.Starts[2]).Day != 31 {
		t.Fatalf("err = %v (%v), want the 17th, 24th and 31st named", err, conflicts)
	}
	if list, _ := e.store.List(ctx, "default", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)); len(list) != 1 {
		t.Fatalf("a refused series left %d bookings", len(list))
	}
	req := seriesRequest("2026-12-10T14:00:00Z", 1, 12)
	req.SkipConflicts = true
	sr, occ, err := e.svc.CreateSeries(ctx, req)
	if err != nil || len(occ) != 9 || len(sr.Skipped) != 3 {
		t.Fatalf("with skip: %d held, %d skipped, %v", len(occ), len(sr.Skipped), err)
	}
	// The last, on 25 February, is past the 60-day public horizon.
	if last := occ[len(occ)-1].Start; !last.After(e.now.Add(e.cfg.Booking.Horizon)) {
		t.Errorf("the last occurrence %s is within the public horizon", last)
	}
}

// Cancelling one occurrence frees it and leaves the others; cancelling the
// rest cancels every one still to come; a past or unknown one is refused.
func TestSeriesChanges(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	sr, occ, err := e.svc.CreateSeries(ctx, seriesRequest("2026-12-09T14:00:00Z", 2, 4))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Occurrence(occ, occ[0].Start.Add(time.Hour)); !errors.Is(err, ErrNotInSeries) {
		t.Fatalf("a time not in the series: %v", err)
	}
	one, err := e.svc.Occurrence(occ, occ[1].Start)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := e.svc.Cancel(ctx, one, ""); err != nil || c.Status != booking.StatusCancelled {
		t.Fatalf("cancel one: %+v %v", c, err)
	}
	again, _, _ := e.store.GetSeries(ctx, sr.ID)
	if again.Seq != 1 {
		t.Fatalf("series SEQUENCE after one change = %d, want 1", again.Seq)
	}
	_, occ, _ = e.svc.Series(ctx, sr.ID)
	if _, err := e.svc.Occurrence(occ, occ[1].Start); !errors.Is(err, ErrNotLive) {
		t.Fatalf("the cancelled one again: %v", err)
	}
	e.now = occ[0].End.Add(time.Hour) // the first has taken place
	if _, err := e.svc.Occurrence(occ, occ[0].Start); !errors.Is(err, ErrPast) {
		t.Fatalf("a past one: %v", err)
	}
	_, left, err := e.svc.CancelSeries(ctx, sr.ID, false, "")
	if err != nil {
		t.Fatal(err)
	}
	states := map[booking.Status]int{}
	for _, b := range left {
		states[b.Status]++
	}
	if states[booking.StatusCancelled] != 3 || states[booking.StatusHeld]+states[booking.StatusConfirmed] != 1 {
		t.Fatalf("after cancelling the rest: %v, want the past one kept", states)
	}
	if again, _, _ := e.store.GetSeries(ctx, sr.ID); again.Seq != 2 {
		t.Fatalf("series SEQUENCE = %d, want 2", again.Seq)
	}
}
