package calendar

import (
	"strings"
	"testing"
	"time"
)

func TestWeeklyOccurrences(t *testing.T) {
	ny := loadZone(t, "America/New_York")  // 2026: EDT from 8 March, EST from 1 November
	london := loadZone(t, "Europe/London") // 2026: BST from 29 March, GMT from 25 October
	tests := []struct {
		desc      string
		first     time.Time
		loc       *time.Location
		every, n  int
		want      []string // UTC
		sameLocal bool     // every occurrence shows first's wall-clock time
	}{
		{"New York morning across March", time.Date(2026, 3, 3, 9, 0, 0, 0, ny), ny, 1, 3,
			[]string{"2026-03-03T14:00:00Z", "2026-03-10T13:00:00Z", "2026-03-17T13:00:00Z"}, true},
		{"New York afternoon across November", time.Date(2026, 10, 23, 15, 30, 0, 0, ny), ny, 1, 3,
			[]string{"2026-10-23T19:30:00Z", "2026-10-30T19:30:00Z", "2026-11-06T20:30:00Z"}, true},
		{"London morning across March", time.Date(2026, 3, 23, 10, 0, 0, 0, london), london, 1, 2,
			[]string{"2026-03-23T10:00:00Z", "2026-03-30T09:00:00Z"}, true},
		{"London afternoon across October", time.Date(2026, 10, 22, 16, 0, 0, 0, london), london, 1, 2,
			[]string{"2026-10-22T15:00:00Z", "2026-10-29T16:00:00Z"}, true},
		{"every other week, landing on the change day", time.Date(2026, 2, 22, 13, 0, 0, 0, ny), ny, 2, 3,
			[]string{"2026-02-22T18:00:00Z", "2026-03-08T17:00:00Z", "2026-03-22T17:00:00Z"}, true},
		{"first given in UTC is read on loc's clock", time.Date(2026, 2, 24, 18, 0, 0, 0, time.UTC), ny, 1, 3,
			[]string{"2026-02-24T18:00:00Z", "2026-03-03T18:00:00Z", "2026-03-10T17:00:00Z"}, true},
		{"New York 02:30 skipped: 01:30 EST", time.Date(2026, 3, 1, 2, 30, 0, 0, ny), ny, 1, 2,
			[]string{"2026-03-01T07:30:00Z", "2026-03-08T06:30:00Z"}, false},
		{"London 01:30 skipped: 02:30 BST", time.Date(2026, 3, 22, 1, 30, 0, 0, london), london, 1, 2,
			[]string{"2026-03-22T01:30:00Z", "2026-03-29T01:30:00Z"}, false},
		{"New York 01:30 repeated: the first, EDT", time.Date(2026, 10, 25, 1, 30, 0, 0, ny), ny, 1, 2,
			[]string{"2026-10-25T05:30:00Z", "2026-11-01T05:30:00Z"}, true},
		{"London 01:30 repeated: the second, GMT", time.Date(2026, 10, 18, 1, 30, 0, 0, london), london, 1, 2,
			[]string{"2026-10-18T00:30:00Z", "2026-10-25T01:30:00Z"}, true},
		{"no count", time.Date(2026, 3, 3, 9, 0, 0, 0, ny), ny, 1, 0, nil, true},
		{"no interval", time.Date(2026, 3, 3, 9, 0, 0, 0, ny), ny, 0, 3, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			got := WeeklyOccurrences(tt.first, tt.loc, tt.every, tt.n)
			var utc []string
			for _, g := range got {
				utc = append(utc, g.UTC().Format(time.RFC3339))
			}
			if strings.Join(utc, " ") != strings.Join(tt.want, " ") {
				t.Fatalf("got  %v\nwant %v", utc, tt.want)
			}
			wall := tt.first.In(tt.loc).Format("Mon 15:04")
			for i, g := range got {
				if g.Location() != tt.loc {
					t.Errorf("occurrence %d is in %s, want %s", i, g.Location(), tt.loc)
				}
				if l := g.Format("Mon 15:04"); tt.sameLocal && l != wall {
					t.Errorf("occurrence %d shows %s, want %s", i, l, wall)
				}
			}
		})
	}
}
