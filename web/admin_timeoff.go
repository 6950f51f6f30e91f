package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/locale"
)

// timeOffChecks are the use cases' words for a time off refusal
// (appointments.Words); each has its sentence in the catalog, the date or
// time given as {{.Value}}.
var timeOffChecks = []struct {
	words appointments.Words
	key   string
}{
	{appointments.WordsNoTherapist, "admin.timeoff.err.therapist"},
	{appointments.WordsNoFirstDay, "admin.timeoff.err.from_missing"},
	{appointments.WordsNotADate, "admin.timeoff.err.date"},
	{appointments.WordsNotATime, "admin.timeoff.err.time"},
	{appointments.WordsLastBefore, "admin.timeoff.err.before"},
	{appointments.WordsTooManyDays, "admin.timeoff.err.too_long"},
	{appointments.WordsDaysPast, "admin.timeoff.err.past_days"},
	{appointments.WordsEndsBefore, "admin.timeoff.err.ends_before"},
	{appointments.WordsTimePast, "admin.timeoff.err.past_time"},
}

// timeOffFieldMessages says each field's problem in l.
func timeOffFieldMessages(l *locale.Localizer, fields map[string]string) map[string]string {
	out := make(map[string]string, len(fields))
	for k, msg := range fields {
		out[k] = msg
		quoted, _ := strconv.QuotedPrefix(msg)
		value, _ := strconv.Unquote(quoted)
		for _, c := range timeOffChecks {
			if c.words.In(msg) {
				out[k] = l.T(c.key, "Value", value, "Max", appointments.MaxTimeOffDays)
				break
			}
		}
	}
	return out
}

// adminTimeOffPath is the time-off page; the form to add one posts to it.
const adminTimeOffPath = "/admin/timeoff"

// againTimeOff ends the message of a form that could not be taken.
const againTimeOff = "admin.again.timeoff"

// adminTimeOffPage is the data of templates/pages/admin_timeoff.html.
type adminTimeOffPage struct {
	pageLang
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
	if !s.postedForm(w, r, adminFormTexts(againTimeOff, "Path", adminTimeOffPath)) {
		return
	}
	l := s.adminLang()
	pf := func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
	f := timeOffForm{Therapist: r.PostForm.Get("therapist"), From: pf("from"), To: pf("to"), FromTime: pf("from_time"), ToTime: pf("to_time")}
	off, id, err := s.Appointments.AddTimeOff(r.Context(), f.request())
	var bad *appointments.InvalidError
	switch {
	case errors.As(err, &bad):
		s.renderTimeOff(w, r, http.StatusUnprocessableEntity, timeOffState{form: f, errors: timeOffFieldMessages(l, bad.Fields),
			problem: l.T("admin.timeoff.check_marked")})
		return
	case errors.Is(err, appointments.ErrTimeOffFull):
		s.renderTimeOff(w, r, http.StatusUnprocessableEntity, timeOffState{form: f, problem: l.T("admin.timeoff.full",
			"Therapist", off.Therapist.Name, "Max", booking.MaxTimeOffEntries)})
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
	if !s.postedForm(w, r, adminFormTexts(againTimeOff, "Path", adminTimeOffPath)) {
		return
	}
	th, ok := s.Config.Therapist(r.PathValue("therapist"))
	if !ok {
		s.errorKey(w, r, s.adminLang(), http.StatusNotFound, "admin.error.no_therapist_timeoff", "Path", adminTimeOffPath)
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
	l := s.adminLang()
	p := adminTimeOffPage{
		pageLang: pageLang{l},
		Practice: s.Config.Practice.Name, Form: st.form, Errors: st.errors, Problem: st.problem,
		Action: adminTimeOffPath, Style: assetURL("admin.css"),
	}
	for _, th := range s.Config.Therapists {
		t, err := s.therapistTimeOff(r.Context(), l, th)
		if err != nil {
			_ = s.unavailable(r.Context(), "admin time off", err)
			s.adminUnavailable(w, r)
			return
		}
		t.Chosen = th.ID == st.form.Therapist
		p.Therapists = append(p.Therapists, t)
	}
	p.Notice = timeOffNotice(l, p.Therapists, st.added, st.removed)
	p.CSRF = s.csrfToken(w, r)
	s.page(w, r, status, "admin_timeoff", p)
}

// timeOffNotice confirms a change after its redirect, but only what is
// true now: an entry said to be added exists, one said to be removed does not.
func timeOffNotice(l *locale.Localizer, therapists []adminTimeOffTherapist, added, removed string) string {
	removedGone := removed != ""
	for _, t := range therapists {
		for _, e := range t.Entries {
			if added != "" && e.ID == added {
				msg := l.T("admin.timeoff.saved", "Days", e.Days)
				if e.Warning != "" {
					msg += " " + e.Warning
				}
				return msg
			}
			removedGone = removedGone && e.ID != removed
		}
	}
	if removedGone {
		return l.T("admin.timeoff.removed")
	}
	return ""
}

// therapistTimeOff lists the configuration's time off, then the entries
// added here, each with the bookings still to come in it.
func (s *Server) therapistTimeOff(ctx context.Context, l *locale.Localizer, th config.Therapist) (adminTimeOffTherapist, error) {
	out := adminTimeOffTherapist{ID: th.ID, Name: th.Name, Zone: l.Zone(zoneOf(th), s.Now())}
	for _, off := range configuredTimeOff(th) {
		e, err := s.timeOffEntry(ctx, l, off)
		if err != nil {
			return out, err
		}
		e.Source = l.T("admin.timeoff.from_config")
		out.Entries = append(out.Entries, e)
	}
	added, err := s.Store.TimeOff(ctx, th.ID)
	if err != nil {
		return out, err
	}
	for _, a := range added {
		e, err := s.timeOffEntry(ctx, l, addedTimeOff(th, a))
		if err != nil {
			return out, err
		}
		e.ID, e.Source = a.ID, l.T("admin.timeoff.added_on", "Day", l.Layout(a.Added.In(zoneOf(th)), "admin.format.day"))
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
func (s *Server) timeOffEntry(ctx context.Context, l *locale.Localizer, off appointments.TimeOff) (adminTimeOffEntry, error) {
	loc := zoneOf(off.Therapist)
	e := adminTimeOffEntry{Days: timeOffLabel(l, off, loc)}
	list, err := s.Appointments.TimeOffBookings(ctx, off)
	if err != nil {
		return e, err
	}
	for _, b := range list {
		row := s.adminRow(l, b, loc)
		row.Time = l.Layout(b.Start.In(loc), "admin.format.short_day") + " " + row.Time
		e.Bookings = append(e.Bookings, row)
	}
	if n := len(e.Bookings); n > 0 {
		e.Warning = l.Plural("admin.timeoff.warning", n, "N", n)
	}
	return e, nil
}

// timeOffLabel writes whole days as "Thursday 24 December 2026 – Saturday
// 26 December 2026" and part of a day as "Tuesday 5 January 2027,
// 13:00–17:00", with a day at each end when it runs over several.
func timeOffLabel(l *locale.Localizer, off appointments.TimeOff, loc *time.Location) string {
	from, to := dayLabel(l, off.Days.From), dayLabel(l, off.Days.To)
	switch {
	case !off.PartDay && off.Days.To == off.Days.From:
		return from
	case !off.PartDay:
		return from + " – " + to
	}
	start, end := l.Time(off.Span.Start.In(loc)), l.Time(off.Span.End.In(loc))
	if off.Span.End.Equal(off.Days.To.AddDays(1).Midnight(loc)) {
		end = "24:00"
	}
	if off.Days.To == off.Days.From {
		return from + ", " + start + "–" + end
	}
	return from + " " + start + " – " + to + " " + end
}
