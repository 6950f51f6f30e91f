package config

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
)

// Feeds says how the therapists' busy_ics calendars are fetched: again every
// Refresh, each fetch cut off after Timeout.
type Feeds struct {
	Refresh time.Duration `mapstructure:"refresh"`
	Timeout time.Duration `mapstructure:"timeout"`
	// CalDAVRefresh is how often the therapists' CalDAV calendars are read
	// for busy time: a time-range query is cheap, and time the therapist
	// blocks by hand should stop being offered within a minute.
	CalDAVRefresh time.Duration `mapstructure:"caldav_refresh"`
}

func (f Feeds) validate(p *problems) {
	if f.Refresh < time.Minute || f.Refresh > 24*time.Hour {
		p.add("feeds.refresh", "%s is out of range: use 1m to 24h", f.Refresh)
	}
	if f.CalDAVRefresh < time.Second || f.CalDAVRefresh > 15*time.Minute {
		p.add("feeds.caldav_refresh", "%s is out of range: use 1s to 15m", f.CalDAVRefresh)
	}
	if f.Timeout <= 0 || f.Timeout > 2*time.Minute {
		p.add("feeds.timeout", "%s is out of range: use more than 0 and at most 2m", f.Timeout)
	} else if f.Timeout >= f.Refresh {
		p.add("feeds.timeout", "must be shorter than feeds.refresh (%s)", f.Refresh)
	}
}

// IsURL reports whether a busy_ics entry is fetched over HTTP rather than
// read from a file.
func IsURL(source string) bool {
	scheme, _, ok := strings.Cut(source, "://")
	return ok && (strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https"))
}

// validateBusyICS checks each feed of one therapist. Messages never repeat
// a URL: its path is often the secret of a private calendar.
func validateBusyICS(p *problems, key string, feeds []Secret) {
	seen := map[Secret]bool{}
	for i, f := range feeds {
		k := fmt.Sprintf("%s[%d]", key, i)
		source := f.Reveal()
		switch {
		case strings.TrimSpace(source) == "":
			p.add(k, "is empty: give an https:// URL or a file path")
		case strings.IndexFunc(source, unicode.IsControl) >= 0:
			p.add(k, "contains control characters")
		case seen[f]:
			p.add(k, "is listed twice")
		case IsURL(source):
			if u, err := url.Parse(source); err != nil || u.Host == "" {
				p.add(k, "is not a valid http(s) URL")
			}
		case strings.Contains(source, "://"):
			scheme, _, _ := strings.Cut(source, "://")
			if strings.HasPrefix(strings.ToLower(scheme), "webcal") {
				p.add(k, "%s:// is a subscription link: write the same address with https:// instead", scheme)
			} else {
				p.add(k, "%s:// is neither http(s) nor a file path", scheme)
			}
		}
		seen[f] = true
	}
}
