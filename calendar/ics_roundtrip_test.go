package calendar_test

import (
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/internal/testical"
)

// The round trips read the files back with testical, which imports this
// package: hence an external test package.

func TestICSRoundTrip(t *testing.T) {
	base := calendar.SampleInvite(t)
	tests := []struct {
		desc   string
		change func(*calendar.Event)
		fix    func(*calendar.Event) // what ICS is meant to change on the way
	}{
		{"request", func(*calendar.Event) {}, nil},
		{"cancel", func(e *calendar.Event) { e.Method, e.Sequence = calendar.MethodCancel, 3 }, nil},
		{"escaped text", func(e *calendar.Event) {
			e.Summary = `Appointment with Rivers; Lee, and Partners \ Co`
			e.Description = "line one\nline two, with; all\\ of them"
			e.Attendee.Name = "Rivers, Ada"
			e.Organizer.Name = "Practice: Room 1; West"
		}, nil},
		{"quote and CR in names and text", func(e *calendar.Event) {
			e.Attendee.Name = `Ada "Addy" Rivers`
			e.Organizer.Name = "Riverside\r\nPractice"
			e.Description = "one\r\ntwo\rthree\x00"
		}, func(e *calendar.Event) {
			e.Organizer.Name = "Riverside  Practice"
			e.Description = "one\ntwo\nthree"
		}},
		{"a caret in a name (RFC 6868)", func(e *calendar.Event) {
			e.Attendee.Name = `Ada ^ "A" Rivers^`
		}, nil},
		{"stamp in a fixed zone", func(e *calendar.Event) {
			e.Stamp = time.Date(2026, 3, 1, 23, 30, 0, 0, time.FixedZone("CET", 3600))
		}, nil},
		{"no name, location or link", func(e *calendar.Event) {
			e.Attendee.Name, e.Location, e.URL, e.Description = "", "", "", ""
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			in := base
			tt.change(&in)
			data, err := in.ICS()
			if err != nil {
				t.Fatal(err)
			}
			got, err := testical.ParseEvent(data)
			if err != nil {
				t.Fatalf("%v\n%s", err, data)
			}
			want := in
			want.Start, want.End, want.Stamp = in.Start.UTC(), in.End.UTC(), in.Stamp.UTC()
			if tt.fix != nil {
				tt.fix(&want)
			}
			if got != want {
				t.Errorf("round trip changed the event\n got %+v\nwant %+v\n%s", got, want, data)
			}
		})
	}
}

func TestICSLongFields(t *testing.T) {
	ev := calendar.SampleInvite(t)
	ev.Description = strings.Repeat("Manage, move or cancel; see https://book.example.org/m/tok\\en\n", 5)
	ev.Location = strings.Repeat("Praxis Müller, Zürich – 2. Stock ", 6)
	data, err := ev.ICS()
	if err != nil {
		t.Fatal(err)
	}
	calendar.CheckPhysicalLines(t, string(data))
	for _, name := range []string{"DESCRIPTION:", "LOCATION:"} {
		_, after, _ := strings.Cut(string(data), "\r\n"+name)
		if _, next, _ := strings.Cut(after, "\r\n"); !strings.HasPrefix(next, " ") {
			t.Errorf("%s was not folded", name)
		}
	}
	got, err := testical.ParseEvent(data)
	if err != nil {
		t.Fatal(err)
	}
	if got.Description != ev.Description || got.Location != ev.Location {
		t.Errorf("long fields changed\n got %q\n     %q\nwant %q\n     %q",
			got.Description, got.Location, ev.Description, ev.Location)
	}
}
