package web

import (
	"encoding/json"
	"net/http"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/booking"
)

// seriesRequest is POST /admin/api/series.
type seriesRequest struct {
	Type          string `json:"type"`
	Start         string `json:"start"`
	Name          string `json:"name"`
	Email         string `json:"email"`
	Timezone      string `json:"timezone"`
	Therapist     string `json:"therapist"`
	EveryWeeks    int    `json:"every_weeks"`
	Count         int    `json:"count"`
	Notes         string `json:"notes"`
	SkipConflicts bool   `json:"skip_conflicts"`
	// Language is the client's ("": the default).
	Language string `json:"language"`
}

type occurrenceJSON struct {
	ID     string `json:"id"`
	Start  string `json:"start"`
	End    string `json:"end"`
	Status string `json:"status"`
}

type seriesJSON struct {
	ID          string           `json:"id"`
	Status      string           `json:"status"`
	ManageURL   string           `json:"manage_url,omitempty"`
	Occurrences []occurrenceJSON `json:"occurrences"`
	Skipped     []string         `json:"skipped,omitempty"`
}

// adminCreateSeries answers POST /admin/api/series: 201 with the series
// and its occurrences; 409 naming the conflicting starts, with nothing
// booked; 422 naming the bad fields.
func (s *Server) adminCreateSeries(w http.ResponseWriter, r *http.Request) {
	var req seriesRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	sr, occ, err := s.Appointments.CreateSeries(r.Context(), appointments.SeriesRequest{
		Type: req.Type, Start: req.Start, Name: req.Name, Email: req.Email, Therapist: req.Therapist,
		Timezone: req.Timezone, Notes: req.Notes, EveryWeeks: req.EveryWeeks, Count: req.Count,
		SkipConflicts: req.SkipConflicts, Language: req.Language,
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.seriesJSON(sr, occ, true))
}

// seriesJSON is a series as the practice or its client sees it; its
// status is its occurrences': held until the invite is out, confirmed,
// or cancelled once none is left.
func (s *Server) seriesJSON(sr booking.Series, occ []booking.Booking, withLink bool) seriesJSON {
	out := seriesJSON{ID: sr.ID, Status: string(booking.StatusCancelled), Occurrences: make([]occurrenceJSON, len(occ))}
	for i, b := range occ {
		out.Occurrences[i] = occurrenceJSON{ID: b.ID, Start: b.Start.UTC().Format(timeFormat), End: b.End.UTC().Format(timeFormat), Status: string(b.Status)}
		if b.Status.Live() && out.Status != string(booking.StatusHeld) {
			out.Status = string(b.Status)
		}
	}
	for _, t := range sr.Skipped {
		out.Skipped = append(out.Skipped, t.UTC().Format(timeFormat))
	}
	if withLink {
		out.ManageURL = s.Links.Manage(sr.ID)
	}
	return out
}

// decodeJSON reads exactly one JSON object with known fields only into v.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badBody("the body is not a valid request: " + jsonProblem(err))
	}
	return nil
}
