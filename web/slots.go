package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
)

// maxRangeDays bounds one slots query so a client cannot ask for years.
const maxRangeDays = 92

type slotJSON struct {
	Start     string `json:"start"`
	End       string `json:"end"`
	Therapist string `json:"therapist"`
}

type slotsQuery struct {
	Type       config.SessionType
	Therapists []config.Therapist
	From, To   calendar.Date
	// Moving is the span of a booking being moved: it does not stand in
	// its own way (the store's reschedule leaves it out the same way).
	Moving *calendar.Interval
}

// SlotsRequest asks for free slots; every field is as a client wrote it.
type SlotsRequest struct {
	Type, Therapist, From, To string
}

// apiSlots answers GET /api/slots?type=&from=&to=[&therapist=].
func (s *Server) apiSlots(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	slots, err := s.FreeSlots(r.Context(), SlotsRequest{Type: v.Get("type"), Therapist: v.Get("therapist"), From: v.Get("from"), To: v.Get("to")})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]slotJSON, len(slots))
	for i, sl := range slots {
		out[i] = slotJSON{Start: sl.Start.UTC().Format(time.RFC3339), End: sl.End.UTC().Format(time.RFC3339), Therapist: sl.TherapistID}
	}
	writeJSON(w, http.StatusOK, map[string]any{"slots": out})
}

// FreeSlots validates a request and lists the free slots it asks for; an
// invalid request gives an error with a message per field.
func (s *Server) FreeSlots(ctx context.Context, req SlotsRequest) ([]calendar.Slot, error) {
	q, err := s.parseSlotsQuery(req)
	if err != nil {
		return nil, err
	}
	return s.freeSlots(ctx, q)
}

func (s *Server) parseSlotsQuery(req SlotsRequest) (slotsQuery, error) {
	fields := map[string]string{}
	var q slotsQuery
	typ, ok := s.Config.SessionType(req.Type)
	if !ok {
		fields["type"] = fmt.Sprintf("unknown session type %q", req.Type)
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

// pickTherapists is the one asked for, or everyone when none is named.
func (s *Server) pickTherapists(id string) ([]config.Therapist, string) {
	if id == "" {
		return s.Config.Therapists, ""
	}
	t, ok := s.Config.Therapist(id)
	if !ok {
		return nil, fmt.Sprintf("unknown therapist %q", id)
	}
	return []config.Therapist{t}, ""
}

func (s *Server) checkRange(q slotsQuery) string {
	if q.To.Compare(q.From) < 0 {
		return "is before from"
	}
	if q.To.Compare(q.From.AddDays(maxRangeDays-1)) > 0 {
		return fmt.Sprintf("the range is longer than %d days", maxRangeDays)
	}
	now := s.Now()
	for _, t := range q.Therapists {
		if last := calendar.LastDate(t.Schedule(), s.Config.Booking.Rules(), now); q.To.Compare(last) > 0 {
			return fmt.Sprintf("is past the booking horizon: the last bookable date is %s", last)
		}
	}
	return ""
}

// freeSlots computes the free starts of every therapist in the query,
// merged by start.
func (s *Server) freeSlots(ctx context.Context, q slotsQuery) ([]calendar.Slot, error) {
	now := s.Now()
	lists := make([][]calendar.Slot, 0, len(q.Therapists))
	for _, t := range q.Therapists {
		sched, err := s.schedule(ctx, t)
		if err != nil {
			return nil, err
		}
		// A day's margin each side covers sessions and buffers that cross midnight.
		from := q.From.AddDays(-1).Midnight(sched.Location)
		to := q.To.AddDays(2).Midnight(sched.Location)
		busy, err := s.Busy.Busy(ctx, t.ID, from, to)
		if err != nil {
			return nil, fmt.Errorf("busy times of %s: %w", t.ID, err)
		}
		if q.Moving != nil {
			busy = slices.DeleteFunc(busy, func(i calendar.Interval) bool {
				return i.Start.Equal(q.Moving.Start) && i.End.Equal(q.Moving.End)
			})
		}
		lists = append(lists, calendar.FreeSlots(sched, q.Type.Calendar(), s.Config.Booking.Rules(), now, q.From, q.To, busy))
	}
	return calendar.MergeSlots(lists...), nil
}

// schedule is the therapist's working time with every day off: the
// configuration's time_off and the time off added in the admin area.
// Without a store (the slots command with no Redis) it is the
// configuration's alone.
func (s *Server) schedule(ctx context.Context, t config.Therapist) (calendar.Schedule, error) {
	sched := t.Schedule()
	if s.Store == nil {
		return sched, nil
	}
	offs, err := s.Store.TimeOff(ctx, t.ID)
	if err != nil {
		return sched, err
	}
	// Clipped, so appending copies rather than writing into the spare
	// capacity of the configuration's list, which every request shares.
	sched.TimeOff = slices.Clip(sched.TimeOff)
	for _, off := range offs {
		sched.TimeOff = append(sched.TimeOff, off.Range())
	}
	return sched, nil
}
