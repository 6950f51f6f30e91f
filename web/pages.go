package web

import (
	"bytes"
	"net/http"

	"github.com/consultd/consultd/locale"
	"github.com/consultd/consultd/templates"
)

// page renders a page template with status. The page is rendered in full
// before the status is written, so a template failure becomes a clean 500
// (its detail logged) rather than half a page.
func (s *Server) page(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.Pages.Page(&buf, name, data); err != nil {
		s.Logger.ErrorContext(r.Context(), "page failed", "page", name, "route", r.Pattern, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if lang := pageLanguage(data); lang != "" {
		w.Header().Set("Content-Language", lang)
	}
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// pageLanguage is the language a page's data is written in.
func pageLanguage(data any) string {
	switch d := data.(type) {
	case interface{ lang() *locale.Localizer }:
		return d.lang().Lang()
	case templates.ErrorPage:
		return d.L.Lang()
	}
	return ""
}

func (p pageLang) lang() *locale.Localizer { return p.L }

// errorPage tells a visitor, in plain words and in l, what went wrong and
// what to do.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, l *locale.Localizer, status int, title, msg string) {
	s.page(w, r, status, "error", templates.ErrorPage{Title: title, Message: msg, L: l})
}

// errorKey is errorPage with the title and message of the catalog keys
// key.title and key.message.
func (s *Server) errorKey(w http.ResponseWriter, r *http.Request, l *locale.Localizer, status int, key string, args ...any) {
	s.errorPage(w, r, l, status, l.T(key+".title", args...), l.T(key+".message", args...))
}

func (s *Server) inviteInvalid(w http.ResponseWriter, r *http.Request) {
	s.errorKey(w, r, s.visitorLang(r), http.StatusForbidden, "page.error.invite_invalid", "BookURL", s.Links.Book())
}

func (s *Server) bookUnavailable(w http.ResponseWriter, r *http.Request, l *locale.Localizer) {
	s.errorKey(w, r, l, http.StatusServiceUnavailable, "page.error.unavailable", "BookURL", s.Links.Book())
}

func (s *Server) internalErrorPage(w http.ResponseWriter, r *http.Request, l *locale.Localizer) {
	s.errorKey(w, r, l, http.StatusInternalServerError, "page.error.internal", "BookURL", s.Links.Book())
}
