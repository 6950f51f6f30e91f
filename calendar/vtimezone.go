package calendar

import (
	"errors"
	"fmt"
	"time"

	"github.com/emersion/go-ical"
)

// maxZonePeriods bounds the observances one VTIMEZONE lists: two a year
// for a century covers any series the service books.
const maxZonePeriods = 200

// VTimezone describes loc as a VTIMEZONE component (RFC 5545 §3.6.5) for
// the years from from's to to's, as Go's zone data has them. Its TZID is
// loc's name, the one DTSTART;TZID= of a series carries.
//
// Each change of clocks in those years is its own STANDARD or DAYLIGHT
// observance: DTSTART is the local time the change happens, read on the
// clock before it, with TZOFFSETFROM, TZOFFSETTO and TZNAME; the first one
// is the change that began the time in force on 1 January of from's year,
// however long before. No RRULE is written: rules that hold today are not
// those of every year (the United States moved its dates in 2007), and a
// list of the actual changes cannot disagree with the zone data. A zone
// that never changes in those years, such as Asia/Tokyo or UTC, has one
// STANDARD.
//
// A period that Go marks as daylight saving with an offset below its
// neighbour's (Europe/Dublin's winter, in the tz database's negative-DST
// form) is written as STANDARD, and its summer as DAYLIGHT, the way
// calendar applications describe that zone.
func VTimezone(loc *time.Location, from, to time.Time) (*ical.Component, error) {
	name := loc.String()
	switch {
	case name == "" || name == "Local":
		return nil, errNoZone
	case to.Before(from):
		return nil, fmt.Errorf("calendar: time zone %s: range ends (%s) before it begins (%s)",
			name, to.UTC().Format(time.RFC3339), from.UTC().Format(time.RFC3339))
	}
	first := time.Date(from.In(loc).Year(), time.January, 1, 0, 0, 0, 0, loc)
	end := time.Date(to.In(loc).Year()+1, time.January, 1, 0, 0, 0, 0, loc)

	tz := ical.NewComponent(ical.CompTimezone)
	tz.Props.SetText(ical.PropTimezoneID, name)
	for at := first; at.Before(end); {
		if len(tz.Children) == maxZonePeriods {
			return nil, fmt.Errorf("calendar: time zone %s: more than %d changes of clocks in range", name, maxZonePeriods)
		}
		tz.Children = append(tz.Children, observance(at))
		_, next := at.ZoneBounds()
		if next.IsZero() { // no change after this one
			break
		}
		at = next
	}
	if len(tz.Children) == 0 {
		return nil, errors.New("calendar: time zone " + name + ": no observance")
	}
	return tz, nil
}

// observance is the STANDARD or DAYLIGHT component of the zone period that
// contains t.
func observance(t time.Time) *ical.Component {
	abbr, offset := t.Zone()
	begin, _ := t.ZoneBounds()
	before, onset := offset, time.Date(1970, time.January, 1, 0, 0, 0, 0, time.UTC)
	prevDST := false
	if !begin.IsZero() {
		prev := begin.Add(-time.Second)
		_, before = prev.Zone()
		prevDST = prev.IsDST()
		onset = begin.In(time.FixedZone("", before))
	}
	daylight := t.IsDST() && offset > before || !t.IsDST() && prevDST && before < offset
	name := ical.CompTimezoneStandard
	if daylight {
		name = ical.CompTimezoneDaylight
	}
	c := ical.NewComponent(name)
	start := ical.NewProp(ical.PropDateTimeStart) // a local time without TZID
	start.Value = onset.Format("20060102T150405")
	c.Props.Set(start)
	c.Props.Set(offsetProp(ical.PropTimezoneOffsetFrom, before))
	c.Props.Set(offsetProp(ical.PropTimezoneOffsetTo, offset))
	if abbr != "" {
		c.Props.SetText(ical.PropTimezoneName, abbr)
	}
	return c
}

// offsetProp writes a UTC-OFFSET value: +HHMM, or +HHMMSS when the offset
// has seconds (local mean times of the nineteenth century).
func offsetProp(name string, secs int) *ical.Prop {
	sign := '+'
	if secs < 0 {
		sign, secs = '-', -secs
	}
	p := ical.NewProp(name)
	p.Value = fmt.Sprintf("%c%02d%02d", sign, secs/3600, secs/60%60)
	if secs%60 != 0 {
		p.Value += fmt.Sprintf("%02d", secs%60)
	}
	return p
}
