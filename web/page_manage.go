package web

import (
	"context"
	"net/http"
	"net/mail"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/jobs"
)

// managePage is the data of templates/pages/manage.html.
type managePage struct {
	Practice, Therapist, Session, When, Zone string
	Notice, Problem                          string
	Cancelled, Late, Locked                  bool
	Policy, Contact, BookURL                 string
	Action, CSRF, Style                      string
	Days                                     []slotDay
	// Occurrence names, for one session of a series, the session the
	// forms change (its start); SeriesURL leads back to all of them.
	Occurrence, SeriesURL string
}

// getManage answers GET /m/{token}: a booking, or a series.
func (s *Server) getManage(w http.ResponseWriter, r *http.Request) {
	m, ok := s.manageTarget(w, r)
	switch {
	case ok && m.series != nil && r.URL.Query().Get("occurrence") != "":
		s.manageOccurrence(w, r, m, r.URL.Query().Get("occurrence"))
	case ok && m.series != nil:
		s.renderSeriesManage(w, r, http.StatusOK, m, "", "")
	case ok:
		s.renderManage(w, r, http.StatusOK, m.booking, "", "")
	}
}

// postManageCancel answers the cancel form of the manage page.
func (s *Server) postManageCancel(w http.ResponseWriter, r *http.Request) {
	m, ok := s.manageForm(w, r)
	if !ok {
		return
	}
	if m.series != nil {
		s.postSeriesCancel(w, r, m)
		return
	}
	b := m.booking
	c, err := s.Appointments.Cancel(r.Context(), b)
	if err != nil {
		s.manageProblem(w, r, b, err)
		return
	}
	s.renderManage(w, r, http.StatusOK, c, "Your appointment is cancelled. A cancellation is on its way to your email and removes it from your calendar.", "")
}

// postManageReschedule answers the move form of the manage page.
func (s *Server) postManageReschedule(w http.ResponseWriter, r *http.Request) {
	m, ok := s.manageForm(w, r)
	if !ok {
		return
	}
	b := m.booking
	if m.series != nil {
		var err error
		if b, err = s.occurrenceOf(m, r.PostForm.Get("occurrence")); err != nil {
			s.renderSeriesManage(w, r, http.StatusConflict, m, "", sentence(s.classified(r.Context(), err).Msg))
			return
		}
	}
	start, err := time.Parse(time.RFC3339, r.PostForm.Get("start"))
	if err != nil {
		s.renderManage(w, r, http.StatusUnprocessableEntity, b, "", "Please choose a new time.")
		return
	}
	moved, err := s.Appointments.Move(r.Context(), b, start.UTC())
	if err != nil {
		s.manageProblem(w, r, b, err)
		return
	}
	s.renderManage(w, r, http.StatusOK, moved, "Your appointment has moved. An update is on its way to your email and moves it in your calendar.", "")
}

// manageTarget resolves the link or answers with a clear page.
func (s *Server) manageTarget(w http.ResponseWriter, r *http.Request) (managed, bool) {
	m, err := s.managedTarget(r.Context(), r.PathValue("token"))
	if err == nil {
		return m, true
	}
	switch a := s.classified(r.Context(), err); a.Status {
	case http.StatusForbidden:
		s.errorPage(w, r, http.StatusForbidden, "This link has expired or is not valid",
			"This link has expired or is not valid. Please use the link in your most recent email from the practice, or book again at "+s.Links.Book())
	case http.StatusNotFound:
		s.errorPage(w, r, http.StatusNotFound, "This appointment no longer exists", "You can book a new time at "+s.Links.Book())
	default:
		s.bookUnavailable(w, r)
	}
	return m, false
}

// manageForm is manageTarget for a posted form, with its CSRF check.
func (s *Server) manageForm(w http.ResponseWriter, r *http.Request) (managed, bool) {
	if !s.postedForm(w, r, s.manageFormTexts()) {
		return managed{}, false
	}
	return s.manageTarget(w, r)
}

// manageProblem re-renders the page with what went wrong.
func (s *Server) manageProblem(w http.ResponseWriter, r *http.Request, b booking.Booking, err error) {
	a := s.classified(r.Context(), err)
	if a.Status >= 500 {
		s.bookUnavailable(w, r)
		return
	}
	msg := a.Msg
	if start := a.Fields["start"]; start != "" {
		msg = "That time cannot be booked: " + start + "."
	}
	s.renderManage(w, r, a.Status, b, "", msg)
}

func (s *Server) renderManage(w http.ResponseWriter, r *http.Request, status int, b booking.Booking, notice, problem string) {
	data, err := s.managePageData(r.Context(), b)
	if err != nil {
		_ = s.unavailable(r.Context(), "manage page", err)
		s.bookUnavailable(w, r)
		return
	}
	data.Notice, data.Problem = notice, problem
	data.Action = "/m/" + r.PathValue("token")
	if b.Series != "" {
		data.Occurrence, data.SeriesURL = b.Start.UTC().Format(time.RFC3339), data.Action
	}
	data.CSRF = s.csrfToken(w, r)
	s.page(w, r, status, "manage", data)
}

// managePageData describes the booking in the client's zone and lists the
// free times it could move to over the next two weeks.
func (s *Server) managePageData(ctx context.Context, b booking.Booking) (managePage, error) {
	th, _ := s.Config.Therapist(b.TherapistID)
	st, _ := s.Config.SessionType(b.Type)
	loc := calendar.ZoneOr(b.TimeZone, th.Location())
	p := managePage{
		Practice: s.Config.Practice.Name, Therapist: th.Name, Session: st.Name,
		When: jobs.FormatWhen(b.Start, b.End, loc), Zone: calendar.ZoneName(loc, b.Start),
		Cancelled: b.Status == booking.StatusCancelled, Late: s.Appointments.Late(b), Locked: s.Appointments.LockedByPolicy(b),
		Policy: s.Config.Cancellation.Policy, BookURL: s.Links.Book(), Style: assetURL("book.css"),
	}
	if from, err := mail.ParseAddress(s.Config.Mail.From); err == nil {
		p.Contact = from.Address
	}
	if p.Cancelled || p.Locked {
		return p, nil
	}
	slots, err := s.Appointments.MoveOptions(ctx, b)
	if err != nil {
		return p, err
	}
	p.Days = groupByDay(slots, loc, "")
	return p, nil
}
