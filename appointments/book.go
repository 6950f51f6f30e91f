package appointments

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
)

// Book validates a request, holds its slot and queues its confirmation.
// With no therapist named, the first one free at that time gets it.
// created is false for a repeat (the same idempotency key, or the same
// email, type and start within minutes), which returns the first booking.
// The schedule is checked here; other bookings, run-time time off and the
// therapist's own calendars are checked by the claim, atomically.
func (s *Service) Book(ctx context.Context, req Request) (b booking.Booking, created bool, err error) {
	v, err := s.Validate(req)
	if err != nil {
		return b, false, err
	}
	eligible, err := s.onSchedule(v.Therapists, v.SessionType, v.Start, s.cfg.Booking.RulesFor(v.SessionType))
	if err != nil {
		return b, false, err
	}
	caps, err := s.caps(ctx, req, v.Email)
	if err != nil {
		return b, false, err
	}
	var refused refusals
	for _, th := range eligible {
		g := s.guard(th, v.Start)
		if caps != nil {
			if g.Cap = caps[th.ID]; g.Cap <= 0 {
				return b, false, &CapError{Upcoming: s.cfg.Intake.MaxLivePerEmail}
			}
		}
		b, created, err = s.store.Claim(ctx, booking.Booking{
			TherapistID: th.ID, Type: v.SessionType.ID, Status: initialStatus(v.SessionType),
			Start: v.Start, End: v.Start.Add(v.SessionType.Duration), Buffer: v.SessionType.Buffer,
			Name: v.Name, Email: v.Email, TimeZone: v.Timezone, Notes: v.Notes,
			PreferredName: v.PreferredName, Language: v.Language,
			Room: NewRoom(v.SessionType),
		}, v.IdempotencyKey, g)
		if refused.add(err) {
			continue
		}
		if errors.Is(err, booking.ErrCapped) {
			return b, false, &CapError{Upcoming: s.cfg.Intake.MaxLivePerEmail}
		}
		if errors.Is(err, booking.ErrKeyReused) {
			return b, false, invalid("the booking request is invalid",
				map[string]string{"idempotency_key": "was already used for another booking request: make a new one"})
		}
		if err != nil {
			return b, false, claimFailed(err)
		}
		b, err = s.queueConfirm(ctx, b, created)
		return b, created, err
	}
	return b, false, refused.reason(len(eligible))
}

// caps is, per eligible therapist, how many upcoming bookings the client
// may still hold with them through the public intake: the claim counts a
// therapist's own atomically, so each gets the cap less what the client
// holds with the others, read first (a client booking two therapists in
// the same instant may then pass the cap by one). Nil: not capped.
func (s *Service) caps(ctx context.Context, req Request, email string) (map[string]int, error) {
	max := s.cfg.Intake.MaxLivePerEmail
	if max <= 0 || req.Invited {
		return nil, nil
	}
	var held map[string]int
	total := 0
	if len(s.cfg.Therapists) > 1 {
		held = make(map[string]int, len(s.cfg.Therapists))
		for _, th := range s.cfg.Therapists {
			n, err := s.store.Upcoming(ctx, th.ID, email)
			if err != nil {
				return nil, failed(ErrUnavailable, "client's bookings", err)
			}
			held[th.ID], total = n, total+n
		}
	}
	out := make(map[string]int, len(s.cfg.Therapists))
	for _, th := range s.cfg.Therapists {
		out[th.ID] = max - (total - held[th.ID])
	}
	return out, nil
}

// claimFailed tells apart a claim that never reached Redis (nothing was
// booked) from one whose answer was lost (it may have gone through).
func claimFailed(err error) error {
	if errors.Is(err, booking.ErrNotSent) {
		return failed(ErrUnavailable, "claim", err)
	}
	return failed(ErrOutcomeUnknown, "claim", err)
}

// guard is what the claim of a start with th checks besides bookings.
func (s *Service) guard(th config.Therapist, start time.Time) booking.Guard {
	g := booking.Guard{Date: calendar.DateOf(start.In(th.Location()))}
	if s.own != nil {
		g.Feeds = s.own.FeedKeys(th.ID)
	}
	return g
}

// refusals counts why the claims of one start were refused.
type refusals struct{ taken, off, busy int }

// add counts err if it is a refusal.
func (r *refusals) add(err error) bool {
	switch {
	case errors.Is(err, booking.ErrSlotTaken):
		r.taken++
	case errors.Is(err, booking.ErrTimeOff):
		r.off++
	case errors.Is(err, booking.ErrBusy):
		r.busy++
	default:
		return false
	}
	return true
}

// reason is what the client is told when all n claims were refused: time
// off only when everyone is away (as the schedule check says it), the own
// calendar when nobody else has a booking then, else taken.
func (r refusals) reason(n int) error {
	switch {
	case r.off == n:
		return invalid("that time cannot be booked", map[string]string{"start": calendar.ErrTimeOff.Error()})
	case r.off+r.busy == n:
		return ErrNotFree
	default:
		return ErrTaken
	}
}

// initialStatus is pending for a type that requires approval: the claim
// then holds the slot as a request, and no confirm is due until approved.
func initialStatus(st config.SessionType) booking.Status {
	if st.RequiresApproval {
		return booking.StatusPending
	}
	return booking.StatusHeld
}

// queueConfirm makes sure the booking's confirm task exists (for a pending
// request, its request task). A new hold whose task cannot be queued is
// released, so no slot is held for nothing.
func (s *Service) queueConfirm(ctx context.Context, b booking.Booking, created bool) (booking.Booking, error) {
	var err error
	switch b.Status {
	case booking.StatusPending:
		err = s.queue.Requested(ctx, b.ID, b.Seq)
	case booking.StatusHeld:
		err = s.queue.Confirm(ctx, b.ID, b.Seq)
	}
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

// onSchedule lists the therapists with whom a session of type st may start
// at start by the configuration: on the grid, in their hours, within notice
// and horizon, not on the configuration's time off. The error says why
// nobody may.
func (s *Service) onSchedule(therapists []config.Therapist, st config.SessionType, start time.Time, rules calendar.Rules) ([]config.Therapist, error) {
	now := s.now()
	// While every therapist so far may, eligible is therapists itself: no copy.
	eligible := therapists[:0:0]
	all := true
	var reason error
	for i, t := range therapists {
		if err := calendar.CheckStart(t.Schedule(), st.Calendar(), rules, now, start); err != nil {
			if all {
				eligible, all = slices.Clone(therapists[:i]), false
			}
			reason = cmp.Or(reason, err)
			continue
		}
		if all {
			eligible = therapists[: i+1 : i+1]
		} else {
			eligible = append(eligible, t)
		}
	}
	if len(eligible) == 0 {
		return nil, invalid("that time cannot be booked", map[string]string{"start": reason.Error()})
	}
	return eligible, nil
}
