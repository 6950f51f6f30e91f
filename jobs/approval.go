package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/locale"
	"github.com/consultd/consultd/mailer"
	"github.com/consultd/consultd/templates"
)

// handleRequest tells the client their request was received (no calendar
// invite: nothing is booked yet) and asks the therapist to approve or
// decline it. A request answered before the task runs gets neither.
func (h *Handlers) handleRequest(ctx context.Context, t *asynq.Task) error {
	p, err := decode[RequestPayload](t)
	if err != nil {
		return err
	}
	b, err := h.Store.Get(ctx, p.BookingID)
	if errors.Is(err, booking.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if b.Status != booking.StatusPending {
		return nil
	}
	err = h.sendOnce(ctx, b, "request:received", h.Compose.RequestReceived)
	if errors.Is(err, errRefused) {
		return h.flagUndeliverable(ctx, b, err)
	}
	if err != nil {
		return err
	}
	err = h.sendOnce(ctx, b, "notice:approval", h.Compose.TherapistApproval)
	if errors.Is(err, errRefused) {
		h.Logger.Error("therapist notice refused: check the therapist's email in the config", "booking", b.ID, "err", err)
		return nil
	}
	return err
}

// handleDeclined tells the client a request ended unapproved: kindly,
// with the practice's message, when declined; when it expired, that it
// went unanswered. With Expire set it first releases the request if it is
// still pending; one approved meanwhile is left alone.
func (h *Handlers) handleDeclined(ctx context.Context, t *asynq.Task) error {
	p, err := decode[DeclinedPayload](t)
	if err != nil {
		return err
	}
	if p.Expire {
		_, _, err := h.Store.Expire(ctx, p.BookingID)
		if errors.Is(err, booking.ErrNotPending) || errors.Is(err, booking.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	b, err := h.Store.Get(ctx, p.BookingID)
	if errors.Is(err, booking.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case b.Status != booking.StatusCancelled:
		return nil
	case b.Flag == booking.FlagDeclined:
		return h.send(ctx, b, "request:declined", h.Compose.RequestDeclined)
	case b.Flag == booking.FlagExpired:
		h.Logger.Info("request released unanswered", "booking", b.ID)
		return h.send(ctx, b, "request:expired", h.Compose.RequestExpired)
	}
	return nil
}

// sweepRequests queues the release of each of the therapist's requests
// unanswered for approval.expires (the task's ID makes it once), and
// queues again the emails of a request whose task went missing.
func (h *Handlers) sweepRequests(ctx context.Context, therapistID string) error {
	pending, err := h.Store.Pending(ctx, therapistID)
	if err != nil {
		return err
	}
	var errs []error
	now := h.Now()
	for _, b := range pending {
		switch {
		case !now.Before(requestExpires(b, h.Config.Approval.Expires)):
			errs = append(errs, h.Queue.expire(ctx, b.ID, b.Seq))
		case now.Sub(b.CreatedAt) >= sweepGrace:
			if _, found, err := h.Queue.taskState(RequestTaskID(b.ID)); err != nil {
				errs = append(errs, err)
			} else if !found {
				// The emails' sent-markers keep a repeat from sending twice.
				errs = append(errs, h.Queue.Requested(ctx, b.ID, b.Seq))
			}
		}
	}
	return errors.Join(errs...)
}

// expires is when a request is released unanswered.
func (c *Composer) expires(b booking.Booking) time.Time {
	return requestExpires(b, c.cfg.Approval.Expires)
}

// requestExpires is when a request made at b.CreatedAt is released
// unanswered: after approval.expires, or at its session's start if that
// comes first (a request cannot wait past its own time).
func requestExpires(b booking.Booking, expires time.Duration) time.Time {
	if at := b.CreatedAt.Add(expires); at.Before(b.Start) {
		return at
	}
	return b.Start
}

// formatExpires writes a request's expiry for people in l's language:
// "Thursday 3 December 2026, 09:00 (Eastern Time)".
func formatExpires(l *locale.Localizer, t time.Time, loc *time.Location) string {
	at := t.In(loc)
	return l.T("when.at", "Date", l.Date(at), "Time", l.Time(at), "Zone", l.Zone(loc, t))
}

// RequestReceived tells the client the request waits for approval: the
// time is kept, nothing is confirmed, no calendar event yet.
func (c *Composer) RequestReceived(b booking.Booking) (*mailer.Message, error) {
	data, th, _ := c.facts(b)
	data.Expires = formatExpires(data.L, c.expires(b), calendar.ZoneOr(b.TimeZone, th.Location()))
	return c.plain(b, templates.EmailRequestReceived, data, mailer.Address{Name: b.Name, Email: b.Email})
}

// RequestDeclined tells the client kindly that the request was declined,
// with the practice's message, and offers to book another time.
func (c *Composer) RequestDeclined(b booking.Booking) (*mailer.Message, error) {
	data, _, _ := c.facts(b)
	data.Message = b.Reply
	return c.plain(b, templates.EmailRequestDeclined, data, mailer.Address{Name: b.Name, Email: b.Email})
}

// RequestExpired tells the client the request went unanswered and was
// released.
func (c *Composer) RequestExpired(b booking.Booking) (*mailer.Message, error) {
	data, _, _ := c.facts(b)
	return c.plain(b, templates.EmailRequestExpired, data, mailer.Address{Name: b.Name, Email: b.Email})
}

// TherapistApproval asks the therapist to approve or decline a request,
// with signed one-click links that expire with it. It names the client by
// initials only, never the note.
func (c *Composer) TherapistApproval(b booking.Booking) (*mailer.Message, error) {
	data, th := c.therapistFacts(b)
	data.ClientName = calendar.Initials(b.Name)
	exp := c.expires(b)
	data.Expires = formatExpires(data.L, exp, th.Location())
	data.ApproveURL, data.DeclineURL = c.links.Approve(b.ID, exp), c.links.Decline(b.ID, exp)
	return c.plain(b, templates.EmailTherapistApproval, data, mailer.Address{Name: th.Name, Email: th.Email})
}
