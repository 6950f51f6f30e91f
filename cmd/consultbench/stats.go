package main

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// latencies is a sorted sample of durations.
type latencies []time.Duration

func sortedLatencies(d []time.Duration) latencies {
	out := slices.Clone(d)
	slices.Sort(out)
	return out
}

// at is the q-quantile (0..1) by nearest rank.
func (l latencies) at(q float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	i := int(q*float64(len(l)) + 0.5)
	return l[min(max(i-1, 0), len(l)-1)]
}

func (l latencies) len() int { return len(l) }

func (l latencies) max() time.Duration {
	if len(l) == 0 {
		return 0
	}
	return l[len(l)-1]
}

// ms writes a duration in milliseconds with sensible precision.
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f ms", v)
	case v >= 10:
		return fmt.Sprintf("%.1f ms", v)
	}
	return fmt.Sprintf("%.2f ms", v)
}

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

func bytesIEC(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.2f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// verdict says whether every goal holds.
func verdict(ok ...bool) string {
	for _, v := range ok {
		if !v {
			return "MISSED"
		}
	}
	return "met"
}

// commandList writes command counts per unit, largest first:
// "evalsha 3, hgetall 1".
func commandList(counts map[string]int, per float64) (string, float64) {
	names := make([]string, 0, len(counts))
	total := 0.0
	for n, c := range counts {
		names = append(names, n)
		total += float64(c)
	}
	sort.Slice(names, func(i, j int) bool {
		if counts[names[i]] != counts[names[j]] {
			return counts[names[i]] > counts[names[j]]
		}
		return names[i] < names[j]
	})
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %.1f", n, float64(counts[n])/per)
	}
	return strings.Join(parts, ", "), total / per
}
