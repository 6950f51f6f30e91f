package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/consultd/consultd/calendar"
)

// webResult is row 1 and the HTTP half of row 5.
type webResult struct {
	busy          int
	slots         slotsResult
	intake        intakeResult
	enqueued      int
	enqueueTime   time.Duration
	roundTrips    map[string]int
	roundTripsPer float64
	intakeCPU     cpuUse
	enqueueCPU    cpuUse
}

// runWeb runs the web role alone in a process of its own: first the
// availability of the next 60 days around busy held bookings, then the
// intake under load on free slots further ahead, then its Redis round trips
// and the raw enqueue ceiling.
func (b *bench) runWeb(ctx context.Context) (webResult, error) {
	r := webResult{busy: 1000}
	if err := b.rdb.FlushAll(ctx).Err(); err != nil {
		return r, err
	}
	w, err := b.startChild("web", "")
	if err != nil {
		return r, err
	}
	defer w.stop()
	base := "http://" + w.addr
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: 2 * b.opts.clients, MaxIdleConnsPerHost: 2 * b.opts.clients}}
	defer client.CloseIdleConnections()

	b.progress("availability: %d busy bookings in the next 60 days, %d requests", r.busy, b.opts.slotRequests)
	if err := b.placeBusy(ctx, r.busy, 60); err != nil {
		return r, err
	}
	today := b.today()
	if r.slots, err = measureSlots(ctx, client, base, today, b.opts.slotRequests); err != nil {
		return r, err
	}

	last := calendar.LastDate(b.cfg.Therapists[0].Schedule(), b.cfg.Booking.Rules(), time.Now())
	slots, err := intakeSlots(ctx, client, base, today.AddDays(61), last)
	if err != nil {
		return r, err
	}
	b.progress("intake: %d clients for %s on %d free slots", b.opts.clients, b.opts.duration, len(slots))
	if b.opts.cpuProfileDir != "" {
		if _, err := w.call("cpu-start " + b.profilePath("web-intake")); err != nil {
			return r, err
		}
	}
	var cpu0 cpuSnap
	r.intake, err = measureIntake(ctx, client, base, slots, b.opts.clients, b.opts.warmup, b.opts.duration,
		func() { cpu0 = b.cpuNow(w) })
	r.intakeCPU = cpu0.to(b.cpuNow(w))
	if b.opts.cpuProfileDir != "" {
		if _, err := w.call("cpu-stop"); err != nil {
			return r, err
		}
	}
	if err != nil {
		return r, err
	}
	if err := b.intakeRoundTrips(ctx, client, base, slots[r.intake.used:], &r); err != nil {
		return r, err
	}
	b.progress("intake: ceiling, raw asynq Enqueue with %d goroutines for %s", b.opts.clients, b.opts.duration)
	cpu0 = b.cpuNow(w)
	r.enqueued, r.enqueueTime, err = b.enqueueCeiling(ctx, b.opts.clients, b.opts.duration)
	r.enqueueCPU = cpu0.to(b.cpuNow(w))
	return r, err
}

// intakeRoundTrips counts the commands the web process sends to Redis per
// booking, over sequential requests; it runs nothing in the background.
func (b *bench) intakeRoundTrips(ctx context.Context, client *http.Client, base string, slots []string, r *webResult) error {
	const k = 20
	if len(slots) < k {
		return fmt.Errorf("only %d free slots left to count round trips", len(slots))
	}
	m, err := startMonitor(b.redis.addr)
	if err != nil {
		return err
	}
	for i := range k {
		code, err := postBooking(ctx, client, base, slots[i], 3_000_000+i)
		if err != nil || code != http.StatusCreated {
			_, _ = m.stop(ctx, b.rdb)
			return fmt.Errorf("booking for round trips: %d %v", code, err)
		}
	}
	if r.roundTrips, err = m.stop(ctx, b.rdb); err != nil {
		return err
	}
	_, r.roundTripsPer = commandList(r.roundTrips, k)
	return nil
}
