package appointments

import (
	"errors"
	"fmt"
	"sort"
)

// The outcomes a caller tells its client about. Errors that wrap
// ErrUnavailable or ErrOutcomeUnknown carry the failing step and its cause
// for the log; the client is told only which of the two it was.
var (
	// ErrTaken: another booking holds that time.
	ErrTaken = errors.New("that time has just been taken")
	// ErrNotFree: the therapist's own calendar has made the time busy since
	// it was offered. Why is not said: the calendar is private.
	ErrNotFree = errors.New("that time is no longer available")
	// ErrLate: inside the late-cancel window, which the policy locks.
	ErrLate = errors.New("too close to the session to change online")
	// ErrNotLive: the booking is cancelled and cannot change any more.
	ErrNotLive = errors.New("the booking is cancelled")
	// ErrNotStarted: attendance is recorded only from the session's start.
	ErrNotStarted = errors.New("the session has not started yet")
	// ErrNotFound: no booking with that id.
	ErrNotFound = errors.New("no such booking")
	// ErrInviteOnly: the session type is booked by invitation only, and
	// the request came through no invite link that names it.
	ErrInviteOnly = errors.New("the session type is by invitation only")
	// ErrAnswered: an approve of a request that was declined or expired,
	// or a decline of one that was approved; nothing was sent.
	ErrAnswered = errors.New("the request has already been answered")
	// ErrUnavailable: Redis or the queue could not be reached and nothing
	// was changed; trying again later is safe.
	ErrUnavailable = errors.New("unavailable")
	// ErrOutcomeUnknown: a write was sent but no answer came back, so the
	// booking may exist; a retry is safe (a repeat returns the same one).
	ErrOutcomeUnknown = errors.New("outcome unknown")
)

// CapError: the client already holds as many upcoming bookings as the
// public intake allows (intake.max_live_per_email).
type CapError struct{ Upcoming int }

func (e *CapError) Error() string {
	return fmt.Sprintf("the client already has %d upcoming appointments", e.Upcoming)
}

// InvalidError is a request that cannot be booked as written, with a
// message per field (keyed by the field's name in the API).
type InvalidError struct {
	Msg    string
	Fields map[string]string
}

func invalid(msg string, fields map[string]string) *InvalidError {
	return &InvalidError{Msg: msg, Fields: fields}
}

// Error lists the message and each field's problem, for command-line use.
func (e *InvalidError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	msg := e.Msg
	for _, k := range keys {
		msg += "; " + k + ": " + e.Fields[k]
	}
	return msg
}

// failed wraps a cause of kind (ErrUnavailable or ErrOutcomeUnknown) with
// the step that failed.
func failed(kind error, step string, cause error) error {
	return fmt.Errorf("%w: %s: %w", kind, step, cause)
}
