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
	least         intakeResult // the least HTTP intake, the intake's ceiling
	enqueued      int
	enqueueTime   time.Duration
	roundTrips    map[string]int
	roundTripsPer float64
	intakeCPU     cpuUse
	leastCPU      cpuUse
	enqueueCPU    cpuUse
	slotsCPU      cpuUse
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
	if b.opts.cpuProfileDir != "" {
		if _, err := w.call("cpu-start " + b.profilePath("web-slots", "web-slots")); err != nil {
			return r, err
		}
	}
	cpu0 := b.cpuNow(w)
	r.slots, err = measureSlots(ctx, client, base, today, b.opts.slotRequests)
	r.slotsCPU = cpu0.to(b.cpuNow(w))
	if err != nil {
		return r, err
	}
	if b.opts.cpuProfileDir != "" {
		if _, err := w.call("cpu-stop"); err != nil {
			return r, err
		}
	}

	last := calendar.LastDate(b.cfg.Therapists[0].Schedule(), b.cfg.Booking.Rules(), time.Now())
	slots, err := intakeSlots(ctx, client, base, today.AddDays(61), last)
	if err != nil {
		return r, err
	}
	b.progress("intake: %d clients against the least HTTP intake and raw asynq Enqueue, %d rounds of %s each on %d free slots",
		b.opts.clients, intakeRounds, b.opts.duration/intakeRounds, len(slots))
	// The last slots are kept for counting round trips afterwards.
	const kept = 20
	if len(slots) < 10*kept {
		return r, fmt.Errorf("only %d free slots for the intake", len(slots))
	}
	allocsDone, err := b.allocsProfile(w, "web-intake-allocs")
	if err != nil {
		return r, err
	}
	if err := b.intakeRounds(ctx, w, client, base, slots[:len(slots)-kept], &r); err != nil {
		return r, err
	}
	if err := allocsDone(); err != nil {
		return r, err
	}
	return r, b.intakeRoundTrips(ctx, client, base, slots[len(slots)-kept:], &r)
}

// intakeRounds alternates the intake, its ceiling (the least HTTP intake,
// in a process of its own, driven by the same load generator with as many
// clients) and raw asynq enqueues in short rounds, so that load from
// outside the run falls on all alike. The intake and the least HTTP intake
// are profiled.
func (b *bench) intakeRounds(ctx context.Context, w *child, client *http.Client, base string, slots []string, r *webResult) error {
	least, err := b.startChild(leastIntakeRole, "")
	if err != nil {
		return err
	}
	defer least.stop()
	leastBase := "http://" + least.addr
	r.intake.other, r.least.other = map[int]int{}, map[int]int{}
	var lat, leastLat []time.Duration
	round := b.opts.duration / intakeRounds
	for i := range intakeRounds {
		warmup := time.Duration(0)
		if i == 0 {
			warmup = b.opts.warmup
		}
		if b.opts.cpuProfileDir != "" {
			if _, err := w.call("cpu-start " + b.profilePath("web-intake", fmt.Sprintf("web-intake-%d", i+1))); err != nil {
				return err
			}
		}
		var cpu0 cpuSnap
		got, err := measureIntake(ctx, client, base, slots[r.intake.used:], b.opts.clients, warmup, round,
			func() { cpu0 = b.cpuNow(w) })
		r.intakeCPU.add(cpu0.to(b.cpuNow(w)))
		if b.opts.cpuProfileDir != "" {
			if _, err := w.call("cpu-stop"); err != nil {
				return err
			}
		}
		if err != nil {
			return err
		}
		r.intake.created += got.created
		r.intake.elapsed += got.elapsed
		r.intake.used += got.used
		lat = append(lat, got.lat...)
		for code, n := range got.other {
			r.intake.other[code] += n
		}
		if b.opts.cpuProfileDir != "" {
			if _, err := least.call("cpu-start " + b.profilePath("least-intake", fmt.Sprintf("least-intake-%d", i+1))); err != nil {
				return err
			}
		}
		got, err = loadIntake(ctx, client, leastBase, leastIntakeStart, b.opts.clients, warmup, round,
			func() { cpu0 = b.cpuNow(least) })
		r.leastCPU.add(cpu0.to(b.cpuNow(least)))
		if b.opts.cpuProfileDir != "" {
			if _, err := least.call("cpu-stop"); err != nil {
				return err
			}
		}
		if err != nil {
			return err
		}
		r.least.created += got.created
		r.least.elapsed += got.elapsed
		leastLat = append(leastLat, got.lat...)
		for code, n := range got.other {
			r.least.other[code] += n
		}
		cpu0 = b.cpuNow(w)
		n, d, err := b.enqueueCeiling(ctx, b.opts.clients, round)
		r.enqueueCPU.add(cpu0.to(b.cpuNow(w)))
		if err != nil {
			return err
		}
		r.enqueued += n
		r.enqueueTime += d
	}
	r.intake.lat, r.least.lat = sortedLatencies(lat), sortedLatencies(leastLat)
	r.intake.exhausted = r.intake.used >= len(slots)
	return nil
}

// intakeRounds is how many times the intake and its ceilings take turns.
const intakeRounds = 3
