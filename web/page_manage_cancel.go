package web

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/locale"
)

// cancelPage is the data of templates/pages/manage_cancel.html: the step
// that asks once more before a client's cancel, with an optional reason
// for the therapist.
type cancelPage struct {
	pageLang
	Practice, Heading, When, Session string
	// Rule is the part of the late-cancel policy that applies now.
	Rule, Policy string
	Action, CSRF string
	// Occurrence names one session of a series; All cancels every one
	// still to come.
	Occurrence string
	All        bool
	// Reason is what the client typed, given back with ReasonError.
	Reason, ReasonError string
	MaxReason           int
	Button, KeepURL     string
	Style               string
}

// cancelForm is what the client typed in the step that asks once more.
type cancelForm struct {
	reason, problem string
}

// confirmCancel asks once more before cancelling b. A booking that is
// already cancelled, or that the policy keeps from changing online, has
// nothing to ask: its manage page says so.
func (s *Server) confirmCancel(w http.ResponseWriter, r *http.Request, status int, b booking.Booking, f cancelForm) {
	if b.Status == booking.StatusCancelled || s.Appointments.LockedByPolicy(b) {
		s.renderManage(w, r, http.StatusOK, b, manageView{})
		return
	}
	th, _ := s.Config.Therapist(b.TherapistID)
	st, _ := s.Config.SessionType(b.Type)
	loc := calendar.ZoneOr(b.TimeZone, th.Location())
	l := s.clientLang(b.Language)
	p := s.cancelPage(w, r, l, f)
	p.Heading, p.Button = l.T("page.cancel.heading"), l.T("page.cancel.button")
	p.When, p.Session = l.When(b.Start, b.End, loc), sessionWith(l, l.Configured(st.Name), th.Name)
	p.Rule = s.bookingPolicy(l, b, loc)
	if b.Series != "" {
		p.Heading, p.Button = l.T("page.cancel.session_heading"), l.T("page.cancel.session_button")
		p.Occurrence = b.Start.UTC().Format(time.RFC3339)
		p.KeepURL += "?occurrence=" + url.QueryEscape(p.Occurrence)
	}
	s.page(w, r, status, "manage_cancel", p)
}

// confirmSeriesCancel asks once more before cancelling every session of a
// series still to come.
func (s *Server) confirmSeriesCancel(w http.ResponseWriter, r *http.Request, status int, m managed, f cancelForm) {
	th, _ := s.Config.Therapist(m.series.TherapistID)
	st, _ := s.Config.SessionType(m.series.Type)
	l := m.lang(s)
	p := s.cancelPage(w, r, l, f)
	p.Heading, p.Button, p.All = l.T("page.cancel.series_heading"), l.T("page.cancel.series_button"), true
	p.Session = sessionWith(l, st.Name, th.Name)
	s.page(w, r, status, "manage_cancel", p)
}

func (s *Server) cancelPage(w http.ResponseWriter, r *http.Request, l *locale.Localizer, f cancelForm) cancelPage {
	action := "/m/" + r.PathValue("token")
	return cancelPage{
		pageLang: pageLang{l},
		Practice: s.Config.Practice.Name, Policy: s.policyIn(l), CSRF: s.csrfToken(w, r),
		Action: action + "/cancel", KeepURL: action, Reason: f.reason, ReasonError: f.problem,
		MaxReason: appointments.MaxReason, Style: assetURL("book.css"),
	}
}

// sessionWith is "Psychotherapy session with Dr. Ada Rivers", in l.
func sessionWith(l *locale.Localizer, session, therapist string) string {
	if therapist == "" {
		return session
	}
	return session + " " + l.T("page.with", "Therapist", therapist)
}

// reasonProblem is, when err refuses the reason itself, its message in l
// for the client to fix ("" otherwise).
func reasonProblem(l *locale.Localizer, err error) string {
	var invalid *appointments.InvalidError
	if !errors.As(err, &invalid) || invalid.Fields["reason"] == "" {
		return ""
	}
	return fieldMessage(l, "reason", invalid.Fields["reason"])
}
