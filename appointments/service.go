// Package appointments owns the rules of the practice's calendar: booking
// (with the idempotency and repeat rules), cancelling, moving and the free
// slots a client may choose from (the schedule, the time off added at run
// time and the therapist's own calendars). HTTP, jobs and the command line
// call it; it speaks in domain errors, never in statuses.
package appointments

import (
	"context"
	"log/slog"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
)

// BusyTimes tells which spans of a therapist's time are already taken,
// buffers included.
type BusyTimes interface {
	Busy(ctx context.Context, therapistID string, from, to time.Time) ([]calendar.Interval, error)
}

// OwnCalendars names the therapist's own calendars (busy_ics) whose stored
// busy time the claim checks.
type OwnCalendars interface {
	FeedKeys(therapistID string) []string
}

// Queue is the background work a change starts: the invite, the
// cancellation or update, and dropping the old version's follow-ups.
type Queue interface {
	Confirm(ctx context.Context, bookingID string, seq int) error
	// Cancelled and Updated speak for a change; note is the practice's
	// when it made the change (nil: the client's). reason is what a client
	// who cancelled tells the therapist (may be empty).
	Cancelled(ctx context.Context, bookingID string, seq int, note *booking.PracticeNote, reason string) error
	Updated(ctx context.Context, bookingID string, seq int, prevStart time.Time, note *booking.PracticeNote) error
	DropFollowUps(ctx context.Context, bookingID string, seq int) error
	// ConfirmSeries sends a new series' one invite and confirms its
	// occurrences.
	ConfirmSeries(ctx context.Context, seriesID string) error
	// SeriesChanged tells the client of one change to a series (kind, for
	// the occurrence bookingID, or "" for the series), at its new SEQUENCE;
	// reason is a cancelling client's to the therapist (may be empty).
	SeriesChanged(ctx context.Context, seriesID string, seq int, bookingID, kind string, note *booking.PracticeNote, reason string) error
	// Requested tells the client a request awaiting approval was received
	// and asks the therapist to answer it.
	Requested(ctx context.Context, bookingID string, seq int) error
	// Declined tells the client a request was declined.
	Declined(ctx context.Context, bookingID string, seq int) error
}

// Deps is what the rules need.
type Deps struct {
	Config *config.Config
	// Store holds the bookings and the run-time time off (nil: the
	// configuration's schedule alone, for tools without Redis).
	Store *booking.Store
	// Busy is every busy time: bookings and the therapists' own calendars.
	Busy BusyTimes
	// Own is the therapists' own calendars alone, checked again when a
	// start is booked (nil: none).
	Own   OwnCalendars
	Queue Queue
	// Languages are those offered to clients (nil: the configuration's
	// codes, matched exactly).
	Languages Languages
	Now       func() time.Time
	Logger    *slog.Logger
}

// Service applies the rules of one configuration.
type Service struct {
	cfg   *config.Config
	store *booking.Store
	busy  BusyTimes
	own   OwnCalendars
	queue Queue
	// languages are those offered to clients (nil: the configuration's).
	languages Languages
	now       func() time.Time
	logger    *slog.Logger
}

// New builds the service; Now defaults to time.Now, Logger to slog's.
func New(d Deps) *Service {
	s := &Service{cfg: d.Config, store: d.Store, busy: d.Busy, own: d.Own, queue: d.Queue, languages: d.Languages, now: d.Now, logger: d.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	if s.busy == nil {
		s.busy = noBusy{}
	}
	return s
}

type noBusy struct{}

func (noBusy) Busy(context.Context, string, time.Time, time.Time) ([]calendar.Interval, error) {
	return nil, nil
}
