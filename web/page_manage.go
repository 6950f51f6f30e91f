package web

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/locale"
)

// managePage is the data of templates/pages/manage.html.
type managePage struct {
	pageLang
	Practice, Therapist, Session, When, Zone string
	Notice, Problem                          string
	Cancelled, Locked                        bool
	// Rule is the part of the late-cancel policy that applies to this
	// booking now; Policy is the practice's own words.
	Rule, Policy string
	// Contact and Email are how to reach the practice (practice.contact,
	// and mail.reply_to or mail.from).
	Contact, Email, BookURL string
	Action, CSRF, Style     string
	// CancelURL asks once more before cancelling.
	CancelURL string
	// Days are the free times of one week (Week, "from Monday 7 December
	// to Sunday 13 December"); Earlier and Later page to the weeks around it, From is
	// its first date, posted back so a problem shows the same week.
	Days                       []slotDay
	Week, From, Earlier, Later string
	// Occurrence names, for one session of a series, the session the
	// forms change (its start); SeriesURL leads back to all of them.
	Occurrence, SeriesURL string
}

// manageView is what one rendering of the manage page says beyond the
// booking itself.
type manageView struct {
	notice, problem string
	from            string // the first date of the week of times to move to
}

// getManage answers GET /m/{token}: a booking, or a series; ?cancel asks
// once more before a cancel (?cancel=all: every session of a series still
// to come), ?from pages through the times to move to.
func (s *Server) getManage(w http.ResponseWriter, r *http.Request) {
	m, ok := s.manageTarget(w, r)
	q := r.URL.Query()
	switch {
	case !ok:
	case m.series != nil && q.Get("occurrence") != "":
		s.manageOccurrence(w, r, m, q.Get("occurrence"))
	case m.series != nil && q.Get("cancel") != "":
		s.confirmSeriesCancel(w, r, http.StatusOK, m, cancelForm{})
	case m.series != nil:
		s.renderSeriesManage(w, r, http.StatusOK, m, "", "")
	case q.Get("cancel") != "":
		s.confirmCancel(w, r, http.StatusOK, m.booking, cancelForm{})
	default:
		s.renderManage(w, r, http.StatusOK, m.booking, manageView{from: q.Get("from")})
	}
}

// postManageCancel answers the cancel form of the manage page. Only the
// form of the step that asks once more (confirm=yes) cancels; any other
// post of it shows that step.
func (s *Server) postManageCancel(w http.ResponseWriter, r *http.Request) {
	m, ok := s.manageForm(w, r)
	if !ok {
		return
	}
	f := cancelForm{reason: r.PostForm.Get("reason")}
	confirmed := r.PostForm.Get("confirm") == "yes"
	if m.series != nil && r.PostForm.Get("all") != "" {
		if !confirmed {
			s.confirmSeriesCancel(w, r, http.StatusOK, m, f)
			return
		}
		s.postSeriesCancel(w, r, m, f)
		return
	}
	b := m.booking
	if m.series != nil {
		var err error
		if b, err = s.occurrenceOf(m, r.PostForm.Get("occurrence")); err != nil {
			_, problem := s.pageProblem(r.Context(), m.lang(s), err)
			s.renderSeriesManage(w, r, http.StatusConflict, m, "", problem)
			return
		}
	}
	if !confirmed {
		s.confirmCancel(w, r, http.StatusOK, b, f)
		return
	}
	c, err := s.Appointments.Cancel(r.Context(), b, f.reason)
	if f.problem = reasonProblem(s.clientLang(b.Language), err); f.problem != "" {
		s.confirmCancel(w, r, http.StatusUnprocessableEntity, b, f)
		return
	}
	if err != nil {
		s.manageProblem(w, r, b, err)
		return
	}
	notice := "page.manage.cancelled_notice"
	if m.series != nil {
		notice = "page.manage.session_cancelled_notice"
	}
	s.renderManage(w, r, http.StatusOK, c, manageView{notice: s.clientLang(c.Language).T(notice)})
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
			_, problem := s.pageProblem(r.Context(), m.lang(s), err)
			s.renderSeriesManage(w, r, http.StatusConflict, m, "", problem)
			return
		}
	}
	l := s.clientLang(b.Language)
	from := r.PostForm.Get("from")
	start, err := time.Parse(time.RFC3339, r.PostForm.Get("start"))
	if err != nil {
		s.renderManage(w, r, http.StatusUnprocessableEntity, b, manageView{problem: l.T("page.manage.choose_first"), from: from})
		return
	}
	moved, err := s.Appointments.Move(r.Context(), b, start.UTC())
	if err != nil {
		s.manageProblem(w, r, b, err)
		return
	}
	s.renderManage(w, r, http.StatusOK, moved, manageView{notice: l.T("page.manage.moved_notice")})
}

// manageTarget resolves the link or answers with a clear page.
func (s *Server) manageTarget(w http.ResponseWriter, r *http.Request) (managed, bool) {
	m, err := s.managedTarget(r.Context(), r.PathValue("token"))
	if err == nil {
		return m, true
	}
	l := s.visitorLang(r)
	switch a := s.classified(r.Context(), err); a.Status {
	case http.StatusForbidden:
		s.errorKey(w, r, l, http.StatusForbidden, "page.error.manage_invalid", "BookURL", s.Links.Book())
	case http.StatusNotFound:
		s.errorKey(w, r, l, http.StatusNotFound, "page.error.gone", "BookURL", s.Links.Book())
	default:
		s.bookUnavailable(w, r, l)
	}
	return m, false
}

// lang is the language of the client's pages: the series' or the
// booking's.
func (m managed) lang(s *Server) *locale.Localizer {
	if m.series != nil {
		return s.clientLang(m.series.Language)
	}
	return s.clientLang(m.booking.Language)
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
	l := s.clientLang(b.Language)
	a, msg := s.pageProblem(r.Context(), l, err)
	if a.Status >= 500 {
		s.bookUnavailable(w, r, l)
		return
	}
	s.renderManage(w, r, a.Status, b, manageView{problem: msg, from: r.PostForm.Get("from")})
}

func (s *Server) renderManage(w http.ResponseWriter, r *http.Request, status int, b booking.Booking, v manageView) {
	action := "/m/" + r.PathValue("token")
	data, err := s.managePageData(r.Context(), b, action, v.from)
	if err != nil {
		_ = s.unavailable(r.Context(), "manage page", err)
		s.bookUnavailable(w, r, data.L)
		return
	}
	data.Notice, data.Problem = v.notice, v.problem
	data.CSRF = s.csrfToken(w, r)
	s.page(w, r, status, "manage", data)
}

// managePageData describes the booking in the client's zone, the policy
// that applies to it now, and lists the free times it could move to, a
// week at a time from the date from (the first week when empty).
func (s *Server) managePageData(ctx context.Context, b booking.Booking, action, from string) (managePage, error) {
	th, _ := s.Config.Therapist(b.TherapistID)
	st, _ := s.Config.SessionType(b.Type)
	loc := calendar.ZoneOr(b.TimeZone, th.Location())
	l := s.clientLang(b.Language)
	p := managePage{
		pageLang: pageLang{l},
		Practice: s.Config.Practice.Name, Therapist: th.Name, Session: l.Configured(st.Name),
		When: l.When(b.Start, b.End, loc), Zone: l.Zone(loc, b.Start),
		Cancelled: b.Status == booking.StatusCancelled, Locked: s.Appointments.LockedByPolicy(b),
		Rule: s.bookingPolicy(l, b, loc), Policy: s.policyIn(l),
		Contact: s.Config.Practice.Contact, Email: s.practiceEmail(),
		BookURL: s.Links.Book(), Style: assetURL("book.css"), Action: action,
	}
	// Paging and cancel links stay on this session of a series.
	q := url.Values{}
	if b.Series != "" {
		p.Occurrence, p.SeriesURL = b.Start.UTC().Format(time.RFC3339), action
		q.Set("occurrence", p.Occurrence)
	}
	link := func(k, v string) string {
		q := maps.Clone(q)
		q.Set(k, v)
		return action + "?" + q.Encode()
	}
	p.CancelURL = link("cancel", "1")
	if p.Cancelled || p.Locked {
		return p, nil
	}
	week, err := s.Appointments.MoveOptionsWeek(ctx, b, from)
	if err != nil {
		return p, err
	}
	p.Days = groupByDay(l, week.Slots, loc, "")
	p.From = week.From.String()
	p.Week = l.T("page.manage.week", "From", dayIn(l, week.From.Midnight(time.UTC)), "To", dayIn(l, week.To.Midnight(time.UTC)))
	if week.Earlier != "" {
		p.Earlier = link("from", week.Earlier)
	}
	if week.Later != "" {
		p.Later = link("from", week.Later)
	}
	return p, nil
}
