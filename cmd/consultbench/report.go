package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// report is everything one run measured.
type report struct {
	machine   string
	web       webResult
	worker    workerResult
	reminders reminderResult
	engine    string
	wall      time.Duration
}

// machine describes where the figures come from.
func (b *bench) machine(ctx context.Context) (string, error) {
	srv, err := info(ctx, b.rdb, "server")
	if err != nil {
		return "", err
	}
	mem, cpu := "?", "?"
	if f, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(f), "MemTotal: %d kB", &kb); err == nil {
			mem = bytesIEC(kb << 10)
		}
	}
	if f, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(f))
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	persist := "no persistence"
	if b.opts.aof {
		persist = "AOF everysec"
	}
	return fmt.Sprintf("%d cores (%s), %s memory, %s %s/%s, Redis %s (%s), worker concurrency %d",
		runtime.NumCPU(), cpu, mem, runtime.Version(), runtime.GOOS, runtime.GOARCH,
		srv["redis_version"], persist, b.cfg.Worker.Concurrency), nil
}

// engineBench runs the calendar package's own benchmark of the
// availability engine and returns its result line.
func (b *bench) engineBench(ctx context.Context) (string, error) {
	gomod, err := exec.CommandContext(ctx, b.opts.goBin, "env", "GOMOD").Output()
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, b.opts.goBin, "test", "-run", "^$", "-bench", "^BenchmarkFreeSlots90Days1000Busy$",
		"-benchtime", b.opts.engineBenchtime, "-count", "1", "./calendar")
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%w\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) >= 4 && strings.HasPrefix(f[0], "BenchmarkFreeSlots90Days1000Busy") {
			return strings.Join(f[2:], " "), nil
		}
	}
	return "", fmt.Errorf("no result in:\n%s", out)
}

func (r *report) print(out io.Writer, b *bench) {
	mode := "full run"
	if b.opts.quick {
		mode = "quick run (-quick)"
	}
	fmt.Fprintf(out, "\nconsultbench: %s, wall time %s\n%s\n", mode, r.wall.Round(time.Second), r.machine)
	fmt.Fprintln(out, "ratio: throughput ratio, and in brackets the CPU-cost ratio (ceiling CPU per operation / path CPU per operation,")
	fmt.Fprintln(out, "       all processes of the run, the HTTP load generator left out), which other load does not skew")
	fmt.Fprintln(out, "other load: cores busy with processes outside this run while a path / its ceiling was measured")
	fmt.Fprintln(out)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "path\tmeasured\tceiling (same run)\tratio\tgoal\tresult\tother load")
	w, in, least := r.web, r.web.intake, r.web.least
	intakeRate, leastRate := rate(in.created, in.elapsed), rate(least.created, least.elapsed)
	intakeCost := float64(w.leastCPU.perOp(least.created, false)) / float64(w.intakeCPU.perOp(in.created, false))
	fmt.Fprintf(tw, "1 intake\t%.0f bookings/s, p50 %s, p99 %s (%d clients, web role alone)\tleast HTTP intake %.0f/s, p99 %s (%d clients)\t%.2f (CPU %.2f)\t>= 0.5 (floor 0.4), p99 <= 25 ms\t%s\t%s / %s\n",
		intakeRate, ms(in.lat.at(.5)), ms(in.lat.at(.99)), b.opts.clients, leastRate, ms(least.lat.at(.99)), b.opts.clients,
		intakeRate/leastRate, intakeCost, intakeVerdict(intakeRate/leastRate, in.lat.at(.99), len(in.other) == 0 && len(least.other) == 0),
		w.intakeCPU.othersCores(), w.leastCPU.othersCores())
	wk := r.worker
	wRate, cRate := rate(wk.msgs, wk.elapsed), rate(wk.msgs, wk.ceiling)
	workerCost := float64(wk.ceilingCPU.perOp(wk.msgs, true)) / float64(wk.workerCPU.perOp(wk.msgs, true))
	fmt.Fprintf(tw, "2 worker\t%.0f messages/s (%d invites + %d notices)\tgo-mail %.0f/s (SMTPSender, pool %d)\t%.2f (CPU %.2f)\t>= 0.7\t%s\t%s / %s\n",
		wRate, wk.bookings, wk.bookings, cRate, b.cfg.Worker.Concurrency, wRate/cRate, workerCost, verdict(wRate/cRate >= .7),
		wk.workerCPU.othersCores(), wk.ceilingCPU.othersCores())
	rm := r.reminders
	fmt.Fprintf(tw, "3 reminders\tlate p50 %s, p99 %s, max %s; lost %d, twice %d\t%d due over %s (%.0f/s)\t%.3f arrived\tp99 <= 1.5 s, none lost\t%s\t%s\n",
		ms(rm.lateness.at(.5)), ms(rm.lateness.at(.99)), ms(rm.lateness.max()), rm.lost, rm.dupes, rm.n, rm.window,
		rate(rm.n, rm.window), float64(rm.arrived)/float64(rm.n),
		verdict(rm.lateness.at(.99) <= 1500*time.Millisecond, rm.lost == 0, rm.dupes == 0), rm.cpu.othersCores())
	rss := slices.Clone(rm.rss)
	slices.Sort(rss)
	var rssMid, rssMax int64
	if len(rss) > 0 {
		rssMid, rssMax = rss[len(rss)/2], rss[len(rss)-1]
	}
	fmt.Fprintf(tw, "4 memory\tRedis %.0f B/booking with its tasks (connections left out); worker RSS %s (median, max %s)\t-\t-\t<= 4 KB/booking\t%s\t-\n",
		wk.bytesPerBooking, bytesIEC(rssMid), bytesIEC(rssMax), verdict(wk.bytesPerBooking <= 4096))
	fmt.Fprintf(tw, "5 availability\t/api/slots 60 days: p50 %s, p99 %s (%d slots, %s, %d busy)\tengine, 90 days/1000 busy: %s\t-\t-\t-\t%s\n",
		ms(w.slots.lat.at(.5)), ms(w.slots.lat.at(.99)), w.slots.slots, bytesIEC(int64(w.slots.bytes)), w.busy, r.engine,
		w.slotsCPU.othersCores())
	tw.Flush()
	r.printNotes(out, b)
}

// intakeVerdict is the intake's result: met at half the least HTTP
// intake, "floor" between 0.4 and 0.5, with p99 at most 25 ms and every
// answer a 201.
func intakeVerdict(ratio float64, p99 time.Duration, all201 bool) string {
	v := verdict(ratio >= .4, p99 <= 25*time.Millisecond, all201)
	if v == "met" && ratio < .5 {
		return "floor"
	}
	return v
}

func (r *report) printNotes(out io.Writer, b *bench) {
	w, wk, rm := r.web, r.worker, r.reminders
	in := w.intake
	fmt.Fprintln(out, "\nnotes")
	if in.exhausted {
		fmt.Fprintln(out, "  intake: the free slots ran out before the measuring time did (figures cover less time)")
	}
	if len(w.intake.other) > 0 {
		fmt.Fprintf(out, "  intake answers other than 201: %v\n", w.intake.other)
	}
	if len(w.least.other) > 0 {
		fmt.Fprintf(out, "  least HTTP intake answers other than 201: %v\n", w.least.other)
	}
	enqRate := rate(w.enqueued, w.enqueueTime)
	fmt.Fprintf(out, "  intake against raw asynq Enqueue (%d goroutines, no HTTP): %.0f/s; intake ratio %.2f (CPU %.2f), least HTTP intake ratio %.2f\n",
		b.opts.clients, enqRate, rate(in.created, in.elapsed)/enqRate,
		float64(w.enqueueCPU.perOp(w.enqueued, true))/float64(w.intakeCPU.perOp(in.created, false)),
		rate(w.least.created, w.least.elapsed)/enqRate)
	fmt.Fprintf(out, "  CPU, intake: %s\n", w.intakeCPU.describe("web", w.intake.created))
	fmt.Fprintf(out, "  CPU, least HTTP intake: %s\n", w.leastCPU.describe("least", w.least.created))
	fmt.Fprintf(out, "  CPU, enqueue ceiling: %s\n", w.enqueueCPU.describe("web", w.enqueued))
	fmt.Fprintf(out, "  CPU, worker: %s\n", wk.workerCPU.describe("worker", wk.msgs))
	fmt.Fprintf(out, "  CPU, mail ceiling: %s\n", wk.ceilingCPU.describe("", wk.msgs))
	fmt.Fprintf(out, "  CPU, reminders window: %s\n", rm.cpu.describe("worker", rm.arrived))
	fmt.Fprintf(out, "  CPU, availability: %s\n", w.slotsCPU.describe("web", w.slots.lat.len()))
	cores := float64(runtime.NumCPU())
	fmt.Fprintf(out, "  CPU-bound estimate with every core for the run (cores / CPU per operation, load generator and mail sink included):\n"+
		"    intake %.0f bookings/s, worker %.0f messages/s, reminders %.0f/s (due rate %.0f/s)\n",
		cores/w.intakeCPU.perOp(in.created, true).Seconds(), cores/wk.workerCPU.perOp(wk.msgs, true).Seconds(),
		cores/rm.cpu.perOp(rm.arrived, true).Seconds(), rate(rm.n, rm.window))
	list, per := commandList(w.roundTrips, 20)
	fmt.Fprintf(out, "  Redis commands per booking request (web; MONITOR counts each, pipelined or not): %.1f: %s\n", per, list)
	list, per = commandList(wk.roundTrips, 100)
	fmt.Fprintf(out, "  Redis commands per confirmed booking (worker, idle %.1f/s taken off): %.1f: %s\n", wk.idleRate, per, list)
	list, per = commandList(rm.roundTrips, 100)
	fmt.Fprintf(out, "  Redis commands per reminder (worker, idle taken off): %.1f: %s\n", per, list)
	fmt.Fprintf(out, "  Redis after the worker row, by key shape (MEMORY USAGE per booking of %d):\n", wk.bookings)
	for i, c := range wk.breakdown {
		if i == 12 {
			break
		}
		fmt.Fprintf(out, "    %7.0f B  %6d keys  %s\n", float64(c.bytes)/float64(wk.bookings), c.keys, c.pattern)
	}
	fmt.Fprintln(out, "  reminders by tenth of the window: lateness p50/p99 (by due time); messages/s arrived, worker cores, other load (by time)")
	for k, t := range rm.tenths {
		cores := "worker -     other -"
		if t.sampled {
			cores = fmt.Sprintf("worker %.2f  other %.2f", t.workerCores, t.others)
		}
		fmt.Fprintf(out, "    %2d: %5.2f/%5.2f s  %5.0f/s  %s\n", k+1, t.lateness.at(.5).Seconds(), t.lateness.at(.99).Seconds(),
			rate(t.arrived, rm.window/10), cores)
	}
	fmt.Fprintf(out, "  reminders: the last was queued %.1f s before the window opened\n", rm.queuedAhead.Seconds())
	fmt.Fprintf(out, "  reminders: %d bookings confirmed at %.0f/s beforehand; %d reminders queued after they were due\n",
		rm.n, rm.createRate, rm.enqueuedLate)
	if len(rm.heapLive) > 0 {
		fmt.Fprintf(out, "  worker during the reminders: RSS samples %s..%s, Go live heap up to %s\n",
			bytesIEC(slices.Min(rm.rss)), bytesIEC(slices.Max(rm.rss)), bytesIEC(slices.Max(rm.heapLive)))
	}
}
