package jobs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/mailer"
	"github.com/consultd/consultd/metrics"
)

// errRefused marks a message the server refused for good (5xx): retrying
// cannot help, so the task stops and the booking is flagged.
var errRefused = errors.New("recipient refused")

// sentMarker names one message in the store's sent-markers: what
// ("invite:2", "digest:2026-12-01") of one booking, or of one therapist.
// The name's first part is also the message's kind (see emailKind).
type sentMarker struct {
	therapist bool // kept for the therapist id, not a booking
	id, what  string
}

func bookingMarker(bookingID, what string) sentMarker { return sentMarker{id: bookingID, what: what} }

func therapistMarker(therapistID, what string) sentMarker {
	return sentMarker{therapist: true, id: therapistID, what: what}
}

// owner is the key the log names the marker's id by.
func (m sentMarker) owner() string {
	if m.therapist {
		return "therapist"
	}
	return "booking"
}

// deliver is the one way an email leaves: it sends the message built by
// build unless its sent-marker says it went out already, and writes the
// marker once the server accepts. A crash between the two sends again at
// most once, and the deterministic Message-ID lets mail clients fold such
// a repeat. A permanent refusal comes back wrapping errRefused.
func (h *Handlers) deliver(ctx context.Context, m sentMarker, build func() (*mailer.Message, error)) error {
	sent, err := h.isSent(ctx, m)
	if err != nil || sent {
		return err
	}
	_, err = h.deliverUnsent(ctx, m, true, build)
	return err
}

// deliverUnsent is deliver once m's marker was read and said not sent.
// With mark false the caller writes the marker (see markedSent) when
// sent is true, as soon as it can.
func (h *Handlers) deliverUnsent(ctx context.Context, m sentMarker, mark bool, build func() (*mailer.Message, error)) (sent bool, err error) {
	msg, err := build()
	if err != nil {
		h.Metrics.Email(emailKind(m.what), metrics.EmailRefused)
		return false, fmt.Errorf("compose %s of %s: %v: %w", m.what, m.id, err, asynq.SkipRetry)
	}
	err = h.Sender.Send(ctx, msg)
	h.Metrics.Email(emailKind(m.what), sendResult(err))
	if err != nil {
		if errors.Is(err, mailer.ErrInvalidMessage) {
			return false, fmt.Errorf("%s of %s: %w: %w", m.what, m.id, err, asynq.SkipRetry)
		}
		if mailer.IsPermanent(err) {
			return false, fmt.Errorf("%s of %s: %w: %w", m.what, m.id, errRefused, err)
		}
		return false, fmt.Errorf("%s of %s: %w", m.what, m.id, err)
	}
	if mark {
		h.markedSent(ctx, m, h.writeMarker(ctx, m))
	} // else the caller's markedSent says it was sent
	return true, nil
}

// markedSent finishes writing m's marker after a first attempt that
// ended in err, trying again while Redis is away (see markSent).
func (h *Handlers) markedSent(ctx context.Context, m sentMarker, err error) {
	if err != nil {
		err = h.markSentAfter(ctx, m, err)
	}
	if err != nil {
		// The message is out; a retry would send it again, so say so loudly.
		h.Logger.Error("sent-marker not written", m.owner(), m.id, "message", m.what, "err", err)
	}
	h.Logger.Info("email sent", m.owner(), m.id, "message", m.what)
}

// sendOnce delivers message what of booking b, built from it.
func (h *Handlers) sendOnce(ctx context.Context, b booking.Booking, what string, build func(booking.Booking) (*mailer.Message, error)) error {
	return h.deliver(ctx, bookingMarker(b.ID, what), func() (*mailer.Message, error) { return build(b) })
}

// send is sendOnce for follow-up mail: a permanent refusal ends the task
// (retrying cannot help) and is logged without the address.
func (h *Handlers) send(ctx context.Context, b booking.Booking, what string, build func(booking.Booking) (*mailer.Message, error)) error {
	err := h.sendOnce(ctx, b, what, build)
	if errors.Is(err, errRefused) {
		h.Logger.Warn("message refused by the mail server", "booking", b.ID, "message", what, "err", err)
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	return err
}

func (h *Handlers) isSent(ctx context.Context, m sentMarker) (bool, error) {
	if m.therapist {
		return h.Store.TherapistSent(ctx, m.id, m.what)
	}
	return h.Store.Sent(ctx, m.id, m.what)
}

// markSentPauses are the waits between attempts to write a sent-marker
// while Redis does not answer: about 15 s in all, which covers a Redis
// restart. Once the SMTP server has accepted a message, a marker that is
// not written makes the task's retry send it a second time.
var markSentPauses = []time.Duration{
	250 * time.Millisecond, 500 * time.Millisecond, time.Second,
	2 * time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second, 3 * time.Second,
}

// markSentAfter writes m's marker after a first attempt failed with err,
// trying again while Redis is away; the error is the last attempt's.
func (h *Handlers) markSentAfter(ctx context.Context, m sentMarker, err error) error {
	for _, pause := range markSentPauses {
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
		if err = h.writeMarker(ctx, m); err == nil {
			return nil
		}
	}
	return err
}

func (h *Handlers) writeMarker(ctx context.Context, m sentMarker) error {
	if m.therapist {
		return h.Store.MarkTherapistSent(ctx, m.id, m.what)
	}
	_, err := h.Store.MarkSent(ctx, m.id, m.what)
	return err
}

// emailKind is the kind of a message, from the name its sent-marker uses
// ("invite:2", "remind:1:24h", "notice:cancelled:3").
func emailKind(what string) metrics.EmailKind {
	prefix, _, _ := strings.Cut(what, ":")
	switch prefix {
	case "invite":
		return metrics.EmailInvite
	case "update":
		return metrics.EmailUpdate
	case "cancel":
		return metrics.EmailCancel
	case "remind":
		return metrics.EmailReminder
	case "reflect":
		return metrics.EmailReflection
	case "digest":
		return metrics.EmailDigest
	}
	return metrics.EmailNotice
}

// sendResult says what a send's error means for the message: sent, tried
// again later, or never to go out (a 5xx, or a message the sender rejects).
func sendResult(err error) metrics.EmailResult {
	switch {
	case err == nil:
		return metrics.EmailSent
	case errors.Is(err, mailer.ErrInvalidMessage) || mailer.IsPermanent(err):
		return metrics.EmailRefused
	}
	return metrics.EmailRetry
}
