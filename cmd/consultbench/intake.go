package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
)

// sessionType is what the synthetic bookings and the availability row
// book: the shipped 15-minute consultation, without buffer.
const sessionType = "consultation"

// intakeType is what the intake's clients book: a 5-minute session, so
// every slot of the 5-minute grid is one booking and a year holds enough
// for a fast intake (benchConfig adds it).
const intakeType = "brief"

type slotsAnswer struct {
	Slots []struct{ Start string } `json:"slots"`
}

// getSlots asks the web process for free slots over local dates from..to.
func getSlots(ctx context.Context, client *http.Client, base, typ string, from, to calendar.Date) (slotsAnswer, int, error) {
	q := url.Values{"type": {typ}, "from": {from.String()}, "to": {to.String()}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/slots?"+q.Encode(), nil)
	resp, err := client.Do(req)
	if err != nil {
		return slotsAnswer{}, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return slotsAnswer{}, 0, fmt.Errorf("GET /api/slots: %d %.200s %v", resp.StatusCode, body, err)
	}
	var a slotsAnswer
	return a, len(body), json.Unmarshal(body, &a)
}

// today is the current date in the therapist's zone.
func (b *bench) today() calendar.Date {
	return calendar.DateOf(time.Now().In(b.cfg.Therapists[0].Location()))
}

// placeBusy holds n random 15-minute bookings in the next days days, so
// availability is computed around real busy times.
func (b *bench) placeBusy(ctx context.Context, n, days int) error {
	rng := rand.New(rand.NewPCG(1, 2))
	first := time.Now().Truncate(15 * time.Minute).Add(time.Hour)
	quarters := days * 24 * 4
	for placed, tries := 0, 0; placed < n; tries++ {
		if tries > 10*n {
			return fmt.Errorf("placed only %d of %d busy bookings", placed, n)
		}
		start := first.Add(time.Duration(rng.IntN(quarters-8)) * 15 * time.Minute)
		_, _, err := b.store.Claim(ctx, syntheticBooking(start, placed), "", booking.Guard{})
		if errors.Is(err, booking.ErrSlotTaken) {
			continue
		}
		if err != nil {
			return err
		}
		placed++
	}
	return nil
}

// syntheticBooking is a client's consultation at start.
func syntheticBooking(start time.Time, i int) booking.Booking {
	return booking.Booking{
		TherapistID: "default", Type: sessionType, Start: start, End: start.Add(15 * time.Minute),
		Name: fmt.Sprintf("Client %d", i), Email: fmt.Sprintf("client%d@example.org", i), TimeZone: "Europe/London",
	}
}

// slotsResult is the availability measurement.
type slotsResult struct {
	lat          latencies
	slots, bytes int
}

// measureSlots asks for the next 60 days, n times, one request at a time.
func measureSlots(ctx context.Context, client *http.Client, base string, from calendar.Date, n int) (slotsResult, error) {
	var r slotsResult
	d := make([]time.Duration, 0, n)
	for range n {
		t0 := time.Now()
		a, size, err := getSlots(ctx, client, base, sessionType, from, from.AddDays(59))
		if err != nil {
			return r, err
		}
		d = append(d, time.Since(t0))
		r.slots, r.bytes = len(a.Slots), size
	}
	r.lat = sortedLatencies(d)
	return r, nil
}

// intakeSlots lists the free starts of the intake's session type from day
// from on, through the API as a client would find them.
func intakeSlots(ctx context.Context, client *http.Client, base string, from, last calendar.Date) ([]string, error) {
	var out []string
	for d := from; d.Compare(last) <= 0; d = d.AddDays(92) {
		to := d.AddDays(91)
		if to.Compare(last) > 0 {
			to = last
		}
		a, _, err := getSlots(ctx, client, base, intakeType, d, to)
		if err != nil {
			return nil, err
		}
		for _, s := range a.Slots {
			out = append(out, s.Start)
		}
	}
	return out, nil
}

// intakeResult is one load run against POST /api/bookings.
type intakeResult struct {
	created int
	elapsed time.Duration
	lat     latencies
	other   map[int]int // status → count, for anything but 201
	used    int         // slots taken from the list, warm-up included
	// exhausted: the free slots ran out before the time did.
	exhausted bool
}

// measureIntake books the listed slots with clients concurrent clients:
// a warm-up, then duration measured (or until the slots run out);
// measuring is called as the measured part begins.
func measureIntake(ctx context.Context, client *http.Client, base string, slots []string, clients int, warmup, duration time.Duration, measuring func()) (intakeResult, error) {
	res, err := loadIntake(ctx, client, base, func(i int) (string, bool) {
		if i >= len(slots) {
			return "", false
		}
		return slots[i], true
	}, clients, warmup, duration, measuring)
	res.used = min(res.used, len(slots))
	return res, err
}

// loadIntake is the load generator of the intake and of its ceiling: clients
// concurrent clients each POST /api/bookings, one request after another,
// for the start start(i) of the i-th request until it says there is none
// or the time is up.
func loadIntake(ctx context.Context, client *http.Client, base string, start func(i int) (string, bool), clients int, warmup, duration time.Duration, measuring func()) (intakeResult, error) {
	var (
		next     atomic.Int64
		mu       sync.Mutex
		res      = intakeResult{other: map[int]int{}}
		lat      []time.Duration
		firstErr error
		wg       sync.WaitGroup
	)
	began := time.Now()
	measureFrom, end := began.Add(warmup), began.Add(warmup+duration)
	fired := make(chan struct{})
	timer := time.AfterFunc(warmup, func() { measuring(); close(fired) })
	defer func() {
		if timer.Stop() {
			measuring()
		} else {
			<-fired
		}
	}()
	for range clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				slot, ok := start(i)
				if !ok || time.Now().After(end) {
					return
				}
				t0 := time.Now()
				code, err := postBooking(ctx, client, base, slot, i)
				d := time.Since(t0)
				mu.Lock()
				switch {
				case err != nil:
					firstErr = cmpErr(firstErr, err)
				case t0.Before(measureFrom):
				case code == http.StatusCreated:
					res.created++
					lat = append(lat, d)
				default:
					res.other[code]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	res.elapsed = time.Since(measureFrom)
	res.lat = sortedLatencies(lat)
	res.used = int(next.Load())
	return res, firstErr
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// postBooking books one slot as a client of the booking page would.
func postBooking(ctx context.Context, client *http.Client, base, start string, i int) (int, error) {
	body, _ := json.Marshal(map[string]string{
		"type": intakeType, "start": start, "name": fmt.Sprintf("Intake Client %d", i),
		"email": fmt.Sprintf("intake%d@example.org", i), "timezone": "Europe/London",
	})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/bookings", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}
