package web

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
)

// postBook answers POST /book, the booking form. It books exactly as the
// JSON API does (validate, then book) and answers with pages: the
// confirmation itself (201), the form again with the problem shown next to
// its field (422) or above it (409), or a calm page when nothing could be
// booked (403, 413, 429, 503).
//
// The confirmation is rendered in the answer to the POST rather than
// reached by a redirect: a URL for it would have to name the booking, and
// an unsigned one (/book/done?id=…) would show it to anyone who has the id.
// A reload re-posts the same form, which the store recognises as a repeat
// (same email, type and start) and answers with the same booking.
func (s *Server) postBook(w http.ResponseWriter, r *http.Request) {
	if !s.postedForm(w, r, s.bookFormTexts()) {
		return
	}
	st := bookState{form: formValues(r.PostForm), from: r.PostForm.Get("from"), token: r.PostForm.Get("invite"), l: s.visitorLang(r)}
	st.asked, _ = s.askedLang(r)
	req := st.form.request()
	// The page's language, which the form carries (or any other it
	// names: refused, naming the field), else the browser's.
	req.Language, req.AcceptLanguage = r.PostForm.Get("language"), r.Header.Get("Accept-Language")
	if st.token != "" {
		inv, err := s.Links.VerifyInvite(st.token)
		if err != nil {
			s.inviteInvalid(w, r)
			return
		}
		st.invite = inv
		req.OnlyTypes, req.Invited = append([]string{}, inv.Types...), true
	}
	if st.invite.Standing() {
		s.bookStanding(w, r, st, req)
		return
	}
	b, created, err := s.Appointments.Book(r.Context(), req)
	s.countBooking(created, err)
	if err != nil {
		s.formProblem(w, r, st, err)
		return
	}
	s.page(w, r, http.StatusCreated, "booked", s.bookedPage(b))
}

// formProblem answers a booking that did not happen: the form again for
// what the client can fix, a page for what they cannot.
func (s *Server) formProblem(w http.ResponseWriter, r *http.Request, st bookState, err error) {
	a := s.classified(r.Context(), err)
	l := st.l
	switch {
	case errors.Is(err, appointments.ErrInviteOnly):
		st.errors = map[string]string{"type": l.T("page.field.invite_only")}
		st.problem = l.T("page.book.check_marked")
	case a.Status == http.StatusUnprocessableEntity:
		st.errors = fieldMessages(l, a.Fields)
		st.problem = l.T("page.book.check_marked")
	case errors.As(err, new(*appointments.CapError)):
		st.problem = l.T("page.book.capped", "Count", s.Config.Intake.MaxLivePerEmail)
	case errors.Is(err, appointments.ErrNotFree):
		st.form.Start = ""
		st.problem = l.T("page.book.not_free")
	case a.Status == http.StatusConflict:
		st.form.Start = ""
		st.problem = l.T("page.book.taken")
	case a.Outcome == outcomeUnknown:
		s.errorKey(w, r, l, a.Status, "page.error.uncertain", "BookURL", s.Links.Book())
		return
	case a.Status == http.StatusServiceUnavailable:
		s.bookUnavailable(w, r, l)
		return
	default:
		s.internalErrorPage(w, r, l)
		return
	}
	s.renderBook(w, r, a.Status, st)
}

func formValues(f url.Values) bookForm {
	return bookForm{
		Type: f.Get("type"), Start: f.Get("start"), Name: f.Get("name"), Email: f.Get("email"),
		Notes: f.Get("notes"), Timezone: f.Get("timezone"), PreferredName: f.Get("preferred_name"),
	}
}

// bookedPage is the data of templates/pages/booked.html.
type bookedPage struct {
	pageLang
	Practice, Therapist, Session, When, Email, ManageURL, BookURL string
	// Standing says, for a standing appointment, how many sessions follow.
	Standing string
}

// bookedPage shows the time in the zone the client chose (the therapist's
// when none) and in the booking's language, the way the invite will.
func (s *Server) bookedPage(b booking.Booking) bookedPage {
	th, _ := s.Config.Therapist(b.TherapistID)
	st, _ := s.Config.SessionType(b.Type)
	loc := calendar.ZoneOr(b.TimeZone, th.Location())
	l := s.clientLang(b.Language)
	return bookedPage{
		pageLang: pageLang{l},
		Practice: s.Config.Practice.Name, Therapist: th.Name, Session: l.Configured(st.Name),
		When: l.When(b.Start, b.End, loc), Email: b.Email,
		ManageURL: s.Links.Manage(b.ID), BookURL: s.Links.Book(),
	}
}

// bookStanding books the standing appointment an invite offers, from the
// time the client chose: every session or none.
func (s *Server) bookStanding(w http.ResponseWriter, r *http.Request, st bookState, req appointments.Request) {
	v, err := s.Appointments.Validate(req)
	if err != nil {
		s.formProblem(w, r, st, err)
		return
	}
	sr, occ, err := s.Appointments.CreateSeries(r.Context(), appointments.SeriesRequest{
		Type: v.Type, Start: v.Start.Format(time.RFC3339), Name: v.Name, Email: v.Email, Timezone: v.Timezone, Notes: v.Notes,
		Therapist: s.Config.Therapists[0].ID, EveryWeeks: st.invite.EveryWeeks, Count: st.invite.Count,
		Language: v.Language,
	})
	var conflicts *appointments.ConflictError
	if errors.As(err, &conflicts) {
		st.form.Start = ""
		st.problem = st.l.T("page.book.series_conflicts")
		s.renderBook(w, r, http.StatusConflict, st)
		return
	}
	if err != nil {
		s.formProblem(w, r, st, err)
		return
	}
	p := s.bookedPage(occ[0])
	p.ManageURL = s.Links.Manage(sr.ID)
	last := occ[len(occ)-1].Start.In(calendar.ZoneOr(v.Timezone, s.Config.Therapists[0].Location()))
	p.Standing = p.L.T("page.booked.standing_count", "Count", len(occ), "Last", p.L.Date(last))
	s.page(w, r, http.StatusCreated, "booked", p)
}
