package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/locale"
)

// commonZones are offered by the zone picker, west to east; the
// therapist's zone, the visitor's own (added by book.js) and one chosen
// earlier join them.
var commonZones = []string{
	"Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver", "America/Phoenix",
	"America/Chicago", "America/New_York", "America/Halifax", "America/St_Johns", "America/Sao_Paulo",
	"Atlantic/Reykjavik", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin",
	"Europe/Madrid", "Europe/Rome", "Europe/Stockholm", "Europe/Athens", "Europe/Helsinki", "Africa/Johannesburg",
	"Europe/Istanbul", "Asia/Jerusalem", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Hong_Kong",
	"Asia/Tokyo", "Australia/Perth", "Australia/Adelaide", "Australia/Sydney", "Pacific/Auckland", "UTC",
}

// zoneChoice is one <option> of the zone picker: the zone's ID as its
// value, and for people its name (what the page's note says) and a label
// that tells it from the other choices of the same name.
type zoneChoice struct {
	Value, Name, Label string
	Selected           bool
}

// zoneChoices is the picker's list, named in l: the common zones, the
// therapist's, and the one the form came back with, selected.
func zoneChoices(l *locale.Localizer, therapist *time.Location, chosen string, at time.Time) []zoneChoice {
	zones := slices.Clone(commonZones)
	// Only a real zone joins the list; a bad one is reported by validate.
	if !knownZone(chosen) {
		chosen = ""
	}
	for _, z := range []string{therapist.String(), chosen} {
		if z != "" && !slices.Contains(zones, z) {
			zones = append(zones, z)
		}
	}
	out := make([]zoneChoice, len(zones))
	for i, z := range zones {
		loc, _ := calendar.LoadZone(z)
		out[i] = zoneChoice{Value: z, Selected: z == chosen}
		out[i].Name, out[i].Label = zoneLabel(l, loc, at)
	}
	return out
}

// zoneLabel is a zone's name in l and its label in a list of zones: the
// name, with the place the zone is known by when the name does not say it
// ("Central European Time (Paris)", but "Kathmandu time").
func zoneLabel(l *locale.Localizer, loc *time.Location, at time.Time) (name, label string) {
	name = l.Zone(loc, at)
	if city := calendar.ZoneCity(loc); city != "" && !strings.Contains(name, city) {
		return name, name + " (" + city + ")"
	}
	return name, name
}

// knownZone says whether the name is a zone a visitor may choose.
func knownZone(name string) bool {
	if name == "" || len(name) > appointments.MaxTimezone || name == "Local" {
		return false
	}
	_, err := calendar.LoadZone(name)
	return err == nil
}

// apiZone answers GET /api/zone?id=<tz ID>[&lang=<code>] with the zone's
// name for people, in the language asked for (the default without one):
// the booking page asks it for a visitor's zone it does not list, so the
// page names that zone as the emails will.
func (s *Server) apiZone(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	id := q.Get("id")
	if !knownZone(id) {
		s.writeError(w, r, &apiError{Status: http.StatusUnprocessableEntity, Msg: "unknown time zone",
			Fields: map[string]string{"id": "is not a known IANA time zone"}})
		return
	}
	c := s.Pages.Catalogs()
	lang := c.Default()
	if asked := q.Get("lang"); asked != "" {
		code, ok := c.Supported(asked)
		if !ok {
			s.writeError(w, r, &apiError{Status: http.StatusUnprocessableEntity, Msg: "unsupported language",
				Fields: map[string]string{"lang": fmt.Sprintf("%q is not offered: use one of %s", asked, strings.Join(c.Offered(), ", "))}})
			return
		}
		lang = code
	}
	loc, _ := calendar.LoadZone(id)
	name, label := zoneLabel(c.For(lang), loc, s.Now())
	writeJSON(w, http.StatusOK, map[string]string{"id": id, "name": name, "label": label})
}
