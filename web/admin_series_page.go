package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/locale"
)

// adminSeriesPath is the page that books a standing appointment; its form
// posts to it.
const adminSeriesPath = "/admin/series"

// adminSeriesPage is the data of templates/pages/admin_series.html.
type adminSeriesPage struct {
	pageLang
	Practice, Problem   string
	Conflicts           []string
	Therapists, Types   []adminChoice
	Zones               []zoneChoice
	Form                seriesForm
	Errors              map[string]string
	Action, CSRF, Style string
}

type adminChoice struct {
	Value, Label string
	Chosen       bool
}

// seriesForm is what the practice typed, given back with the problems.
type seriesForm struct {
	Therapist, Type, Date, Time, Every, Count, Name, Email, Timezone string
	Skip                                                             bool
}

// adminSeries answers GET /admin/series.
func (s *Server) adminSeries(w http.ResponseWriter, r *http.Request) {
	s.renderSeriesForm(w, r, http.StatusOK, seriesForm{Every: "1", Count: "10"}, nil, "", nil)
}

// adminBookSeries answers POST /admin/series: the series is booked whole
// (or without the weeks that are not free, when asked), then the page of
// its first session opens.
func (s *Server) adminBookSeries(w http.ResponseWriter, r *http.Request) {
	if !s.postedForm(w, r, adminFormTexts("admin.again.series", "Path", adminSeriesPath)) {
		return
	}
	f := r.PostForm
	form := seriesForm{Therapist: f.Get("therapist"), Type: f.Get("type"), Date: f.Get("date"), Time: f.Get("time"),
		Every: f.Get("every_weeks"), Count: f.Get("count"), Name: f.Get("name"), Email: f.Get("email"),
		Timezone: f.Get("timezone"), Skip: f.Get("skip_conflicts") != ""}
	l := s.adminLang()
	start, startErr := s.seriesStart(l, form)
	every, _ := strconv.Atoi(form.Every)
	count, _ := strconv.Atoi(form.Count)
	if startErr != "" {
		s.renderSeriesForm(w, r, http.StatusUnprocessableEntity, form, map[string]string{"start": startErr}, "", nil)
		return
	}
	_, occ, err := s.Appointments.CreateSeries(r.Context(), appointments.SeriesRequest{
		Type: form.Type, Start: start, Name: form.Name, Email: form.Email, Therapist: form.Therapist,
		Timezone: form.Timezone, EveryWeeks: every, Count: count, SkipConflicts: form.Skip,
	})
	if err != nil {
		a := s.classified(r.Context(), err)
		switch {
		case a.Status == http.StatusUnprocessableEntity:
			s.renderSeriesForm(w, r, a.Status, form, seriesFieldMessages(l, a.Fields), l.T("admin.series.check_marked"), nil)
		case len(a.Conflicts) > 0:
			s.renderSeriesForm(w, r, a.Status, form, nil, l.T("admin.series.conflicts"), s.conflictDays(l, form.Therapist, a.Conflicts))
		default:
			s.adminUnavailable(w, r)
		}
		return
	}
	http.Redirect(w, r, s.Links.AdminPath(occ[0].ID), http.StatusSeeOther)
}

// seriesStart reads the first session's date and time in the therapist's
// zone as an RFC 3339 instant, or says what is wrong.
func (s *Server) seriesStart(l *locale.Localizer, f seriesForm) (string, string) {
	th, ok := s.Config.Therapist(f.Therapist)
	if !ok {
		th = s.Config.Therapists[0]
	}
	d, err := calendar.ParseDate(f.Date)
	if err != nil {
		return "", l.T("admin.series.date_missing")
	}
	t, err := time.Parse("15:04", f.Time)
	if err != nil {
		return "", l.T("admin.series.time_format")
	}
	local := time.Date(d.Year, d.Month, d.Day, t.Hour(), t.Minute(), 0, 0, th.Location())
	return local.UTC().Format(time.RFC3339), ""
}

// conflictDays writes the conflicting starts in the therapist's zone.
func (s *Server) conflictDays(l *locale.Localizer, therapistID string, starts []string) []string {
	th, ok := s.Config.Therapist(therapistID)
	if !ok {
		th = s.Config.Therapists[0]
	}
	out := make([]string, 0, len(starts))
	for _, v := range starts {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			at := t.In(th.Location())
			out = append(out, l.T("admin.format.when", "Date", l.Date(at), "Time", l.Time(at)))
		}
	}
	return out
}

func (s *Server) renderSeriesForm(w http.ResponseWriter, r *http.Request, status int, form seriesForm, errs map[string]string, problem string, conflicts []string) {
	l := s.adminLang()
	p := adminSeriesPage{
		pageLang: pageLang{l},
		Practice: s.Config.Practice.Name, Problem: problem, Conflicts: conflicts, Form: form, Errors: errs,
		Action: adminSeriesPath, CSRF: s.csrfToken(w, r), Style: assetURL("admin.css"),
	}
	for i, th := range s.Config.Therapists {
		p.Therapists = append(p.Therapists, adminChoice{th.ID, th.Name, th.ID == form.Therapist || form.Therapist == "" && i == 0})
	}
	for i, st := range s.Config.SessionTypes {
		label := st.Name + ", " + l.T("page.minutes", "N", int(st.Duration.Minutes()))
		p.Types = append(p.Types, adminChoice{st.ID, label, st.ID == form.Type || form.Type == "" && i == len(s.Config.SessionTypes)-1})
	}
	p.Zones = zoneChoices(l, s.practiceZone(), form.Timezone, s.Now())
	s.page(w, r, status, "admin_series", p)
}

// seriesFieldMessages says each field's problem in l: the text checks
// by their kind and field, the series' own rules in their words.
func seriesFieldMessages(l *locale.Localizer, fields map[string]string) map[string]string {
	out := make(map[string]string, len(fields))
	for k, v := range fields {
		switch {
		case k == "count":
			out[k] = l.T("admin.series.count_range")
		case k == "every_weeks":
			out[k] = l.T("admin.series.every_range")
		case k == "therapist" && strings.HasPrefix(v, "is required"):
			out[k] = l.T("admin.series.therapist_required")
		case k == "start":
			out[k] = fieldMessage(l, k, v)
		default:
			out[k] = fieldMessage(l, "series_"+k, v)
		}
	}
	return out
}
