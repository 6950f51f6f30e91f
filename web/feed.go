package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
)

// feed answers GET /feed/{file}: the practice's bookings of one therapist
// as a subscribable calendar. Anything but a current link is 404, so a
// revoked or guessed address learns nothing.
func (s *Server) feed(w http.ResponseWriter, r *http.Request) {
	tid, ok := s.feedTherapist(r)
	if !ok {
		http.NotFound(w, r)
		return
	}
	now := s.Now()
	list, err := s.Store.List(r.Context(), tid, now.Add(-30*24*time.Hour), now.Add(s.Config.Booking.Horizon+24*time.Hour))
	if err != nil {
		s.writeError(w, r, s.unavailable(r.Context(), "feed", err))
		return
	}
	host := ""
	if u, err := url.Parse(s.Config.BaseURL); err == nil {
		host = u.Hostname()
	}
	events := make([]calendar.FeedEvent, 0, len(list))
	for _, b := range list {
		if !b.Status.Live() {
			continue
		}
		st, _ := s.Config.SessionType(b.Type)
		events = append(events, calendar.FeedEvent{
			UID: "feed-" + b.ID + "@" + host, Start: b.Start, End: b.End,
			Summary: calendar.Initials(b.Name) + " · " + st.Name, Tentative: b.Status == booking.StatusHeld || b.Status == booking.StatusPending,
		})
	}
	body, err := calendar.FeedICS(s.Config.Practice.Name, events, now)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=300")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(body)
}

// feedTherapist checks the link: signed, for a known therapist, and of the
// therapist's current generation.
func (s *Server) feedTherapist(r *http.Request) (string, bool) {
	tok, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		return "", false
	}
	tid, gen, err := s.Links.VerifyFeed(tok)
	if err != nil {
		return "", false
	}
	current, err := s.Store.FeedGeneration(r.Context(), tid)
	if err != nil || current != gen {
		return "", false
	}
	return tid, true
}
