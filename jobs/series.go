package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/mailer"
	"github.com/consultd/consultd/templates"
)

// handleSeries sends the one invite of a new standing series (one event
// with a weekly RRULE in the client's calendar) and one notice to the
// therapist, then confirms each held occurrence and schedules its
// reminders and prompt.
func (h *Handlers) handleSeries(ctx context.Context, t *asynq.Task) error {
	var p SeriesPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.SeriesID == "" {
		return fmt.Errorf("bad %s payload: %w", t.Type(), asynq.SkipRetry)
	}
	sr, occ, err := h.Store.GetSeries(ctx, p.SeriesID)
	if errors.Is(err, booking.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var held []booking.Booking
	for _, b := range occ {
		if b.Status == booking.StatusHeld {
			held = append(held, b)
		}
	}
	if len(held) == 0 {
		// Confirmed by an earlier run, which may have stopped before it
		// queued every calendar copy; those it queued are not queued twice.
		for _, b := range occ {
			if b.Status == booking.StatusConfirmed {
				if err := h.Queue.CalendarCopy(ctx, b); err != nil {
					return err
				}
			}
		}
		return nil
	}
	err = h.deliver(ctx, bookingMarker(sr.ID, fmt.Sprintf("invite:%d", sr.Seq)), func() (*mailer.Message, error) { return h.Compose.SeriesInvite(sr, occ) })
	if errors.Is(err, errRefused) {
		return h.flagUndeliverable(ctx, held[0], err)
	}
	if err != nil {
		return err
	}
	if err := h.deliver(ctx, bookingMarker(sr.ID, "notice:booked"), func() (*mailer.Message, error) { return h.Compose.TherapistSeries(sr, occ) }); err != nil {
		if !errors.Is(err, errRefused) {
			return err
		}
		h.Logger.Error("therapist notice refused: check the therapist's email in the config", "series", sr.ID, "err", err)
	}
	for _, b := range held {
		confirmed, err := h.Store.Confirm(ctx, b.ID, b.Seq)
		switch {
		case errors.Is(err, booking.ErrNotLive), errors.Is(err, booking.ErrStale):
			continue // cancelled or moved meanwhile: that change speaks for it
		case err != nil:
			return err
		}
		if err := h.Queue.ScheduleFollowUps(ctx, confirmed); err != nil {
			return err
		}
		if err := h.Queue.CalendarCopy(ctx, confirmed); err != nil {
			return err
		}
	}
	h.Logger.Info("series confirmed", "series", sr.ID, "occurrences", len(held))
	return nil
}

// SeriesInvite is the client's one email for a new series, with the one
// calendar event that repeats (REQUEST).
func (c *Composer) SeriesInvite(sr booking.Series, occ []booking.Booking) (*mailer.Message, error) {
	first := seriesBooking(sr, occ)
	data, th, _ := c.facts(first)
	data.ManageURL = c.links.Manage(sr.ID)
	c.describeSeries(&data, sr, calendar.ZoneOr(sr.TimeZone, th.Location()))
	m, err := c.plain(first, templates.EmailSeriesInvite, data, mailer.Address{Name: sr.Name, Email: sr.Email})
	if err != nil {
		return nil, err
	}
	ev := c.seriesEvent(sr, occ, data, calendar.MethodRequest)
	if m.Calendar, err = ev.ICS(); err != nil {
		return nil, fmt.Errorf("series invite calendar of %s: %w", sr.ID, err)
	}
	m.CalendarMethod = string(calendar.MethodRequest)
	return m, nil
}

// TherapistSeries tells the therapist of a new series in one email, times
// in their zone. Never the client's note.
func (c *Composer) TherapistSeries(sr booking.Series, occ []booking.Booking) (*mailer.Message, error) {
	first := seriesBooking(sr, occ)
	data, th := c.therapistFacts(first)
	data.AdminURL = c.links.Admin(occ[0].ID)
	c.describeSeries(&data, sr, th.Location())
	return c.plain(first, templates.EmailTherapistSeries, data, mailer.Address{Name: th.Name, Email: th.Email})
}

// seriesBooking is the series as one booking: its ID and SEQUENCE, the
// client, and the first occurrence's time (where its RRULE begins).
func seriesBooking(sr booking.Series, occ []booking.Booking) booking.Booking {
	length := time.Duration(0)
	if len(occ) > 0 {
		length = occ[0].End.Sub(occ[0].Start)
	}
	return booking.Booking{
		ID: sr.ID, TherapistID: sr.TherapistID, Type: sr.Type, Seq: sr.Seq,
		Start: sr.First, End: sr.First.Add(length),
		Name: sr.Name, Email: sr.Email, TimeZone: sr.TimeZone, Room: sr.Room, Language: sr.Language,
	}
}

// describeSeries says how the series repeats and which weeks were left
// out, in the email's language. The time is the practice's, with its zone:
// the series keeps that clock, and in another zone whose clocks change on
// other dates the local time of a session moves for a week or two.
func (c *Composer) describeSeries(d *templates.EmailData, sr booking.Series, loc *time.Location) {
	l := d.L
	practice := c.zoneOf(sr.TherapistID)
	starts := calendar.WeeklyOccurrences(sr.First, practice, sr.EveryWeeks, sr.Count)
	first, last := sr.First.In(practice), starts[len(starts)-1].In(loc)
	d.Recurrence = l.T("when.recurrence", "Every", l.Every(sr.EveryWeeks),
		"Weekdays", l.Weekdays(first.Weekday()),
		"Time", l.Time(first), "Zone", l.Zone(practice, sr.First), "Count", sr.Count, "Last", l.Date(last))
	for _, t := range sr.Skipped {
		d.Skipped = append(d.Skipped, l.Date(t.In(loc)))
	}
}

func (c *Composer) zoneOf(therapistID string) *time.Location {
	th, _ := c.cfg.Therapist(therapistID)
	return th.Location()
}

// seriesEvent is the series as one calendar event: the series' UID and
// SEQUENCE; weeks left out and cancelled occurrences as EXDATE.
func (c *Composer) seriesEvent(sr booking.Series, occ []booking.Booking, data templates.EmailData, method calendar.Method) calendar.SeriesEvent {
	first := seriesBooking(sr, occ)
	ev := calendar.SeriesEvent{
		Event:      c.event(first, data, method),
		Zone:       c.zoneOf(sr.TherapistID),
		EveryWeeks: sr.EveryWeeks,
		Count:      sr.Count,
		Skipped:    append([]time.Time(nil), sr.Skipped...),
	}
	for _, b := range occ {
		switch {
		case b.Status == booking.StatusCancelled:
			ev.Skipped = append(ev.Skipped, b.Original)
		case !b.Original.IsZero() && !b.Start.Equal(b.Original):
			ev.Moved = append(ev.Moved, calendar.MovedOccurrence{Original: b.Original, Start: b.Start, End: b.End})
		}
	}
	return ev
}
