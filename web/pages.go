package web

import (
	"bytes"
	"net/http"

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
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// errorPage tells a visitor, in plain words, what went wrong and what to do.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	s.page(w, r, status, "error", templates.ErrorPage{Title: title, Message: msg})
}

// The words of the error pages, kept together so they read alike.
const (
	msgBookAgain = "Nothing was booked. Please open the booking page again and choose a time: "
)

func (s *Server) inviteInvalid(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusForbidden, "This link has expired or is not valid",
		"This booking link has expired or is not valid. You can still book at "+s.Links.Book())
}

func (s *Server) bookUnavailable(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusServiceUnavailable, "Please try again in a moment",
		"Booking is unavailable for a moment. Nothing was booked. Please try again in a few minutes: "+s.Links.Book())
}

func (s *Server) internalErrorPage(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusInternalServerError, "Something went wrong",
		"Something went wrong on our side. Please try again in a few minutes: "+s.Links.Book())
}
