package appointments

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
)

// Time off written while bookings for that day race: no booking whose
// claim ran after the write may exist. The store stamps each booking with
// the real time just before its claim runs, so a booking created after the
// write returned was claimed after it.
func TestTimeOffWrittenDuringARaceLetsNoLaterClaimIn(t *testing.T) {
	e := newEnv(t, nil)
	rdb := e.redis.Client(t)
	store := booking.NewStore(rdb, time.Now)
	e.svc.store, e.svc.busy = store, store
	ctx := context.Background()
	days := []calendar.Date{}
	for d := (calendar.Date{Year: 2026, Month: time.December, Day: 9}); len(days) < 8; d = d.AddDays(1) {
		if wd := d.Midnight(time.UTC).Weekday(); wd != time.Saturday && wd != time.Sunday && d.Day != 24 && d.Day != 25 {
			days = append(days, d)
		}
	}
	late, booked := 0, 0
	for _, day := range days {
		slots, err := e.svc.FreeSlots(ctx, SlotsRequest{Type: "consultation", From: day.String(), To: day.String()})
		if err != nil || len(slots) < 20 {
			t.Fatalf("%s: %d slots, %v", day, len(slots), err)
		}
		var next sync.Mutex
		i := 0
		var wg sync.WaitGroup
		for w := range 16 {
			wg.Go(func() {
				for {
					next.Lock()
					if i == len(slots) {
						next.Unlock()
						return
					}
					sl := slots[i]
					i++
					next.Unlock()
					_, _, _ = e.svc.Book(ctx, request(sl.Start.UTC().Format(time.RFC3339), "c"+string(rune('a'+w))+"@example.org"))
				}
			})
		}
		// The time off is written once a third of the day has been tried.
		for {
			next.Lock()
			tried := i
			next.Unlock()
			if tried >= len(slots)/3 {
				break
			}
			time.Sleep(20 * time.Microsecond)
		}
		if _, err := store.AddTimeOff(ctx, "default", day, day); err != nil {
			t.Fatal(err)
		}
		written := time.Now()
		wg.Wait()
		list, err := store.List(ctx, "default", day.Midnight(time.UTC).Add(-24*time.Hour), day.Midnight(time.UTC).Add(48*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		booked += len(list)
		for _, b := range list {
			if b.CreatedAt.After(written) {
				late++
				t.Errorf("%s: booking %s was claimed %v after the time off was written", day, b.ID, b.CreatedAt.Sub(written))
			}
		}
	}
	t.Logf("%d days raced, %d bookings made, %d claimed after the time off", len(days), booked, late)
	if booked == 0 {
		t.Fatal("no booking was made before the time off: the race did not run")
	}
}
