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

func TestSeriesRejects(t *testing.T) {
	london := loadZone(t, "Europe/London")
	tests := []struct {
		desc   string
		change func(*SeriesEvent)
		want   string
	}{
		{"no zone", func(s *SeriesEvent) { s.Zone = nil }, "time zone must be named"},
		{"Local zone", func(s *SeriesEvent) { s.Zone = time.Local }, "time zone must be named"},
		{"no interval", func(s *SeriesEvent) { s.EveryWeeks = 0 }, "every 0 weeks"},
		{"neither count nor until", func(s *SeriesEvent) { s.Count = 0 }, "either a count or an until"},
		{"both count and until", func(s *SeriesEvent) { s.Until = s.Start.AddDate(0, 2, 0) }, "either a count or an until"},
		{"until before start", func(s *SeriesEvent) { s.Count, s.Until = 0, s.Start.Add(-time.Hour) }, "until is before"},
		{"too many", func(s *SeriesEvent) { s.Count = 521 }, "more than 520"},
		{"skipped week not in the series", func(s *SeriesEvent) { s.Skipped = []time.Time{s.Start.Add(time.Hour)} }, "is not one of its occurrences"},
		{"moved week not in the series", func(s *SeriesEvent) {
			s.Moved = []MovedOccurrence{{Original: s.Start.AddDate(0, 0, 3), Start: s.Start, End: s.End}}
		}, "is not one of its occurrences"},
		{"moved twice", func(s *SeriesEvent) {
			o := s.Occurrences()[1]
			s.Moved = []MovedOccurrence{{o, o.Add(time.Hour), o.Add(2 * time.Hour)}, {o, o.Add(3 * time.Hour), o.Add(4 * time.Hour)}}
		}, "moved twice"},
		{"moved and skipped", func(s *SeriesEvent) {
			o := s.Skipped[0]
			s.Moved = []MovedOccurrence{{o, o.Add(time.Hour), o.Add(2 * time.Hour)}}
		}, "both skipped and moved"},
		{"moved with no length", func(s *SeriesEvent) {
			o := s.Occurrences()[1]
			s.Moved = []MovedOccurrence{{o, o.Add(time.Hour), o.Add(time.Hour)}}
		}, "end no later than start"},
		{"starts in the second showing of a repeated hour", func(s *SeriesEvent) {
			s.Zone = london
			s.Start = time.Date(2026, 10, 25, 1, 30, 0, 0, london) // GMT: time.Date's pick
			s.End = s.Start.Add(50 * time.Minute)
			s.Skipped = nil
		}, "shows twice"},
		{"event rules still hold", func(s *SeriesEvent) { s.UID = "" }, "no UID"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			s := sampleSeries(t)
			tt.change(&s)
			data, err := s.ICS()
			if err == nil {
				t.Fatalf("no error; got\n%s", data)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			if _, err := s.CancelOccurrenceICS(s.Start); err == nil {
				t.Error("CancelOccurrenceICS: no error")
			}
		})
	}
	s := sampleSeries(t)
	if _, err := s.CancelOccurrenceICS(s.Start.Add(24 * time.Hour)); err == nil || !strings.Contains(err.Error(), "not one of its occurrences") {
		t.Errorf("cancelling a time that is no occurrence: error %v", err)
	}
}

// TestSeriesTimesAsWritten checks the forms of the times a series writes.
func TestSeriesTimesAsWritten(t *testing.T) {
	london := loadZone(t, "Europe/London")
	tokyo := loadZone(t, "Asia/Tokyo")
	base := sampleSeries(t)
	base.Skipped = nil

	until := base
	until.Zone = london
	until.Start = time.Date(2026, 9, 29, 13, 0, 0, 0, london)
	until.End = until.Start.Add(50 * time.Minute)
	until.Count, until.Until, until.EveryWeeks = 0, time.Date(2026, 11, 10, 13, 0, 0, 0, london), 2
	// Moved into the repeated hour's second showing: written in UTC, as a
	// local time would be read as the first showing.
	repeated := time.Date(2026, 10, 25, 1, 30, 0, 0, london)
	until.Moved = []MovedOccurrence{{Original: until.Occurrences()[2], Start: repeated, End: repeated.Add(50 * time.Minute)}}

	inTokyo := base
	inTokyo.Zone = tokyo
	inTokyo.Start = time.Date(2026, 3, 3, 10, 0, 0, 0, tokyo)
	inTokyo.End = inTokyo.Start.Add(time.Hour)

	tests := []struct {
		desc  string
		s     SeriesEvent
		lines []string
		count map[string]int // prefixes of lines and how many begin so
	}{
		{"until, every other week, a move into the repeated hour", until, []string{
			"RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20261110T130000Z",
			"DTSTART;TZID=Europe/London:20260929T130000",
			"DTEND;TZID=Europe/London:20260929T135000",
			"RECURRENCE-ID;TZID=Europe/London:20261027T130000",
			"DTSTART:20261025T013000Z", "DTEND;TZID=Europe/London:20261025T022000", // after the repeated hour
		}, map[string]int{"BEGIN:VEVENT": 2, "BEGIN:STANDARD": 2, "BEGIN:DAYLIGHT": 1}},
		{"a zone without daylight saving", inTokyo, []string{
			"TZID:Asia/Tokyo", "TZOFFSETTO:+0900", "DTSTART;TZID=Asia/Tokyo:20260303T100000",
		}, map[string]int{"BEGIN:STANDARD": 1, "BEGIN:DAYLIGHT": 0, "EXDATE": 0}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			if n := len(tt.s.Occurrences()); n == 0 {
				t.Fatal("no occurrences")
			}
			data, err := tt.s.ICS()
			if err != nil {
				t.Fatal(err)
			}
			checkPhysicalLines(t, string(data))
			lines := strings.Split(unfold(string(data)), "\r\n")
			for _, want := range tt.lines {
				if !slicesContains(lines, want) {
					t.Errorf("no line %q in\n%s", want, data)
				}
			}
			for prefix, want := range tt.count {
				n := 0
				for _, l := range lines {
					if strings.HasPrefix(l, prefix) {
						n++
					}
				}
				if n != want {
					t.Errorf("%d lines begin %q, want %d", n, prefix, want)
				}
			}
		})
	}
	if got := len(until.Occurrences()); got != 4 { // 29 Sep, 13 and 27 Oct, 10 Nov
		t.Errorf("until series has %d occurrences, want 4", got)
	}
}

func slicesContains(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}
