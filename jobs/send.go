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

// sendOnce sends the message built by build unless a sent-marker says it
// went out already; it writes the marker once the server accepts. A crash
// between the two sends again at most once, and the deterministic
// Message-ID lets mail clients fold such a repeat.
func (h *Handlers) sendOnce(ctx context.Context, b booking.Booking, what string, build func(booking.Booking) (*mailer.Message, error)) error {
	sent, err := h.Store.Sent(ctx, b.ID, what)
	if err != nil || sent {
		return err
	}
	m, err := build(b)
	if err != nil {
		h.Metrics.Email(emailKind(what), metrics.EmailRefused)
		return fmt.Errorf("compose %s of %s: %v: %w", what, b.ID, err, asynq.SkipRetry)
	}
	err = h.Sender.Send(ctx, m)
	h.Metrics.Email(emailKind(what), sendResult(err))
	if err != nil {
		if errors.Is(err, mailer.ErrInvalidMessage) {
			return fmt.Errorf("%s of %s: %w: %w", what, b.ID, err, asynq.SkipRetry)
		}
		if mailer.IsPermanent(err) {
			return fmt.Errorf("%s of %s: %w: %w", what, b.ID, errRefused, err)
		}
		return fmt.Errorf("%s of %s: %w", what, b.ID, err)
	}
	if err := h.markSent(ctx, b.ID, what); err != nil {
		// The message is out; a retry would send it again, so say so loudly.
		h.Logger.Error("sent-marker not written", "booking", b.ID, "message", what, "err", err)
	}
	h.Logger.Info("email sent", "booking", b.ID, "message", what)
	return nil
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

// markSentPauses are the waits between attempts to write a sent-marker
// while Redis does not answer: about 15 s in all, which covers a Redis
// restart. Once the SMTP server has accepted a message, a marker that is
// not written makes the task's retry send it a second time.
var markSentPauses = []time.Duration{
	250 * time.Millisecond, 500 * time.Millisecond, time.Second,
	2 * time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second, 3 * time.Second,
}

// markSent records that message what of booking id went out, trying again
// while Redis is away; the error is the last attempt's.
func (h *Handlers) markSent(ctx context.Context, id, what string) error {
	_, err := h.Store.MarkSent(ctx, id, what)
	for _, pause := range markSentPauses {
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
		_, err = h.Store.MarkSent(ctx, id, what)
	}
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
