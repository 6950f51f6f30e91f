package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

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

// adminTimeOffEntry is one run of days off. Bookings are the live ones
// still to come on those days, which time off does not cancel.
type adminTimeOffEntry struct {
	ID       string // empty for the configuration's
	Days     string // "Thursday 24 December 2026 – Saturday 26 December 2026"
	Source   string // "from the configuration file", "added on 20 November 2026"
	Remove   string // where its remove button posts; empty for the configuration's
	Warning  string // "3 bookings fall in this time off: review them."
	Bookings []adminRow
}

// timeOffForm is what the practice typed, given back with the problems.
type timeOffForm struct{ Therapist, From, To string }

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

// adminAddTimeOff answers POST /admin/timeoff: the days are closed to new
// bookings at once; bookings already made on them stay, and the page lists
// them for review.
func (s *Server) adminAddTimeOff(w http.ResponseWriter, r *http.Request) {
	if !s.postedForm(w, r, adminFormTexts(againTimeOff)) {
		return
	}
	f := timeOffForm{
		Therapist: r.PostForm.Get("therapist"),
		From:      strings.TrimSpace(r.PostForm.Get("from")), To: strings.TrimSpace(r.PostForm.Get("to")),
	}
	th, days, fields := s.checkTimeOff(f)
	if len(fields) > 0 {
		s.renderTimeOff(w, r, http.StatusUnprocessableEntity, timeOffState{form: f, errors: fields,
			problem: "Nothing was saved: please check what is marked below."})
		return
	}
	id, err := s.Store.AddTimeOff(r.Context(), th.ID, days.From, days.To)
	switch {
	case errors.Is(err, booking.ErrTimeOffFull):
		s.renderTimeOff(w, r, http.StatusUnprocessableEntity, timeOffState{form: f, problem: fmt.Sprintf(
			"Nothing was saved: %s has %d entries of time off, the most there can be. Please remove past ones first.",
			th.Name, booking.MaxTimeOffEntries)})
		return
	case err != nil:
		_ = s.unavailable(r.Context(), "add time off", err)
		s.adminUnavailable(w, r)
		return
	}
	s.Logger.InfoContext(r.Context(), "time off added from the admin area", "therapist", th.ID, "time_off", id)
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
	switch err := s.Store.RemoveTimeOff(r.Context(), th.ID, id); {
	case err == nil:
		s.Logger.InfoContext(r.Context(), "time off removed from the admin area", "therapist", th.ID, "time_off", id)
	case !errors.Is(err, booking.ErrTimeOffNotFound):
		_ = s.unavailable(r.Context(), "remove time off", err)
		s.adminUnavailable(w, r)
		return
	}
	http.Redirect(w, r, adminTimeOffPath+"?removed="+url.QueryEscape(id), http.StatusSeeOther)
}

// checkTimeOff reads the form: a configured therapist and one to
// maxTimeOffDays days, not wholly past. An empty last day means one day.
func (s *Server) checkTimeOff(f timeOffForm) (config.Therapist, calendar.DateRange, map[string]string) {
	fields := map[string]string{}
	th, known := s.Config.Therapist(f.Therapist)
	if !known {
		fields["therapist"] = "Please choose a therapist."
	}
	var days calendar.DateRange
	var err error
	if days.From, err = calendar.ParseDate(f.From); err != nil {
		fields["from"] = dateProblem(f.From, "Please give the first day off.")
	}
	days.To = days.From
	if f.To != "" {
		if days.To, err = calendar.ParseDate(f.To); err != nil {
			fields["to"] = dateProblem(f.To, "")
		}
	}
	if fields["from"] != "" || fields["to"] != "" {
		return th, days, fields
	}
	switch {
	case days.To.Compare(days.From) < 0:
		fields["to"] = "The last day is before the first."
	case daysBetween(days.From, days.To) >= maxTimeOffDays:
		fields["to"] = fmt.Sprintf("Time off lasts %d days at most: add a longer absence in parts.", maxTimeOffDays)
	case known && days.To.Compare(calendar.DateOf(s.Now().In(zoneOf(th)))) < 0:
		fields["to"] = "The last day has passed: time off is for days to come."
	}
	return th, days, fields
}

// maxTimeOffDays bounds one entry, so a mistyped year cannot close the
// practice for a decade; a longer absence is added in parts.
const maxTimeOffDays = 366

func dateProblem(given, ifEmpty string) string {
	if given == "" && ifEmpty != "" {
		return ifEmpty
	}
	return fmt.Sprintf("%q is not a date: please write it as YYYY-MM-DD, for example 2026-12-24.", given)
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
// added here, each with the bookings still to come on its days.
func (s *Server) therapistTimeOff(ctx context.Context, th config.Therapist) (adminTimeOffTherapist, error) {
	out := adminTimeOffTherapist{ID: th.ID, Name: th.Name, Zone: calendar.ZoneName(zoneOf(th), s.Now())}
	for _, days := range th.Schedule().TimeOff {
		e, err := s.timeOffEntry(ctx, th, days)
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
		e, err := s.timeOffEntry(ctx, th, a.Range())
		if err != nil {
			return out, err
		}
		e.ID, e.Source = a.ID, "added on "+a.Added.In(zoneOf(th)).Format("2 January 2006")
		e.Remove = adminTimeOffPath + "/" + url.PathEscape(th.ID) + "/" + a.ID + "/remove"
		out.Entries = append(out.Entries, e)
	}
	return out, nil
}

// timeOffEntry describes the days and finds the live bookings that start
// on them from now on.
func (s *Server) timeOffEntry(ctx context.Context, th config.Therapist, days calendar.DateRange) (adminTimeOffEntry, error) {
	loc := zoneOf(th)
	e := adminTimeOffEntry{Days: dayLabel(days.From, dayLayout)}
	if days.To != days.From {
		e.Days += " – " + dayLabel(days.To, dayLayout)
	}
	from, to := days.From.Midnight(loc), days.To.AddDays(1).Midnight(loc)
	if now := s.Now(); from.Before(now) {
		from = now
	}
	if !from.Before(to) {
		return e, nil // wholly past: nothing left to review
	}
	list, err := s.Store.List(ctx, th.ID, from, to)
	if err != nil {
		return e, err
	}
	for _, b := range list {
		if b.Status.Live() {
			row := s.adminRow(b, loc)
			row.Time = b.Start.In(loc).Format("Mon 2 Jan ") + row.Time
			e.Bookings = append(e.Bookings, row)
		}
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
