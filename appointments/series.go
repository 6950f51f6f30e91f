package appointments

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
)

// Series limits: every week or every other week, 2 to 52 sessions, and
// the last no more than a year ahead (past the public booking horizon:
// a standing time is the practice's promise, not a public slot).
const (
	minSeriesCount = 2
	maxSeriesCount = 52
	seriesHorizon  = 365 * 24 * time.Hour
)

// SeriesRequest is a standing appointment as the practice asks for it;
// every field is as written, and errors name the fields as the API does.
type SeriesRequest struct {
	Type, Start, Name, Email, Therapist, Timezone, Notes string
	EveryWeeks, Count                                    int
	// SkipConflicts books the free weeks and leaves the others out.
	SkipConflicts bool
	// Language and AcceptLanguage choose the client's language, as for a
	// booking.
	Language, AcceptLanguage string
}

// ConflictError names the occurrences of a series that are taken, busy or
// on time off; nothing was booked.
type ConflictError struct{ Starts []time.Time }

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%d occurrences of the series are not free", len(e.Starts))
}

// validSeries is a series request whose fields are checked, with the
// starts of its occurrences.
type validSeries struct {
	SeriesRequest
	therapist   config.Therapist
	sessionType config.SessionType
	starts      []time.Time
}

// CreateSeries validates a standing series, holds every occurrence in one
// claim and queues its one invite. Every occurrence is at the first one's
// wall-clock time in the therapist's zone, across clock changes.
func (s *Service) CreateSeries(ctx context.Context, req SeriesRequest) (booking.Series, []booking.Booking, error) {
	v, err := s.validateSeries(req)
	if err != nil {
		return booking.Series{}, nil, err
	}
	occ := make([]booking.SeriesOccurrence, len(v.starts))
	loc := v.therapist.Location()
	for i, start := range v.starts {
		end := start.Add(v.sessionType.Duration)
		occ[i] = booking.SeriesOccurrence{Start: start, End: end,
			Date: calendar.DateOf(start.In(loc)).String(), Off: onConfigTimeOff(v.therapist, start, end)}
	}
	var feeds []string
	if s.own != nil {
		feeds = s.own.FeedKeys(v.therapist.ID)
	}
	sr, held, err := s.store.ClaimSeries(ctx, booking.Series{
		TherapistID: v.therapist.ID, Type: v.sessionType.ID, EveryWeeks: v.EveryWeeks, Count: v.Count,
		Name: v.Name, Email: v.Email, TimeZone: v.Timezone, Notes: v.Notes,
		Language: v.Language, Room: NewRoom(v.sessionType),
	}, occ, v.sessionType.Buffer, feeds, v.SkipConflicts)
	var refused *booking.RefusedError
	switch {
	case errors.As(err, &refused):
		return booking.Series{}, nil, &ConflictError{Starts: refused.Starts}
	case err != nil:
		return booking.Series{}, nil, claimFailed(err)
	}
	if err := s.queue.ConfirmSeries(ctx, sr.ID); err != nil {
		// The series stands; the sweep confirms held occurrences whose
		// series has no confirm task, so the practice is not told it failed.
		s.logger.ErrorContext(ctx, "series held but its invite could not be queued yet", "series", sr.ID, "err", err)
	}
	s.logger.InfoContext(ctx, "series held", "series", sr.ID, "occurrences", len(held))
	return sr, held, nil
}

// Series reads a series and its occurrences; ErrNotFound when there is none.
func (s *Service) Series(ctx context.Context, id string) (booking.Series, []booking.Booking, error) {
	sr, occ, err := s.store.GetSeries(ctx, id)
	switch {
	case errors.Is(err, booking.ErrNotFound):
		return sr, nil, ErrNotFound
	case err != nil:
		return sr, nil, failed(ErrUnavailable, "get series", err)
	}
	return sr, occ, nil
}

func (s *Service) validateSeries(req SeriesRequest) (validSeries, error) {
	v := validSeries{SeriesRequest: req}
	f := map[string]string{}
	v.Name, v.Email = checkClient(f, req.Name, req.Email, req.Notes, req.Timezone)
	v.Language = s.clientLanguage(f, req.Language, req.AcceptLanguage)
	if st, ok := s.cfg.SessionType(req.Type); ok {
		v.sessionType = st
	} else {
		f["type"] = WordsUnknownType.Say(req.Type)
	}
	switch {
	case req.Therapist == "" && len(s.cfg.Therapists) == 1:
		v.therapist = s.cfg.Therapists[0]
	case req.Therapist == "":
		f["therapist"] = "is required: this practice has several therapists"
	default:
		th, ok := s.cfg.Therapist(req.Therapist)
		if !ok {
			f["therapist"] = fmt.Sprintf("unknown therapist %q", req.Therapist)
		}
		v.therapist = th
	}
	if req.EveryWeeks != 1 && req.EveryWeeks != 2 {
		f["every_weeks"] = "must be 1 (every week) or 2 (every other week)"
	}
	if req.Count < minSeriesCount || req.Count > maxSeriesCount {
		f["count"] = fmt.Sprintf("must be from %d to %d sessions", minSeriesCount, maxSeriesCount)
	}
	first, err := time.Parse(time.RFC3339, req.Start)
	if err != nil {
		f["start"] = string(WordsStartFormat)
	}
	if len(f) > 0 {
		return v, invalid("the series request is invalid", f)
	}
	for _, t := range calendar.WeeklyOccurrences(first, v.therapist.Location(), v.EveryWeeks, v.Count) {
		v.starts = append(v.starts, t.UTC())
	}
	if err := s.checkSeriesStarts(v); err != nil {
		return v, err
	}
	return v, nil
}

// checkSeriesStarts holds every occurrence to the schedule of the
// configuration (grid, hours, notice, a year ahead). Days off are not
// invalid: like a taken week, they are conflicts the claim reports.
func (s *Service) checkSeriesStarts(v validSeries) error {
	rules := s.cfg.Booking.RulesFor(v.sessionType)
	rules.Horizon = seriesHorizon
	now := s.now()
	if last := v.starts[len(v.starts)-1]; last.After(now.Add(seriesHorizon)) {
		return invalid("the series request is invalid", map[string]string{
			"count": fmt.Sprintf("the last session would be on %s, more than a year ahead", calendar.DateOf(last.In(v.therapist.Location())))})
	}
	sched := v.therapist.Schedule()
	sched.TimeOff, sched.TimeOffSpans = nil, nil // time off makes conflicts, reported with the taken weeks
	for i, start := range v.starts {
		if err := calendar.CheckStart(sched, v.sessionType.Calendar(), rules, now, start); err != nil {
			field, msg := "start", err.Error()
			if i > 0 {
				msg = fmt.Sprintf("session %d of the series, on %s: %s", i+1, calendar.DateOf(start.In(v.therapist.Location())), msg)
			}
			return invalid("the series request is invalid", map[string]string{field: msg})
		}
	}
	return nil
}

// onConfigTimeOff reports whether a session from start to end falls on
// one of the configuration's days off or runs into its part-day time off.
func onConfigTimeOff(th config.Therapist, start, end time.Time) bool {
	d := calendar.DateOf(start.In(th.Location()))
	sched := th.Schedule()
	session := calendar.Interval{Start: start, End: end}
	return slices.ContainsFunc(sched.TimeOff, func(r calendar.DateRange) bool { return r.Contains(d) }) ||
		slices.ContainsFunc(sched.TimeOffSpans, session.Overlaps)
}

// Refusals of a change to one occurrence of a series.
var (
	// ErrNotInSeries: the series has no session at that time.
	ErrNotInSeries = errors.New("that time is not a session of this series")
	// ErrPast: the session has already taken place.
	ErrPast = errors.New("that session has already taken place")
)

// Occurrence finds the occurrence of a series at start (its time now, or
// the time the series first gave it) that may still change: ErrNotInSeries,
// ErrPast or ErrNotLive say why not.
func (s *Service) Occurrence(occ []booking.Booking, start time.Time) (booking.Booking, error) {
	for _, b := range occ {
		if !b.Start.Equal(start) && !b.Original.Equal(start) {
			continue
		}
		switch {
		case !b.Status.Live():
			return b, ErrNotLive
		case !b.Start.After(s.now()):
			return b, ErrPast
		}
		return b, nil
	}
	return booking.Booking{}, ErrNotInSeries
}
