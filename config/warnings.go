package config

import (
	"strings"
	"time"
)

// Warnings are settings that work but are probably not what the practice
// wants. check-config prints them and serve logs them once at start.
func (c *Config) Warnings() Problems {
	var p problems
	if !c.Secret.IsSet() && !c.Redis.Embedded() {
		p.add("secret", "is empty: links are signed with a key kept in Redis (made once, shared by every process), which works; for production set CONSULTD_SECRET to 32+ random characters")
	}
	cl := c.Cancellation
	if !cl.AllowLate && cl.LateWindow > c.Booking.MinNotice {
		p.add("cancellation.late_window", "%s is longer than booking.min_notice (%s) with cancellation.allow_late false: a client could book a time they can never cancel or move online",
			shortDuration(cl.LateWindow), shortDuration(c.Booking.MinNotice))
	}
	return p.list
}

// shortDuration writes 48h rather than 48h0m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
