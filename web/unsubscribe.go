package web

import (
	"errors"
	"net/http"

	"github.com/consultd/consultd/booking"
)

type unsubscribePage struct {
	Done   bool
	Action string
}

// unsubscribeForm answers GET /u/{token}: a page that asks before it acts,
// since link checkers and previews open GET links on their own.
func (s *Server) unsubscribeForm(w http.ResponseWriter, r *http.Request) {
	if _, err := s.Links.VerifyUnsubscribe(r.PathValue("token")); err != nil {
		s.unsubscribeInvalid(w, r)
		return
	}
	s.page(w, r, http.StatusOK, "unsubscribe", unsubscribePage{Action: r.URL.Path})
}

// unsubscribe answers POST /u/{token}: the one-click opt-out of RFC 8058
// (mail clients post "List-Unsubscribe=One-Click" with no cookie or CSRF
// token: the signed link is the credential). It stops reflection prompts
// for the client's address from now on.
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) {
	id, err := s.Links.VerifyUnsubscribe(r.PathValue("token"))
	if err != nil {
		s.unsubscribeInvalid(w, r)
		return
	}
	b, err := s.Store.Get(r.Context(), id)
	if errors.Is(err, booking.ErrNotFound) {
		s.unsubscribeInvalid(w, r)
		return
	}
	if err == nil {
		err = s.Store.OptOut(r.Context(), b.Email)
	}
	if err != nil {
		_ = s.unavailable(r.Context(), "opt-out", err)
		s.errorPage(w, r, http.StatusServiceUnavailable, "Please try again in a moment", "Your choice could not be saved just now. Please open the link again in a few minutes.")
		return
	}
	s.Logger.InfoContext(r.Context(), "reflection prompts stopped", "booking", b.ID)
	s.page(w, r, http.StatusOK, "unsubscribe", unsubscribePage{Done: true})
}

func (s *Server) unsubscribeInvalid(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusForbidden, "This link has expired or is not valid",
		"This link has expired or is not valid. To stop reflection notes, reply to any of them or tell your therapist.")
}
