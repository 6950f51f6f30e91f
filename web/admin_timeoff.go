package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
)

// adminTimeOffPath is the time-off page; the form to add one posts to it.
const adminTimeOffPath = "/admin/timeoff"

// againTimeOff ends the message of a form that could not be taken.
const againTimeOff = "Please open the time off page again and retry: " + adminTimeOffPath

// adminTimeOffPage is the data of templates/pages/admin_timeoff.html.
type adminTimeOffPage struct {
	Practice, Notice, Problem string
	Therapists                []adminTimeOffTherapist
	Form                      timeOffForm
	Errors                    map[string]string // a message per form field
	Action, CSRF, Style       string
}

// adminTimeOffTherapist is one therapist's time off, the configuration's
// first; Chosen selects them in the form.
type adminTimeOffTherapist struct {
	ID, Name, Zone string
	Chosen         bool
	Entries        []adminTimeOffEntry
}

// adminTimeOffEntry is one run of days off, or part of a day. Bookings are
// the live ones still to come in it, which time off does not cancel.
type adminTimeOffEntry struct {
	ID       string // empty for the configuration's
	Days     string // "Thursday 24 December 2026 – Saturday 26 December 2026", "Tuesday 5 January 2027, 13:00–17:00"
	Source   string // "from the configuration file", "added on 20 November 2026"
	Remove   string // where its remove button posts; empty for the configuration's
	Warning  string // "3 bookings fall in this time off: review them."
	Bookings []adminRow
}

// timeOffForm is what the practice typed, given back with the problems.
type timeOffForm struct{ Therapist, From, To, FromTime, ToTime string }

func (f timeOffForm) request() appointments.TimeOffRequest {
	return appointments.TimeOffRequest{Therapist: f.Therapist, From: f.From, To: f.To, FromTime: f.FromTime, ToTime: f.ToTime}
}

// timeOffState is what one rendering of the page depends on; added and
// removed are entry ids from the redirect after a change.
type timeOffState struct {
	form           timeOffForm
	errors         map[string]string
	problem        string
	added, removed string
}

// adminTimeOff answers GET /admin/timeoff.
func (s *Server) adminTimeOff(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.renderTimeOff(w, r, http.StatusOK, timeOffState{added: q.Get("added"), removed: q.Get("removed")})
}

// adminAddTimeOff answers POST /admin/timeoff: the days, or the hours of
// a day, are closed to new bookings at once; bookings already made in
// them stay, and the page lists them for review.
func (s *Server) adminAddTimeOff(w http.ResponseWriter, r *http.Request) {
	if !s.postedForm(w, r, adminFormTexts(againTimeOff)) {
		return
	}
	pf := func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
	f := timeOffForm{Therapist: r.PostForm.Get("therapist"), From: pf("from"), To: pf("to"), FromTime: pf("from_time"), ToTime: pf("to_time")}
	off, id, err := s.Appointments.AddTimeOff(r.Context(), f.request())
	var bad *appointments.InvalidError
	switch {
	case errors.As(err, &bad):
		s.renderTimeOff(w, r, http.StatusUnprocessableEntity, timeOffState{form: f, errors: bad.Fields,
			problem: "Nothing was saved: please check what is marked below."})
		return
	case errors.Is(err, appointments.ErrTimeOffFull):
		s.renderTimeOff(w, r, http.StatusUnprocessableEntity, timeOffState{form: f, problem: fmt.Sprintf(
			"Nothing was saved: %s has %d entries of time off, the most there can be. Please remove past ones first.",
			off.Therapist.Name, booking.MaxTimeOffEntries)})
		return
	case err != nil:
		s.classified(r.Context(), err)
		s.adminUnavailable(w, r)
		return
	}
	http.Redirect(w, r, adminTimeOffPath+"?added="+url.QueryEscape(id), http.StatusSeeOther)
}

// adminRemoveTimeOff answers POST /admin/timeoff/{therapist}/{id}/remove.
// An entry already gone (removed in another tab) ends the same way.
func (s *Server) adminRemoveTimeOff(w http.ResponseWriter, r *http.Request) {
	if !s.postedForm(w, r, adminFormTexts(againTimeOff)) {
		return
	}
	th, ok := s.Config.Therapist(r.PathValue("therapist"))
	if !ok {
		s.errorPage(w, r, http.StatusNotFound, "There is no such therapist",
			"No therapist in the configuration has this id. The time off is listed at "+adminTimeOffPath+".")
		return
	}
	id := r.PathValue("id")
	if err := s.Appointments.RemoveTimeOff(r.Context(), th.ID, id); err != nil && !errors.Is(err, appointments.ErrNotFound) {
		s.classified(r.Context(), err)
		s.adminUnavailable(w, r)
		return
	}
	http.Redirect(w, r, adminTimeOffPath+"?removed="+url.QueryEscape(id), http.StatusSeeOther)
}

// renderTimeOff lists every therapist's time off with a fresh CSRF token.
func (s *Server) renderTimeOff(w http.ResponseWriter, r *http.Request, status int, st timeOffState) {
	p := adminTimeOffPage{
		Practice: s.Config.Practice.Name, Form: st.form, Errors: st.errors, Problem: st.problem,
		Action: adminTimeOffPath, Style: assetURL("admin.css"),
	}
	for _, th := range s.Config.Therapists {
		t, err := s.therapistTimeOff(r.Context(), th)
		if err != nil {
			_ = s.unavailable(r.Context(), "admin time off", err)
			s.adminUnavailable(w, r)
			return
		}
		t.Chosen = th.ID == st.form.Therapist
		p.Therapists = append(p.Therapists, t)
	}
	p.Notice = timeOffNotice(p.Therapists, st.added, st.removed)
	p.CSRF = s.csrfToken(w, r)
	s.page(w, r, status, "admin_timeoff", p)
}

// timeOffNotice confirms a change after its redirect, but only what is
// true now: an entry said to be added exists, one said to be removed does not.
func timeOffNotice(therapists []adminTimeOffTherapist, added, removed string) string {
	removedGone := removed != ""
	for _, t := range therapists {
		for _, e := range t.Entries {
			if added != "" && e.ID == added {
				msg := "The time off is saved: clients cannot book " + e.Days + "."
				if e.Warning != "" {
					msg += " " + e.Warning
				}
				return msg
			}
			removedGone = removedGone && e.ID != removed
		}
	}
	if removedGone {
		return "The time off is removed: clients can book those days again, unless other time off covers them."
	}
	return ""
}

// therapistTimeOff lists the configuration's time off, then the entries
// added here, each with the bookings still to come in it.
func (s *Server) therapistTimeOff(ctx context.Context, th config.Therapist) (adminTimeOffTherapist, error) {
	out := adminTimeOffTherapist{ID: th.ID, Name: th.Name, Zone: calendar.ZoneName(zoneOf(th), s.Now())}
	for _, off := range configuredTimeOff(th) {
		e, err := s.timeOffEntry(ctx, off)
		if err != nil {
			return out, err
		}
		e.Source = "from the configuration file"
		out.Entries = append(out.Entries, e)
	}
	added, err := s.Store.TimeOff(ctx, th.ID)
	if err != nil {
		return out, err
	}
	for _, a := range added {
		e, err := s.timeOffEntry(ctx, addedTimeOff(th, a))
		if err != nil {
			return out, err
		}
		e.ID, e.Source = a.ID, "added on "+a.Added.In(zoneOf(th)).Format("2 January 2006")
		e.Remove = adminTimeOffPath + "/" + url.PathEscape(th.ID) + "/" + a.ID + "/remove"
		out.Entries = append(out.Entries, e)
	}
	return out, nil
}

// configuredTimeOff is the configuration's time off of th: whole days,
// then part days.
func configuredTimeOff(th config.Therapist) []appointments.TimeOff {
	sched := th.Schedule()
	out := make([]appointments.TimeOff, 0, len(sched.TimeOff)+len(sched.TimeOffSpans))
	for _, days := range sched.TimeOff {
		out = append(out, appointments.TimeOff{Therapist: th, Days: days})
	}
	for _, span := range sched.TimeOffSpans {
		loc := zoneOf(th)
		out = append(out, appointments.TimeOff{Therapist: th, PartDay: true, Span: span, Days: calendar.DateRange{
			From: calendar.DateOf(span.Start.In(loc)), To: calendar.DateOf(span.End.Add(-time.Millisecond).In(loc))}})
	}
	return out
}

// addedTimeOff is an entry added at run time, as the use cases see it.
func addedTimeOff(th config.Therapist, e booking.TimeOffEntry) appointments.TimeOff {
	span, partDay := e.Span()
	return appointments.TimeOff{Therapist: th, Days: e.Range(), PartDay: partDay, Span: span}
}

// timeOffEntry describes the time off and finds the live bookings still
// to come in it.
func (s *Server) timeOffEntry(ctx context.Context, off appointments.TimeOff) (adminTimeOffEntry, error) {
	loc := zoneOf(off.Therapist)
	e := adminTimeOffEntry{Days: timeOffLabel(off, loc)}
	list, err := s.Appointments.TimeOffBookings(ctx, off)
	if err != nil {
		return e, err
	}
	for _, b := range list {
		row := s.adminRow(b, loc)
		row.Time = b.Start.In(loc).Format("Mon 2 Jan ") + row.Time
		e.Bookings = append(e.Bookings, row)
	}
	switch n := len(e.Bookings); n {
	case 0:
	case 1:
		e.Warning = "1 booking falls in this time off: review it."
	default:
		e.Warning = fmt.Sprintf("%d bookings fall in this time off: review them.", n)
	}
	return e, nil
}

// timeOffLabel writes whole days as "Thursday 24 December 2026 – Saturday
// 26 December 2026" and part of a day as "Tuesday 5 January 2027,
// 13:00–17:00", with a day at each end when it runs over several.
func timeOffLabel(off appointments.TimeOff, loc *time.Location) string {
	from, to := dayLabel(off.Days.From, dayLayout), dayLabel(off.Days.To, dayLayout)
	switch {
	case !off.PartDay && off.Days.To == off.Days.From:
		return from
	case !off.PartDay:
		return from + " – " + to
	}
	start, end := off.Span.Start.In(loc).Format("15:04"), off.Span.End.In(loc).Format("15:04")
	if off.Span.End.Equal(off.Days.To.AddDays(1).Midnight(loc)) {
		end = "24:00"
	}
	if off.Days.To == off.Days.From {
		return from + ", " + start + "–" + end
	}
	return from + " " + start + " – " + to + " " + end
}
