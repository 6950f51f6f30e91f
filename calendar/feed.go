package calendar

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-ical"
)

// FeedEvent is one booking as the practice's own calendar shows it: who
// (initials only) and what kind of session, never more.
type FeedEvent struct {
	UID        string
	Start, End time.Time
	Summary    string
	Tentative  bool // held, not yet confirmed
}

// FeedICS renders a subscribable calendar (no METHOD: it is published, not
// sent as an invitation) named name, with the events given.
func FeedICS(name string, events []FeedEvent, stamp time.Time) ([]byte, error) {
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropProductID, prodID)
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropCalendarScale, "GREGORIAN")
	calName := ical.NewProp("X-WR-CALNAME")
	calName.SetText(cleanText(name))
	calName.Params.Del(ical.ParamValue)
	cal.Props.Set(calName)
	// Subscribers poll at most this often.
	refresh := ical.NewProp("REFRESH-INTERVAL")
	refresh.Value = "PT15M"
	// RFC 7986 requires the VALUE parameter, which SetValueType would drop.
	refresh.Params.Set(ical.ParamValue, string(ical.ValueDuration))
	cal.Props.Set(refresh)
	for _, ev := range events {
		c := ical.NewComponent(ical.CompEvent)
		c.Props.SetText(ical.PropUID, ev.UID)
		c.Props.SetDateTime(ical.PropDateTimeStamp, stamp.UTC())
		c.Props.SetDateTime(ical.PropDateTimeStart, ev.Start.UTC())
		c.Props.SetDateTime(ical.PropDateTimeEnd, ev.End.UTC())
		c.Props.SetText(ical.PropSummary, cleanText(ev.Summary))
		c.Props.SetText(ical.PropClass, "PRIVATE")
		c.Props.SetText(ical.PropTransparency, "OPAQUE")
		status := "CONFIRMED"
		if ev.Tentative {
			status = "TENTATIVE"
		}
		c.Props.SetText(ical.PropStatus, status)
		cal.Children = append(cal.Children, c)
	}
	var buf bytes.Buffer
	if len(events) == 0 {
		// go-ical refuses a calendar with no component; calendar apps take
		// an empty one, which is what a practice with no bookings has.
		return []byte(fold(emptyFeed(name))), nil
	}
	if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
		return nil, fmt.Errorf("calendar: encode feed: %w", err)
	}
	return []byte(fold(buf.String())), nil
}

func emptyFeed(name string) string {
	name = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`).Replace(cleanText(name))
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:" + prodID + "\r\nCALSCALE:GREGORIAN\r\n" +
		"X-WR-CALNAME:" + name + "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT15M\r\nEND:VCALENDAR\r\n"
}

// Initials shortens a name for a calendar that others may glimpse:
// "Sam Lee" → "S. L.".
func Initials(name string) string {
	out := ""
	for _, word := range bytes.Fields([]byte(name)) {
		r := []rune(string(word))
		if len(r) == 0 {
			continue
		}
		if out != "" {
			out += " "
		}
		out += string(r[0]) + "."
	}
	if out == "" {
		return "?"
	}
	return out
}
