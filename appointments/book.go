package appointments

import (
	"context"
	"errors"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
)

// Book validates a request, holds its slot and queues its confirmation.
// With no therapist named, the first one free at that time gets it.
// created is false for a repeat (the same idempotency key, or the same
// email, type and start within minutes), which returns the first booking.
func (s *Service) Book(ctx context.Context, req Request) (b booking.Booking, created bool, err error) {
	v, err := s.Validate(req)
	if err != nil {
		return b, false, err
	}
	eligible, err := s.bookableWith(ctx, v.Therapists, v.SessionType, v.Start)
	if err != nil {
		return b, false, err
	}
	for _, id := range eligible {
		b, created, err = s.store.Claim(ctx, booking.Booking{
			TherapistID: id, Type: v.SessionType.ID,
			Start: v.Start, End: v.Start.Add(v.SessionType.Duration), Buffer: v.SessionType.Buffer,
			Name: v.Name, Email: v.Email, TimeZone: v.Timezone, Notes: v.Notes,
		}, v.IdempotencyKey)
		if errors.Is(err, booking.ErrSlotTaken) {
			continue
		}
		if err != nil {
			return b, false, failed(ErrOutcomeUnknown, "claim", err)
		}
		b, err = s.queueConfirm(ctx, b, created)
		return b, created, err
	}
	return b, false, ErrTaken
}

// queueConfirm makes sure the booking's confirm task exists. A new hold
// whose task cannot be queued is released, so no slot is held for nothing.
func (s *Service) queueConfirm(ctx context.Context, b booking.Booking, created bool) (booking.Booking, error) {
	err := s.queue.Confirm(ctx, b.ID, b.Seq)
	if err == nil {
		if created {
			s.logger.InfoContext(ctx, "booking held", "booking", b.ID, "type", b.Type)
		}
		return b, nil
	}
	if !created {
		// The first request queued it; the sweep re-queues it if it got lost.
		s.logger.WarnContext(ctx, "confirm re-queue failed for a repeated request", "booking", b.ID, "err", err)
		return b, nil
	}
	if rerr := s.store.Release(context.WithoutCancel(ctx), b.ID); rerr != nil {
		// The hold, and perhaps its task, may stand: the sweep confirms a
		// hold it finds without a task, so the client must not be told
		// that nothing was booked.
		return booking.Booking{}, failed(ErrOutcomeUnknown, "enqueue and release", errors.Join(err, rerr))
	}
	return booking.Booking{}, failed(ErrUnavailable, "enqueue", err)
}

// bookableWith lists the therapists with whom a session of type st may
// start at start: on the grid, in their hours, not on time off (the
// configuration's, then the admin's, read only for a start that passed the
// first), and free in their own calendars. The error says why nobody is:
// invalid, not free or unavailable. Bookings themselves are checked by the
// store's claim, atomically.
func (s *Service) bookableWith(ctx context.Context, therapists []config.Therapist, st config.SessionType, start time.Time) ([]string, error) {
	now, rules := s.now(), s.cfg.Booking.Rules()
	var eligible []string
	var reason error
	for _, t := range therapists {
		err := calendar.CheckStart(t.Schedule(), st.Calendar(), rules, now, start)
		if err == nil {
			sched, serr := s.schedule(ctx, t)
			if serr != nil {
				return nil, failed(ErrUnavailable, "time off", serr)
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
		return nil, failed(ErrUnavailable, "own calendar", err)
	}
	if len(eligible) == 0 {
		return nil, ErrNotFree
	}
	return eligible, nil
}

// freeInOwnCalendar keeps the therapists whose own calendars leave
// [from, to) free. Bookings are not looked at here: the store's claim checks
// them atomically.
func (s *Service) freeInOwnCalendar(ctx context.Context, therapistIDs []string, from, to time.Time) ([]string, error) {
	if s.own == nil {
		return therapistIDs, nil
	}
	var free []string
	for _, id := range therapistIDs {
		busy, err := s.own.Overlaps(ctx, id, from, to)
		if err != nil {
			return nil, err
		}
		if !busy {
			free = append(free, id)
		}
	}
	return free, nil
}
