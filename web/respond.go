package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/metrics"
)

// apiError is an answer the client may read: a status, a message and, for
// invalid input, a message per field. The web makes its own for what only
// HTTP knows (a body too large, a forged link); classify makes one for
// every other error.
type apiError struct {
	Status int               `json:"-"`
	Msg    string            `json:"error"`
	Fields map[string]string `json:"fields,omitempty"`
	// Outcome is "unknown" on a 503 after which the booking may exist.
	Outcome string `json:"outcome,omitempty"`
	// Conflicts are the starts of a series that are not free (409).
	Conflicts []string `json:"conflicts,omitempty"`
}

const outcomeUnknown = "unknown"

func (e *apiError) Error() string { return e.Msg }

// answer is what one error means to a client: the status, the body, and
// how a booking request that ended in it is counted.
type answer struct {
	apiError
	outcome metrics.BookingOutcome
}

// Client messages of the domain errors.
const (
	msgTaken   = "that time has just been taken: please choose another"
	msgNotFree = "that time is no longer available: please choose another"
	msgLate    = "this appointment is too close to change online: please contact the practice"
	msgNotLive = "this appointment has been cancelled and can no longer be changed"
	msgGone    = "this appointment no longer exists"
	// msgInviteOnly: a type kept off the public page, asked for without
	// the practice's invite link.
	msgInviteOnly = "this kind of session is booked by invitation only: please use the booking link the practice sent you, or contact the practice"
	// msgUnavailable: Redis or the queue could not be reached; nothing was
	// booked, and trying again later is safe.
	msgUnavailable = "booking is unavailable for a moment: nothing was booked, please try again shortly"
	// msgUncertain: a write was sent but no answer came back. Saying
	// "nothing was booked" could be false, so the client is told what is
	// true and that a retry is safe (a repeat returns the same booking).
	msgUncertain = "your booking could not be confirmed just now: if it went through, a confirmation email follows within minutes; " +
		"sending the same request again is safe and never books twice"
)

// classify maps every error to its answer, in one place for the JSON API,
// the pages and the metrics. Anything unexpected is a bare "internal
// error"; its detail is for the log only.
func classify(err error) answer {
	var web *apiError
	var bad *appointments.InvalidError
	var capped *appointments.CapError
	var conflicts *appointments.ConflictError
	conflict := func(msg string) answer {
		return answer{apiError{Status: http.StatusConflict, Msg: msg}, metrics.BookingTaken}
	}
	switch {
	case errors.As(err, &web):
		a := answer{apiError: *web, outcome: metrics.BookingInvalid}
		if web.Status >= 500 {
			a.outcome = metrics.BookingUnavailable
		}
		return a
	case errors.As(err, &bad):
		return answer{apiError{Status: http.StatusUnprocessableEntity, Msg: bad.Msg, Fields: bad.Fields}, metrics.BookingInvalid}
	case errors.As(err, &capped):
		return answer{apiError{Status: http.StatusConflict, Msg: fmt.Sprintf(
			"you already have %d upcoming appointments: manage them from the link in your email, or contact the practice", capped.Upcoming)},
			metrics.BookingCapped}
	case errors.As(err, &conflicts):
		starts := make([]string, len(conflicts.Starts))
		for i, t := range conflicts.Starts {
			starts[i] = t.UTC().Format(timeFormat)
		}
		return answer{apiError{Status: http.StatusConflict, Msg: "these sessions of the series are not free; nothing was booked", Conflicts: starts}, metrics.BookingTaken}
	case errors.Is(err, appointments.ErrInviteOnly):
		return answer{apiError{Status: http.StatusUnprocessableEntity, Msg: msgInviteOnly,
			Fields: map[string]string{"type": "is by invitation only: please use the booking link the practice sent you"}}, metrics.BookingInvalid}
	case errors.Is(err, appointments.ErrTaken):
		return conflict(msgTaken)
	case errors.Is(err, appointments.ErrNotFree):
		return conflict(msgNotFree)
	case errors.Is(err, appointments.ErrLate):
		return conflict(msgLate)
	case errors.Is(err, appointments.ErrNotLive):
		return conflict(msgNotLive)
	case errors.Is(err, appointments.ErrTimeOffFull):
		return conflict("the therapist has as much time off as can be kept: nothing was saved, remove past entries first")
	case errors.Is(err, appointments.ErrAnswered):
		return conflict("this request has already been answered the other way: nothing was changed or sent")
	case errors.Is(err, appointments.ErrNotInSeries):
		return conflict("that time is not a session of this series")
	case errors.Is(err, appointments.ErrNotStarted):
		return conflict("that session has not started yet: attendance is recorded from its start")
	case errors.Is(err, appointments.ErrPast):
		return conflict("that session has already taken place and can no longer be changed")
	case errors.Is(err, appointments.ErrNotFound):
		return answer{apiError{Status: http.StatusNotFound, Msg: msgGone}, metrics.BookingInvalid}
	case errors.Is(err, appointments.ErrOutcomeUnknown):
		return answer{apiError{Status: http.StatusServiceUnavailable, Msg: msgUncertain, Outcome: outcomeUnknown}, metrics.BookingUnavailable}
	case errors.Is(err, appointments.ErrUnavailable):
		return answer{apiError{Status: http.StatusServiceUnavailable, Msg: msgUnavailable}, metrics.BookingUnavailable}
	default:
		return answer{apiError{Status: http.StatusInternalServerError, Msg: "internal error"}, metrics.BookingUnavailable}
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers with the error's classified answer; a server-side
// failure is logged with its detail.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	a := s.classified(r.Context(), err)
	writeJSON(w, a.Status, &a.apiError)
}

// classified is classify, logging what failed on the server's side (the
// detail names the step and the cause, never the client).
func (s *Server) classified(ctx context.Context, err error) answer {
	a := classify(err)
	if a.Status >= 500 {
		s.Logger.ErrorContext(ctx, "request failed", "status", a.Status, "err", err)
	}
	return a
}

// unavailable logs a failed read of the web's own (a page's data, a
// feed) and returns the error the client is told about.
func (s *Server) unavailable(ctx context.Context, step string, err error) error {
	s.Logger.ErrorContext(ctx, "unavailable", "step", step, "err", err)
	return appointments.ErrUnavailable
}
