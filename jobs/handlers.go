package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/mailer"
	"github.com/consultd/consultd/metrics"
)

// Handlers run the tasks. Every handler re-reads the booking, so a task
// made for a state that has since changed does nothing.
type Handlers struct {
	HandlerDeps
}

// HandlerDeps is what the handlers work with.
type HandlerDeps struct {
	Store   *booking.Store
	Sender  mailer.Sender
	Compose *Composer
	Queue   *Enqueuer
	Config  *config.Config
	Logger  *slog.Logger
	Now     func() time.Time
	// Metrics counts each attempt to send an email (nil: not counted).
	Metrics *metrics.Metrics
}

// NewHandlers builds the handlers.
func NewHandlers(d HandlerDeps) *Handlers { return &Handlers{HandlerDeps: d} }

// Register adds every task type to mux.
func (h *Handlers) Register(mux *asynq.ServeMux) {
	mux.HandleFunc(TypeConfirm, h.handleConfirm)
	mux.HandleFunc(TypeReminder, h.handleReminder)
	mux.HandleFunc(TypeReflect, h.handleReflect)
	mux.HandleFunc(TypeCancelled, h.handleCancelled)
	mux.HandleFunc(TypeUpdated, h.handleUpdated)
	mux.HandleFunc(TypeSweep, h.handleSweep)
	mux.HandleFunc(TypeDigest, h.handleDigest)
}

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

// handleConfirm sends the client's invite and the therapist's notice for a
// new booking, then marks it confirmed.
func (h *Handlers) handleConfirm(ctx context.Context, t *asynq.Task) error {
	p, err := decodePayload(t)
	if err != nil {
		return err
	}
	b, err := h.Store.Get(ctx, p.BookingID)
	if errors.Is(err, booking.ErrNotFound) {
		h.Logger.Info("confirm skipped: booking released", "booking", p.BookingID)
		return nil
	}
	if err != nil {
		return err
	}
	if b.Status != booking.StatusHeld {
		return nil
	}
	err = h.sendOnce(ctx, b, fmt.Sprintf("invite:%d", b.Seq), h.Compose.Invite)
	if errors.Is(err, errRefused) {
		return h.flagUndeliverable(ctx, b, err)
	}
	if err != nil {
		return err
	}
	if err := h.sendOnce(ctx, b, "notice:booked", h.Compose.TherapistBooked); err != nil {
		if !errors.Is(err, errRefused) {
			return err
		}
		h.Logger.Error("therapist notice refused: check the therapist's email in the config", "booking", b.ID, "err", err)
	}
	confirmed, err := h.Store.Confirm(ctx, b.ID, b.Seq)
	switch {
	case errors.Is(err, booking.ErrNotLive):
		return nil // cancelled meanwhile: the cancel task speaks to the client
	case errors.Is(err, booking.ErrStale):
		// Moved while the invite went out: try again, which sends the
		// invite of the new version (same UID, higher SEQUENCE).
		return fmt.Errorf("booking %s moved during confirm", b.ID)
	case err != nil:
		return err
	}
	if err := h.Queue.ScheduleFollowUps(ctx, confirmed); err != nil {
		return err
	}
	h.Logger.Info("booking confirmed", "booking", b.ID)
	return nil
}

// flagUndeliverable marks a booking whose client address refused mail and
// tells the therapist; the task then stops for good.
func (h *Handlers) flagUndeliverable(ctx context.Context, b booking.Booking, cause error) error {
	if err := h.Store.SetFlag(ctx, b.ID, FlagUndeliverable); err != nil {
		return err
	}
	h.Logger.Warn("client address refused the invite: booking flagged", "booking", b.ID, "err", cause)
	if err := h.sendOnce(ctx, b, "notice:flagged", h.Compose.TherapistFlagged); err != nil && !errors.Is(err, errRefused) {
		return err
	}
	return fmt.Errorf("%w: %w", cause, asynq.SkipRetry)
}

// FlagUndeliverable marks a booking whose client address refused mail.
const FlagUndeliverable = "undeliverable"
