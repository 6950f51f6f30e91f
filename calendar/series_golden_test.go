package calendar

import (
	"testing"
	"time"
)

// sampleSeries is a weekly series as the booking side would describe it:
// ten Tuesdays at 13:00 New York time from 24 February 2026, across the
// change of clocks on 8 March, the third week skipped for a conflict.
func sampleSeries(t *testing.T) SeriesEvent {
	t.Helper()
	ev := sampleInvite(t)
	ny := loadZone(t, "America/New_York")
	ev.UID = "s-4d2e81@book.example.org"
	ev.Start = time.Date(2026, 2, 24, 13, 0, 0, 0, ny)
	ev.End = ev.Start.Add(50 * time.Minute)
	s := SeriesEvent{Event: ev, Zone: ny, EveryWeeks: 1, Count: 10}
	s.Skipped = []time.Time{s.Occurrences()[2]}
	return s
}

func TestSeriesGolden(t *testing.T) {
	request := sampleSeries(t)
	ny := request.Zone
	occ := request.Occurrences()

	moved := request
	moved.Sequence = 1
	moved.Stamp = time.Date(2026, 3, 4, 16, 5, 0, 0, ny)
	moved.Moved = []MovedOccurrence{{Original: occ[4], Start: time.Date(2026, 3, 26, 15, 30, 0, 0, ny)}}
	moved.Moved[0].End = moved.Moved[0].Start.Add(50 * time.Minute)

	cancelledOne := moved
	cancelledOne.Sequence = 2
	cancelledOne.Stamp = time.Date(2026, 3, 5, 8, 0, 0, 0, ny)

	cancelledRest := cancelledOne
	cancelledRest.Sequence = 3
	cancelledRest.Method = MethodCancel
	cancelledRest.Stamp = time.Date(2026, 4, 2, 9, 0, 0, 0, ny)
	cancelledRest.Skipped = append(cancelledRest.Skipped, occ[6])

	tests := []struct {
		file   string
		render func() ([]byte, error)
	}{
		{"series_request.ics", request.ICS},
		{"series_move.ics", moved.ICS},
		{"series_cancel_occurrence.ics", func() ([]byte, error) { return cancelledOne.CancelOccurrenceICS(occ[6]) }},
		{"series_cancel.ics", cancelledRest.ICS},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := tt.render()
			if err != nil {
				t.Fatal(err)
			}
			checkPhysicalLines(t, string(got))
			checkGolden(t, tt.file, got)
		})
	}
}
