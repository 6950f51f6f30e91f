package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuSnap is the CPU time used so far by each process of the run, and by
// the whole machine.
type cpuSnap struct {
	at                         time.Time
	bench, redis, child, total time.Duration
}

// cpuUse is where the CPU went during one phase: others is what processes
// outside the run took from the same cores.
type cpuUse struct {
	wall                        time.Duration
	bench, redis, child, others time.Duration
}

func (u *cpuUse) add(v cpuUse) {
	u.wall += v.wall
	u.bench += v.bench
	u.redis += v.redis
	u.child += v.child
	u.others += v.others
}

// clockTick is the unit of /proc/<pid>/stat times (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// procCPU reads utime+stime of a process from /proc (Linux); 0 elsewhere.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces; fields count from after it.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+k) * clockTick
}

// machineCPU is the busy time of all cores from /proc/stat (Linux).
func machineCPU() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	var busy int64
	for i, v := range f[1:] {
		n, _ := strconv.ParseInt(v, 10, 64)
		if i != 3 && i != 4 && i < 8 { // not idle, not iowait, not guest
			busy += n
		}
	}
	return time.Duration(busy) * clockTick
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuNow snapshots the bench, Redis and (when not nil) a child process.
func (b *bench) cpuNow(c *child) cpuSnap {
	s := cpuSnap{at: time.Now(), bench: selfCPU(), redis: procCPU(b.redis.cmd.Process.Pid), total: machineCPU()}
	if c != nil {
		s.child = procCPU(c.cmd.Process.Pid)
	}
	return s
}

func (s cpuSnap) to(e cpuSnap) cpuUse {
	u := cpuUse{wall: e.at.Sub(s.at), bench: e.bench - s.bench, redis: e.redis - s.redis, child: e.child - s.child}
	u.others = max(e.total-s.total-u.bench-u.redis-u.child, 0)
	return u
}

// describe says how many cores each process kept busy, and its CPU time
// per operation of n.
func (u cpuUse) describe(childName string, n int) string {
	part := func(name string, d time.Duration) string {
		return fmt.Sprintf("%s %.2f cores (%.0f µs/op)", name, d.Seconds()/u.wall.Seconds(), float64(d.Microseconds())/float64(max(n, 1)))
	}
	out := part("bench", u.bench) + ", " + part("redis", u.redis)
	if childName != "" {
		out += ", " + part(childName, u.child)
	}
	return out + fmt.Sprintf("; other processes %.2f cores", u.others.Seconds()/u.wall.Seconds())
}

// perOp is the CPU time the run's processes spent per operation of n;
// withBench counts the bench process too (it is the load generator in one
// phase and the mail server or the ceiling's client in others).
func (u cpuUse) perOp(n int, withBench bool) time.Duration {
	d := u.redis + u.child
	if withBench {
		d += u.bench
	}
	return d / time.Duration(max(n, 1))
}

// othersCores is the load from outside the run, in cores.
func (u cpuUse) othersCores() string {
	if u.wall <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", u.others.Seconds()/u.wall.Seconds())
}
