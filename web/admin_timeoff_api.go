package web

import (
	"errors"
	"net/http"

	"github.com/consultd/consultd/appointments"
)

// timeOffRequest is POST /admin/api/timeoff: a first day, an optional last
// day and optional times, as on the time off page.
type timeOffRequest struct {
	Therapist string `json:"therapist"`
	From      string `json:"from"`
	To        string `json:"to"`
	FromTime  string `json:"from_time"`
	ToTime    string `json:"to_time"`
}

// timeOffJSON is one entry of time off. Start and End are set for part of
// a day; Bookings are the live bookings still to come in it, which time
// off does not cancel.
type timeOffJSON struct {
	ID        string   `json:"id,omitempty"`
	Therapist string   `json:"therapist"`
	From      string   `json:"from"`
	To        string   `json:"to"`
	Start     string   `json:"start,omitempty"`
	End       string   `json:"end,omitempty"`
	Source    string   `json:"source"` // "config" or "admin"
	Bookings  []string `json:"bookings"`
}

// adminAPITimeOff answers GET /admin/api/timeoff: every therapist's time
// off, the configuration's first.
func (s *Server) adminAPITimeOff(w http.ResponseWriter, r *http.Request) {
	out := []timeOffJSON{}
	for _, th := range s.Config.Therapists {
		for _, off := range configuredTimeOff(th) {
			j, err := s.timeOffJSON(r, off, "", "config")
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			out = append(out, j)
		}
		added, err := s.Store.TimeOff(r.Context(), th.ID)
		if err != nil {
			s.writeError(w, r, s.unavailable(r.Context(), "admin time off", err))
			return
		}
		for _, a := range added {
			j, err := s.timeOffJSON(r, addedTimeOff(th, a), a.ID, "admin")
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			out = append(out, j)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"time_off": out})
}

// adminAPIAddTimeOff answers POST /admin/api/timeoff: 201 with the entry
// and the bookings already in it; 422 naming the bad fields; 409 when the
// therapist has as much time off as can be kept.
func (s *Server) adminAPIAddTimeOff(w http.ResponseWriter, r *http.Request) {
	var req timeOffRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	off, id, err := s.Appointments.AddTimeOff(r.Context(), appointments.TimeOffRequest{
		Therapist: req.Therapist, From: req.From, To: req.To, FromTime: req.FromTime, ToTime: req.ToTime})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	j, err := s.timeOffJSON(r, off, id, "admin")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, j)
}

// adminAPIRemoveTimeOff answers DELETE /admin/api/timeoff/{therapist}/{id}:
// 200 once removed, 404 when there is no such entry (any more).
func (s *Server) adminAPIRemoveTimeOff(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	err := s.Appointments.RemoveTimeOff(r.Context(), r.PathValue("therapist"), id)
	if errors.Is(err, appointments.ErrNotFound) {
		err = &apiError{Status: http.StatusNotFound, Msg: "there is no such time off: it may have been removed already"}
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"removed": id})
}

func (s *Server) timeOffJSON(r *http.Request, off appointments.TimeOff, id, source string) (timeOffJSON, error) {
	j := timeOffJSON{ID: id, Therapist: off.Therapist.ID, From: off.Days.From.String(), To: off.Days.To.String(),
		Source: source, Bookings: []string{}}
	if off.PartDay {
		j.Start, j.End = off.Span.Start.UTC().Format(timeFormat), off.Span.End.UTC().Format(timeFormat)
	}
	list, err := s.Appointments.TimeOffBookings(r.Context(), off)
	for _, b := range list {
		j.Bookings = append(j.Bookings, b.ID)
	}
	return j, err
}
