package web

import (
	"fmt"
	"net/mail"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/config"
)

// lateRule says what the late-cancel policy means for a booking made now,
// for the booking page ("" when there is no late window).
func lateRule(c config.Cancellation) string {
	if c.LateWindow <= 0 {
		return ""
	}
	if c.AllowLate {
		return fmt.Sprintf("A cancel less than %s before the session counts as late.", minutes(c.LateWindow))
	}
	return fmt.Sprintf("Less than %s before the session, it can no longer be cancelled or moved online.", minutes(c.LateWindow))
}

// bookingPolicy says which part of the late-cancel policy applies to b
// now, in loc: until when it can be changed free of charge, that a cancel
// now counts as late, or that it can no longer be changed online ("" for
// a cancelled booking or no late window). The page adds how to reach the
// practice when it is locked.
func (s *Server) bookingPolicy(b booking.Booking, loc *time.Location) string {
	c := s.Config.Cancellation
	if b.Status == booking.StatusCancelled || c.LateWindow <= 0 {
		return ""
	}
	window := minutes(c.LateWindow)
	deadline := b.Start.Add(-c.LateWindow).In(loc).Format("Monday 2 January at 15:04")
	switch {
	case s.Appointments.LockedByPolicy(b):
		return fmt.Sprintf("It is too close to the appointment to change it online (less than %s before).", window)
	case s.Appointments.Late(b):
		return fmt.Sprintf("Cancelling from now on counts as late (less than %s before the session).", window)
	case c.AllowLate:
		return fmt.Sprintf("You can cancel or move it free of charge until %s. After that, a cancel counts as late (less than %s before).", deadline, window)
	}
	return fmt.Sprintf("You can cancel or move it online until %s. After that (less than %s before), only the practice can change it.", deadline, window)
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
