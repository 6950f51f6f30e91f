package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/mailer"
	"github.com/consultd/consultd/templates"
)

// handleCancelled removes the event from the client's calendar and tells
// the therapist.
func (h *Handlers) handleCancelled(ctx context.Context, t *asynq.Task) error {
	p, err := decode[CancelledPayload](t)
	if err != nil {
		return err
	}
	b, ok, err := h.current(ctx, t.Type(), p.BookingRef, booking.StatusCancelled)
	if !ok || err != nil {
		return err
	}
	if err := h.Queue.CalendarCopy(ctx, b); err != nil {
		return err
	}
	err = h.send(ctx, b, fmt.Sprintf("cancel:%d", b.Seq), func(b booking.Booking) (*mailer.Message, error) {
		if p.Practice != nil {
			return h.Compose.PracticeCancel(b, *p.Practice)
		}
		return h.Compose.Cancel(b)
	})
	if err != nil {
		return err
	}
	return h.send(ctx, b, fmt.Sprintf("notice:cancelled:%d", b.Seq), func(b booking.Booking) (*mailer.Message, error) {
		return h.Compose.TherapistCancelledBy(b, p.Practice != nil, p.Reason)
	})
}

// handleUpdated moves the event in the client's calendar, tells the
// therapist and schedules the new version's reminders. A booking still
// held needs nothing here: its confirm sends the invite with the new time.
func (h *Handlers) handleUpdated(ctx context.Context, t *asynq.Task) error {
	p, err := decode[UpdatedPayload](t)
	if err != nil {
		return err
	}
	b, ok, err := h.current(ctx, t.Type(), p.BookingRef, booking.StatusConfirmed)
	if !ok || err != nil {
		return err
	}
	if err := h.Queue.CalendarCopy(ctx, b); err != nil {
		return err
	}
	if err := h.Queue.ScheduleFollowUps(ctx, b); err != nil {
		return err
	}
	prev := time.Unix(p.PrevStart, 0).UTC()
	err = h.send(ctx, b, fmt.Sprintf("update:%d", b.Seq), func(b booking.Booking) (*mailer.Message, error) {
		if p.Practice != nil {
			return h.Compose.PracticeUpdate(b, prev, *p.Practice)
		}
		return h.Compose.Update(b, prev)
	})
	if err != nil {
		return err
	}
	return h.send(ctx, b, fmt.Sprintf("notice:changed:%d", b.Seq), func(b booking.Booking) (*mailer.Message, error) {
		return h.Compose.TherapistChangedBy(b, prev, p.Practice != nil)
	})
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

// PracticeCancel tells the client the practice cancelled: its apology,
// its message, a link to book again and a few free times; the calendar
// CANCEL removes the event.
func (c *Composer) PracticeCancel(b booking.Booking, note booking.PracticeNote) (*mailer.Message, error) {
	data, th, _ := c.facts(b)
	data.Message = note.Message
	loc := calendar.ZoneOr(b.TimeZone, th.Location())
	for _, t := range note.Offer {
		data.FreeTimes = append(data.FreeTimes, FormatWhen(t, t.Add(b.End.Sub(b.Start)), loc))
	}
	return c.withEvent(b, templates.EmailPracticeCancel, data, calendar.MethodCancel)
}

// PracticeUpdate tells the client the practice moved the session: its
// apology, its message and the new time; the calendar update moves it.
func (c *Composer) PracticeUpdate(b booking.Booking, prevStart time.Time, note booking.PracticeNote) (*mailer.Message, error) {
	data, _, _ := c.facts(b)
	data.PreviousWhen = c.previous(b, prevStart, b.TimeZone)
	data.Message = note.Message
	return c.withEvent(b, templates.EmailPracticeUpdate, data, calendar.MethodRequest)
}

// TherapistCancelledBy tells the therapist a session was cancelled, by
// whom and how long before it, with the client's reason when they gave
// one. Never the practice's message.
func (c *Composer) TherapistCancelledBy(b booking.Booking, byPractice bool, reason string) (*mailer.Message, error) {
	return c.noticeOfChange(b, templates.EmailTherapistCancelled, time.Time{}, b.Start, byPractice, reason)
}

// TherapistChangedBy tells the therapist a session moved, by whom and how
// long before its old time.
func (c *Composer) TherapistChangedBy(b booking.Booking, prevStart time.Time, byPractice bool) (*mailer.Message, error) {
	return c.noticeOfChange(b, templates.EmailTherapistChanged, prevStart, prevStart, byPractice, "")
}

func (c *Composer) noticeOfChange(b booking.Booking, name string, prevStart, session time.Time, byPractice bool, reason string) (*mailer.Message, error) {
	data, th, _ := c.facts(b)
	data.Reason = reason
	data.When = FormatWhen(b.Start, b.End, th.Location())
	data.WhenShort = FormatShort(b.Start, th.Location())
	data.WhenTherapist = ""
	if !prevStart.IsZero() {
		data.PreviousWhen = c.previous(b, prevStart, "")
	}
	data.ChangedBy = "the client"
	if byPractice {
		data.ChangedBy = "the practice"
	}
	if !b.UpdatedAt.IsZero() {
		data.Ahead = FormatAhead(session.Sub(b.UpdatedAt))
	}
	return c.plain(b, name, data, mailer.Address{Name: th.Name, Email: th.Email})
}

// FormatAhead writes how long before a session a change came, to the hour
// ("2 days and 3 hours", "5 hours"), or to the minute under an hour; a
// change after the start counts as none.
func FormatAhead(d time.Duration) string {
	if d < 0 {
		return "0 minutes"
	}
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	if d < time.Hour {
		return plural(int(d/time.Minute), "minute")
	}
	days, hours := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	switch {
	case days == 0:
		return plural(hours, "hour")
	case hours == 0:
		return plural(days, "day")
	}
	return plural(days, "day") + " and " + plural(hours, "hour")
}

// previous formats the old time of a moved session in the client's zone
// (or the therapist's, when zone is empty).
func (c *Composer) previous(b booking.Booking, prevStart time.Time, zone string) string {
	th, _ := c.cfg.Therapist(b.TherapistID)
	loc := calendar.ZoneOr(zone, th.Location())
	return FormatWhen(prevStart, prevStart.Add(b.End.Sub(b.Start)), loc)
}
