package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/jobs"
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
	st := bookState{form: formValues(r.PostForm), from: r.PostForm.Get("from"), token: r.PostForm.Get("invite")}
	req := st.form.request()
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
	switch {
	case a.Status == http.StatusUnprocessableEntity:
		st.errors = fieldMessages(a.Fields)
		st.problem = "Nothing was booked yet: please check what is marked below."
	case errors.As(err, new(*appointments.CapError)):
		st.problem = fmt.Sprintf("You already have %d upcoming appointments with us, so nothing more was booked. "+
			"You can move or cancel them from the links in your emails, or contact the practice.", s.Config.Intake.MaxLivePerEmail)
	case errors.Is(err, appointments.ErrNotFree):
		st.form.Start = ""
		st.problem = "That time is no longer available. Nothing was booked for you: please choose another time."
	case a.Status == http.StatusConflict:
		st.form.Start = ""
		st.problem = "Someone has just booked that time. Nothing was booked for you: please choose another time."
	case a.Outcome == outcomeUnknown:
		s.errorPage(w, r, a.Status, "We could not confirm your booking",
			"Something went wrong while we held your time. If it went through, a confirmation email reaches you within a few minutes. "+
				"If none comes, please book again: sending the form again never books twice. "+s.Links.Book())
		return
	case a.Status == http.StatusServiceUnavailable:
		s.bookUnavailable(w, r)
		return
	default:
		s.internalErrorPage(w, r)
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

// fieldLabels name each field in a message shown next to it.
var fieldLabels = map[string]string{
	"name": "Your name", "email": "The email address", "notes": "The note", "start": "The time",
	"type": "The session type", "timezone": "The time zone", "preferred_name": "The name you go by",
	"reason": "The reason",
}

// requiredMessages replace "is required", which reads coldly on a form.
var requiredMessages = map[string]string{
	"name": "Please enter your name.", "email": "Please enter your email address.",
	"start": "Please choose a time.", "type": "Please choose a kind of session.",
}

// fieldMessages turns validate's terse messages ("is required") into
// sentences. Messages that are already sentences (why a start cannot be
// booked) are kept, with a capital letter.
func fieldMessages(fields map[string]string) map[string]string {
	out := make(map[string]string, len(fields))
	for k, msg := range fields {
		switch {
		case msg == "":
			out[k] = ""
		case msg == "is required" && requiredMessages[k] != "":
			out[k] = requiredMessages[k]
		case strings.HasPrefix(msg, "is ") || strings.HasPrefix(msg, "contains "):
			label := fieldLabels[k]
			if label == "" {
				label = "This"
			}
			out[k] = label + " " + msg + "."
		default:
			out[k] = strings.ToUpper(msg[:1]) + msg[1:] + "."
		}
	}
	return out
}

// bookedPage is the data of templates/pages/booked.html.
type bookedPage struct {
	Practice, Therapist, Session, When, Email, ManageURL, BookURL string
	// Standing says, for a standing appointment, how many sessions follow.
	Standing string
}

// bookedPage shows the time in the zone the client chose (the therapist's
// when none), the way the invite will.
func (s *Server) bookedPage(b booking.Booking) bookedPage {
	th, _ := s.Config.Therapist(b.TherapistID)
	st, _ := s.Config.SessionType(b.Type)
	loc := calendar.ZoneOr(b.TimeZone, th.Location())
	return bookedPage{
		Practice: s.Config.Practice.Name, Therapist: th.Name, Session: st.Name,
		When: jobs.FormatWhen(b.Start, b.End, loc), Email: b.Email,
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
	})
	var conflicts *appointments.ConflictError
	if errors.As(err, &conflicts) {
		st.form.Start = ""
		st.problem = "Some of those weeks are not free at that time, so nothing was booked: please choose another time."
		s.renderBook(w, r, http.StatusConflict, st)
		return
	}
	if err != nil {
		s.formProblem(w, r, st, err)
		return
	}
	p := s.bookedPage(occ[0])
	p.ManageURL = s.Links.Manage(sr.ID)
	p.Standing = fmt.Sprintf("%d sessions, the last on %s", len(occ), occ[len(occ)-1].Start.In(calendar.ZoneOr(v.Timezone, s.Config.Therapists[0].Location())).Format("Monday 2 January 2006"))
	s.page(w, r, http.StatusCreated, "booked", p)
}
