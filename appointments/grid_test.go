package appointments

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
)

// hourly gives the 50-minute session its own grid of an hour; the
// consultation keeps booking.slot_step (15m).
func hourly(c *config.Config) {
	for i := range c.SessionTypes {
		if c.SessionTypes[i].ID == "session" {
			c.SessionTypes[i].SlotStep = time.Hour
		}
	}
}

// A type's own slot_step is its grid everywhere: the free slots, the
// check of a posted start, the times a booking may move to and a series.
func TestSessionTypeKeepsItsOwnGrid(t *testing.T) {
	e := newEnv(t, hourly)
	ctx := context.Background()
	ny := e.cfg.Therapists[0].Location()
	sessions, err := e.svc.FreeSlots(ctx, SlotsRequest{Type: "session", From: "2026-12-09", To: "2026-12-10"})
	if err != nil || len(sessions) == 0 {
		t.Fatalf("session slots: %d, %v", len(sessions), err)
	}
	for _, sl := range sessions {
		if sl.Start.In(ny).Minute() != 0 {
			t.Errorf("a session offered at %s, off its hourly grid", sl.Start.In(ny).Format("15:04"))
		}
	}
	consultations, err := e.svc.FreeSlots(ctx, SlotsRequest{Type: "consultation", From: "2026-12-09", To: "2026-12-09"})
	if err != nil || len(consultations) < 4 || consultations[1].Start.Sub(consultations[0].Start) != 15*time.Minute {
		t.Fatalf("consultations keep the 15m grid: %d slots, %v", len(consultations), err)
	}

	var bad *InvalidError
	offGrid := Request{Type: "session", Start: "2026-12-09T14:15:00Z", Name: "Sam Lee", Email: "sam@example.org"}
	if _, _, err := e.svc.Book(ctx, offGrid); !errors.As(err, &bad) || bad.Fields["start"] != calendar.ErrOffGrid.Error() {
		t.Fatalf("a session at 09:15: %v, want 422 naming start", err)
	}
	b, _, err := e.svc.Book(ctx, Request{Type: "session", Start: "2026-12-09T14:00:00Z", Name: "Sam Lee", Email: "sam@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Move(ctx, b, time.Date(2026, 12, 10, 14, 30, 0, 0, time.UTC)); !errors.As(err, &bad) || bad.Fields["start"] == "" {
		t.Fatalf("a move to 09:30: %v, want 422 naming start", err)
	}
	moves, err := e.svc.MoveOptions(ctx, b)
	if err != nil || len(moves) == 0 {
		t.Fatalf("move options: %d, %v", len(moves), err)
	}
	for _, sl := range moves {
		if sl.Start.In(ny).Minute() != 0 {
			t.Errorf("a move offered to %s, off the hourly grid", sl.Start.In(ny).Format("Mon 15:04"))
		}
	}
	if _, _, err := e.svc.CreateSeries(ctx, seriesRequest("2026-12-11T14:15:00Z", 1, 4)); !errors.As(err, &bad) || bad.Fields["start"] == "" {
		t.Fatalf("a series at 09:15: %v, want 422 naming start", err)
	}
	if _, occ, err := e.svc.CreateSeries(ctx, seriesRequest("2026-12-11T15:00:00Z", 1, 4)); err != nil || len(occ) != 4 {
		t.Fatalf("a series at 10:00: %d, %v", len(occ), err)
	}
}

// An invite_only type is refused to the public, whatever else the
// request says, and open through an invite link and to the practice.
func TestInviteOnlyType(t *testing.T) {
	e := newEnv(t, func(c *config.Config) {
		for i := range c.SessionTypes {
			c.SessionTypes[i].InviteOnly = c.SessionTypes[i].ID == "session"
		}
	})
	ctx := context.Background()
	public := SlotsRequest{Type: "session", From: "2026-12-09", To: "2026-12-09"}
	if _, err := e.svc.FreeSlots(ctx, public); !errors.Is(err, ErrInviteOnly) {
		t.Fatalf("public slots of the invite-only type: %v, want ErrInviteOnly", err)
	}
	invited := public
	invited.Invited = true
	if slots, err := e.svc.FreeSlots(ctx, invited); err != nil || len(slots) == 0 {
		t.Fatalf("slots through an invite: %d, %v", len(slots), err)
	}
	if slots, err := e.svc.FreeSlots(ctx, SlotsRequest{Type: "consultation", From: "2026-12-09", To: "2026-12-09"}); err != nil || len(slots) == 0 {
		t.Fatalf("the public type: %d, %v", len(slots), err)
	}

	req := Request{Type: "session", Start: "2026-12-09T14:00:00Z", Name: "Sam Lee", Email: "sam@example.org"}
	if _, _, err := e.svc.Book(ctx, req); !errors.Is(err, ErrInviteOnly) {
		t.Fatalf("a public booking: %v, want ErrInviteOnly", err)
	}
	withBadEmail := req
	withBadEmail.Email = "not an address"
	if _, _, err := e.svc.Book(ctx, withBadEmail); !errors.Is(err, ErrInviteOnly) {
		t.Fatalf("a public booking with a bad email too: %v, want ErrInviteOnly", err)
	}
	req.OnlyTypes, req.Invited = []string{"session"}, true
	if _, created, err := e.svc.Book(ctx, req); err != nil || !created {
		t.Fatalf("a booking through an invite: %v %v", created, err)
	}
	if _, occ, err := e.svc.CreateSeries(ctx, seriesRequest("2026-12-11T14:00:00Z", 1, 4)); err != nil || len(occ) != 4 {
		t.Fatalf("the practice's series: %d, %v", len(occ), err)
	}
}

// Part-day time off in the configuration: the afternoon of Sunday 14
// March 2027, when New York's clocks go forward (afternoons are then on
// EDT, UTC-4). The morning stays open, the afternoon is not offered and a
// start in it is refused, and a series meeting it is refused that week.
func TestConfiguredPartDayTimeOff(t *testing.T) {
	e := newEnv(t, func(c *config.Config) {
		c.Therapists[0].Weekly["sunday"] = []string{"09:00-12:00", "13:00-17:00"}
		c.Therapists[0].TimeOff = []config.TimeOff{{From: "2027-03-14 13:00", To: "2027-03-14 17:00"}}
		hourly(c)
	})
	e.now = time.Date(2027, 3, 1, 17, 0, 0, 0, time.UTC)
	ctx := context.Background()
	slots, err := e.svc.FreeSlots(ctx, SlotsRequest{Type: "session", From: "2027-03-14", To: "2027-03-14"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, sl := range slots {
		got = append(got, sl.Start.UTC().Format("15:04"))
	}
	if want := "[13:00 14:00 15:00]"; fmt.Sprint(got) != want {
		t.Errorf("free on the day: %v, want the morning only, %s UTC", got, want)
	}
	var bad *InvalidError
	req := Request{Type: "session", Start: "2027-03-14T18:00:00Z", Name: "Sam Lee", Email: "sam@example.org"}
	if _, _, err := e.svc.Book(ctx, req); !errors.As(err, &bad) || bad.Fields["start"] != calendar.ErrTimeOff.Error() {
		t.Fatalf("14:00 EDT: %v, want 422 naming start", err)
	}
	_, _, err = e.svc.CreateSeries(ctx, seriesRequest("2027-03-07T19:00:00Z", 1, 3))
	var conflicts *ConflictError
	if !errors.As(err, &conflicts) || len(conflicts.Starts) != 1 || !conflicts.Starts[0].Equal(time.Date(2027, 3, 14, 18, 0, 0, 0, time.UTC)) {
		t.Fatalf("a series at 14:00 over the day: %v (%v), want the 14th named", err, conflicts)
	}
}

// Part-day time off added at run time after a time was offered: the
// configuration's schedule still allows it, so it is the claim, in its
// script, that refuses the booking and the move.
func TestPartDayTimeOffAddedAfterTheOffer(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	ny := e.cfg.Therapists[0].Location()
	wed := calendar.Date{Year: 2026, Month: time.December, Day: 9}
	offered, err := e.svc.FreeSlots(ctx, SlotsRequest{Type: "consultation", From: wed.String(), To: wed.String()})
	if err != nil {
		t.Fatal(err)
	}
	afternoon := calendar.Interval{Start: wed.At(13*60, ny), End: wed.At(17*60, ny)}
	var inside []calendar.Slot
	for _, sl := range offered {
		if afternoon.Overlaps(calendar.Interval{Start: sl.Start, End: sl.End}) {
			inside = append(inside, sl)
		}
	}
	if len(inside) < 2 {
		t.Fatalf("%d afternoon slots offered before the time off", len(inside))
	}
	b, _, err := e.svc.Book(ctx, request("2026-12-09T14:00:00Z", "kim@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.AddTimeOffSpan(ctx, "default", afternoon, ny); err != nil {
		t.Fatal(err)
	}
	var bad *InvalidError
	if _, _, err := e.svc.Book(ctx, request(inside[0].Start.UTC().Format(time.RFC3339), "sam@example.org")); !errors.As(err, &bad) || bad.Fields["start"] != calendar.ErrTimeOff.Error() {
		t.Fatalf("booking an offered afternoon time: %v, want 422 naming start", err)
	}
	if _, err := e.svc.Move(ctx, b, inside[1].Start); !errors.As(err, &bad) || bad.Fields["start"] == "" {
		t.Fatalf("moving into the afternoon: %v, want 422 naming start", err)
	}
	after, err := e.svc.FreeSlots(ctx, SlotsRequest{Type: "consultation", From: wed.String(), To: wed.String()})
	if err != nil {
		t.Fatal(err)
	}
	for _, sl := range after {
		if afternoon.Overlaps(calendar.Interval{Start: sl.Start, End: sl.End}) {
			t.Errorf("%s still offered", sl.Start.In(ny).Format("15:04"))
		}
	}
	if len(after) == 0 || len(after) != len(offered)-len(inside)-1 {
		t.Errorf("%d slots after the time off, want the %d before less the afternoon's %d and the one booked", len(after), len(offered), len(inside))
	}
}

// Part-day time off from the admin area is read in the therapist's zone:
// 13:00-17:00 on 7 November 2027, when New York's clocks have gone back,
// is 18:00Z-22:00Z; a time left out is the start or the end of the day.
func TestAddPartDayTimeOffOnTheDayClocksGoBack(t *testing.T) {
	e := newEnv(t, nil)
	e.now = time.Date(2027, 11, 1, 17, 0, 0, 0, time.UTC)
	ctx := context.Background()
	tests := []struct {
		req        TimeOffRequest
		start, end string
	}{
		{TimeOffRequest{Therapist: "default", From: "2027-11-07", FromTime: "13:00", ToTime: "17:00"}, "2027-11-07T18:00:00Z", "2027-11-07T22:00:00Z"},
		{TimeOffRequest{Therapist: "default", From: "2027-11-07", ToTime: "12:00"}, "2027-11-07T04:00:00Z", "2027-11-07T17:00:00Z"},
		{TimeOffRequest{Therapist: "default", From: "2027-11-06", FromTime: "13:00", To: "2027-11-07"}, "2027-11-06T17:00:00Z", "2027-11-08T05:00:00Z"},
	}
	for _, tt := range tests {
		off, id, err := e.svc.AddTimeOff(ctx, tt.req)
		if err != nil || id == "" || !off.PartDay {
			t.Fatalf("%+v: %+v %q %v", tt.req, off, id, err)
		}
		if got := off.Span.Start.UTC().Format(time.RFC3339) + " " + off.Span.End.UTC().Format(time.RFC3339); got != tt.start+" "+tt.end {
			t.Errorf("%+v: span %s, want %s %s", tt.req, got, tt.start, tt.end)
		}
	}
	offs, err := e.store.TimeOff(ctx, "default")
	if err != nil || len(offs) != len(tests) {
		t.Fatalf("stored %d, %v", len(offs), err)
	}
	if err := e.svc.RemoveTimeOff(ctx, "default", offs[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.RemoveTimeOff(ctx, "default", offs[0].ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("a second removal: %v, want ErrNotFound", err)
	}
}
