package calendar

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"
)

// maxOccurrences bounds how many times one recurring event of a feed is
// expanded (from its DTSTART up to the window's end): a daily event begun
// decades ago stays far below it.
const maxOccurrences = 100_000

// BusyFromICSExcept reads an iCalendar feed of the therapist's own calendar
// and returns the time it marks busy within [from, to), clipped to that
// window, sorted and merged.
//
// Every VEVENT counts, tentative ones too, except TRANSP:TRANSPARENT
// ("show as free") and STATUS:CANCELLED. A timed event is read in the zone of
// its TZID (see feedZones); an all-day event (VALUE=DATE) blocks whole days
// from midnight to midnight in loc, the therapist's zone, since a day off in
// the therapist's own calendar is a day of the therapist's clock. A
// recurring event repeats on the wall clock of its DTSTART's zone, so a
// weekly 10:00 stays at 10:00 across a daylight-saving change; EXDATE removes
// occurrences, RDATE adds some, and a VEVENT with RECURRENCE-ID replaces the
// occurrence it names (moved, made free or cancelled).
//
// A malformed event fails the whole feed rather than being skipped: a feed
// read in part would show the therapist free when they are not. Errors name
// the event by its position, never by its content.
//
// Events whose UID ends in "@"+ownHost are left out: the practice's own
// bookings, which a therapist may have subscribed to in the very calendar
// read here. Counting them would keep a cancelled or moved booking's old
// time blocked.
func BusyFromICSExcept(data []byte, loc *time.Location, from, to time.Time, ownHost string) (busy []Interval, err error) {
	// go-ical's decoder panics on some malformed parameter lists.
	defer func() {
		if r := recover(); r != nil {
			busy, err = nil, fmt.Errorf("calendar: malformed iCalendar feed: %v", r)
		}
	}()
	cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		return nil, fmt.Errorf("calendar: read iCalendar feed: %w", err)
	}
	return BusyFromCalendar(cal, loc, from, to, ownHost)
}

// BusyFromCalendar is BusyFromICSExcept for a calendar already decoded,
// such as the objects of a CalDAV collection gathered into one.
func BusyFromCalendar(cal *ical.Calendar, loc *time.Location, from, to time.Time, ownHost string) (busy []Interval, err error) {
	defer func() {
		if r := recover(); r != nil {
			busy, err = nil, fmt.Errorf("calendar: malformed iCalendar data: %v", r)
		}
	}()
	zones := newFeedZones(cal, loc, to.AddDate(0, 0, 2))
	var events []feedEvent
	replaced := map[string]map[string]bool{} // UID → occurrences an override replaces
	for i, e := range cal.Events() {
		ev, err := readEvent(e, zones)
		if err != nil {
			return nil, fmt.Errorf("calendar: feed event %d: %w", i+1, err)
		}
		if ownHost != "" && strings.HasSuffix(strings.ToLower(ev.uid), "@"+strings.ToLower(ownHost)) {
			continue
		}
		if ev.recurrenceID != "" {
			if replaced[ev.uid] == nil {
				replaced[ev.uid] = map[string]bool{}
			}
			replaced[ev.uid][ev.recurrenceID] = true
		}
		events = append(events, ev)
	}
	window := Interval{Start: from, End: to}
	var spans []Interval
	for i, ev := range events {
		if !ev.busy {
			continue
		}
		starts, err := ev.starts(loc, to)
		if err != nil {
			return nil, fmt.Errorf("calendar: feed event %d: %w", i+1, err)
		}
		for _, s := range starts {
			key := occurrenceKey(s, ev.allDay)
			if ev.exdates[key] || (ev.recurrenceID == "" && replaced[ev.uid][key]) {
				continue
			}
			if span := ev.span(s, loc); span.Overlaps(window) {
				spans = append(spans, Interval{Start: latest(span.Start, from), End: earliest(span.End, to)})
			}
		}
	}
	return newBusySet(spans), nil
}

// feedEvent is one VEVENT as far as busy time goes. Times of an all-day
// event are dates, held as 00:00 UTC of that date until they are placed in
// the therapist's zone; those of a timed event are instants in their zone.
type feedEvent struct {
	uid          string
	start        time.Time
	allDay       bool
	length       time.Duration // timed events
	days         int           // all-day events
	busy         bool
	recurrenceID string // occurrence key this event replaces; "" for a series or single event
	rule         string // RRULE value
	exdates      map[string]bool
	rdates       []time.Time
}

func readEvent(e ical.Event, z *feedZones) (ev feedEvent, err error) {
	p := e.Props
	if uid := p.Get(ical.PropUID); uid != nil {
		ev.uid = uid.Value
	}
	dtstart := p.Get(ical.PropDateTimeStart)
	if dtstart == nil {
		return ev, errors.New("no DTSTART")
	}
	if ev.start, ev.allDay, err = z.readTime(dtstart, dtstart.Value); err != nil {
		return ev, fmt.Errorf("DTSTART: %w", err)
	}
	if err := ev.readLength(p, z); err != nil {
		return ev, err
	}
	ev.busy = !hasValue(p, ical.PropTransparency, "TRANSPARENT") && !hasValue(p, ical.PropStatus, "CANCELLED")
	if rid := p.Get(ical.PropRecurrenceID); rid != nil {
		t, allDay, err := z.readTime(rid, rid.Value)
		if err != nil {
			return ev, fmt.Errorf("RECURRENCE-ID: %w", err)
		}
		ev.recurrenceID = occurrenceKey(t, allDay)
	}
	if rule := p.Get(ical.PropRecurrenceRule); rule != nil {
		ev.rule = rule.Value
	}
	ev.exdates = map[string]bool{}
	err = z.eachTime(p.Values(ical.PropExceptionDates), func(t time.Time, allDay bool) {
		ev.exdates[occurrenceKey(t, allDay)] = true
	})
	if err != nil {
		return ev, fmt.Errorf("EXDATE: %w", err)
	}
	err = z.eachTime(p.Values(ical.PropRecurrenceDates), func(t time.Time, allDay bool) {
		if allDay == ev.allDay {
			ev.rdates = append(ev.rdates, t)
		}
	})
	if err != nil {
		return ev, fmt.Errorf("RDATE: %w", err)
	}
	return ev, nil
}

// readLength takes the length from DTEND, else DURATION, else the default:
// one day for an all-day event, nothing for a timed one (RFC 5545 §3.6.1).
func (ev *feedEvent) readLength(p ical.Props, z *feedZones) error {
	if end := p.Get(ical.PropDateTimeEnd); end != nil {
		t, allDay, err := z.readTime(end, end.Value)
		if err != nil {
			return fmt.Errorf("DTEND: %w", err)
		}
		if allDay != ev.allDay {
			return errors.New("DTEND and DTSTART are not both dates or both date-times")
		}
		ev.length = t.Sub(ev.start)
	} else if d := p.Get(ical.PropDuration); d != nil {
		dur, err := d.Duration()
		if err != nil {
			return fmt.Errorf("DURATION: %w", err)
		}
		ev.length = dur
	} else if ev.allDay {
		ev.length = 24 * time.Hour
	}
	if ev.allDay {
		// Whole days, at least one: some producers end a one-day event on
		// the day it starts.
		ev.days = max(1, int((ev.length+24*time.Hour-1)/(24*time.Hour)))
	}
	ev.length = max(ev.length, 0)
	return nil
}

// starts lists the event's occurrences up to a day past to (in the form of
// ev.start); those wholly before the window are filtered by the caller.
func (ev feedEvent) starts(loc *time.Location, to time.Time) ([]time.Time, error) {
	out := append([]time.Time{ev.start}, ev.rdates...)
	if ev.rule == "" || ev.recurrenceID != "" {
		return out, nil
	}
	zone := ev.start.Location()
	end := to.In(zone)
	if ev.allDay {
		end = to.In(loc)
	}
	walls, err := repeat(ev.rule, ev.start, ev.allDay, floating(end).AddDate(0, 0, 1), maxOccurrences)
	if err != nil {
		return nil, fmt.Errorf("RRULE: %w", err)
	}
	for _, w := range walls {
		out = append(out, placeWall(w, zone))
	}
	return out, nil
}

// span is the time one occurrence starting at s takes.
func (ev feedEvent) span(s time.Time, loc *time.Location) Interval {
	if ev.allDay {
		d := DateOf(s)
		return Interval{Start: d.Midnight(loc), End: d.AddDays(ev.days).Midnight(loc)}
	}
	return Interval{Start: s, End: s.Add(ev.length)}
}

// occurrenceKey names an occurrence as EXDATE and RECURRENCE-ID do: by date
// for all-day events, by instant otherwise.
func occurrenceKey(t time.Time, allDay bool) string {
	if allDay {
		return "D" + t.Format("20060102")
	}
	return "T" + strconv.FormatInt(t.Unix(), 10)
}

// readTime reads one DATE or DATE-TIME value of p (a list property such as
// EXDATE passes each value in turn).
func (z *feedZones) readTime(p *ical.Prop, value string) (t time.Time, allDay bool, err error) {
	value = strings.TrimSpace(value)
	if p.ValueType() == ical.ValueDate || len(value) == len("20060102") {
		t, err = time.ParseInLocation("20060102", value, time.UTC)
		return t, true, err
	}
	loc := time.UTC
	if !strings.HasSuffix(value, "Z") {
		if loc, err = z.lookup(p.Params.Get(ical.ParamTimezoneID)); err != nil {
			return t, false, err
		}
	}
	// go-ical would load TZID itself and fail on names only the feed's
	// VTIMEZONE defines: it gets the resolved zone instead.
	bare := ical.Prop{Name: p.Name, Params: ical.Params{}, Value: value}
	t, err = bare.DateTime(loc)
	return t, false, err
}

// eachTime calls fn with every value of the list properties ps. PERIOD
// values (RDATE only, and rare) are skipped.
func (z *feedZones) eachTime(ps []ical.Prop, fn func(t time.Time, allDay bool)) error {
	for i := range ps {
		if ps[i].ValueType() == ical.ValuePeriod {
			continue
		}
		for _, v := range strings.Split(ps[i].Value, ",") {
			t, allDay, err := z.readTime(&ps[i], v)
			if err != nil {
				return err
			}
			fn(t, allDay)
		}
	}
	return nil
}

func hasValue(p ical.Props, name, want string) bool {
	v := p.Get(name)
	return v != nil && strings.EqualFold(strings.TrimSpace(v.Value), want)
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// Recurrence rules of feeds are expanded on a floating wall clock: times
// are handled as readings of a clock (the fields of a UTC time, which has
// no daylight saving) and only then placed in a zone.

// dateOnlyUntil finds an UNTIL written as a date without a time.
var dateOnlyUntil = regexp.MustCompile(`UNTIL=\d{8}(;|$)`)

// repeat expands an RRULE on the wall clock of start's zone. Occurrences
// are returned as floating wall-clock readings (fields of a UTC time), up to
// end; the caller places each in the zone, so a daylight-saving change moves
// no occurrence off its local time. rrule-go is given floating times only:
// UNTIL, which may be UTC, is moved to the same wall clock first.
func repeat(rule string, start time.Time, allDay bool, end time.Time, limit int) ([]time.Time, error) {
	rule = strings.ToUpper(strings.TrimSpace(rule))
	opt, err := rrule.StrToROptionInLocation(rule, start.Location())
	if err != nil {
		return nil, err
	}
	// An hourly or finer rule that never matches would keep rrule-go busy
	// for a very long time, and no calendar app makes such busy events.
	if opt.Freq > rrule.DAILY {
		return nil, fmt.Errorf("FREQ=%s is not supported", opt.Freq)
	}
	opt.Dtstart = floating(start)
	if !opt.Until.IsZero() {
		opt.Until = floating(opt.Until.In(start.Location()))
		if !allDay && dateOnlyUntil.MatchString(rule) {
			// A date UNTIL on a timed event (against RFC 5545, but written):
			// the whole day is meant.
			opt.Until = opt.Until.Add(24*time.Hour - time.Second)
		}
	}
	// Without UNTIL rrule-go stops 290 years after DTSTART (the longest
	// time.Duration), which cuts off zones defined from 1601 as Outlook does.
	if opt.Until.IsZero() || opt.Until.After(end) {
		opt.Until = end
	}
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, err
	}
	next := r.Iterator()
	var out []time.Time
	for {
		w, ok := next()
		if !ok || w.After(end) {
			return out, nil
		}
		if len(out) == limit {
			return nil, fmt.Errorf("more than %d occurrences", limit)
		}
		out = append(out, w)
	}
}

// floating is the wall-clock reading of t, as the fields of a UTC time.
func floating(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

// placeWall is the instant at which loc's clock shows the floating reading
// w. A reading the clock skips, or shows twice, is resolved as time.Date
// does (see wallTime).
func placeWall(w time.Time, loc *time.Location) time.Time {
	return time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, loc)
}
