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

// The kinds of SeriesChangePayload (appointments.Series*).
const (
	seriesCancelOne  = "cancel"
	seriesMoveOne    = "move"
	seriesCancelRest = "cancel_rest"
)

// handleSeriesChange sends the client one email for one change to a
// series, with the calendar part that changes its one event: a cancelled
// occurrence by its RECURRENCE-ID, a moved one as the series with its
// override, or the series' rest cancelled; and the therapist a notice.
// Each change has its own SEQUENCE, so every one is sent, in any order.
func (h *Handlers) handleSeriesChange(ctx context.Context, t *asynq.Task) error {
	var p SeriesChangePayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.SeriesID == "" || p.Seq < 1 {
		return fmt.Errorf("bad %s payload: %w", t.Type(), asynq.SkipRetry)
	}
	sr, occ, err := h.Store.GetSeries(ctx, p.SeriesID)
	if errors.Is(err, booking.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	sr.Seq = p.Seq
	var b booking.Booking
	switch p.Kind {
	case seriesCancelRest:
		b = firstCancelledAfter(occ, h.Now())
	case seriesCancelOne, seriesMoveOne:
		found := false
		for _, o := range occ {
			if o.ID == p.BookingID {
				b, found = o, true
			}
		}
		if !found {
			return fmt.Errorf("series %s has no occurrence %s: %w", sr.ID, p.BookingID, asynq.SkipRetry)
		}
	default:
		return fmt.Errorf("series change %q: %w", p.Kind, asynq.SkipRetry)
	}
	// The therapist's calendar holds each occurrence as its own event.
	for _, o := range occ {
		if o.ID == b.ID || (p.Kind == seriesCancelRest && o.Status == booking.StatusCancelled && o.Start.After(h.Now())) {
			if err := h.Queue.CalendarCopy(ctx, o); err != nil {
				return err
			}
		}
	}
	what := fmt.Sprintf("change:%d", p.Seq)
	err = h.deliver(ctx, bookingMarker(sr.ID, what), func() (*mailer.Message, error) { return h.Compose.SeriesChange(sr, occ, b, p.Kind, p.Practice) })
	if err != nil && !errors.Is(err, errRefused) {
		return err
	}
	notice := func() (*mailer.Message, error) {
		if p.Kind == seriesMoveOne {
			return h.Compose.TherapistChangedBy(b, b.Original, p.Practice != nil)
		}
		return h.Compose.TherapistCancelledBy(b, p.Practice != nil, p.Reason)
	}
	if err := h.deliver(ctx, bookingMarker(sr.ID, "notice:"+what), notice); err != nil && !errors.Is(err, errRefused) {
		return err
	}
	// A moved session keeps its reminders and prompt, at its new time
	// (the move dropped those of its old version).
	if p.Kind == seriesMoveOne && b.Status == booking.StatusConfirmed {
		if err := h.Queue.ScheduleFollowUps(ctx, b); err != nil {
			return err
		}
	}
	h.Logger.Info("series change sent", "series", sr.ID, "change", p.Kind)
	return nil
}

// firstCancelledAfter is the first cancelled occurrence still ahead: what
// a cancel of the series' rest speaks of.
func firstCancelledAfter(occ []booking.Booking, now time.Time) booking.Booking {
	for _, o := range occ {
		if o.Status == booking.StatusCancelled && o.Start.After(now) {
			return o
		}
	}
	if len(occ) > 0 {
		return occ[len(occ)-1]
	}
	return booking.Booking{}
}

// SeriesChange is the client's email of one change to a series: the
// occurrence's own words (cancelled, or moved from its original time), the
// calendar part changing the series' one event.
func (c *Composer) SeriesChange(sr booking.Series, occ []booking.Booking, b booking.Booking, kind string, note *booking.PracticeNote) (*mailer.Message, error) {
	sb := seriesBooking(sr, occ)
	data, th, _ := c.facts(b)
	data.ManageURL = c.links.Manage(sr.ID)
	ev := c.seriesEvent(sr, occ, data, calendar.MethodRequest)
	name := "cancel"
	var ics []byte
	var err error
	method := calendar.MethodCancel
	switch kind {
	case seriesCancelOne:
		// The occurrence itself is in Skipped now; its cancel names it.
		ics, err = ev.CancelOccurrenceICS(b.Original)
		if note != nil {
			name, data.Message = templates.EmailPracticeCancel, note.Message
			data.FreeTimes = freeTimes(data.L, b, note.Offer, calendar.ZoneOr(b.TimeZone, th.Location()))
		}
	case seriesMoveOne:
		name, method = "update", calendar.MethodRequest
		if note != nil {
			name, data.Message = templates.EmailPracticeUpdate, note.Message
		}
		data.PreviousWhen = c.previous(b, b.Original, b.TimeZone, data.L)
		ics, err = ev.ICS()
	case seriesCancelRest:
		c.describeSeries(&data, sr, calendar.ZoneOr(sr.TimeZone, th.Location()))
		ev.Method = calendar.MethodCancel
		ics, err = ev.ICS()
	}
	if err != nil {
		return nil, fmt.Errorf("series %s change %s: %w", sr.ID, kind, err)
	}
	m, err := c.plain(sb, name, data, mailer.Address{Name: sr.Name, Email: sr.Email})
	if err != nil {
		return nil, err
	}
	m.Calendar, m.CalendarMethod = ics, string(method)
	return m, nil
}
