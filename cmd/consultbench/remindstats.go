package main

import (
	"strings"
	"sync"
	"time"

	"github.com/consultd/consultd/jobs"
)

// tenth is one tenth of the reminder window: how late the reminders due in
// it arrived, how many messages arrived in it, and the cores the worker
// and processes outside the run used meanwhile.
type tenth struct {
	lateness            latencies
	arrived             int
	workerCores, others float64
	sampled             bool // CPU samples spanned the tenth
}

// tally matches arrivals to reminders by Message-ID
// ("reminder-24h.<booking>.0@host").
func (r *reminderResult) tally(arrivals []arrival, index map[string]int, due func(int) time.Time) {
	seen := make([]bool, r.n)
	var late []time.Duration
	var byDue [10][]time.Duration
	for _, a := range arrivals {
		rest, ok := strings.CutPrefix(a.id, "reminder-"+jobs.FormatOffset(reminderOffset)+".")
		id, _, _ := strings.Cut(rest, ".")
		i, known := index[id]
		if !ok || !known {
			continue
		}
		if seen[i] {
			r.dupes++
			continue
		}
		seen[i] = true
		r.arrived++
		late = append(late, a.at.Sub(due(i)))
		byDue[i*10/r.n] = append(byDue[i*10/r.n], a.at.Sub(due(i)))
	}
	r.lost = r.n - r.arrived
	r.lateness = sortedLatencies(late)
	for k := range byDue {
		r.tenths[k].lateness = sortedLatencies(byDue[k])
	}
}

// splitTenths divides the window in ten by time: arrivals per tenth, and
// the CPU samples' deltas across each tenth.
func (r *reminderResult) splitTenths(arrivals []arrival, start time.Time, window time.Duration) {
	step := window / 10
	for _, a := range arrivals {
		if k := int(a.at.Sub(start) / step); k >= 0 && k < 10 {
			r.tenths[k].arrived++
		}
	}
	for k := range r.tenths {
		from, to := start.Add(time.Duration(k)*step), start.Add(time.Duration(k+1)*step)
		var first, last *cpuSnap
		for i := range r.cpuSamples {
			s := &r.cpuSamples[i]
			if first == nil && !s.at.Before(from) {
				first = s
			}
			if !s.at.After(to) {
				last = s
			}
		}
		if first != nil && last != nil && last.at.After(first.at) {
			u := first.to(*last)
			r.tenths[k].workerCores = u.child.Seconds() / u.wall.Seconds()
			r.tenths[k].others = u.others.Seconds() / u.wall.Seconds()
			r.tenths[k].sampled = true
		}
	}
}

// sample asks the worker for its memory, and reads every process's CPU,
// each second until the returned function is called.
func (b *bench) sample(w *child, r *reminderResult) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				r.cpuSamples = append(r.cpuSamples, b.cpuNow(w))
				if m, err := w.mem(); err == nil {
					r.rss = append(r.rss, m.rss)
					r.heapLive = append(r.heapLive, m.heapLive)
				}
			}
		}
	})
	return func() { close(done); wg.Wait() }
}
