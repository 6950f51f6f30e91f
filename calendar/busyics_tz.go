package calendar

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"
)

// feedZones resolves the TZID of a feed's times to a location.
//
// An IANA name (America/New_York) is loaded from the time zone database,
// which knows the zone's whole history; otherwise the feed's own VTIMEZONE
// of that TZID is used (Outlook writes "W. Europe Standard Time" and
// defines it there). A time without TZID or Z is floating: it is read in
// the therapist's zone, as is a TZID that neither explains, since a
// therapist's calendar app shows such times on the therapist's clock.
type feedZones struct {
	therapist *time.Location
	defined   map[string]*ical.Component // VTIMEZONE by TZID
	until     time.Time                  // how far VTIMEZONE rules are expanded
	cache     map[string]*time.Location
}

func newFeedZones(cal *ical.Calendar, therapist *time.Location, until time.Time) *feedZones {
	z := &feedZones{therapist: therapist, defined: map[string]*ical.Component{}, until: until, cache: map[string]*time.Location{}}
	for _, c := range cal.Children {
		if c.Name != ical.CompTimezone {
			continue
		}
		if id, err := c.Props.Text(ical.PropTimezoneID); err == nil && id != "" {
			z.defined[id] = c
		}
	}
	return z
}

// lookup is the location a TZID names; "" is the therapist's zone.
func (z *feedZones) lookup(tzid string) (*time.Location, error) {
	if tzid == "" {
		return z.therapist, nil
	}
	if loc, ok := z.cache[tzid]; ok {
		return loc, nil
	}
	loc, err := z.resolve(tzid)
	if err != nil {
		return nil, err
	}
	z.cache[tzid] = loc
	return loc, nil
}

func (z *feedZones) resolve(tzid string) (*time.Location, error) {
	// "Local" would make the answer depend on the host running us.
	if !strings.EqualFold(tzid, "local") {
		if loc, err := time.LoadLocation(tzid); err == nil {
			return loc, nil
		}
	}
	if c, ok := z.defined[tzid]; ok {
		loc, err := zoneFromVTimezone(tzid, c, z.until)
		if err != nil {
			return nil, fmt.Errorf("VTIMEZONE %q: %w", tzid, err)
		}
		return loc, nil
	}
	return z.therapist, nil
}

// zoneTransition is one onset of a VTIMEZONE observance.
type zoneTransition struct {
	at     time.Time
	before int // offset in force until then
	kind   zoneKind
}

type zoneKind struct {
	offset int // seconds east of UTC
	dst    bool
	name   string
}

// maxZoneTransitions bounds the expansion of a VTIMEZONE's rules.
const maxZoneTransitions = 4000

// zoneFromVTimezone builds a location from the STANDARD and DAYLIGHT
// observances of a VTIMEZONE, expanding their rules up to until. Go builds
// locations only from the binary tzfile format, so that is what is written.
func zoneFromVTimezone(name string, c *ical.Component, until time.Time) (*time.Location, error) {
	var trans []zoneTransition
	for _, obs := range c.Children {
		if obs.Name != ical.CompTimezoneStandard && obs.Name != ical.CompTimezoneDaylight {
			continue
		}
		from, err := utcOffset(obs.Props.Get(ical.PropTimezoneOffsetFrom))
		if err != nil {
			return nil, fmt.Errorf("%s TZOFFSETFROM: %w", obs.Name, err)
		}
		to, err := utcOffset(obs.Props.Get(ical.PropTimezoneOffsetTo))
		if err != nil {
			return nil, fmt.Errorf("%s TZOFFSETTO: %w", obs.Name, err)
		}
		kind := zoneKind{offset: to, dst: obs.Name == ical.CompTimezoneDaylight}
		kind.name, _ = obs.Props.Text(ical.PropTimezoneName)
		onsets, err := observanceOnsets(obs, time.FixedZone("", from), until)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", obs.Name, err)
		}
		for _, at := range onsets {
			trans = append(trans, zoneTransition{at: at, before: from, kind: kind})
		}
		if len(trans) > maxZoneTransitions {
			return nil, errors.New("too many transitions")
		}
	}
	if len(trans) == 0 {
		return nil, errors.New("no STANDARD or DAYLIGHT observance")
	}
	slices.SortStableFunc(trans, func(a, b zoneTransition) int { return a.at.Compare(b.at) })
	trans = slices.CompactFunc(trans, func(a, b zoneTransition) bool { return a.at.Equal(b.at) })
	data, err := tzfile(zoneKind{offset: trans[0].before}, trans)
	if err != nil {
		return nil, err
	}
	return time.LoadLocationFromTZData(name, data)
}

// observanceOnsets are the instants an observance begins, up to until. Its
// DTSTART and RDATEs are wall-clock times in the offset in force before it
// (from); its RRULE repeats on that wall clock.
func observanceOnsets(obs *ical.Component, from *time.Location, until time.Time) ([]time.Time, error) {
	start, err := wallValue(obs.Props.Get(ical.PropDateTimeStart), from)
	if err != nil {
		return nil, fmt.Errorf("DTSTART: %w", err)
	}
	out := []time.Time{start}
	for _, p := range obs.Props.Values(ical.PropRecurrenceDates) {
		for _, v := range strings.Split(p.Value, ",") {
			t, err := wallValue(&ical.Prop{Name: p.Name, Params: ical.Params{}, Value: v}, from)
			if err != nil {
				return nil, fmt.Errorf("RDATE: %w", err)
			}
			out = append(out, t)
		}
	}
	if rule := obs.Props.Get(ical.PropRecurrenceRule); rule != nil {
		more, err := repeat(rule.Value, start, false, floating(until.In(from)), maxZoneTransitions)
		if err != nil {
			return nil, fmt.Errorf("RRULE: %w", err)
		}
		for _, f := range more {
			out = append(out, placeWall(f, from))
		}
	}
	return slices.DeleteFunc(out, func(t time.Time) bool { return t.After(until) }), nil
}

// wallValue reads a DATE-TIME that is either UTC or a wall-clock time in loc.
func wallValue(p *ical.Prop, loc *time.Location) (time.Time, error) {
	if p == nil {
		return time.Time{}, errors.New("missing")
	}
	return (&ical.Prop{Name: p.Name, Params: ical.Params{}, Value: strings.TrimSpace(p.Value)}).DateTime(loc)
}

// utcOffset reads a UTC-OFFSET value: +HHMM or +HHMMSS.
func utcOffset(p *ical.Prop) (int, error) {
	if p == nil {
		return 0, errors.New("missing")
	}
	v := strings.TrimSpace(p.Value)
	if (len(v) != 5 && len(v) != 7) || (v[0] != '+' && v[0] != '-') {
		return 0, fmt.Errorf("%q is not an offset such as -0500", v)
	}
	n, err := strconv.Atoi(v[1:])
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not an offset such as -0500", v)
	}
	if len(v) == 5 {
		n *= 100
	}
	secs := n/10000*3600 + n/100%100*60 + n%100
	if v[0] == '-' {
		secs = -secs
	}
	return secs, nil
}

// tzfile writes version 2 of the tzfile(5) format: an empty version 1 block
// (readers of version 2 skip it) and then the 64-bit data. initial is the
// zone before the first transition; as a type no transition uses, it is
// the one Go picks for earlier times.
func tzfile(initial zoneKind, trans []zoneTransition) ([]byte, error) {
	kinds := []zoneKind{initial}
	index := make([]byte, len(trans))
	for i, t := range trans {
		k := slices.Index(kinds[1:], t.kind) + 1
		if k == 0 {
			kinds = append(kinds, t.kind)
			k = len(kinds) - 1
		}
		if k > 255 {
			return nil, errors.New("too many distinct offsets")
		}
		index[i] = byte(k)
	}
	// Names are indexed by one byte; one that does not fit stays empty
	// (the name at 0), which only changes how times print.
	names := []byte{0}
	ttinfo := make([]byte, 0, 6*len(kinds))
	for _, k := range kinds {
		at := bytes.Index(names, append([]byte(k.name), 0))
		if at < 0 && len(names)+len(k.name) < 255 {
			at = len(names)
			names = append(append(names, k.name...), 0)
		}
		dst := byte(0)
		if k.dst {
			dst = 1
		}
		ttinfo = binary.BigEndian.AppendUint32(ttinfo, uint32(int32(k.offset)))
		ttinfo = append(ttinfo, dst, byte(max(at, 0)))
	}
	var b bytes.Buffer
	header := func(counts ...int) {
		b.WriteString("TZif2")
		b.Write(make([]byte, 15))
		for _, n := range counts {
			b.Write(binary.BigEndian.AppendUint32(nil, uint32(n)))
		}
	}
	header(0, 0, 0, 0, 0, 0)
	header(0, 0, 0, len(trans), len(kinds), len(names))
	for _, t := range trans {
		b.Write(binary.BigEndian.AppendUint64(nil, uint64(t.at.Unix())))
	}
	b.Write(index)
	b.Write(ttinfo)
	b.Write(names)
	return b.Bytes(), nil
}
