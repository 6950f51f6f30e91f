package calendar

import (
	"testing"
	"time"
)

func TestZoneName(t *testing.T) {
	winter := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	summer := time.Date(2026, 7, 15, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		desc, zone, want string
		city             string
	}{
		{"US Eastern", "America/New_York", "Eastern Time", "New York"},
		{"Eastern, another city", "America/Detroit", "Eastern Time", "Detroit"},
		{"a deeper Eastern ID", "America/Indiana/Indianapolis", "Eastern Time", "Indianapolis"},
		{"US Central", "America/Chicago", "Central Time", "Chicago"},
		{"US Mountain", "America/Denver", "Mountain Time", "Denver"},
		{"Arizona keeps no summer time", "America/Phoenix", "Arizona time", "Phoenix"},
		{"US Pacific", "America/Los_Angeles", "Pacific Time", "Los Angeles"},
		{"Alaska", "America/Anchorage", "Alaska Time", "Anchorage"},
		{"Hawaii", "Pacific/Honolulu", "Hawaii time", "Honolulu"},
		{"an old US link", "US/Pacific", "Pacific Time", "Pacific"},
		{"UK", "Europe/London", "UK time", "London"},
		{"Ireland", "Europe/Dublin", "Irish time", "Dublin"},
		{"Central European", "Europe/Berlin", "Central European Time", "Berlin"},
		{"Eastern European", "Europe/Athens", "Eastern European Time", "Athens"},
		{"India has no summer time", "Asia/Kolkata", "India time", "Kolkata"},
		{"Sydney", "Australia/Sydney", "Australian Eastern Time", "Sydney"},
		{"Brisbane keeps no summer time", "Australia/Brisbane", "Brisbane time", "Brisbane"},
		{"a city not in the table", "America/Argentina/Buenos_Aires", "Buenos Aires time", "Buenos Aires"},
		{"another", "Asia/Kathmandu", "Kathmandu time", "Kathmandu"},
		{"a one-word link", "Singapore", "Singapore time", "Singapore"},
		{"UTC", "UTC", "UTC", ""},
		{"UTC by another ID", "Etc/UTC", "UTC", ""},
		{"GMT is UTC", "Etc/GMT", "UTC", ""},
		{"a fixed offset, sign reversed in the ID", "Etc/GMT+5", "UTC−05:00", ""},
		{"a fixed offset east", "Etc/GMT-14", "UTC+14:00", ""},
		{"an abbreviation", "CET", "UTC+01:00", ""},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			loc, err := time.LoadLocation(tc.zone)
			if err != nil {
				t.Fatal(err)
			}
			if got := ZoneName(loc, winter); got != tc.want {
				t.Errorf("ZoneName(%s) in winter = %q, want %q", tc.zone, got, tc.want)
			}
			if got := ZoneCity(loc); got != tc.city {
				t.Errorf("ZoneCity(%s) = %q, want %q", tc.zone, got, tc.city)
			}
			// A name people use does not change with the season; only
			// an abbreviation's offset does (CET is UTC+02:00 in July).
			if tc.zone != "CET" {
				if got := ZoneName(loc, summer); got != tc.want {
					t.Errorf("ZoneName(%s) in summer = %q, want %q", tc.zone, got, tc.want)
				}
			} else if got := ZoneName(loc, summer); got != "UTC+02:00" {
				t.Errorf("ZoneName(CET) in summer = %q, want UTC+02:00", got)
			}
		})
	}
	if got := ZoneName(time.FixedZone("", 5*3600+30*60), winter); got != "UTC+05:30" {
		t.Errorf("a fixed zone = %q, want UTC+05:30", got)
	}
	if got := ZoneName(nil, winter); got != "UTC" {
		t.Errorf("no zone = %q, want UTC", got)
	}
}

// TestZoneNamesShareOneClock checks the table: zones that share a name keep
// the same offset at every hour of three years, so "Eastern Time" is one
// clock wherever it is read, summer or winter.
func TestZoneNamesShareOneClock(t *testing.T) {
	byName := map[string][]*time.Location{}
	for id, name := range englishZones.names {
		loc, err := time.LoadLocation(id)
		if err != nil {
			t.Errorf("the table names %s, which does not load: %v", id, err)
			continue
		}
		byName[name] = append(byName[name], loc)
	}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, locs := range byName {
		for _, loc := range locs[1:] {
			for at := from; at.Year() < 2029; at = at.Add(time.Hour) {
				_, want := at.In(locs[0]).Zone()
				if _, got := at.In(loc).Zone(); got != want {
					t.Errorf("%q: at %s, %s is %+ds from UTC and %s %+ds", name, at, loc, got, locs[0], want)
					break
				}
			}
		}
	}
}
