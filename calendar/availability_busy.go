package calendar

import (
	"slices"
	"sort"
	"time"
)

// busySet is the time already taken, as sorted, disjoint, non-empty spans.
// Sorting and merging once lets each candidate start be checked with a binary
// search instead of against every booking.
type busySet []Interval

// newBusySet sorts and merges busy without changing the caller's slice.
// Spans that touch are merged too: under the half-open rule a session that
// overlaps the union overlaps one of the parts, so nothing changes.
func newBusySet(busy []Interval) busySet {
	sorted := make([]Interval, 0, len(busy))
	for _, b := range busy {
		if b.Start.Before(b.End) {
			sorted = append(sorted, b)
		}
	}
	slices.SortFunc(sorted, func(a, b Interval) int { return a.Start.Compare(b.Start) })
	merged := sorted[:0]
	for _, b := range sorted {
		last := len(merged) - 1
		if last >= 0 && !b.Start.After(merged[last].End) {
			if b.End.After(merged[last].End) {
				merged[last].End = b.End
			}
			continue
		}
		merged = append(merged, b)
	}
	return merged
}

// overlaps reports whether [start, end) shares any instant with the set.
// The first span ending after start is the only one that can overlap: those
// before it end in time, those after it begin later than it does.
func (s busySet) overlaps(start, end time.Time) bool {
	i := sort.Search(len(s), func(i int) bool { return s[i].End.After(start) })
	return i < len(s) && s[i].Start.Before(end)
}
