package web

import (
	"net/mail"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/locale"
)

// lateRule says in l what the late-cancel policy means for a booking made
// now, for the booking page ("" when there is no late window).
func lateRule(l *locale.Localizer, c config.Cancellation) string {
	if c.LateWindow <= 0 {
		return ""
	}
	if c.AllowLate {
		return l.T("page.policy.late_counts", "Window", minutesIn(l, c.LateWindow))
	}
	return l.T("page.policy.late_locked", "Window", minutesIn(l, c.LateWindow))
}

// bookingPolicy says which part of the late-cancel policy applies to b
// now, in loc: until when it can be changed free of charge, that a cancel
// now counts as late, or that it can no longer be changed online ("" for
// a cancelled booking or no late window). The page adds how to reach the
// practice when it is locked. It is said in l.
func (s *Server) bookingPolicy(l *locale.Localizer, b booking.Booking, loc *time.Location) string {
	c := s.Config.Cancellation
	if b.Status == booking.StatusCancelled || c.LateWindow <= 0 {
		return ""
	}
	window := minutesIn(l, c.LateWindow)
	at := b.Start.Add(-c.LateWindow).In(loc)
	deadline := l.T("page.book.chosen", "Day", dayIn(l, at), "Time", l.Time(at))
	switch {
	case s.Appointments.LockedByPolicy(b):
		return l.T("page.policy.locked_now", "Window", window)
	case s.Appointments.Late(b):
		return l.T("page.policy.late_now", "Window", window)
	case c.AllowLate:
		return l.T("page.policy.free_until", "Deadline", deadline, "Window", window)
	}
	return l.T("page.policy.online_until", "Deadline", deadline, "Window", window)
}

// policyIn is the practice's cancellation policy, its own words; the
// built-in one is said in l.
func (s *Server) policyIn(l *locale.Localizer) string {
	return l.Own(s.Config.Cancellation.Policy, config.DefaultCancellationPolicy, "policy.default")
}

// practiceEmail is where a client writes to the practice: mail.reply_to
// when set, else the address the emails come from.
func (s *Server) practiceEmail() string {
	for _, a := range []string{s.Config.Mail.ReplyTo, s.Config.Mail.From} {
		if addr, err := mail.ParseAddress(a); err == nil {
			return addr.Address
		}
	}
	return ""
}
