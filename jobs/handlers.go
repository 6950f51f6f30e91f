package jobs

import (
	"context"
	"errors"
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
	// Calendars records how the therapists' CalDAV calendars answer
	// writes (nil: not recorded).
	Calendars CalendarHealth
}

// NewHandlers builds the handlers.
func NewHandlers(d HandlerDeps) *Handlers { return &Handlers{HandlerDeps: d} }

// Register adds every task type to mux.
func (h *Handlers) Register(mux *asynq.ServeMux) {
	mux.HandleFunc(TypeConfirm, h.handleConfirm)
	mux.HandleFunc(TypeSeries, h.handleSeries)
	mux.HandleFunc(TypeSeriesChg, h.handleSeriesChange)
	mux.HandleFunc(TypeReminder, h.handleReminder)
	mux.HandleFunc(TypeReflect, h.handleReflect)
	mux.HandleFunc(TypeCancelled, h.handleCancelled)
	mux.HandleFunc(TypeUpdated, h.handleUpdated)
	mux.HandleFunc(TypeSweep, h.handleSweep)
	mux.HandleFunc(TypeDigest, h.handleDigest)
	mux.HandleFunc(TypeRequest, h.handleRequest)
	mux.HandleFunc(TypeDeclined, h.handleDeclined)
	mux.HandleFunc(TypeCalendar, h.handleCalendarCopy)
}

// current re-reads the booking of a task and reports whether the task
// still speaks for it: the booking exists, is in one of the wanted states
// and has the task's sequence. Anything else is a stale task, dropped.
func (h *Handlers) current(ctx context.Context, typ string, ref BookingRef, want ...booking.Status) (booking.Booking, bool, error) {
	b, err := h.Store.Get(ctx, ref.BookingID)
	if errors.Is(err, booking.ErrNotFound) {
		return b, false, nil
	}
	if err != nil {
		return b, false, err
	}
	for _, s := range want {
		if b.Status == s && b.Seq == ref.Seq {
			return b, true, nil
		}
	}
	h.Logger.Info("stale task dropped", "type", typ, "booking", b.ID, "task_seq", ref.Seq, "seq", b.Seq, "status", b.Status)
	return b, false, nil
}
