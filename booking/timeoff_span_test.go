package booking

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/internal/testredis"
)

// afternoonOff is 13:00-17:00 in New York on day: on 2027-03-14, the day
// the clocks go forward, that is 17:00Z-21:00Z (EDT); the day before,
// 18:00Z-22:00Z (EST).
func afternoonOff(t *testing.T, day string) (calendar.Interval, *time.Location) {
	t.Helper()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	d := date(t, day)
	return calendar.Interval{Start: d.At(13*60, ny), End: d.At(17*60, ny)}, ny
}

// Part-day time off is kept with its span and its local dates, beside
// whole days, and comes back as written.
func TestTimeOffSpanAddAndList(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	span, ny := afternoonOff(t, "2027-03-14")
	id, err := s.AddTimeOffSpan(ctx, "ada", span, ny)
	if err != nil {
		t.Fatal(err)
	}
	toMidnight := calendar.Interval{Start: span.Start.Add(24 * time.Hour), End: date(t, "2027-03-16").Midnight(ny)}
	if _, err := s.AddTimeOffSpan(ctx, "ada", toMidnight, ny); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddTimeOff(ctx, "ada", date(t, "2027-03-14"), date(t, "2027-03-14")); err != nil {
		t.Fatal(err)
	}
	got, err := s.TimeOff(ctx, "ada")
	if err != nil || len(got) != 3 {
		t.Fatalf("TimeOff = %+v %v", got, err)
	}
	if _, partDay := got[0].Span(); partDay {
		t.Errorf("first entry %+v: want the whole day first", got[0])
	}
	if sp, partDay := got[1].Span(); !partDay || got[1].ID != id || !sp.Start.Equal(span.Start) || !sp.End.Equal(span.End) || got[1].Range() != (calendar.DateRange{From: date(t, "2027-03-14"), To: date(t, "2027-03-14")}) {
		t.Errorf("entry %+v, want %s %v on 2027-03-14", got[1], id, span)
	}
	if got[2].To != date(t, "2027-03-15") {
		t.Errorf("a span ending at midnight ends on %s, want the day before", got[2].To)
	}
	if _, err := s.AddTimeOffSpan(ctx, "ada", calendar.Interval{Start: span.End, End: span.Start}, ny); !errors.Is(err, ErrInvalid) {
		t.Errorf("a span ending before it starts: %v, want ErrInvalid", err)
	}
	if _, err := s.AddTimeOffSpan(ctx, "ada", calendar.Interval{Start: span.Start, End: span.Start}, ny); !errors.Is(err, ErrInvalid) {
		t.Errorf("an empty span: %v, want ErrInvalid", err)
	}
}

// The claim, the move and a series' claim refuse a session that meets
// part-day time off, on the day New York's clocks go forward, and take one
// that ends as it starts (its buffer may run into it) or starts as it ends.
func TestGuardRefusesPartDayTimeOff(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	span, ny := afternoonOff(t, "2027-03-14")
	if _, err := s.AddTimeOffSpan(ctx, "ada", span, ny); err != nil {
		t.Fatal(err)
	}
	local := func(hhmm string) time.Time {
		c, _ := time.Parse("15:04", hhmm)
		return date(t, "2027-03-14").At(c.Hour()*60+c.Minute(), ny)
	}
	guard := Guard{Date: date(t, "2027-03-14")}
	tests := []struct {
		desc  string
		start string
		want  error
	}{
		{"inside", "14:00", ErrTimeOff},
		{"running into it", "12:30", ErrTimeOff},
		{"running out of it", "16:30", ErrTimeOff},
		{"ending as it starts, the buffer inside", "12:10", nil},
		{"starting as it ends", "17:00", nil},
		{"the morning", "10:00", nil},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			_, _, err := s.Claim(ctx, session("ada", local(tt.start), 50*time.Minute, 10*time.Minute), "", guard)
			if !errors.Is(err, tt.want) {
				t.Fatalf("claim at %s (%s): %v, want %v", tt.start, local(tt.start).UTC().Format(time.RFC3339), err, tt.want)
			}
		})
	}
	// 13:00 on the day before is 18:00Z, which is 14:00 EDT on the day: the
	// span is absolute, and the day before is free at that hour.
	dayBefore := date(t, "2027-03-13").At(13*60, ny)
	if _, _, err := s.Claim(ctx, session("ada", dayBefore, 50*time.Minute, 0), "", Guard{Date: date(t, "2027-03-13")}); err != nil {
		t.Fatalf("13:00 the day before: %v", err)
	}

	b, _, err := s.Claim(ctx, session("ada", local("08:00"), 50*time.Minute, 0), "", guard)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reschedule(ctx, b.ID, local("15:00"), local("15:50"), guard); !errors.Is(err, ErrTimeOff) {
		t.Fatalf("move into the time off: %v", err)
	}
	if got, _ := s.Get(ctx, b.ID); !got.Start.Equal(b.Start) || got.Seq != b.Seq {
		t.Fatalf("a refused move changed the booking: %+v", got)
	}

	occ := []SeriesOccurrence{{Start: local("15:00").AddDate(0, 0, -7)}, {Start: local("15:00")}, {Start: local("15:00").AddDate(0, 0, 7)}}
	for i := range occ {
		occ[i].End = occ[i].Start.Add(50 * time.Minute)
		occ[i].Date = calendar.DateOf(occ[i].Start.In(ny)).String()
	}
	_, _, err = s.ClaimSeries(ctx, newSeries("sam@example.org"), occ, 10*time.Minute, nil, false)
	var refused *RefusedError
	if !errors.As(err, &refused) || len(refused.Starts) != 1 || !refused.Starts[0].Equal(occ[1].Start) {
		t.Fatalf("series: %v, want the week of the time off refused", err)
	}
}

// Part-day time off written while claims for that afternoon race: every
// claim whose script ran after the write is refused, though each start
// was free (and offered) before it. The store stamps each booking with
// the time just before its claim runs, so one created after the write
// returned was claimed after it.
func TestPartDayTimeOffWrittenDuringARace(t *testing.T) {
	s := NewStore(testredis.Start(t).Client(t), time.Now)
	ctx := context.Background()
	span, ny := afternoonOff(t, "2027-11-07") // the day the clocks go back
	guard := Guard{Date: date(t, "2027-11-07")}
	var starts []time.Time
	for at := span.Start; at.Before(span.End); at = at.Add(2 * time.Minute) {
		starts = append(starts, at)
	}
	// The claimer that takes the start a third of the way through writes
	// the time off before claiming it, so the write falls inside the race
	// however the goroutines are scheduled; the others go on claiming.
	var mu sync.Mutex
	next := 0
	var written time.Time
	var writeErr error
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				mu.Lock()
				if next == len(starts) {
					mu.Unlock()
					return
				}
				at, i := starts[next], next
				next++
				mu.Unlock()
				if i == len(starts)/3 {
					_, err := s.AddTimeOffSpan(ctx, "ada", span, ny)
					mu.Lock()
					written, writeErr = time.Now(), err
					mu.Unlock()
				}
				_, _, _ = s.Claim(ctx, session("ada", at, 2*time.Minute, 0), "", guard)
			}
		})
	}
	wg.Wait()
	if writeErr != nil {
		t.Fatal(writeErr)
	}
	list, err := s.List(ctx, "ada", span.Start.Add(-time.Hour), span.End.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range list {
		if b.CreatedAt.After(written) {
			t.Errorf("booking at %s was claimed %v after the time off was written", b.Start.Format(time.RFC3339), b.CreatedAt.Sub(written))
		}
	}
	t.Logf("%d starts raced, %d booked before the time off", len(starts), len(list))
	if len(list) == 0 || len(list) == len(starts) {
		t.Fatalf("%d of %d starts booked: the write did not fall inside the race", len(list), len(starts))
	}
}
