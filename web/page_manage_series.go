package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/locale"
)

// recurrence says how a series repeats at the practice's clock, in l:
// "Every week, Mondays at 14:00 (Eastern Time)".
func recurrence(l *locale.Localizer, everyWeeks int, first time.Time, practice *time.Location) string {
	at := first.In(practice)
	return l.T("page.series.recurrence", "Every", l.Every(everyWeeks),
		"Weekdays", l.Weekdays(at.Weekday()), "Time", l.Time(at), "Zone", l.Zone(practice, first))
}

// seriesManagePage is the data of templates/pages/manage_series.html.
type seriesManagePage struct {
	pageLang
	Practice, Therapist, Session, Zone, Recurrence string
	Notice, Problem                                string
	Occurrences                                    []occurrenceRow
	AnyLeft, Locked                                bool
	Policy, Contact, Email, BookURL                string
	// Action is the series' manage page; CancelURL asks once more before
	// cancelling every session still to come.
	Action, CancelURL, Style string
}

// occurrenceRow is one session of a series on its manage page.
type occurrenceRow struct {
	When, State, Value, ChangeURL string
	Cancelled                     bool
}

// renderSeriesManage shows a series with its sessions in the client's zone.
func (s *Server) renderSeriesManage(w http.ResponseWriter, r *http.Request, status int, m managed, notice, problem string) {
	sr := *m.series
	th, _ := s.Config.Therapist(sr.TherapistID)
	st, _ := s.Config.SessionType(sr.Type)
	loc := calendar.ZoneOr(sr.TimeZone, th.Location())
	l := m.lang(s)
	p := seriesManagePage{
		pageLang: pageLang{l},
		Practice: s.Config.Practice.Name, Therapist: th.Name, Session: st.Name, Zone: l.Zone(loc, sr.First),
		// The series keeps the practice's clock: say its time in its zone.
		Recurrence: recurrence(l, sr.EveryWeeks, sr.First, th.Location()),
		Notice:     notice, Problem: problem, Policy: s.policyIn(l), BookURL: s.Links.Book(),
		Action: "/m/" + r.PathValue("token"), Style: assetURL("book.css"),
	}
	p.CancelURL = p.Action + "?cancel=all"
	p.Contact, p.Email = s.Config.Practice.Contact, s.practiceEmail()
	now := s.Now()
	for _, b := range m.occ {
		row := occurrenceRow{When: l.When(b.Start, b.End, loc), Value: b.Start.UTC().Format(time.RFC3339), State: l.T("page.series.booked")}
		switch {
		case b.Status == booking.StatusCancelled:
			row.State, row.Cancelled = l.T("page.series.cancelled"), true
		case !b.Start.After(now):
			row.State = l.T("page.series.past")
		case s.Appointments.LockedByPolicy(b):
			p.Locked, p.AnyLeft = true, true
		default:
			p.AnyLeft = true
			row.ChangeURL = p.Action + "?occurrence=" + url.QueryEscape(row.Value)
		}
		p.Occurrences = append(p.Occurrences, row)
	}
	s.page(w, r, status, "manage_series", p)
}

// postSeriesCancel answers the confirmed cancel of every session of a
// series still to come, with the client's optional reason.
func (s *Server) postSeriesCancel(w http.ResponseWriter, r *http.Request, m managed, f cancelForm) {
	ctx := r.Context()
	l := m.lang(s)
	_, _, err := s.Appointments.CancelSeries(ctx, m.series.ID, false, f.reason)
	if f.problem = reasonProblem(l, err); f.problem != "" {
		s.confirmSeriesCancel(w, r, http.StatusUnprocessableEntity, m, f)
		return
	}
	notice := l.T("page.series.cancelled_notice")
	if err != nil {
		a, problem := s.pageProblem(ctx, l, err)
		if a.Status >= 500 {
			s.bookUnavailable(w, r, l)
			return
		}
		s.renderSeriesManage(w, r, a.Status, m, "", problem)
		return
	}
	sr, occ, err := s.Appointments.Series(ctx, m.series.ID)
	if err != nil {
		s.classified(ctx, err)
		s.bookUnavailable(w, r, l)
		return
	}
	s.renderSeriesManage(w, r, http.StatusOK, managed{series: &sr, occ: occ}, notice, "")
}

// occurrenceOf finds the occurrence of a series that a form or link names
// by its start.
func (s *Server) occurrenceOf(m managed, start string) (booking.Booking, error) {
	at, err := parseStart("occurrence", start)
	if err != nil {
		return booking.Booking{}, err
	}
	return s.Appointments.Occurrence(m.occ, at)
}

// manageOccurrence shows one session of a series as a booking of its own,
// with its forms to move or cancel it (?cancel asks once more first).
func (s *Server) manageOccurrence(w http.ResponseWriter, r *http.Request, m managed, start string) {
	b, err := s.occurrenceOf(m, start)
	if err != nil {
		_, problem := s.pageProblem(r.Context(), m.lang(s), err)
		s.renderSeriesManage(w, r, http.StatusConflict, m, "", problem)
		return
	}
	if r.URL.Query().Get("cancel") != "" {
		s.confirmCancel(w, r, http.StatusOK, b, cancelForm{})
		return
	}
	s.renderManage(w, r, http.StatusOK, b, manageView{from: r.URL.Query().Get("from")})
}
