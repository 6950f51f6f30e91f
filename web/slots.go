package web

import (
	"net/http"
	"time"

	"github.com/consultd/consultd/appointments"
)

type slotJSON struct {
	Start     string `json:"start"`
	End       string `json:"end"`
	Therapist string `json:"therapist"`
}

// apiSlots answers GET /api/slots?type=&from=&to=[&therapist=].
func (s *Server) apiSlots(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	slots, err := s.Appointments.FreeSlots(r.Context(), appointments.SlotsRequest{Type: v.Get("type"), Therapist: v.Get("therapist"), From: v.Get("from"), To: v.Get("to")})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]slotJSON, len(slots))
	for i, sl := range slots {
		out[i] = slotJSON{Start: sl.Start.UTC().Format(time.RFC3339), End: sl.End.UTC().Format(time.RFC3339), Therapist: sl.TherapistID}
	}
	writeJSON(w, http.StatusOK, map[string]any{"slots": out})
}
