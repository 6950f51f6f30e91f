package appointments

import (
	"context"
	"errors"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/config"
)

// Get reads a booking; ErrNotFound when there is none.
func (s *Service) Get(ctx context.Context, id string) (booking.Booking, error) {
	b, err := s.store.Get(ctx, id)
	switch {
	case errors.Is(err, booking.ErrNotFound):
		return b, ErrNotFound
	case err != nil:
		return b, failed(ErrUnavailable, "get", err)
	}
	return b, nil
}

// Late reports whether the session starts inside the late-cancel window.
func (s *Service) Late(b booking.Booking) bool {
	return b.Start.Sub(s.now()) < s.cfg.Cancellation.LateWindow
}

// LockedByPolicy reports whether the policy keeps the client from changing
// the booking online now.
func (s *Service) LockedByPolicy(b booking.Booking) bool {
	return s.Late(b) && !s.cfg.Cancellation.AllowLate
}

// MaxReason bounds the reason a client may give the therapist for a cancel.
const MaxReason = 500

// checkReason is the client's reason as the therapist will read it: plain
// text, lines allowed, no other control characters.
func checkReason(reason string) error {
	f := map[string]string{}
	if !CheckText(f, "reason", reason, MaxReason, false, true) {
		return invalid("the reason cannot be sent", f)
	}
	return nil
}

// Cancel is the client's cancel: held to the late-cancel policy. One
// inside the late-cancel window that the policy allows is recorded as a
// late cancel. The reason (may be empty) is for the therapist's notice
// only: it travels with the cancel's task, is never stored in the record
// and never logged.
func (s *Service) Cancel(ctx context.Context, b booking.Booking, reason string) (booking.Booking, error) {
	if err := checkReason(reason); err != nil {
		return b, err
	}
	if b.Status != booking.StatusCancelled && s.LockedByPolicy(b) {
		return b, ErrLate
	}
	return s.cancel(ctx, b, s.Late(b), nil, reason)
}

// cancel is every cancel of one booking; late records a client's late
// cancel, and the cancel task speaks for it with note (nil: the client's
// own cancel, with the client's reason for the therapist).
func (s *Service) cancel(ctx context.Context, b booking.Booking, late bool, note *booking.PracticeNote, reason string) (booking.Booking, error) {
	if b.Status == booking.StatusCancelled {
		return b, nil
	}
	storeCancel := s.store.Cancel
	if late {
		storeCancel = s.store.CancelLate
	}
	c, changed, err := storeCancel(ctx, b.ID)
	if err != nil {
		return b, failed(ErrUnavailable, "cancel", err)
	}
	if !changed {
		return c, nil
	}
	s.logger.InfoContext(ctx, "booking cancelled", "booking", c.ID, "by_practice", note != nil)
	s.afterChange(ctx, c, b, s.speakFor(ctx, c, SeriesCancelOne, note, reason, func() error { return s.queue.Cancelled(ctx, c.ID, c.Seq, note, reason) }))
	return c, nil
}

// Move moves a live booking to start: the new slot is claimed and
// the old one freed in one step, so at no moment are both or neither held.
func (s *Service) Move(ctx context.Context, b booking.Booking, start time.Time) (booking.Booking, error) {
	if !b.Status.Live() {
		return b, ErrNotLive
	}
	if s.LockedByPolicy(b) {
		return b, ErrLate
	}
	return s.move(ctx, b, start, nil)
}

// move moves b to start, late or not; the update task speaks for it with
// note (nil: the client's own move).
func (s *Service) move(ctx context.Context, b booking.Booking, start time.Time, note *booking.PracticeNote) (booking.Booking, error) {
	if !b.Status.Live() {
		return b, ErrNotLive
	}
	th, _ := s.cfg.Therapist(b.TherapistID)
	st, _ := s.cfg.SessionType(b.Type)
	rules := s.cfg.Booking.RulesFor(st)
	if b.Series != "" {
		rules.Horizon = seriesHorizon // an occurrence may lie past the public horizon
	}
	if _, err := s.onSchedule([]config.Therapist{th}, st, start, rules); err != nil {
		return b, err
	}
	moved, err := s.store.Reschedule(ctx, b.ID, start, start.Add(st.Duration), s.guard(th, start))
	var refused refusals
	switch {
	case refused.add(err):
		return b, refused.reason(1)
	case errors.Is(err, booking.ErrNotLive):
		return b, ErrNotLive
	case err != nil:
		return b, failed(ErrUnavailable, "reschedule", err)
	}
	if moved.Seq == b.Seq {
		return moved, nil // same time as before: nothing changed
	}
	s.logger.InfoContext(ctx, "booking moved", "booking", moved.ID, "by_practice", note != nil)
	s.afterChange(ctx, moved, b, s.speakFor(ctx, moved, SeriesMoveOne, note, "", func() error { return s.queue.Updated(ctx, moved.ID, moved.Seq, b.Start, note) }))
	return moved, nil
}

// The changes to a series that its client hears of, one email each.
const (
	SeriesCancelOne  = "cancel"      // one occurrence cancelled: CANCEL with its RECURRENCE-ID
	SeriesMoveOne    = "move"        // one occurrence moved: the series with its override
	SeriesCancelRest = "cancel_rest" // every occurrence not yet past: CANCEL of the series
)

// speakFor queues the emails of a change: a single booking's own, or, for
// an occurrence of a series, one change of the series' one event (its
// SEQUENCE raised); note is the practice's, when it made the change, and
// reason the client's to the therapist, when the client cancelled.
func (s *Service) speakFor(ctx context.Context, b booking.Booking, kind string, note *booking.PracticeNote, reason string, single func() error) error {
	if b.Series == "" {
		return single()
	}
	seq, err := s.store.BumpSeries(ctx, b.Series)
	if err != nil {
		return err
	}
	return s.queue.SeriesChanged(ctx, b.Series, seq, b.ID, kind, note, reason)
}

// CancelSeries cancels every occurrence of a series not yet past, in one
// change: the client's calendar drops the series, and gets one email. The
// client is held to the late-cancel policy for the next occurrence; the
// practice is not. Occurrences already cancelled or past are left alone.
// The client's reason (may be empty) goes to the therapist's notice only.
func (s *Service) CancelSeries(ctx context.Context, seriesID string, byPractice bool, reason string) (booking.Series, []booking.Booking, error) {
	if err := checkReason(reason); err != nil {
		return booking.Series{}, nil, err
	}
	sr, occ, err := s.Series(ctx, seriesID)
	if err != nil {
		return sr, nil, err
	}
	now := s.now()
	var cancelled int
	for i, b := range occ {
		if !b.Status.Live() || !b.Start.After(now) {
			continue
		}
		if !byPractice && s.LockedByPolicy(b) {
			return sr, occ, ErrLate
		}
		storeCancel := s.store.Cancel
		if !byPractice && s.Late(b) {
			storeCancel = s.store.CancelLate
		}
		c, changed, err := storeCancel(ctx, b.ID)
		if err != nil {
			return sr, occ, failed(ErrUnavailable, "cancel series", err)
		}
		if changed {
			cancelled++
			occ[i] = c
			if err := s.queue.DropFollowUps(ctx, b.ID, b.Seq); err != nil {
				s.logger.WarnContext(ctx, "old follow-ups not deleted; they will be dropped when due", "booking", b.ID, "err", err)
			}
		}
	}
	if cancelled == 0 {
		return sr, occ, nil
	}
	s.logger.InfoContext(ctx, "series cancelled", "series", sr.ID, "occurrences", cancelled)
	seq, err := s.store.BumpSeries(ctx, sr.ID)
	if err == nil {
		err = s.queue.SeriesChanged(ctx, sr.ID, seq, "", SeriesCancelRest, nil, reason)
	}
	if err != nil {
		s.logger.ErrorContext(ctx, "change saved but its emails could not be queued", "series", sr.ID, "err", err)
	}
	return sr, occ, nil
}

// afterChange deletes the old version's follow-ups. The change itself has
// taken effect; a failed enqueue of its emails is logged (handlers would
// still drop every stale follow-up by its sequence).
func (s *Service) afterChange(ctx context.Context, now, before booking.Booking, enqueueErr error) {
	if enqueueErr != nil {
		s.logger.ErrorContext(ctx, "change saved but its emails could not be queued", "booking", now.ID, "err", enqueueErr)
	}
	if err := s.queue.DropFollowUps(ctx, before.ID, before.Seq); err != nil {
		s.logger.WarnContext(ctx, "old follow-ups not deleted; they will be dropped when due", "booking", before.ID, "err", err)
	}
}
