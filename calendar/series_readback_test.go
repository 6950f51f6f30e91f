package calendar

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"
)

// dstSeries is ten Tuesdays at 13:00 in zone, from first, across the
// March change of clocks.
func dstSeries(t *testing.T, zone string, first time.Time) SeriesEvent {
	t.Helper()
	loc := loadZone(t, zone)
	ev := sampleInvite(t)
	ev.UID = "s-dst@book.example.org"
	ev.Start = time.Date(first.Year(), first.Month(), first.Day(), 13, 0, 0, 0, loc)
	ev.End = ev.Start.Add(50 * time.Minute)
	return SeriesEvent{Event: ev, Zone: loc, EveryWeeks: 1, Count: 10}
}

// TestSeriesReadBackAcrossDST reads the invite of a series across the
// March change back with independent readers and checks that each one
// expands it to ten occurrences at 13:00 local time, the instants
// Occurrences lists.
func TestSeriesReadBackAcrossDST(t *testing.T) {
	series := []SeriesEvent{
		dstSeries(t, "America/New_York", time.Date(2026, 2, 24, 0, 0, 0, 0, time.UTC)), // change on 8 March
		dstSeries(t, "Europe/London", time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)),    // change on 29 March
	}
	readers := []struct {
		desc string
		read func(t *testing.T, data []byte) []time.Time
	}{
		{"busy feed reader, zone by its IANA name", func(t *testing.T, data []byte) []time.Time {
			return busyStarts(t, data)
		}},
		{"busy feed reader, zone from the file's VTIMEZONE alone", func(t *testing.T, data []byte) []time.Time {
			// A name the time zone database does not know makes the reader
			// build the zone from the VTIMEZONE written.
			s := unfold(string(data))
			for _, zone := range []string{"America/New_York", "Europe/London"} {
				s = strings.ReplaceAll(s, zone, "Therapist Local Time")
			}
			return busyStarts(t, []byte(s))
		}},
		{"rrule-go on DTSTART and RRULE", rruleStarts},
		{"go-ical's RecurrenceSet", func(t *testing.T, data []byte) []time.Time {
			set, err := masterEvent(t, data).RecurrenceSet(time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			return set.All()
		}},
	}
	for _, s := range series {
		data, err := s.ICS()
		if err != nil {
			t.Fatal(err)
		}
		want := s.Occurrences()
		for _, r := range readers {
			t.Run(s.Zone.String()+": "+r.desc, func(t *testing.T) {
				got := r.read(t, data)
				if len(got) != len(want) {
					t.Fatalf("%d occurrences, want %d: %v", len(got), len(want), got)
				}
				offsets := map[int]bool{}
				for i, g := range got {
					local := g.In(s.Zone)
					_, off := local.Zone()
					offsets[off] = true
					if local.Format("Mon 15:04") != "Tue 13:00" || !g.Equal(want[i]) {
						t.Errorf("occurrence %d at %s (%s), want Tue 13:00 at %s",
							i, local.Format("Mon 2006-01-02 15:04 MST"), g.UTC().Format(time.RFC3339), want[i].UTC().Format(time.RFC3339))
					}
				}
				if len(offsets) != 2 {
					t.Errorf("occurrences have %d offsets; the series was meant to cross a change of clocks", len(offsets))
				}
			})
		}
	}
}

// busyStarts reads data as a therapist's busy feed and returns the starts.
func busyStarts(t *testing.T, data []byte) []time.Time {
	t.Helper()
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	busy, err := BusyFromICSExcept(data, time.UTC, from, from.AddDate(1, 0, 0), "")
	if err != nil {
		t.Fatal(err)
	}
	var out []time.Time
	for _, b := range busy {
		if b.End.Sub(b.Start) != 50*time.Minute {
			t.Errorf("busy %v: not 50 minutes", b)
		}
		out = append(out, b.Start)
	}
	return out
}

// rruleStarts expands the master VEVENT with rrule-go alone: DTSTART read
// in its TZID, the RRULE in that zone, EXDATE taken out.
func rruleStarts(t *testing.T, data []byte) []time.Time {
	t.Helper()
	p := masterEvent(t, data).Props
	local := func(prop *ical.Prop) time.Time {
		loc, err := time.LoadLocation(prop.Params.Get(ical.ParamTimezoneID))
		if err != nil {
			t.Fatal(err)
		}
		at, err := time.ParseInLocation("20060102T150405", prop.Value, loc)
		if err != nil {
			t.Fatal(err)
		}
		return at
	}
	start := local(p.Get(ical.PropDateTimeStart))
	opt, err := rrule.StrToROptionInLocation(p.Get(ical.PropRecurrenceRule).Value, start.Location())
	if err != nil {
		t.Fatal(err)
	}
	opt.Dtstart = start
	rule, err := rrule.NewRRule(*opt)
	if err != nil {
		t.Fatal(err)
	}
	var set rrule.Set
	set.RRule(rule)
	for _, ex := range p.Values(ical.PropExceptionDates) {
		set.ExDate(local(&ex))
	}
	return set.All()
}

// masterEvent is the VEVENT without RECURRENCE-ID.
func masterEvent(t *testing.T, data []byte) ical.Event {
	t.Helper()
	cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range cal.Events() {
		if e.Props.Get(ical.PropRecurrenceID) == nil {
			return e
		}
	}
	t.Fatal("no master VEVENT")
	return ical.Event{}
}

// TestSeriesChangesReadBack stores the messages about a series as a
// client's calendar keeps them (the master and its overrides together) and
// reads the result with the busy feed reader.
func TestSeriesChangesReadBack(t *testing.T) {
	s := sampleSeries(t) // week 3 skipped
	ny, occ := s.Zone, s.Occurrences()
	s.Sequence = 1
	movedTo := time.Date(2026, 3, 26, 15, 30, 0, 0, ny)
	s.Moved = []MovedOccurrence{{Original: occ[4], Start: movedTo, End: movedTo.Add(50 * time.Minute)}}
	move, err := s.ICS()
	if err != nil {
		t.Fatal(err)
	}
	s.Sequence = 2
	cancelOne, err := s.CancelOccurrenceICS(occ[6])
	if err != nil {
		t.Fatal(err)
	}
	s.Sequence, s.Method = 3, MethodCancel
	cancelAll, err := s.ICS()
	if err != nil {
		t.Fatal(err)
	}

	var want []time.Time
	for i, o := range occ {
		switch i {
		case 2, 6: // skipped, cancelled
		case 4:
			want = append(want, movedTo)
		default:
			want = append(want, o)
		}
	}
	tests := []struct {
		desc string
		feed []byte
		want []time.Time
	}{
		{"moved and one cancelled", storedTogether(t, move, cancelOne), want},
		{"series cancelled", cancelAll, nil},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			got := busyStarts(t, tt.feed)
			if len(got) != len(tt.want) {
				t.Fatalf("busy at %v, want %v", got, tt.want)
			}
			for i := range got {
				if !got[i].Equal(tt.want[i]) {
					t.Errorf("busy %d at %s, want %s", i, got[i].In(ny), tt.want[i].In(ny))
				}
			}
		})
	}
}

// storedTogether is one calendar holding the first message's components
// and the VEVENTs of the others.
func storedTogether(t *testing.T, first []byte, more ...[]byte) []byte {
	t.Helper()
	cal, err := ical.NewDecoder(bytes.NewReader(first)).Decode()
	if err != nil {
		t.Fatal(err)
	}
	for _, data := range more {
		c, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range c.Events() {
			cal.Children = append(cal.Children, e.Component)
		}
	}
	var buf bytes.Buffer
	if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
