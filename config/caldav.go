package config

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// CalDAV is a therapist's calendar collection on a CalDAV server (Nextcloud,
// iCloud, Fastmail, Radicale…). Every booking is written into the
// collection at URL, and the events of that collection and of BusyURLs (more
// collections on the same server, read with the same account) are busy
// time. The zero value means none.
type CalDAV struct {
	// URL is the calendar collection, ending in "/". Its path often
	// names the account, so logs and errors give its host only.
	URL      string `mapstructure:"url"`
	Username string `mapstructure:"username"`
	// Password is often an app-specific password: a Secret.
	Password Secret   `mapstructure:"password"`
	BusyURLs []string `mapstructure:"busy_urls"`
}

// IsSet reports whether a calendar is configured.
func (c CalDAV) IsSet() bool { return c.URL != "" }

// Host is the server's host, which is all that logs and errors say of it.
func (c CalDAV) Host() string {
	if u, err := url.Parse(c.URL); err == nil {
		return u.Hostname()
	}
	return "host unknown"
}

func (c *CalDAV) validate(p *problems, key string) {
	if !c.IsSet() {
		if c.Username != "" || c.Password.IsSet() || len(c.BusyURLs) > 0 {
			p.add(key+".url", "is empty: give the address of the calendar collection (https://…/) or remove %s", key)
		}
		return
	}
	checkCollection(p, key+".url", c.URL)
	for i, u := range c.BusyURLs {
		checkCollection(p, fmt.Sprintf("%s.busy_urls[%d]", key, i), u)
		if base, err := url.Parse(c.URL); err == nil {
			if other, err := url.Parse(u); err == nil && !strings.EqualFold(other.Host, base.Host) {
				p.add(fmt.Sprintf("%s.busy_urls[%d]", key, i), "is on another server than %s.url: the same account reads both", key)
			}
		}
	}
	switch {
	case strings.TrimSpace(c.Username) == "":
		p.add(key+".username", "is empty: give the account's user name")
	case strings.IndexFunc(c.Username, unicode.IsControl) >= 0 || strings.Contains(c.Username, ":"):
		p.add(key+".username", "contains a control character or a colon")
	}
	if !c.Password.IsSet() {
		p.add(key+".password", "is empty: give the account's password (an app-specific password where the server offers one)")
	} else if strings.IndexFunc(c.Password.Reveal(), unicode.IsControl) >= 0 {
		p.add(key+".password", "contains a control character")
	}
}

// checkCollection checks the address of a calendar collection. Messages
// name the key, never the address.
func checkCollection(p *problems, key, raw string) {
	u, err := url.Parse(raw)
	switch {
	case strings.IndexFunc(raw, unicode.IsControl) >= 0:
		p.add(key, "contains control characters")
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		p.add(key, "is not an http(s) URL of a calendar collection")
	case u.User != nil:
		p.add(key, "carries a user name or password: give them as username and password instead")
	case !strings.HasSuffix(u.Path, "/"):
		p.add(key, "must end with / (the calendar collection, not one event)")
	}
}
