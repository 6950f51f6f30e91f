package config

import (
	"strings"
	"testing"
	"time"
)

// A session type's own slot_step is its grid; without one it keeps
// booking.slot_step. invite_only is read as written.
func TestSessionTypeGridAndAccess(t *testing.T) {
	cfg, err := Load(writeFile(t, "booking: {slot_step: 15m}\nsession_types: ["+
		"{id: intro, name: Intro, duration: 20m},"+
		"{id: session, name: Session, duration: 50m, slot_step: 60m, invite_only: true}]"))
	if err != nil {
		t.Fatal(err)
	}
	intro, _ := cfg.SessionType("intro")
	session, _ := cfg.SessionType("session")
	if got := cfg.Booking.RulesFor(intro).Step; got != 15*time.Minute {
		t.Errorf("intro's step = %v, want booking.slot_step 15m", got)
	}
	if got := cfg.Booking.RulesFor(session).Step; got != time.Hour {
		t.Errorf("session's step = %v, want its own 60m", got)
	}
	if r := cfg.Booking.RulesFor(session); r.MinNotice != cfg.Booking.MinNotice || r.Horizon != cfg.Booking.Horizon {
		t.Errorf("session's rules %+v lost the notice or horizon", r)
	}
	if intro.InviteOnly || !session.InviteOnly {
		t.Errorf("invite_only: intro %v, session %v; want false, true", intro.InviteOnly, session.InviteOnly)
	}
}

func TestSessionTypeSlotStepIsChecked(t *testing.T) {
	for _, step := range []string{"-15m", "7m", "90s", "25h", "2d"} {
		t.Run(step, func(t *testing.T) {
			_, err := Load(writeFile(t, "session_types: [{id: a, name: A, duration: 20m}, {id: b, name: B, duration: 50m, slot_step: "+step+"}]"))
			if err == nil || !strings.Contains(err.Error(), "session_types[1].slot_step: ") {
				t.Fatalf("slot_step %s: %v, want a problem naming session_types[1].slot_step", step, err)
			}
		})
	}
	if _, err := Load(writeFile(t, "session_types: [{id: b, name: B, duration: 50m, slot_step: 1d}]")); err != nil {
		t.Errorf("a step of a day: %v", err)
	}
}

// Time off with times is part of a day in the therapist's zone; without
// them it is whole days, as before. On New York's spring-forward day the
// afternoon is on daylight time.
func TestPartDayTimeOff(t *testing.T) {
	cfg, err := Load(writeFile(t, `therapists: [{id: a, name: A, email: a@example.org, timezone: America/New_York,
  time_off: [{from: 2026-12-24, to: 2026-12-26}, {from: "2027-03-14 13:00", to: "2027-03-14 17:00"},
             {from: 2027-01-05T09:30, to: "2027-01-06 24:00"}, {from: 2027-02-01}]}]`))
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Therapists[0].Schedule()
	var days []string
	for _, r := range s.TimeOff {
		days = append(days, r.From.String()+"/"+r.To.String())
	}
	if strings.Join(days, " ") != "2026-12-24/2026-12-26 2027-02-01/2027-02-01" {
		t.Errorf("whole days = %v", days)
	}
	var spans []string
	for _, i := range s.TimeOffSpans {
		spans = append(spans, i.Start.UTC().Format(time.RFC3339)+"/"+i.End.UTC().Format(time.RFC3339))
	}
	want := "2027-03-14T17:00:00Z/2027-03-14T21:00:00Z 2027-01-05T14:30:00Z/2027-01-07T05:00:00Z"
	if strings.Join(spans, " ") != want {
		t.Errorf("part days:\n got %v\nwant %v", spans, want)
	}
}

func TestPartDayTimeOffProblems(t *testing.T) {
	therapist := func(off string) string {
		return "therapists: [{id: a, name: A, email: a@example.org, timezone: America/New_York, time_off: [" + off + "]}]"
	}
	tests := []struct{ desc, off, want string }{
		{"a time at one end only", `{from: "2027-01-05 13:00", to: 2027-01-05}`, "therapists[0].time_off[0].to: give a time at both ends"},
		{"ends before it starts", `{from: "2027-01-05 17:00", to: "2027-01-05 13:00"}`, `therapists[0].time_off[0].to: "2027-01-05 13:00" is not after from`},
		{"ends as it starts", `{from: "2027-01-05 13:00", to: "2027-01-05 13:00"}`, "therapists[0].time_off[0].to:"},
		{"not a time", `{from: "2027-01-05 1pm", to: "2027-01-05 17:00"}`, `therapists[0].time_off[0].from: "2027-01-05 1pm" is not a date`},
		{"minutes past the hour", `{from: "2027-01-05 13:60", to: "2027-01-05 17:00"}`, "therapists[0].time_off[0].from:"},
		{"seconds", `{from: 2027-01-05 13:00:00, to: "2027-01-05 17:00"}`, "therapists[0].time_off[0].from:"},
		{"a bad last time", `{from: "2027-01-05 13:00", to: "2027-01-05 25:00"}`, "therapists[0].time_off[0].to:"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			_, err := Load(writeFile(t, therapist(tt.off)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("%s: %v, want %q", tt.off, err, tt.want)
			}
		})
	}
}
