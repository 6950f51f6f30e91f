package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/locale"
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
	data.PreviousWhen = c.previous(b, prevStart, b.TimeZone, data.L)
	return c.withEvent(b, "update", data, calendar.MethodRequest)
}

// PracticeCancel tells the client the practice cancelled: its apology,
// its message, a link to book again and a few free times; the calendar
// CANCEL removes the event.
func (c *Composer) PracticeCancel(b booking.Booking, note booking.PracticeNote) (*mailer.Message, error) {
	data, th, _ := c.facts(b)
	data.Message = note.Message
	data.FreeTimes = freeTimes(data.L, b, note.Offer, calendar.ZoneOr(b.TimeZone, th.Location()))
	return c.withEvent(b, templates.EmailPracticeCancel, data, calendar.MethodCancel)
}

// PracticeUpdate tells the client the practice moved the session: its
// apology, its message and the new time; the calendar update moves it.
func (c *Composer) PracticeUpdate(b booking.Booking, prevStart time.Time, note booking.PracticeNote) (*mailer.Message, error) {
	data, _, _ := c.facts(b)
	data.PreviousWhen = c.previous(b, prevStart, b.TimeZone, data.L)
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
	data, th := c.therapistFacts(b)
	data.Reason = reason
	l := data.L
	if !prevStart.IsZero() {
		data.PreviousWhen = c.previous(b, prevStart, "", l)
	}
	data.ChangedBy = l.T("email.changed_by.client")
	if byPractice {
		data.ChangedBy = l.T("email.changed_by.practice")
	}
	if !b.UpdatedAt.IsZero() {
		data.Ahead = formatAhead(l, session.Sub(b.UpdatedAt))
	}
	return c.plain(b, name, data, mailer.Address{Name: th.Name, Email: th.Email})
}

// formatAhead writes how long before a session a change came, to the hour
// ("2 days and 3 hours", "5 hours"), or to the minute under an hour; a
// change after the start counts as none.
func formatAhead(l *locale.Localizer, d time.Duration) string {
	if d < 0 {
		return l.Plural("when.minutes", 0)
	}
	if d < time.Hour {
		return l.Plural("when.minutes", int(d/time.Minute))
	}
	days, hours := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	switch {
	case days == 0:
		return l.Plural("when.hours", hours)
	case hours == 0:
		return l.Plural("when.days", days)
	}
	return l.T("when.and", "First", l.Plural("when.days", days), "Second", l.Plural("when.hours", hours))
}

// previous writes the old time of a moved session in the client's zone
// (or the therapist's, when zone is empty), in l's language.
func (c *Composer) previous(b booking.Booking, prevStart time.Time, zone string, l *locale.Localizer) string {
	th, _ := c.cfg.Therapist(b.TherapistID)
	loc := calendar.ZoneOr(zone, th.Location())
	return l.When(prevStart, prevStart.Add(b.End.Sub(b.Start)), loc)
}

// freeTimes writes the times the practice offers instead of a session it
// cancelled, each as long as the session, in the client's zone.
func freeTimes(l *locale.Localizer, b booking.Booking, offer []time.Time, loc *time.Location) []string {
	var out []string
	for _, t := range offer {
		out = append(out, l.When(t, t.Add(b.End.Sub(b.Start)), loc))
	}
	return out
}
