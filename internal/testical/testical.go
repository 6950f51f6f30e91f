// Package testical reads back the iCalendar objects the service writes
// (invites, cancellations), so tests can check what a client's calendar
// will see.
package testical

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-ical"

	"github.com/consultd/consultd/calendar"
)

// ParseEvent reads back the METHOD and the first VEVENT of an iCalendar
// object. Times come back in UTC.
func ParseEvent(data []byte) (ev calendar.Event, err error) {
	// go-ical's decoder panics on some malformed parameter lists: turn that
	// into an error.
	defer func() {
		if r := recover(); r != nil {
			ev, err = calendar.Event{}, fmt.Errorf("testical: malformed iCalendar: %v", r)
		}
	}()
	cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		return calendar.Event{}, fmt.Errorf("testical: parse: %w", err)
	}
	events := cal.Events()
	if len(events) == 0 {
		return calendar.Event{}, errors.New("testical: parse: no VEVENT")
	}
	method, err := cal.Props.Text(ical.PropMethod)
	if err != nil {
		return calendar.Event{}, fmt.Errorf("testical: parse METHOD: %w", err)
	}
	ev.Method = calendar.Method(strings.ToUpper(method))

	p := events[0].Props
	texts := []struct {
		name string
		dst  *string
	}{
		{ical.PropUID, &ev.UID},
		{ical.PropSummary, &ev.Summary},
		{ical.PropDescription, &ev.Description},
		{ical.PropLocation, &ev.Location},
	}
	for _, t := range texts {
		if *t.dst, err = p.Text(t.name); err != nil {
			return calendar.Event{}, fmt.Errorf("testical: parse %s: %w", t.name, err)
		}
	}
	if u := p.Get(ical.PropURL); u != nil {
		ev.URL = u.Value
	}
	if s := p.Get(ical.PropSequence); s != nil {
		if ev.Sequence, err = s.Int(); err != nil {
			return calendar.Event{}, fmt.Errorf("testical: parse SEQUENCE: %w", err)
		}
	}
	times := []struct {
		name string
		dst  *time.Time
	}{
		{ical.PropDateTimeStamp, &ev.Stamp},
		{ical.PropDateTimeStart, &ev.Start},
		{ical.PropDateTimeEnd, &ev.End},
	}
	for _, t := range times {
		v, err := p.DateTime(t.name, time.UTC)
		if err != nil {
			return calendar.Event{}, fmt.Errorf("testical: parse %s: %w", t.name, err)
		}
		*t.dst = v.UTC()
	}
	ev.Organizer = parseAddress(p.Get(ical.PropOrganizer))
	ev.Attendee = parseAddress(p.Get(ical.PropAttendee))
	return ev, nil
}

// parseAddress reads a CAL-ADDRESS; the "mailto:" scheme is case-insensitive.
func parseAddress(prop *ical.Prop) calendar.Address {
	if prop == nil {
		return calendar.Address{}
	}
	email := prop.Value
	if len(email) >= 7 && strings.EqualFold(email[:7], "mailto:") {
		email = email[7:]
	}
	return calendar.Address{Name: decodeParam(prop.Params.Get(ical.ParamCommonName)), Email: email}
}

// decodeParam undoes RFC 6868's ^^, ^' and ^n, as calendar clients do.
func decodeParam(s string) string {
	return strings.NewReplacer("^^", "^", "^'", `"`, "^n", "\n").Replace(s)
}
