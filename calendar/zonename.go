package calendar

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// ZoneName names a zone as people say it ("Eastern Time", "UK time",
// "Buenos Aires time", "UTC"), never by its tz database ID. Every email, page
// and admin screen that shows a zone calls it. at matters only for a zone
// with no place in its name (Etc/GMT+5, a fixed offset): it is then named by
// its offset from UTC at that instant.
func ZoneName(loc *time.Location, at time.Time) string {
	return englishZones.name(loc, at)
}

// ZoneCity is the place a zone's ID names ("New York" for America/New_York,
// "Buenos Aires" for America/Argentina/Buenos_Aires), or "" for a zone named
// after no place (UTC, Etc/GMT+5, EST5EDT). The booking page's zone picker
// adds it where ZoneName alone would not tell two choices apart.
func ZoneCity(loc *time.Location) string {
	if loc == nil {
		return ""
	}
	id := loc.String()
	last := id[strings.LastIndexByte(id, '/')+1:]
	abbreviation := !strings.Contains(id, "/") && strings.ToUpper(id) == id // EST, CET
	if abbreviation || strings.HasPrefix(id, "Etc/") || strings.ContainsFunc(last, unicode.IsDigit) || utcAliases[id] {
		return ""
	}
	return strings.ReplaceAll(last, "_", " ")
}

// zoneWords are one language's words for zones: a small table of the names
// people use for the common shared clocks, keyed by tz ID, and how to name
// any other zone. A language other than English brings its own.
type zoneWords struct {
	names  map[string]string // tz ID → name
	city   string            // a zone known by its place: "%s time"
	offset string            // a zone known by its offset only: "UTC%s"
	utc    string
}

func (w zoneWords) name(loc *time.Location, at time.Time) string {
	p := DescribeZone(loc, at)
	switch {
	case p.Shared != "":
		return p.Shared
	case p.City != "":
		return fmt.Sprintf(w.city, p.City)
	case p.Offset != "":
		return fmt.Sprintf(w.offset, p.Offset)
	}
	return w.utc
}

// ZoneParts is how a zone is named: by the English name of the shared
// clock it keeps ("Eastern Time"), else by its place ("Buenos Aires"),
// else by its offset ("+05:30"), else as UTC (all empty). A language
// writes each its own way (locale.Localizer.Zone).
type ZoneParts struct {
	Shared, City, Offset string
}

// DescribeZone tells how loc is named at the instant at (which matters
// only for a zone known by its offset).
func DescribeZone(loc *time.Location, at time.Time) ZoneParts {
	if loc == nil || utcAliases[loc.String()] {
		return ZoneParts{}
	}
	if n, ok := englishZones.names[loc.String()]; ok {
		return ZoneParts{Shared: n}
	}
	if city := ZoneCity(loc); city != "" {
		return ZoneParts{City: city}
	}
	_, secs := at.In(loc).Zone()
	if secs == 0 {
		return ZoneParts{}
	}
	return ZoneParts{Offset: offsetText(secs)}
}

// offsetText is an offset from UTC as "+05:30" or "−05:00" (a true minus).
func offsetText(secs int) string {
	sign := "+"
	if secs < 0 {
		sign, secs = "−", -secs
	}
	return fmt.Sprintf("%s%02d:%02d", sign, secs/3600, secs%3600/60)
}

// utcAliases are the IDs of UTC itself.
var utcAliases = map[string]bool{
	"UTC": true, "Etc/UTC": true, "Etc/UCT": true, "UCT": true, "Etc/GMT": true, "GMT": true,
	"Etc/Universal": true, "Universal": true, "Etc/Zulu": true, "Zulu": true, "Etc/GMT0": true,
	"Etc/GMT+0": true, "Etc/GMT-0": true, "Etc/Greenwich": true, "Greenwich": true, "GMT0": true,
}

// englishZones names the shared clocks as English speakers do. Only zones
// that keep exactly the same clock, summer and winter, share a name (a test
// checks it): Arizona and Brisbane, which keep no summer time, are named by
// their place rather than as Mountain or Australian Eastern Time.
var englishZones = zoneWords{
	city:   "%s time",
	offset: "UTC%s",
	utc:    "UTC",
	names: zoneTable(map[string][]string{
		"Eastern Time": {"America/New_York", "America/Detroit", "America/Toronto", "America/Nassau",
			"America/Indiana/Indianapolis", "America/Indianapolis", "America/Kentucky/Louisville",
			"America/Louisville", "America/Montreal", "US/Eastern", "US/Michigan", "EST5EDT"},
		"Central Time": {"America/Chicago", "America/Winnipeg", "America/Indiana/Knox", "America/Menominee",
			"America/North_Dakota/Center", "US/Central", "CST6CDT"},
		"Mountain Time":         {"America/Denver", "America/Boise", "America/Edmonton", "US/Mountain", "MST7MDT"},
		"Pacific Time":          {"America/Los_Angeles", "America/Vancouver", "US/Pacific", "PST8PDT"},
		"Alaska Time":           {"America/Anchorage", "America/Juneau", "America/Sitka", "America/Nome", "US/Alaska"},
		"Hawaii time":           {"Pacific/Honolulu", "US/Hawaii"},
		"Arizona time":          {"America/Phoenix", "US/Arizona"},
		"Atlantic Time":         {"America/Halifax", "America/Moncton", "America/Glace_Bay", "Atlantic/Bermuda"},
		"Newfoundland time":     {"America/St_Johns"},
		"UK time":               {"Europe/London", "Europe/Belfast", "Europe/Jersey", "Europe/Guernsey", "Europe/Isle_of_Man", "GB"},
		"Irish time":            {"Europe/Dublin"},
		"Western European Time": {"Europe/Lisbon", "Atlantic/Canary", "Atlantic/Madeira", "Atlantic/Faroe"},
		"Central European Time": {"Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Rome", "Europe/Amsterdam",
			"Europe/Brussels", "Europe/Vienna", "Europe/Zurich", "Europe/Stockholm", "Europe/Oslo", "Europe/Copenhagen",
			"Europe/Prague", "Europe/Warsaw", "Europe/Budapest", "Europe/Belgrade", "Europe/Luxembourg", "Europe/Monaco",
			"Europe/Malta", "Europe/Bratislava", "Europe/Ljubljana", "Europe/Zagreb", "Europe/Sarajevo", "Europe/Skopje",
			"Europe/Tirane", "Europe/Andorra", "Europe/Gibraltar", "Europe/Vaduz", "Europe/San_Marino", "Europe/Vatican",
			"Europe/Podgorica", "Africa/Ceuta", "Arctic/Longyearbyen"},
		"Eastern European Time": {"Europe/Athens", "Europe/Helsinki", "Europe/Bucharest", "Europe/Sofia", "Europe/Kyiv",
			"Europe/Kiev", "Europe/Riga", "Europe/Tallinn", "Europe/Vilnius", "Europe/Mariehamn", "Asia/Nicosia", "Europe/Nicosia"},
		"Israel time":             {"Asia/Jerusalem", "Asia/Tel_Aviv", "Israel"},
		"India time":              {"Asia/Kolkata", "Asia/Calcutta"},
		"China time":              {"Asia/Shanghai", "PRC"},
		"Japan time":              {"Asia/Tokyo", "Japan"},
		"Australian Eastern Time": {"Australia/Sydney", "Australia/Melbourne", "Australia/Hobart", "Australia/Canberra", "Australia/ACT", "Australia/NSW", "Australia/Victoria", "Australia/Tasmania"},
		"New Zealand time":        {"Pacific/Auckland", "NZ"},
	}),
}

// zoneTable turns name → IDs into ID → name. An ID given two names is a
// mistake in the table, caught when the package loads.
func zoneTable(byName map[string][]string) map[string]string {
	out := map[string]string{}
	for name, ids := range byName {
		for _, id := range ids {
			if other, ok := out[id]; ok {
				panic(fmt.Sprintf("calendar: zone %s named both %q and %q", id, other, name))
			}
			out[id] = name
		}
	}
	return out
}
