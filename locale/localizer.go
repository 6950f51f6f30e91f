package locale

import (
	"fmt"
	"strings"
	"time"

	"github.com/goodsign/monday"
	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/consultd/consultd/calendar"
)

// Localizer writes in one language: messages by ID, dates and times.
type Localizer struct {
	lang  string
	i18n  *i18n.Localizer
	names monday.Locale
}

// Lang is the language's code, for lang attributes ("es").
func (l *Localizer) Lang() string { return l.lang }

// T is the message id in this language, or in the default one when this
// catalog lacks it. args are pairs of name and value for the message's
// {{.Name}} placeholders. A message no catalog has comes out as its ID, so
// a missing key shows in the text rather than failing a send.
func (l *Localizer) T(id string, args ...any) string {
	var data map[string]any
	if len(args) > 0 {
		data = make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			data[fmt.Sprint(args[i])] = args[i+1]
		}
	}
	s, err := l.i18n.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil && s == "" {
		return id
	}
	return s
}

// Plural is the message id in the form CLDR's plural rules of this
// language give n ("1 hour", "3 hours"; one, few, many... as the catalog
// has them); its placeholders get {{.Count}} and args' pairs.
func (l *Localizer) Plural(id string, n int, args ...any) string {
	data := map[string]any{"Count": n}
	for i := 0; i+1 < len(args); i += 2 {
		data[fmt.Sprint(args[i])] = args[i+1]
	}
	s, err := l.i18n.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: n})
	if err != nil && s == "" {
		return id
	}
	return s
}

// Date is a day written out: "Thursday 3 December 2026", "jueves, 3 de
// diciembre de 2026" (catalog key format.date).
func (l *Localizer) Date(t time.Time) string { return l.format(t, "format.date") }

// Time is a time of day: "14:30", or "2:30 PM" where the catalog says so
// (format.time).
func (l *Localizer) Time(t time.Time) string { return l.format(t, "format.time") }

// Hour12 reports whether this language writes the time of day on a
// 12-hour clock (its format.time has PM), for the booking page's script.
func (l *Localizer) Hour12() bool {
	f := l.T("format.time")
	return strings.Contains(f, "PM") || strings.Contains(f, "pm")
}

// Short is a start in a subject line: "Thu 3 Dec at 14:30" (format.short).
func (l *Localizer) Short(t time.Time) string { return l.format(t, "format.short") }

// Day is a day in short, for subjects: "Thu 3 Dec" (format.day).
func (l *Localizer) Day(t time.Time) string { return l.format(t, "format.day") }

func (l *Localizer) format(t time.Time, key string) string {
	return monday.Format(t, l.T(key), l.names)
}

// mondayLocale is the locale of weekday and month names a catalog names
// (format.names, e.g. es_ES), English when it names none that is known.
func mondayLocale(name string) monday.Locale {
	for _, known := range monday.ListLocales() {
		if string(known) == name {
			return known
		}
	}
	return monday.LocaleEnUS
}

// Zone names a zone as people of this language say it: the catalog's name
// of a shared clock (zone.Eastern Time → "hora del Este"; the English name
// when the catalog has none), else zone.city with the place (its name in
// the catalog, zone.place.Mexico City → "Ciudad de México", else the
// English one), else
// zone.offset, else zone.utc.
func (l *Localizer) Zone(loc *time.Location, at time.Time) string {
	p := calendar.DescribeZone(loc, at)
	switch {
	case p.Shared != "":
		if s := l.T("zone." + p.Shared); s != "zone."+p.Shared {
			return s
		}
		return p.Shared
	case p.City != "":
		city := p.City // as the tz ID names it, in English
		if s := l.T("zone.place." + city); s != "zone.place."+city {
			city = s
		}
		return l.T("zone.city", "City", city)
	case p.Offset != "":
		return l.T("zone.offset", "Offset", p.Offset)
	}
	return l.T("zone.utc")
}

// When is a session's time for people, in loc: "Thursday 3 December 2026,
// 14:30–15:20 (UK time)", "jueves, 3 de diciembre de 2026, 14:30–15:20
// (hora del Reino Unido)" (catalog key format.when).
func (l *Localizer) When(start, end time.Time, loc *time.Location) string {
	s, e := start.In(loc), end.In(loc)
	return l.T("format.when", "Date", l.Date(s), "Start", l.Time(s), "End", l.Time(e), "Zone", l.Zone(loc, s))
}

// Own is a text the practice configures, as written, unless it is still
// the built-in one (builtIn), which is said in this language (catalog key).
func (l *Localizer) Own(text, builtIn, key string) string {
	if text == builtIn {
		return l.T(key)
	}
	return text
}

// Configured is a text of the practice's configuration (a session type's
// name or description, a location) in this language when the catalog
// gives it as text.<the text itself> (say "text.Counselling session:
// Sesión de orientación" in a templates.dir's locales/es.yaml), else as
// configured. Keyed by the text, a translation never lands on another
// practice's different words.
func (l *Localizer) Configured(text string) string {
	if text == "" {
		return ""
	}
	key := "text." + text
	if s := l.T(key); s != key {
		return s
	}
	return text
}

// Every says how often a series meets, as a sentence begins: "Every
// week", "Cada dos semanas" (when.every.*).
func (l *Localizer) Every(everyWeeks int) string {
	if everyWeeks == 2 {
		return l.T("when.every.other_week")
	}
	return l.T("when.every.week")
}

// Weekdays names the day a series meets on: "Mondays", "los lunes"
// (when.weekdays.*).
func (l *Localizer) Weekdays(d time.Weekday) string {
	return l.T("when.weekdays." + strings.ToLower(d.String()))
}
