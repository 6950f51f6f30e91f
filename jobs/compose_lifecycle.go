package jobs

import (
	"fmt"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/mailer"
	"github.com/consultd/consultd/templates"
)

// Reminder is the client's reminder, offset before a session; the offset
// is part of its Message-ID, since each reminder is its own message.
func (c *Composer) Reminder(b booking.Booking, offset string) (*mailer.Message, error) {
	data, _, _ := c.facts(b)
	m, err := c.plain(b, "reminder", data, mailer.Address{Name: b.Name, Email: b.Email})
	if err != nil {
		return nil, err
	}
	m.MessageID = fmt.Sprintf("reminder-%s.%s.%d@%s", offset, b.ID, b.Seq, c.host)
	return m, nil
}

// Reflection is the prompt after a session. It carries a one-click
// opt-out (RFC 8058) that mail clients show as "unsubscribe".
func (c *Composer) Reflection(b booking.Booking, nextBooked bool) (*mailer.Message, error) {
	data, _, _ := c.facts(b)
	data.NextBooked = nextBooked
	data.UnsubscribeURL = c.links.Unsubscribe(b.ID)
	m, err := c.plain(b, "reflection", data, mailer.Address{Name: b.Name, Email: b.Email})
	if err != nil {
		return nil, err
	}
	m.Headers = map[string]string{
		"List-Unsubscribe":      "<" + data.UnsubscribeURL + ">",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
	}
	return m, nil
}

// Cancel tells the client the session is off and removes the event from
// their calendar (METHOD:CANCEL, same UID, higher SEQUENCE).
func (c *Composer) Cancel(b booking.Booking) (*mailer.Message, error) {
	data, _, _ := c.facts(b)
	return c.withEvent(b, "cancel", data, calendar.MethodCancel)
}

// Update moves the event in the client's calendar (REQUEST, same UID,
// higher SEQUENCE, new times).
func (c *Composer) Update(b booking.Booking, prevStart time.Time) (*mailer.Message, error) {
	data, _, _ := c.facts(b)
	data.PreviousWhen = c.previous(b, prevStart, b.TimeZone)
	return c.withEvent(b, "update", data, calendar.MethodRequest)
}

// TherapistCancelled tells the therapist a session was cancelled.
func (c *Composer) TherapistCancelled(b booking.Booking) (*mailer.Message, error) {
	return c.toTherapist(b, "therapist_cancelled", time.Time{})
}

// TherapistChanged tells the therapist a session moved.
func (c *Composer) TherapistChanged(b booking.Booking, prevStart time.Time) (*mailer.Message, error) {
	return c.toTherapist(b, "therapist_changed", prevStart)
}

func (c *Composer) toTherapist(b booking.Booking, name string, prevStart time.Time) (*mailer.Message, error) {
	data, th, _ := c.facts(b)
	data.When = FormatWhen(b.Start, b.End, th.Location())
	data.WhenShort = FormatShort(b.Start, th.Location())
	data.WhenTherapist = ""
	if !prevStart.IsZero() {
		data.PreviousWhen = c.previous(b, prevStart, "")
	}
	return c.plain(b, name, data, mailer.Address{Name: th.Name, Email: th.Email})
}

// previous formats the old time of a moved session in the client's zone
// (or the therapist's, when zone is empty).
func (c *Composer) previous(b booking.Booking, prevStart time.Time, zone string) string {
	th, _ := c.cfg.Therapist(b.TherapistID)
	loc := calendar.ZoneOr(zone, th.Location())
	return FormatWhen(prevStart, prevStart.Add(b.End.Sub(b.Start)), loc)
}

// TherapistReleased tells the therapist a hold that could not be confirmed
// was let go, so the time is free again.
func (c *Composer) TherapistReleased(b booking.Booking) (*mailer.Message, error) {
	return c.toTherapist(b, "therapist_released", time.Time{})
}

// TherapistDigest lists a day's sessions to the therapist: times in their
// zone, session type, client initials, a link to each.
func (c *Composer) TherapistDigest(th config.Therapist, date calendar.Date, day []booking.Booking) (*mailer.Message, error) {
	loc := th.Location()
	data := templates.EmailData{
		Practice: c.cfg.Practice.Name, TherapistName: th.Name,
		When:      date.Midnight(loc).Format("Monday 2 January 2006"),
		WhenShort: date.Midnight(loc).Format("Mon 2 Jan"),
	}
	for _, b := range day {
		st, _ := c.cfg.SessionType(b.Type)
		data.Sessions = append(data.Sessions, templates.DigestLine{
			Time:    b.Start.In(loc).Format("15:04") + "–" + b.End.In(loc).Format("15:04"),
			Session: st.Name, Client: calendar.Initials(b.Name), AdminURL: c.links.Admin(b.ID),
		})
	}
	e, err := c.templates.Email(templates.EmailTherapistDigest, data)
	if err != nil {
		return nil, err
	}
	return &mailer.Message{
		MessageID: fmt.Sprintf("digest.%s.%s@%s", th.ID, date, c.host),
		From:      c.from, To: mailer.Address{Name: th.Name, Email: th.Email},
		Subject: e.Subject, Text: e.Text, HTML: e.HTML, Date: c.now(),
	}, nil
}
