package appointments

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
)

// MaxTimeOffDays bounds one entry of time off, so a mistyped year cannot
// close the practice for a decade; a longer absence is added in parts.
const MaxTimeOffDays = 366

// ErrTimeOffFull: the therapist has as many entries of run-time time off
// as are kept (booking.MaxTimeOffEntries); past ones can be removed.
var ErrTimeOffFull = errors.New("the therapist has as much time off as can be kept: remove past entries first")

// TimeOffRequest is time off as the practice writes it in the admin area:
// a first day, a last day (the same when empty) and, optionally, a time
// on either ("13:00", in the therapist's zone). With a time at either end
// it is part of a day: from the first day's time (00:00 when none) to the
// last day's (24:00 when none). Without, it is whole days.
type TimeOffRequest struct {
	Therapist, From, To, FromTime, ToTime string
}

// TimeOff is time off as checked: whole days, or, when PartDay, the span
// Span, whose local dates are Days.
type TimeOff struct {
	Therapist config.Therapist
	Days      calendar.DateRange
	PartDay   bool
	Span      calendar.Interval
}

// AddTimeOff checks and records run-time time off: new bookings and moves
// meeting it are refused from then on (by the claim, atomically);
// bookings already made stay, for the practice to review. It returns the
// new entry's id. An *InvalidError names each bad field, in sentences for
// the practice; ErrTimeOffFull when no more can be kept.
func (s *Service) AddTimeOff(ctx context.Context, req TimeOffRequest) (TimeOff, string, error) {
	off, err := s.checkTimeOff(req)
	if err != nil {
		return off, "", err
	}
	var id string
	if off.PartDay {
		id, err = s.store.AddTimeOffSpan(ctx, off.Therapist.ID, off.Span, off.Therapist.Location())
	} else {
		id, err = s.store.AddTimeOff(ctx, off.Therapist.ID, off.Days.From, off.Days.To)
	}
	switch {
	case errors.Is(err, booking.ErrTimeOffFull):
		return off, "", ErrTimeOffFull
	case err != nil:
		return off, "", failed(ErrUnavailable, "add time off", err)
	}
	s.logger.InfoContext(ctx, "time off added", "therapist", off.Therapist.ID, "time_off", id, "part_day", off.PartDay)
	return off, id, nil
}

// RemoveTimeOff deletes one entry of run-time time off; ErrNotFound when
// the therapist has none with that id (perhaps it was removed already).
func (s *Service) RemoveTimeOff(ctx context.Context, therapistID, id string) error {
	if _, ok := s.cfg.Therapist(therapistID); !ok {
		return ErrNotFound
	}
	switch err := s.store.RemoveTimeOff(ctx, therapistID, id); {
	case errors.Is(err, booking.ErrTimeOffNotFound):
		return ErrNotFound
	case err != nil:
		return failed(ErrUnavailable, "remove time off", err)
	}
	s.logger.InfoContext(ctx, "time off removed", "therapist", therapistID, "time_off", id)
	return nil
}

// checkTimeOff reads a request: a configured therapist, one to
// MaxTimeOffDays days, times that read as HH:MM, an end after the start,
// and not wholly past.
func (s *Service) checkTimeOff(req TimeOffRequest) (TimeOff, error) {
	f := map[string]string{}
	var off TimeOff
	th, known := s.cfg.Therapist(req.Therapist)
	if !known {
		f["therapist"] = string(WordsNoTherapist)
	}
	off.Therapist = th
	from, errFrom := calendar.ParseDate(strings.TrimSpace(req.From))
	if errFrom != nil {
		f["from"] = dateProblem(req.From, string(WordsNoFirstDay))
	}
	to, errTo := from, error(nil)
	if strings.TrimSpace(req.To) != "" {
		if to, errTo = calendar.ParseDate(strings.TrimSpace(req.To)); errTo != nil {
			f["to"] = dateProblem(req.To, "")
		}
	}
	fromMin, okFrom := clockOf(f, "from_time", req.FromTime, 0)
	toMin, okTo := clockOf(f, "to_time", req.ToTime, 24*60)
	off.Days = calendar.DateRange{From: from, To: to}
	off.PartDay = strings.TrimSpace(req.FromTime) != "" || strings.TrimSpace(req.ToTime) != ""
	if len(f) > 0 || !okFrom || !okTo {
		return off, invalid("the time off cannot be saved", f)
	}
	today := calendar.DateOf(s.now().In(th.Location()))
	switch {
	case to.Compare(from) < 0:
		f["to"] = string(WordsLastBefore)
	case to.Compare(from.AddDays(MaxTimeOffDays-1)) > 0:
		f["to"] = WordsTooManyDays.Say(MaxTimeOffDays)
	case !off.PartDay && to.Compare(today) < 0:
		f["to"] = string(WordsDaysPast)
	}
	if off.PartDay && len(f) == 0 {
		loc := th.Location()
		off.Span = calendar.Interval{Start: from.At(fromMin, loc), End: to.At(toMin, loc)}
		switch {
		case !off.Span.Start.Before(off.Span.End):
			f["to_time"] = string(WordsEndsBefore)
		case !off.Span.End.After(s.now()):
			f["to_time"] = string(WordsTimePast)
		}
	}
	if len(f) > 0 {
		return off, invalid("the time off cannot be saved", f)
	}
	return off, nil
}

// clockOf reads an optional time of day (HH:MM) as minutes after
// midnight; empty is ifEmpty.
func clockOf(f map[string]string, field, text string, ifEmpty int) (int, bool) {
	text = strings.TrimSpace(text)
	if text == "" {
		return ifEmpty, true
	}
	_, minute, timed, err := config.ParseLocal("2000-01-01 " + text)
	if err != nil || !timed {
		f[field] = WordsNotATime.Say(text)
		return 0, false
	}
	return minute, true
}

func dateProblem(given, ifEmpty string) string {
	if strings.TrimSpace(given) == "" && ifEmpty != "" {
		return ifEmpty
	}
	return WordsNotADate.Say(given)
}

// TimeOffBookings lists the live bookings still to come that meet time
// off: those starting on its days, or, for part of a day, those whose
// session meets its span. Time off cancels nothing; these are for the
// practice to review.
func (s *Service) TimeOffBookings(ctx context.Context, off TimeOff) ([]booking.Booking, error) {
	loc := off.Therapist.Location()
	from, to := off.Days.From.Midnight(loc), off.Days.To.AddDays(1).Midnight(loc)
	if off.PartDay {
		// A session that began before the span may run into it.
		from, to = off.Span.Start.Add(-s.longestSession()), off.Span.End
	}
	if now := s.now(); from.Before(now) {
		from = now
	}
	if !from.Before(to) {
		return nil, nil // wholly past: nothing left to review
	}
	list, err := s.store.List(ctx, off.Therapist.ID, from, to)
	if err != nil {
		return nil, failed(ErrUnavailable, "bookings in time off", err)
	}
	var out []booking.Booking
	for _, b := range list {
		if b.Status.Live() && (!off.PartDay || off.Span.Overlaps(calendar.Interval{Start: b.Start, End: b.End})) {
			out = append(out, b)
		}
	}
	return out, nil
}

// longestSession is the longest configured session type.
func (s *Service) longestSession() time.Duration {
	var d time.Duration
	for _, st := range s.cfg.SessionTypes {
		d = max(d, st.Duration)
	}
	return d
}
