package web

import (
	"slices"
	"strings"
	"time"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/calendar"
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

// zoneChoice is one <option> of the zone picker.
type zoneChoice struct {
	Value, Label string
	Selected     bool
}

// zoneChoices is the picker's list: the common zones, the therapist's, and
// the one the form came back with, selected.
func zoneChoices(therapist *time.Location, chosen string) []zoneChoice {
	zones := slices.Clone(commonZones)
	// Only a real zone joins the list; a bad one is reported by validate.
	if len(chosen) > appointments.MaxTimezone || chosen == "Local" {
		chosen = ""
	} else if _, err := calendar.LoadZone(chosen); err != nil {
		chosen = ""
	}
	for _, z := range []string{therapist.String(), chosen} {
		if z != "" && !slices.Contains(zones, z) {
			zones = append(zones, z)
		}
	}
	out := make([]zoneChoice, len(zones))
	for i, z := range zones {
		out[i] = zoneChoice{Value: z, Label: strings.ReplaceAll(z, "_", " "), Selected: z == chosen}
	}
	return out
}
