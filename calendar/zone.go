package calendar

import (
	"sync"
	"time"
)

// zones caches loaded time zones: time.LoadLocation reads and parses the
// zone file on every call (about 30 µs and 9 KB each), and every booking,
// page and email asks for one. A process meets only a handful of zones.
var zones sync.Map // name → *time.Location

// LoadZone is time.LoadLocation for IANA names, cached. "Local" and the
// empty name are refused: a client's or therapist's zone is always named.
func LoadZone(name string) (*time.Location, error) {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	if name == "" || name == "Local" || name == "local" {
		return nil, errNoZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, loc)
	return loc, nil
}

// ZoneOr is the named zone, or fallback when the name is empty or unknown.
func ZoneOr(name string, fallback *time.Location) *time.Location {
	if loc, err := LoadZone(name); err == nil {
		return loc
	}
	return fallback
}

type zoneError string

func (e zoneError) Error() string { return string(e) }

const errNoZone = zoneError("a time zone must be named, such as Europe/London")
