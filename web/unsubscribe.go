package web

import (
	"errors"
	"net/http"

	"github.com/consultd/consultd/booking"
)

type unsubscribePage struct {
	pageLang
	Done   bool
	Action string
}

// unsubscribeForm answers GET /u/{token}: a page that asks before it acts,
// since link checkers and previews open GET links on their own.
func (s *Server) unsubscribeForm(w http.ResponseWriter, r *http.Request) {
	id, err := s.Links.VerifyUnsubscribe(r.PathValue("token"))
	if err != nil {
		s.unsubscribeInvalid(w, r)
		return
	}
	// In the booking's language; a booking that cannot be read leaves
	// the page in the browser's, since the form still works.
	l := s.visitorLang(r)
	if b, err := s.Store.Get(r.Context(), id); err == nil {
		l = s.clientLang(b.Language)
	}
	s.page(w, r, http.StatusOK, "unsubscribe", unsubscribePage{pageLang: pageLang{l}, Action: r.URL.Path})
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
		l := s.visitorLang(r)
		if b.ID != "" {
			l = s.clientLang(b.Language)
		}
		s.errorKey(w, r, l, http.StatusServiceUnavailable, "page.error.unsubscribe_unavailable")
		return
	}
	s.Logger.InfoContext(r.Context(), "reflection prompts stopped", "booking", b.ID)
	s.page(w, r, http.StatusOK, "unsubscribe", unsubscribePage{pageLang: pageLang{s.clientLang(b.Language)}, Done: true})
}

func (s *Server) unsubscribeInvalid(w http.ResponseWriter, r *http.Request) {
	s.errorKey(w, r, s.visitorLang(r), http.StatusForbidden, "page.error.unsubscribe_invalid")
}
