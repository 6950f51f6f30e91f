package web

import (
	"context"
	"net/http"
	"time"
)

// errNotFree answers a start the therapist's own calendar (busy_ics) has
// made busy since the client saw it offered. It is a 409, like a slot
// another client took: the request was valid and the time was on offer; the
// calendar changed, and choosing another time is the fix. The message does
// not say why: the therapist's calendar is private.
var errNotFree = &apiError{Status: http.StatusConflict, Msg: "that time is no longer available: please choose another"}

// freeInOwnCalendar keeps the therapists whose own calendars leave
// [from, to) free. Bookings are not looked at here: the store's claim checks
// them atomically.
func (s *Server) freeInOwnCalendar(ctx context.Context, therapistIDs []string, from, to time.Time) ([]string, error) {
	if s.Feeds == nil {
		return therapistIDs, nil
	}
	var free []string
	for _, id := range therapistIDs {
		busy, err := s.Feeds.Overlaps(ctx, id, from, to)
		if err != nil {
			return nil, err
		}
		if !busy {
			free = append(free, id)
		}
	}
	return free, nil
}
