package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Round trips are counted with MONITOR, in short phases of their own (it
// slows Redis down), and only for the commands consultd's processes send:
// the bench's own connections are named and left out.

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

// workerRoundTrips counts the commands the worker sends while it handles
// what load queues, until msgs more messages have arrived and the queue is
// empty. An idle stretch first gives the background rate (polling,
// heartbeats), which is taken off.
func (b *bench) workerRoundTrips(ctx context.Context, msgs int, load func() error) (counts map[string]int, idleRate float64, err error) {
	const idle = 3 * time.Second
	m, err := startMonitor(b.redis.addr)
	if err != nil {
		return nil, 0, err
	}
	time.Sleep(idle)
	idleCounts, err := m.stop(ctx, b.rdb)
	if err != nil {
		return nil, 0, err
	}
	if m, err = startMonitor(b.redis.addr); err != nil {
		return nil, 0, err
	}
	t0, c0 := time.Now(), b.sink.count()
	err = load()
	if err == nil {
		err = b.sink.waitFor(ctx, c0+msgs)
	}
	if err == nil {
		err = b.settled(ctx, time.Minute)
	}
	busy := time.Since(t0)
	counts, stopErr := m.stop(ctx, b.rdb)
	if err != nil || stopErr != nil {
		return nil, 0, errors.Join(err, stopErr)
	}
	scale := busy.Seconds() / idle.Seconds()
	for cmd, n := range idleCounts {
		counts[cmd] -= int(float64(n)*scale + 0.5)
		if counts[cmd] <= 0 {
			delete(counts, cmd)
		}
	}
	_, idleRate = commandList(idleCounts, idle.Seconds())
	return counts, idleRate, nil
}
