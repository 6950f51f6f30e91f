package web

import (
	"encoding/json"
	"net/http"
	"time"

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

// apiManage answers GET /api/manage/{token}.
func (s *Server) apiManage(w http.ResponseWriter, r *http.Request) {
	b, err := s.managedBooking(r.Context(), r.PathValue("token"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.manageJSON(b))
}

// apiCancel answers POST /api/manage/{token}/cancel.
func (s *Server) apiCancel(w http.ResponseWriter, r *http.Request) {
	b, err := s.managedBooking(r.Context(), r.PathValue("token"))
	if err == nil {
		b, err = s.Appointments.Cancel(r.Context(), b)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.manageJSON(b))
}

// apiReschedule answers POST /api/manage/{token}/reschedule {"start":…}.
func (s *Server) apiReschedule(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Start string `json:"start"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		s.writeError(w, r, badBody("the body must be {\"start\": \"RFC 3339 time\"}"))
		return
	}
	start, err := time.Parse(time.RFC3339, req.Start)
	if err != nil {
		s.writeError(w, r, &apiError{Status: http.StatusUnprocessableEntity, Msg: "invalid start", Fields: map[string]string{"start": "is not an RFC 3339 time such as 2026-12-01T14:00:00Z"}})
		return
	}
	b, err := s.managedBooking(r.Context(), r.PathValue("token"))
	if err == nil {
		b, err = s.Appointments.Move(r.Context(), b, start.UTC())
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.manageJSON(b))
}
