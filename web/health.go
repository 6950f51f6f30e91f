package web

import (
	"context"
	"net/http"
	"time"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 only while Redis answers: a load balancer should send
// no bookings to a process that cannot hold a slot. The therapists' own
// calendars (busy_ics, CalDAV) do not decide readiness, but their state is
// shown under "feeds" and "caldav" (never an address or an error text).
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.Ready(ctx); err != nil {
		s.Logger.WarnContext(r.Context(), "not ready", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": "redis unreachable"})
		return
	}
	answer := map[string]any{"status": "ok"}
	if s.Feeds != nil {
		if report, err := s.Feeds.Report(ctx); err != nil {
			s.Logger.WarnContext(r.Context(), "feed status unreadable", "err", err)
		} else if report != nil {
			answer["feeds"] = report
		}
		if report, err := s.Feeds.CalDAVReports(ctx); err != nil {
			s.Logger.WarnContext(r.Context(), "CalDAV status unreadable", "err", err)
		} else if report != nil {
			answer["caldav"] = report
		}
	}
	writeJSON(w, http.StatusOK, answer)
}
