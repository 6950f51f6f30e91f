package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/caldav"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
)

// CalendarHealth records how the therapist's CalDAV calendar answers, for
// /readyz and one log line per change of state (feeds.Store does).
type CalendarHealth interface {
	NoteCalDAV(ctx context.Context, t config.Therapist, err error, logger *slog.Logger) error
}

// copyRounds bounds how often one task reads the booking again because it
// changed while its copy was written.
const copyRounds = 4

// handleCalendarCopy makes the therapist's CalDAV calendar show the
// booking as it is now: an event while it is confirmed, nothing once it is
// cancelled or gone. The task reads the booking when it runs, not when it
// was made, so tasks of older versions running late, twice or out of order
// write the current state, never an old one; each write is conditional on
// what it read (If-None-Match: * to create, If-Match to change or remove),
// and after a write the booking is read again, so a change made meanwhile
// is written too. One event per booking: an occurrence of a series is an
// event of its own.
func (h *Handlers) handleCalendarCopy(ctx context.Context, t *asynq.Task) error {
	p, err := decode[CalendarCopyPayload](t)
	if err != nil {
		return err
	}
	th, ok := h.Config.Therapist(p.Therapist)
	if !ok || !th.CalDAV.IsSet() {
		return nil // no calendar (any more) to write to
	}
	client, err := caldav.New(th.CalDAV, &http.Client{Timeout: h.Config.Feeds.Timeout})
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	b, exists, err := h.bookingOrNone(ctx, p.BookingID)
	if err != nil {
		return err
	}
	for range copyRounds {
		err = h.writeCopy(ctx, client, p.BookingID, b, exists)
		if errors.Is(err, caldav.ErrChanged) {
			// Written by another task meanwhile: read both again.
			if b, exists, err = h.bookingOrNone(ctx, p.BookingID); err != nil {
				return err
			}
			continue
		}
		if caldav.ClassOf(err) != "" {
			h.noteCalendar(ctx, th, err)
			return fmt.Errorf("calendar copy of %s: %w", p.BookingID, err)
		}
		if err != nil {
			return err
		}
		after, stillExists, err := h.bookingOrNone(ctx, p.BookingID)
		if err != nil {
			return err
		}
		if stillExists == exists && after.Seq == b.Seq && after.Status == b.Status {
			h.noteCalendar(ctx, th, nil)
			return nil
		}
		b, exists = after, stillExists // changed meanwhile: write that version
	}
	return fmt.Errorf("calendar copy of %s: the booking kept changing", p.BookingID)
}

// bookingOrNone reads the booking; exists is false when it is gone.
func (h *Handlers) bookingOrNone(ctx context.Context, id string) (booking.Booking, bool, error) {
	b, err := h.Store.Get(ctx, id)
	if errors.Is(err, booking.ErrNotFound) {
		return b, false, nil
	}
	return b, err == nil, err
}

// writeCopy does the one request that brings the object in line with the
// booking, if any is needed.
func (h *Handlers) writeCopy(ctx context.Context, c *caldav.Client, id string, b booking.Booking, exists bool) error {
	name := caldav.ObjectName(h.Compose.UID(id))
	obj, err := c.Get(ctx, name)
	if err != nil {
		return err
	}
	if !exists || b.Status != booking.StatusConfirmed {
		if !obj.Exists {
			return nil
		}
		return c.Delete(ctx, name, obj.ETag)
	}
	if obj.Exists && obj.Known && obj.Sequence == b.Seq {
		return nil // this version is there already
	}
	body, err := h.Compose.CalendarCopy(b).ICS()
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	cond := ""
	if obj.Exists {
		cond = obj.ETag
		if cond == "" {
			cond = "*" // a server that gives no ETag: change it if it is there
		}
	}
	return c.Put(ctx, name, body, cond)
}

func (h *Handlers) noteCalendar(ctx context.Context, th config.Therapist, err error) {
	if h.Calendars == nil {
		return
	}
	if nerr := h.Calendars.NoteCalDAV(ctx, th, err, h.Logger); nerr != nil {
		h.Logger.Warn("CalDAV state not stored", "therapist", th.ID, "err", nerr)
	}
}

// UID is the calendar UID of a booking: the client's invite and the
// therapist's calendar copy carry the same one.
func (c *Composer) UID(bookingID string) string { return bookingID + "@" + c.host }

// CalendarCopy is the booking as the therapist's own calendar keeps it, in
// the therapist's language: initials and session type, the video link of a
// video session, a link to the booking in admin; never the client's email
// or note.
func (c *Composer) CalendarCopy(b booking.Booking) calendar.CopyEvent {
	th, _ := c.cfg.Therapist(b.TherapistID)
	data, _, st := c.factsIn(b, c.therapist(th))
	return calendar.CopyEvent{
		UID:      c.UID(b.ID),
		Sequence: b.Seq,
		Start:    b.Start,
		End:      b.End,
		Stamp:    c.now(),
		Summary:  data.L.T("event.copy.summary", "Client", calendar.Initials(b.Name), "Session", data.L.Configured(st.Name)),
		Location: data.VideoURL,
		URL:      data.AdminURL,
	}
}
