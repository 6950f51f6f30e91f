package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/jobs"
)

// seriesManagePage is the data of templates/pages/manage_series.html.
type seriesManagePage struct {
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
	every := jobs.Every(sr.EveryWeeks)
	p := seriesManagePage{
		Practice: s.Config.Practice.Name, Therapist: th.Name, Session: st.Name, Zone: calendar.ZoneName(loc, sr.First),
		// The series keeps the practice's clock: say its time in its zone.
		Recurrence: every + ", " + sr.First.In(th.Location()).Format("Mondays at 15:04") + " (" + calendar.ZoneName(th.Location(), sr.First) + ")",
		Notice:     notice, Problem: problem, Policy: s.Config.Cancellation.Policy, BookURL: s.Links.Book(),
		Action: "/m/" + r.PathValue("token"), Style: assetURL("book.css"),
	}
	p.CancelURL = p.Action + "?cancel=all"
	p.Contact, p.Email = s.Config.Practice.Contact, s.practiceEmail()
	now := s.Now()
	for _, b := range m.occ {
		row := occurrenceRow{When: jobs.FormatWhen(b.Start, b.End, loc), Value: b.Start.UTC().Format(time.RFC3339), State: "booked"}
		switch {
		case b.Status == booking.StatusCancelled:
			row.State, row.Cancelled = "cancelled", true
		case !b.Start.After(now):
			row.State = "past"
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
	_, _, err := s.Appointments.CancelSeries(ctx, m.series.ID, false, f.reason)
	if f.problem = reasonProblem(err); f.problem != "" {
		s.confirmSeriesCancel(w, r, http.StatusUnprocessableEntity, m, f)
		return
	}
	notice := "Every session still to come is cancelled. A cancellation is on its way to your email and removes the series from your calendar."
	if err != nil {
		a := s.classified(ctx, err)
		if a.Status >= 500 {
			s.bookUnavailable(w, r)
			return
		}
		s.renderSeriesManage(w, r, a.Status, m, "", sentence(a.Msg))
		return
	}
	sr, occ, err := s.Appointments.Series(ctx, m.series.ID)
	if err != nil {
		s.classified(ctx, err)
		s.bookUnavailable(w, r)
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
		s.renderSeriesManage(w, r, http.StatusConflict, m, "", sentence(s.classified(r.Context(), err).Msg))
		return
	}
	if r.URL.Query().Get("cancel") != "" {
		s.confirmCancel(w, r, http.StatusOK, b, cancelForm{})
		return
	}
	s.renderManage(w, r, http.StatusOK, b, manageView{from: r.URL.Query().Get("from")})
}
