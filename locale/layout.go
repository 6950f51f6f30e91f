package locale

import "time"

// Layout writes t with the layout of the catalog message key (Go's
// reference time, with this language's weekday and month names), for
// the shapes pages need beyond Date, Time and Short: a day without its
// year ("page.format.day": "jueves, 3 de diciembre").
func (l *Localizer) Layout(t time.Time, key string) string { return l.format(t, key) }
