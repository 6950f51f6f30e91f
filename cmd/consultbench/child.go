package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"

	"github.com/consultd/consultd/app"
)

// The bench runs each consultd role in a process of its own (itself,
// started with -child), so that the intake's and the worker's CPU profiles
// and resident memory are theirs alone, not mixed with the load generator
// and the SMTP sink. The parent drives a child through stdin, one command a
// line, and reads one answer a line on stdout:
//
//	cpu-start PATH   start a CPU profile written to PATH     → ok
//	cpu-stop         stop it                                 → ok
//	allocs PATH      write the allocation profile so far     → ok
//	mem              → rss=<bytes> heap_live=<bytes> go_total=<bytes>
//	quit (or EOF)    shut down as consultd does on SIGTERM
//
// The first line a child writes is "ready <listen address>".

// childArgs are the -child-* flags.
type childArgs struct {
	role, redis, log, cpuProfile string
	smtpPort                     int
}

// rolesOf maps a child role to what the app runs: "worker" is what
// `consultd worker` runs (worker and scheduler).
func rolesOf(role string) (app.Roles, error) {
	switch role {
	case "web":
		return app.Roles{Web: true}, nil
	case "worker":
		return app.Roles{Worker: true, Scheduler: true}, nil
	}
	return app.Roles{}, fmt.Errorf("unknown child role %q", role)
}

func runChild(args childArgs) error {
	if args.role == leastIntakeRole {
		return runLeastIntake(args)
	}
	roles, err := rolesOf(args.role)
	if err != nil {
		return err
	}
	cfg, err := benchConfig(args.redis, args.smtpPort)
	if err != nil {
		return err
	}
	logFile, err := os.OpenFile(args.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer logFile.Close()
	logger := slog.New(slog.NewTextHandler(logFile, &slog.HandlerOptions{Level: cfg.Log.Level}))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := app.New(ctx, cfg, roles, app.Options{Logger: logger})
	if err != nil {
		return err
	}
	defer a.Close()
	var prof profiler
	defer prof.stop()
	if args.cpuProfile != "" {
		if err := prof.start(args.cpuProfile); err != nil {
			return err
		}
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	fmt.Printf("ready %s\n", a.Addr())
	go serveCommands(os.Stdin, os.Stdout, &prof, cancel)
	return <-done
}

// serveCommands answers the parent until it says quit or goes away.
func serveCommands(in io.Reader, out io.Writer, prof *profiler, quit func()) {
	defer quit()
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		verb, arg, _ := strings.Cut(sc.Text(), " ")
		switch verb {
		case "cpu-start":
			answer(out, prof.start(arg))
		case "cpu-stop":
			prof.stop()
			answer(out, nil)
		case "allocs":
			answer(out, writeAllocs(arg))
		case "mem":
			fmt.Fprintln(out, memLine())
		case "quit":
			return
		default:
			answer(out, fmt.Errorf("unknown command %q", verb))
		}
	}
}

func answer(out io.Writer, err error) {
	if err != nil {
		fmt.Fprintln(out, "error", err)
		return
	}
	fmt.Fprintln(out, "ok")
}

// profiler is at most one CPU profile being written.
type profiler struct{ f *os.File }

func (p *profiler) start(path string) error {
	p.stop()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return err
	}
	p.f = f
	return nil
}

func (p *profiler) stop() {
	if p.f == nil {
		return
	}
	pprof.StopCPUProfile()
	_ = p.f.Close()
	p.f = nil
}

// writeAllocs writes the allocations sampled since the start to path.
func writeAllocs(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// memLine is the process's resident set (VmRSS) and the Go runtime's view.
func memLine() string {
	samples := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/total:bytes"}}
	metrics.Read(samples)
	return fmt.Sprintf("rss=%d heap_live=%d go_total=%d", vmRSS(), samples[0].Value.Uint64(), samples[1].Value.Uint64())
}

// vmRSS reads VmRSS from /proc/self/status (Linux); 0 elsewhere.
func vmRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
