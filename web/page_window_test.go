package web

import (
	"reflect"
	"testing"
	"time"

	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
)

func TestWindowPagesWithinTheHorizon(t *testing.T) {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Booking.Horizon = 60 * 24 * time.Hour
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	// 10:00 in New York; the horizon ends on 30 April there.
	now := time.Date(2026, 3, 1, 15, 0, 0, 0, time.UTC)
	s := New(Deps{Config: cfg, Now: func() time.Time { return now }})
	tests := []struct {
		from                   string
		wantFrom, wantTo       string
		wantEarlier, wantLater string
	}{
		{"", "2026-03-01", "2026-03-14", "", "2026-03-15"},
		{"2026-03-15", "2026-03-15", "2026-03-28", "2026-03-01", "2026-03-29"},
		{"2026-03-08", "2026-03-08", "2026-03-21", "2026-03-01", "2026-03-22"},
		{"2026-04-26", "2026-04-26", "2026-04-30", "2026-04-12", ""},
		{"2026-04-30", "2026-04-30", "2026-04-30", "2026-04-16", ""},
		{"2026-05-01", "2026-03-01", "2026-03-14", "", "2026-03-15"},
		{"2026-02-01", "2026-03-01", "2026-03-14", "", "2026-03-15"},
		{"next week", "2026-03-01", "2026-03-14", "", "2026-03-15"},
	}
	for _, tc := range tests {
		from, to, earlier, later := s.window(tc.from)
		got := []string{from.String(), to.String(), earlier, later}
		want := []string{tc.wantFrom, tc.wantTo, tc.wantEarlier, tc.wantLater}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("window(%q) = %q, want %q", tc.from, got, want)
		}
	}
}

func TestGroupByDayAcrossTheClockChange(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	slots := []calendar.Slot{
		{TherapistID: "a", Start: at("2026-03-07T14:00:00Z")}, // 09:00 EST
		{TherapistID: "b", Start: at("2026-03-07T14:00:00Z")}, // the same time, another therapist
		{TherapistID: "a", Start: at("2026-03-08T04:30:00Z")}, // 23:30 EST on the 7th
		{TherapistID: "a", Start: at("2026-03-09T13:00:00Z")}, // 09:00 EDT
	}
	got := groupByDay(english(t), slots, ny, "2026-03-09T13:00:00Z")
	want := []slotDay{
		{Date: "2026-03-07", Label: "Saturday 7 March", Count: "2 times", Slots: []slotChoice{
			{ID: "slot-1", Value: "2026-03-07T14:00:00Z", Label: "09:00"},
			{ID: "slot-2", Value: "2026-03-08T04:30:00Z", Label: "23:30"},
		}},
		{Date: "2026-03-09", Label: "Monday 9 March", Count: "1 time", Open: true, Slots: []slotChoice{
			{ID: "slot-3", Value: "2026-03-09T13:00:00Z", Label: "09:00", Checked: true},
		}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	// With no time chosen, the first day is the one open.
	if days := groupByDay(english(t), slots, ny, ""); !days[0].Open || days[1].Open {
		t.Errorf("open days %v %v, want the first only", days[0].Open, days[1].Open)
	}
}

func TestFieldMessages(t *testing.T) {
	tests := []struct {
		field, in, want string
	}{
		{"name", "is required", "Please enter your name."},
		{"start", "is required", "Please choose a time."},
		{"notes", "is required", "The note is required."},
		{"email", "is not a valid email address", "The email address is not a valid email address."},
		{"name", "contains control characters", "Your name contains control characters."},
		{"start", "start is too soon: it has passed or falls within the minimum notice", "Start is too soon: it has passed or falls within the minimum notice."},
		{"therapist", "is longer than 64 characters", "This is longer than 64 characters."},
		{"type", "", ""},
	}
	for _, tc := range tests {
		got := fieldMessages(english(t), map[string]string{tc.field: tc.in})[tc.field]
		if got != tc.want {
			t.Errorf("%s %q → %q, want %q", tc.field, tc.in, got, tc.want)
		}
	}
}
