package appointments

import (
	"context"
	"errors"

	"github.com/consultd/consultd/booking"
)

// Attend records, from the session's start on, whether the client came
// (booking.Attended or booking.NoShow); recording it again overwrites it.
// A no-show gets no reflection prompt: its follow-ups are deleted (the
// prompt's handler drops it too, should it run). ErrNotStarted before the
// start, ErrNotLive once cancelled, an *InvalidError for any other status.
func (s *Service) Attend(ctx context.Context, id string, a booking.Attendance) (booking.Booking, error) {
	if !a.Valid() {
		return booking.Booking{}, invalid("the attendance is invalid",
			map[string]string{"status": `must be "attended" or "no_show"`})
	}
	b, err := s.store.Attend(ctx, id, a)
	switch {
	case errors.Is(err, booking.ErrNotFound):
		return b, ErrNotFound
	case errors.Is(err, booking.ErrNotLive):
		return b, ErrNotLive
	case errors.Is(err, booking.ErrNotStarted):
		return b, ErrNotStarted
	case err != nil:
		return b, failed(ErrUnavailable, "attendance", err)
	}
	s.logger.InfoContext(ctx, "attendance recorded", "booking", b.ID, "attendance", string(a))
	if a == booking.NoShow {
		if err := s.queue.DropFollowUps(ctx, b.ID, b.Seq); err != nil {
			s.logger.WarnContext(ctx, "a no-show's follow-ups not deleted; the prompt is dropped when due", "booking", b.ID, "err", err)
		}
	}
	return b, nil
}
