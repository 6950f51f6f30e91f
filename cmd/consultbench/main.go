// Command consultbench measures consultd's paths against their ceilings on
// this machine, in one run, and prints one table: the HTTP intake against
// the least HTTP intake on asynq (a net/http handler that decodes the body,
// enqueues the confirm task and answers 201, driven by the same load
// generator; raw asynq enqueues are noted beside it), the worker against raw SMTP sends, reminders against
// their due times, Redis bytes per booking and the worker's memory, and
// availability. It starts its own redis-server and an SMTP sink, and runs
// the web and worker roles as child processes of the real app.
//
//	go run ./cmd/consultbench [-quick] [-cpuprofile-dir DIR]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/jobs"
)

type options struct {
	quick            bool
	clients          int
	warmup, duration time.Duration
	slotRequests     int
	workerBookings   int
	reminders        int
	window, drain    time.Duration
	cpuProfileDir    string
	redisBin, goBin  string
	aof, skipEngine  bool
	engineBenchtime  string
}

func parseFlags() (options, childArgs) {
	var o options
	var c childArgs
	flag.BoolVar(&o.quick, "quick", false, "a short run (about a minute): fewer bookings, 20k reminders over 24s")
	flag.IntVar(&o.clients, "clients", 32, "concurrent intake clients (for the intake and the least HTTP intake alike), and enqueue-ceiling goroutines")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "how long the intake and the enqueue ceiling are measured")
	flag.IntVar(&o.slotRequests, "slot-requests", 50, "sequential /api/slots requests for the availability row")
	flag.IntVar(&o.workerBookings, "bookings", 3000, "held bookings the worker confirms (two messages each)")
	flag.IntVar(&o.reminders, "reminders", 100_000, "reminders due over -window")
	flag.DurationVar(&o.window, "window", 2*time.Minute, "the span the reminders are due over")
	flag.DurationVar(&o.drain, "drain", 30*time.Second, "how long after the window a reminder may still arrive before it counts as lost")
	flag.StringVar(&o.cpuProfileDir, "cpuprofile-dir", "", "write CPU profiles of the intake and the worker here and print their top costs")
	flag.StringVar(&o.redisBin, "redis-server", "redis-server", "the redis-server to run")
	flag.StringVar(&o.goBin, "go", "go", "the go command, for the availability engine benchmark and pprof")
	flag.BoolVar(&o.aof, "aof", false, "run Redis with appendonly yes (everysec), as production should")
	flag.BoolVar(&o.skipEngine, "skip-engine", false, "do not run the calendar engine benchmark")
	flag.StringVar(&c.role, "child", "", "internal: run as this consultd role (web, worker) or as the least HTTP intake (least-intake) for the parent bench")
	flag.StringVar(&c.redis, "child-redis", "", "internal: the parent's Redis address")
	flag.IntVar(&c.smtpPort, "child-smtp-port", 0, "internal: the parent's SMTP sink port")
	flag.StringVar(&c.log, "child-log", "", "internal: the child's log file")
	flag.StringVar(&c.cpuProfile, "child-cpuprofile", "", "internal: profile the child from its start into this file")
	flag.Parse()
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	o.warmup, o.engineBenchtime = time.Second, "1s"
	if o.quick {
		quick := map[string]func(){
			"duration":      func() { o.duration = 3 * time.Second },
			"slot-requests": func() { o.slotRequests = 20 },
			"bookings":      func() { o.workerBookings = 1000 },
			"reminders":     func() { o.reminders = 20_000 },
			"window":        func() { o.window = 24 * time.Second },
			"drain":         func() { o.drain = 15 * time.Second },
		}
		for name, apply := range quick {
			if !set[name] {
				apply()
			}
		}
		o.warmup, o.engineBenchtime = 500*time.Millisecond, "500ms"
	}
	return o, c
}

func main() {
	opts, childOpts := parseFlags()
	if childOpts.role != "" {
		if err := runChild(childOpts); err != nil {
			fmt.Fprintln(os.Stderr, "consultbench child:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, opts); err != nil {
		fmt.Fprintln(os.Stderr, "consultbench:", err)
		os.Exit(1)
	}
}

// bench is one run: its Redis, sink and the clients the load side uses.
type bench struct {
	opts      options
	dir       string
	started   time.Time
	redis     *redisServer
	sink      *sink
	cfg       *config.Config
	rdb       *redis.Client
	store     *booking.Store
	queue     *asynq.Client
	inspector *asynq.Inspector
	enqueuer  *jobs.Enqueuer
	children  int
	profiles  []profileGroup
}

func (b *bench) progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%5.1fs] %s\n", time.Since(b.started).Seconds(), fmt.Sprintf(format, args...))
}

func run(ctx context.Context, opts options) (err error) {
	b := &bench{opts: opts, started: time.Now()}
	if b.dir, err = os.MkdirTemp("", "consultbench-"); err != nil {
		return err
	}
	defer os.RemoveAll(b.dir)
	if opts.cpuProfileDir != "" {
		if err := os.MkdirAll(opts.cpuProfileDir, 0o755); err != nil {
			return err
		}
	}
	if b.redis, err = startRedis(opts.redisBin, b.dir, opts.aof); err != nil {
		return err
	}
	defer b.redis.stop()
	if b.sink, err = startSink(); err != nil {
		return err
	}
	defer b.sink.close()
	if b.cfg, err = benchConfig(b.redis.addr, b.sink.port); err != nil {
		return err
	}
	b.rdb = redis.NewClient(&redis.Options{Addr: b.redis.addr, ClientName: benchClientName, PoolSize: 64})
	defer b.rdb.Close()
	b.store = booking.NewStore(b.rdb, time.Now)
	b.queue = asynq.NewClientFromRedisClient(b.rdb)
	b.inspector = asynq.NewInspectorFromRedisClient(b.rdb)
	b.enqueuer = jobs.NewEnqueuer(b.queue, b.inspector, b.cfg, time.Now)

	var rep report
	if rep.machine, err = b.machine(ctx); err != nil {
		return err
	}
	if rep.web, err = b.runWeb(ctx); err != nil {
		return fmt.Errorf("intake: %w", err)
	}
	worker := &rep.worker
	var w *child
	*worker, w, err = b.runWorker(ctx, opts.workerBookings)
	if w != nil {
		defer w.stop()
	}
	if err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	if rep.reminders, err = b.runReminders(ctx, w, opts.reminders, opts.window); err != nil {
		return fmt.Errorf("reminders: %w", err)
	}
	w.stop()
	if !opts.skipEngine {
		b.progress("availability: engine benchmark (go test -bench)")
		if rep.engine, err = b.engineBench(ctx); err != nil {
			return fmt.Errorf("engine benchmark: %w", err)
		}
	}
	rep.wall = time.Since(b.started)
	rep.print(os.Stdout, b)
	b.printProfiles(ctx, os.Stdout)
	return nil
}
