package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/booking"
)

// managed is what a manage link names: one booking, or a standing series
// with its occurrences.
type managed struct {
	booking booking.Booking
	series  *booking.Series
	occ     []booking.Booking
}

// managedTarget resolves a manage token: 403 for a forged or expired
// link, appointments.ErrNotFound when neither a booking nor a series has
// its ID.
func (s *Server) managedTarget(ctx context.Context, tok string) (managed, error) {
	id, err := s.Links.VerifyManage(tok)
	if err != nil {
		return managed{}, &apiError{Status: http.StatusForbidden, Msg: err.Error()}
	}
	b, err := s.Appointments.Get(ctx, id)
	if !errors.Is(err, appointments.ErrNotFound) {
		return managed{booking: b}, err
	}
	sr, occ, err := s.Appointments.Series(ctx, id)
	if err != nil {
		return managed{}, err
	}
	return managed{series: &sr, occ: occ}, nil
}

// seriesChange is the body of a cancel or reschedule: for a series the
// occurrence by its start ("" for every one not yet past, when
// cancelling), where it moves to, and a cancelling client's optional
// reason for the therapist.
type seriesChange struct {
	Occurrence string `json:"occurrence"`
	Start      string `json:"start"`
	Reason     string `json:"reason"`
}

// apiSeriesCancel cancels one occurrence of a series, or with no
// occurrence named every one not yet past, and answers with the series.
func (s *Server) apiSeriesCancel(w http.ResponseWriter, r *http.Request, m managed, req seriesChange) {
	ctx := r.Context()
	var err error
	if req.Occurrence == "" {
		_, _, err = s.Appointments.CancelSeries(ctx, m.series.ID, false, req.Reason)
	} else {
		var at time.Time
		if at, err = parseStart("occurrence", req.Occurrence); err == nil {
			var b booking.Booking
			if b, err = s.Appointments.Occurrence(m.occ, at); err == nil {
				_, err = s.Appointments.Cancel(ctx, b, req.Reason)
			}
		}
	}
	s.answerSeries(w, r, m.series.ID, err)
}

// apiSeriesMove moves one occurrence of a series.
func (s *Server) apiSeriesMove(w http.ResponseWriter, r *http.Request, m managed, req seriesChange) {
	at, err := parseStart("occurrence", req.Occurrence)
	var to time.Time
	if err == nil {
		to, err = parseStart("start", req.Start)
	}
	var b booking.Booking
	if err == nil {
		b, err = s.Appointments.Occurrence(m.occ, at)
	}
	if err == nil {
		_, err = s.Appointments.Move(r.Context(), b, to)
	}
	s.answerSeries(w, r, m.series.ID, err)
}

// answerSeries answers a change to a series with the series as it now is.
func (s *Server) answerSeries(w http.ResponseWriter, r *http.Request, id string, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sr, occ, err := s.Appointments.Series(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.seriesJSON(sr, occ, false))
}

// parseStart reads an RFC 3339 time from field.
func parseStart(field, v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, &apiError{Status: http.StatusUnprocessableEntity, Msg: "invalid " + field,
			Fields: map[string]string{field: "is not an RFC 3339 time such as 2026-12-01T14:00:00Z"}}
	}
	return t.UTC(), nil
}
