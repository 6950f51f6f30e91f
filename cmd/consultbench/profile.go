package main

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
)

// profileGroup is the CPU profiles of one phase, read together, or (with
// allocsBase) the allocations of one phase: paths[0] less allocsBase.
type profileGroup struct {
	name       string
	paths      []string
	allocsBase string
}

// allocsProfile writes the allocations so far of child c to two files,
// one when called and one when the returned func is: the phase between
// them is printed as name. Nothing when no profiles were asked for.
func (b *bench) allocsProfile(c *child, name string) (func() error, error) {
	if b.opts.cpuProfileDir == "" {
		return func() error { return nil }, nil
	}
	before := filepath.Join(b.opts.cpuProfileDir, name+"-before.pprof")
	if _, err := c.call("allocs " + before); err != nil {
		return nil, err
	}
	return func() error {
		after := filepath.Join(b.opts.cpuProfileDir, name+".pprof")
		if _, err := c.call("allocs " + after); err != nil {
			return err
		}
		b.profiles = append(b.profiles, profileGroup{name: name, paths: []string{after}, allocsBase: before})
		return nil
	}, nil
}

// profilePath is where the CPU profile called name, part of group, goes;
// "" when no profiles were asked for.
func (b *bench) profilePath(group, name string) string {
	if b.opts.cpuProfileDir == "" {
		return ""
	}
	p := filepath.Join(b.opts.cpuProfileDir, name+".pprof")
	for i := range b.profiles {
		if b.profiles[i].name == group {
			b.profiles[i].paths = append(b.profiles[i].paths, p)
			return p
		}
	}
	b.profiles = append(b.profiles, profileGroup{name: group, paths: []string{p}})
	return p
}

// projectNodes are the nodes the cumulative view keeps: the project's
// code and the library entry points it spends in; everything below a
// shown node is counted in it.
const projectNodes = `consultd/|hibiken/asynq\.\(|go-mail\.\(|go-redis/v9\.\(\*Client\)|slog\.\(\*Logger\)|` +
	`time\.LoadLocation$|encoding/json\.(Marshal|\(\*Decoder\)\.Decode|\(\*Encoder\))|net/http\.\(\*conn\)\.serve|runtime\.gcBgMarkWorker$`

// printProfiles prints, for each phase profiled, the flat top and the
// cumulative cost of the project's code.
func (b *bench) printProfiles(ctx context.Context, out io.Writer) {
	for _, g := range b.profiles {
		views := [][]string{
			{"-top", "-nodecount=12"},
			{"-top", "-cum", "-nodecount=30", "-show=" + projectNodes},
		}
		if g.allocsBase != "" {
			views = [][]string{
				{"-top", "-nodecount=20", "-sample_index=alloc_space", "-diff_base=" + g.allocsBase},
				{"-top", "-cum", "-nodecount=30", "-sample_index=alloc_objects", "-show=" + projectNodes, "-diff_base=" + g.allocsBase},
			}
		}
		for _, v := range views {
			args := append(append([]string{"tool", "pprof"}, v...), g.paths...)
			top, err := exec.CommandContext(ctx, b.opts.goBin, args...).Output()
			fmt.Fprintf(out, "\nprofile %s: go %v\n", g.name, args[1:])
			if err != nil {
				fmt.Fprintf(out, "  go tool pprof: %v\n", err)
				continue
			}
			_, _ = out.Write(top)
		}
	}
}
