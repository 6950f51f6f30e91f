package appointments

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
)

// maxRangeDays bounds one slots query so a client cannot ask for years.
const maxRangeDays = 92

// moveWindowDays is how far ahead a booking's client is offered times to
// move it to.
const moveWindowDays = 14

// SlotsRequest asks for free slots; every field is as a client wrote it.
type SlotsRequest struct {
	Type, Therapist, From, To string
	// Invited: asked through an invite link that names Type, or by the
	// practice itself, so an invite_only type is listed; the public page
	// and API leave it false.
	Invited bool
}

type slotsQuery struct {
	Type       config.SessionType
	Therapists []config.Therapist
	From, To   calendar.Date
	// Moving is the span of a booking being moved: it does not stand in
	// its own way (the store's reschedule leaves it out the same way).
	Moving *calendar.Interval
	// Rules are the booking rules to apply (zero: the configuration's for
	// the type).
	Rules calendar.Rules
}

// FreeSlots validates a request and lists the free slots it asks for,
// merged by start; an *InvalidError names each bad field, ErrInviteOnly
// refuses an invite_only type asked for without an invitation.
func (s *Service) FreeSlots(ctx context.Context, req SlotsRequest) ([]calendar.Slot, error) {
	q, err := s.parseSlotsQuery(req)
	if err != nil {
		return nil, err
	}
	return s.freeSlots(ctx, q)
}

// MoveOptions lists the times b could move to, from today over the next
// two weeks (within the horizon); its own time is no move at all. An
// occurrence of a series, which may lie far ahead, is offered the week
// before and after it instead.
func (s *Service) MoveOptions(ctx context.Context, b booking.Booking) ([]calendar.Slot, error) {
	first, last, rules := s.moveRange(b)
	from := first
	if b.Series != "" {
		from = later(from, s.dateOf(b, b.Start).AddDays(-6))
	}
	to := from.AddDays(moveWindowDays - 1)
	if to.Compare(last) > 0 {
		to = last
	}
	return s.moveSlots(ctx, b, from, to, rules)
}

// MoveWeek is one week of the times a booking could move to, and where
// the weeks before and after it start.
type MoveWeek struct {
	From, To calendar.Date
	// Earlier and Later are the first dates of the weeks before and after
	// ("" at either end of the range a client may move to).
	Earlier, Later string
	Slots          []calendar.Slot
}

// MoveOptionsWeek lists the times b could move to over the week that
// starts at from (a date in the therapist's zone), paging through the
// whole horizon; a from outside it (or empty) is the first week: from
// today, or for an occurrence of a series the days around it.
func (s *Service) MoveOptionsWeek(ctx context.Context, b booking.Booking, from string) (MoveWeek, error) {
	first, last, rules := s.moveRange(b)
	var w MoveWeek
	d, err := calendar.ParseDate(from)
	switch {
	case err == nil && d.Compare(first) >= 0 && d.Compare(last) <= 0:
		w.From = d
	case b.Series != "":
		w.From = later(first, s.dateOf(b, b.Start).AddDays(-3))
	default:
		w.From = first
	}
	w.To = w.From.AddDays(6)
	if w.To.Compare(last) > 0 {
		w.To = last
	}
	if w.From.Compare(first) > 0 {
		w.Earlier = later(first, w.From.AddDays(-7)).String()
	}
	if w.To.Compare(last) < 0 {
		w.Later = w.To.AddDays(1).String()
	}
	w.Slots, err = s.moveSlots(ctx, b, w.From, w.To, rules)
	return w, err
}

// moveRange is the dates a booking may move to, in its therapist's zone,
// and the rules that bound them: an occurrence of a series may lie past
// the public horizon.
func (s *Service) moveRange(b booking.Booking) (first, last calendar.Date, rules calendar.Rules) {
	th, _ := s.cfg.Therapist(b.TherapistID)
	st, _ := s.cfg.SessionType(b.Type)
	now := s.now()
	rules = s.cfg.Booking.RulesFor(st)
	if b.Series != "" {
		rules.Horizon = seriesHorizon
	}
	return s.dateOf(b, now), calendar.LastDate(th.Schedule(), rules, now), rules
}

// moveSlots lists the free starts from one date to another for b, leaving
// out its own time; its own span does not stand in its way.
func (s *Service) moveSlots(ctx context.Context, b booking.Booking, from, to calendar.Date, rules calendar.Rules) ([]calendar.Slot, error) {
	th, _ := s.cfg.Therapist(b.TherapistID)
	st, _ := s.cfg.SessionType(b.Type)
	start, end := b.Occupied()
	slots, err := s.freeSlots(ctx, slotsQuery{Type: st, Therapists: []config.Therapist{th}, From: from, To: to,
		Moving: &calendar.Interval{Start: start, End: end}, Rules: rules})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(slots, func(sl calendar.Slot) bool { return sl.Start.Equal(b.Start) }), nil
}

// dateOf is t's date in the zone of b's therapist.
func (s *Service) dateOf(b booking.Booking, t time.Time) calendar.Date {
	th, _ := s.cfg.Therapist(b.TherapistID)
	return calendar.DateOf(t.In(th.Location()))
}

// later is the later of two dates.
func later(a, b calendar.Date) calendar.Date {
	if b.Compare(a) > 0 {
		return b
	}
	return a
}

func (s *Service) parseSlotsQuery(req SlotsRequest) (slotsQuery, error) {
	fields := map[string]string{}
	var q slotsQuery
	typ, ok := s.cfg.SessionType(req.Type)
	switch {
	case !ok:
		fields["type"] = fmt.Sprintf("unknown session type %q", req.Type)
	case typ.InviteOnly && !req.Invited:
		return q, ErrInviteOnly
	}
	q.Type = typ
	therapists, msg := s.pickTherapists(req.Therapist)
	if msg != "" {
		fields["therapist"] = msg
	}
	q.Therapists = therapists
	var errFrom, errTo error
	if q.From, errFrom = calendar.ParseDate(req.From); errFrom != nil {
		fields["from"] = errFrom.Error()
	}
	if q.To, errTo = calendar.ParseDate(req.To); errTo != nil {
		fields["to"] = errTo.Error()
	}
	if errFrom == nil && errTo == nil {
		if msg := s.checkRange(q); msg != "" {
			fields["to"] = msg
		}
	}
	if len(fields) > 0 {
		return q, invalid("invalid slots query", fields)
	}
	return q, nil
}

func (s *Service) checkRange(q slotsQuery) string {
	if q.To.Compare(q.From) < 0 {
		return "is before from"
	}
	if q.To.Compare(q.From.AddDays(maxRangeDays-1)) > 0 {
		return fmt.Sprintf("the range is longer than %d days", maxRangeDays)
	}
	now := s.now()
	for _, t := range q.Therapists {
		if last := calendar.LastDate(t.Schedule(), s.cfg.Booking.Rules(), now); q.To.Compare(last) > 0 {
			return fmt.Sprintf("is past the booking horizon: the last bookable date is %s", last)
		}
	}
	return ""
}

// freeSlots computes the free starts of every therapist in the query,
// merged by start.
func (s *Service) freeSlots(ctx context.Context, q slotsQuery) ([]calendar.Slot, error) {
	now := s.now()
	rules := q.Rules
	if rules == (calendar.Rules{}) {
		rules = s.cfg.Booking.RulesFor(q.Type)
	}
	lists := make([][]calendar.Slot, 0, len(q.Therapists))
	for _, t := range q.Therapists {
		sched, err := s.schedule(ctx, t)
		if err != nil {
			return nil, failed(ErrUnavailable, "time off", err)
		}
		// A day's margin each side covers sessions and buffers that cross midnight.
		from := q.From.AddDays(-1).Midnight(sched.Location)
		to := q.To.AddDays(2).Midnight(sched.Location)
		busy, err := s.busy.Busy(ctx, t.ID, from, to)
		if err != nil {
			return nil, failed(ErrUnavailable, "busy times of "+t.ID, err)
		}
		if q.Moving != nil {
			busy = slices.DeleteFunc(busy, func(i calendar.Interval) bool {
				return i.Start.Equal(q.Moving.Start) && i.End.Equal(q.Moving.End)
			})
		}
		lists = append(lists, calendar.FreeSlots(sched, q.Type.Calendar(), rules, now, q.From, q.To, busy))
	}
	return calendar.MergeSlots(lists...), nil
}

// OnTimeOff gives a check of whether a span overlaps the therapist's time
// off in force (the configuration's and the admin area's), for pages that
// flag bookings made before the time off was added.
func (s *Service) OnTimeOff(ctx context.Context, th config.Therapist) (func(start, end time.Time) bool, error) {
	sched, err := s.schedule(ctx, th)
	if err != nil {
		return nil, failed(ErrUnavailable, "time off", err)
	}
	loc := sched.Location
	if loc == nil {
		loc = time.UTC
	}
	return func(start, end time.Time) bool {
		for _, off := range sched.TimeOff {
			if start.Before(off.To.AddDays(1).Midnight(loc)) && off.From.Midnight(loc).Before(end) {
				return true
			}
		}
		return false
	}, nil
}

// schedule is the therapist's working time with every day off: the
// configuration's time_off and the time off added in the admin area.
// Without a store (a tool with no Redis) it is the configuration's alone.
func (s *Service) schedule(ctx context.Context, t config.Therapist) (calendar.Schedule, error) {
	sched := t.Schedule()
	if s.store == nil {
		return sched, nil
	}
	offs, err := s.store.TimeOff(ctx, t.ID)
	if err != nil {
		return sched, err
	}
	// Clipped, so appending copies rather than writing into the spare
	// capacity of the configuration's lists, which every request shares.
	sched.TimeOff, sched.TimeOffSpans = slices.Clip(sched.TimeOff), slices.Clip(sched.TimeOffSpans)
	for _, off := range offs {
		if span, partDay := off.Span(); partDay {
			sched.TimeOffSpans = append(sched.TimeOffSpans, span)
		} else {
			sched.TimeOff = append(sched.TimeOff, off.Range())
		}
	}
	return sched, nil
}
