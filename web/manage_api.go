package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/consultd/consultd/booking"
)

// manageJSON is a booking as its client sees it through a manage link.
type manageJSON struct {
	bookingJSON
	Late   bool   `json:"late"`
	Policy string `json:"policy,omitempty"`
}

func (s *Server) manageJSON(b booking.Booking) manageJSON {
	out := manageJSON{bookingJSON: s.bookingJSON(b, false), Late: s.Appointments.Late(b)}
	if out.Late {
		out.Policy = s.Config.Cancellation.Policy
	}
	return out
}

// apiManage answers GET /api/manage/{token}: the booking, or the series
// with its occurrences.
func (s *Server) apiManage(w http.ResponseWriter, r *http.Request) {
	m, err := s.managedTarget(r.Context(), r.PathValue("token"))
	switch {
	case err != nil:
		s.writeError(w, r, err)
	case m.series != nil:
		writeJSON(w, http.StatusOK, s.seriesJSON(*m.series, m.occ, false))
	default:
		writeJSON(w, http.StatusOK, s.manageJSON(m.booking))
	}
}

// apiCancel answers POST /api/manage/{token}/cancel, with an optional
// {"reason"} for the therapist; for a series, the body {"occurrence":
// start} names one occurrence, and {} (or none) cancels every one not yet
// past.
func (s *Server) apiCancel(w http.ResponseWriter, r *http.Request) {
	var req seriesChange
	if err := decodeOptionalJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	m, err := s.managedTarget(r.Context(), r.PathValue("token"))
	if err == nil && m.series != nil {
		s.apiSeriesCancel(w, r, m, req)
		return
	}
	b := m.booking
	if err == nil {
		b, err = s.Appointments.Cancel(r.Context(), b, req.Reason)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.manageJSON(b))
}

// apiReschedule answers POST /api/manage/{token}/reschedule {"start":…};
// for a series, {"occurrence": start, "start": new start}.
func (s *Server) apiReschedule(w http.ResponseWriter, r *http.Request) {
	var req seriesChange
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeError(w, r, badBody("the body must be {\"start\": \"RFC 3339 time\"}"))
		return
	}
	m, err := s.managedTarget(r.Context(), r.PathValue("token"))
	if err == nil && m.series != nil {
		s.apiSeriesMove(w, r, m, req)
		return
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.Occurrence != "" {
		s.writeError(w, r, badBody("the body must be {\"start\": \"RFC 3339 time\"}"))
		return
	}
	start, err := parseStart("start", req.Start)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	b, err := s.Appointments.Move(r.Context(), m.booking, start)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.manageJSON(b))
}

// decodeOptionalJSON is decodeJSON for a body that may be empty.
func decodeOptionalJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return badBody("the body is not a valid request: " + jsonProblem(err))
	}
	return nil
}
