package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/token"
)

// feedTTL: a feed link lasts until it is revoked, in practice.
const feedTTL = 10 * 365 * 24 * time.Hour

// FeedURL is the therapist's private calendar address for generation gen.
// Anyone with it sees initials and session types only; rotating the
// generation (consultd feed-link --rotate) revokes it.
func FeedURL(signer *token.Signer, baseURL, therapistID string, gen int64, now time.Time) string {
	subject := therapistID + "." + strconv.FormatInt(gen, 10)
	return strings.TrimRight(baseURL, "/") + "/feed/" + signer.Sign(token.PurposeFeed, subject, now.Add(feedTTL)) + ".ics"
}

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
			Summary: calendar.Initials(b.Name) + " · " + st.Name, Tentative: b.Status == booking.StatusHeld,
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
	subject, err := s.Signer.Verify(token.PurposeFeed, tok)
	if err != nil {
		return "", false
	}
	tid, genText, ok := strings.Cut(subject, ".")
	if _, known := s.Config.Therapist(tid); !ok || !known {
		return "", false
	}
	gen, err := s.Store.FeedGeneration(r.Context(), tid)
	if err != nil || fmt.Sprint(gen) != genText {
		return "", false
	}
	return tid, true
}
