package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
)

var (
	errTaken = &apiError{Status: http.StatusConflict, Msg: "that time has just been taken: please choose another"}
	// errUnavailable is what a client sees when Redis or the queue cannot be
	// reached: nothing was booked, and trying again later is safe.
	errUnavailable = &apiError{Status: http.StatusServiceUnavailable, Msg: "booking is unavailable for a moment: nothing was booked, please try again shortly"}
	// errUncertain is the 503 after a write was sent but no answer came
	// back (Redis went away mid-request): the booking may exist. Saying
	// "nothing was booked" could be false, so the client is told what is
	// true and that a retry is safe (a repeat returns the same booking).
	errUncertain = &apiError{Status: http.StatusServiceUnavailable, Outcome: outcomeUnknown,
		Msg: "your booking could not be confirmed just now: if it went through, a confirmation email follows within minutes; " +
			"sending the same request again is safe and never books twice"}
)

// book holds the slot for a valid request and queues its confirmation.
// With no therapist named, the first one free at that time gets it.
func (s *Server) book(ctx context.Context, v validRequest) (b booking.Booking, created bool, err error) {
	eligible, err := s.bookableWith(ctx, v.therapists, v.sessionType, v.start)
	if err != nil {
		return b, false, err
	}
	for _, id := range eligible {
		b, created, err = s.Store.Claim(ctx, booking.Booking{
			TherapistID: id, Type: v.sessionType.ID,
			Start: v.start, End: v.start.Add(v.sessionType.Duration), Buffer: v.sessionType.Buffer,
			Name: v.Name, Email: v.Email, TimeZone: v.Timezone, Notes: v.Notes,
		}, v.IdempotencyKey)
		if errors.Is(err, booking.ErrSlotTaken) {
			continue
		}
		if err != nil {
			s.Logger.ErrorContext(ctx, "booking outcome unknown", "step", "claim", "err", err)
			return b, false, errUncertain
		}
		b, err = s.queueConfirm(ctx, b, created)
		return b, created, err
	}
	return b, false, errTaken
}

// queueConfirm makes sure the booking's confirm task exists. A new hold
// whose task cannot be queued is released, so no slot is held for nothing.
func (s *Server) queueConfirm(ctx context.Context, b booking.Booking, created bool) (booking.Booking, error) {
	err := s.Queue.Confirm(ctx, b.ID, b.Seq)
	if err == nil {
		if created {
			s.Logger.InfoContext(ctx, "booking held", "booking", b.ID, "type", b.Type)
		}
		return b, nil
	}
	if !created {
		// The first request queued it; the sweep re-queues it if it got lost.
		s.Logger.WarnContext(ctx, "confirm re-queue failed for a repeated request", "booking", b.ID, "err", err)
		return b, nil
	}
	if rerr := s.Store.Release(context.WithoutCancel(ctx), b.ID); rerr != nil {
		// The hold, and perhaps its task, may stand: the sweep confirms a
		// hold it finds without a task, so the client must not be told
		// that nothing was booked.
		s.Logger.ErrorContext(ctx, "booking outcome unknown: enqueue and release failed", "booking", b.ID, "err", err, "release_err", rerr)
		return booking.Booking{}, errUncertain
	}
	return booking.Booking{}, s.unavailable(ctx, "enqueue", err)
}

// unavailable logs what failed (with the request's ID from ctx) and gives the
// client a clean 503.
func (s *Server) unavailable(ctx context.Context, step string, err error) error {
	s.Logger.ErrorContext(ctx, "booking unavailable", "step", step, "err", err)
	return errUnavailable
}

type bookingJSON struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	Start     string `json:"start"`
	End       string `json:"end"`
	Type      string `json:"type"`
	Therapist string `json:"therapist"`
	ManageURL string `json:"manage_url,omitempty"`
}

// bookingJSON is the answer to a booking request. withLink adds the manage
// link, which is a capability: a repeated request gets no link, since
// anyone who knows a client's email and time could send that repeat (the
// link is in the client's invite).
func (s *Server) bookingJSON(b booking.Booking, withLink bool) bookingJSON {
	out := bookingJSON{
		ID: b.ID, Status: string(b.Status), Type: b.Type, Therapist: b.TherapistID,
		Start: b.Start.UTC().Format(timeFormat), End: b.End.UTC().Format(timeFormat),
	}
	if withLink {
		out.ManageURL = s.Links.Manage(b.ID)
	}
	return out
}

const timeFormat = "2006-01-02T15:04:05Z07:00"

// bookableWith lists the therapists with whom a session of type st may
// start at start: on the grid, in their hours, not on time off (the
// configuration's, then the admin's, read only for a start that passed the
// first), and free in their own calendars. The error says why nobody is:
// invalid (422), not free (409) or unavailable (503). Bookings themselves
// are checked by the store's claim, atomically.
func (s *Server) bookableWith(ctx context.Context, therapists []config.Therapist, st config.SessionType, start time.Time) ([]string, error) {
	now, rules := s.Now(), s.Config.Booking.Rules()
	var eligible []string
	var reason error
	for _, t := range therapists {
		err := calendar.CheckStart(t.Schedule(), st.Calendar(), rules, now, start)
		if err == nil {
			sched, serr := s.schedule(ctx, t)
			if serr != nil {
				return nil, s.unavailable(ctx, "time off", serr)
			}
			err = calendar.CheckStart(sched, st.Calendar(), rules, now, start)
		}
		if err == nil {
			eligible = append(eligible, t.ID)
		} else if reason == nil {
			reason = err
		}
	}
	if len(eligible) == 0 {
		return nil, invalid("that time cannot be booked", map[string]string{"start": reason.Error()})
	}
	eligible, err := s.freeInOwnCalendar(ctx, eligible, start, start.Add(st.Duration+st.Buffer))
	if err != nil {
		return nil, s.unavailable(ctx, "own calendar", err)
	}
	if len(eligible) == 0 {
		return nil, errNotFree
	}
	return eligible, nil
}
