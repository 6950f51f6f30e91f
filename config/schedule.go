package config

// The therapist's working time as written in the configuration: weekly
// hours ("09:00-12:00") and time off, whole days or part of a day, read
// into the calendar's schedule with every problem named by its key.

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/consultd/consultd/calendar"
)

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

func parseWeekly(p *problems, key string, weekly map[string][]string, s *calendar.Schedule) {
	days := make([]string, 0, len(weekly))
	for day := range weekly {
		days = append(days, day)
	}
	sort.Strings(days)
	for _, day := range days {
		wd, ok := weekdays[strings.ToLower(day)]
		if !ok {
			p.add(key+"."+day, "is not a day of the week")
			continue
		}
		var ranges []calendar.HoursRange
		for j, text := range weekly[day] {
			r, err := ParseHours(text)
			if err != nil {
				p.add(fmt.Sprintf("%s.%s[%d]", key, day, j), "%v", err)
				continue
			}
			ranges = append(ranges, r)
		}
		sort.Slice(ranges, func(a, b int) bool { return ranges[a].Start < ranges[b].Start })
		for j := 1; j < len(ranges); j++ {
			if ranges[j].Start < ranges[j-1].End {
				p.add(key+"."+day, "has overlapping hours")
			}
		}
		s.Weekly[wd] = append(s.Weekly[wd], ranges...)
	}
}

// ParseHours reads "09:00-12:30"; the end may be 24:00.
func ParseHours(text string) (calendar.HoursRange, error) {
	from, to, ok := strings.Cut(strings.TrimSpace(text), "-")
	start, err1 := parseClock(from)
	end, err2 := parseClock(to)
	if !ok || err1 != nil || err2 != nil {
		return calendar.HoursRange{}, fmt.Errorf("%q is not a range like 09:00-17:00", text)
	}
	if end <= start {
		return calendar.HoursRange{}, fmt.Errorf("%q ends before it starts", text)
	}
	return calendar.HoursRange{Start: start, End: end}, nil
}

func parseClock(s string) (int, error) {
	var h, m int
	if n, err := fmt.Sscanf(strings.TrimSpace(s), "%d:%d", &h, &m); n != 2 || err != nil {
		return 0, fmt.Errorf("bad time")
	}
	if h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("bad time")
	}
	return h*60 + m, nil
}

// parseTimeOff reads whole days off into s.TimeOff and part-day time off
// (both ends with a time, read in s.Location) into s.TimeOffSpans.
func parseTimeOff(p *problems, key string, offs []TimeOff, s *calendar.Schedule) {
	for i, off := range offs {
		k := fmt.Sprintf("%s[%d]", key, i)
		from, fromMin, fromTimed, err := ParseLocal(off.From)
		if err != nil {
			p.add(k+".from", "%v", err)
			continue
		}
		to, toMin, toTimed := from, 0, false
		if off.To != "" {
			if to, toMin, toTimed, err = ParseLocal(off.To); err != nil {
				p.add(k+".to", "%v", err)
				continue
			}
		}
		switch {
		case fromTimed != toTimed:
			p.add(k+".to", "give a time at both ends (\"2027-01-05 13:00\" to \"2027-01-05 17:00\") or at neither (whole days)")
		case !fromTimed && to.Compare(from) < 0:
			p.add(k+".to", "%s is before from (%s)", to, from)
		case !fromTimed:
			s.TimeOff = append(s.TimeOff, calendar.DateRange{From: from, To: to})
		case s.Location == nil:
			// The zone is wrong, and said so: the times cannot be placed.
		default:
			span := calendar.Interval{Start: from.At(fromMin, s.Location), End: to.At(toMin, s.Location)}
			if !span.Start.Before(span.End) {
				p.add(k+".to", "%q is not after from (%q)", off.To, off.From)
				continue
			}
			s.TimeOffSpans = append(s.TimeOffSpans, span)
		}
	}
}

// ParseLocal reads a local date ("2027-01-05") or a local date and time
// ("2027-01-05 13:00", or with a T); minute is the time's minute after
// midnight (24:00 allowed), and timed says whether a time was given.
func ParseLocal(text string) (d calendar.Date, minute int, timed bool, err error) {
	text = strings.TrimSpace(text)
	day, clock, timed := strings.Cut(text, " ")
	if !timed {
		day, clock, timed = strings.Cut(text, "T")
	}
	bad := fmt.Errorf("%q is not a date (YYYY-MM-DD) or a date and time (YYYY-MM-DD HH:MM)", text)
	if d, err = calendar.ParseDate(day); err != nil {
		return d, 0, false, bad
	}
	if timed {
		if minute, err = parseClock(clock); err != nil || !clockPattern.MatchString(clock) {
			return d, 0, false, bad
		}
	}
	return d, minute, timed, nil
}

var clockPattern = regexp.MustCompile(`^[0-9]{1,2}:[0-9]{2}$`)
