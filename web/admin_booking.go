package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/jobs"
)

// adminBookingPage is the data of templates/pages/admin_booking.html. It
// is the one page that shows the client's note.
type adminBookingPage struct {
	Practice, Notice             string
	ID, Therapist, Session       string
	When, ClientWhen             string // in the therapist's zone; in the client's when it differs
	Name, Email, TimeZone, Notes string
	Status, Flag                 string
	Seq                          int
	Created, Updated             string
	Live, Locked                 bool
	DayURL, Action, CSRF, Style  string
	// Series lists the sessions of the standing appointment the booking
	// belongs to (none for a single booking).
	Series     []seriesLine
	Recurrence string
	Skipped    []string
	// Moves are the free times the practice may move the booking to, and
	// MoveAction the form's target; MaxMessage bounds the message boxes.
	Moves      []moveChoice
	MoveAction string
	MaxMessage int
}

// seriesLine is one session of a series on a booking's admin page.
type seriesLine struct {
	When, Status, URL string
	Current           bool
}

// timestampLayout shows when a record changed, to the second.
const timestampLayout = "2006-01-02 15:04:05 MST"

// adminCancelledNotice follows the redirect after a cancel (?done=cancelled).
const adminCancelledNotice = "The booking is cancelled and its time is free again. The client is sent a cancellation that takes it off their calendar, and the therapist a notice."

// adminBooking answers GET /admin/bookings/{id}.
func (s *Server) adminBooking(w http.ResponseWriter, r *http.Request) {
	b, ok := s.adminTarget(w, r)
	if !ok {
		return
	}
	p := s.adminBookingData(b)
	if b.Series != "" {
		if err := s.addSeries(r, &p, b); err != nil {
			s.classified(r.Context(), err) // logs the cause
			s.adminUnavailable(w, r)
			return
		}
	}
	// Shown only when true, so a hand-made URL cannot claim a live
	// booking was cancelled.
	if r.URL.Query().Get("done") == "cancelled" && !p.Live {
		p.Notice = adminCancelledNotice
	}
	if r.URL.Query().Get("done") == "moved" && p.Live {
		p.Notice = adminMovedNotice
	}
	if p.Live {
		p.Action = s.Links.AdminPath(b.ID) + "/cancel"
		p.CSRF = s.csrfToken(w, r)
		if err := s.addMoveChoices(r, &p, b); err != nil {
			s.classified(r.Context(), err) // logs the cause
			s.adminUnavailable(w, r)
			return
		}
	}
	s.page(w, r, http.StatusOK, "admin_booking", p)
}

// adminCancel answers POST /admin/bookings/{id}/cancel: the practice
// cancels, late or not, with its optional message to the client; the
// client is told the practice cancelled, and offered new times.
func (s *Server) adminCancel(w http.ResponseWriter, r *http.Request) {
	if !s.postedForm(w, r, adminFormTexts("Please open the booking again and retry.")) {
		return
	}
	b, ok := s.adminTarget(w, r)
	if !ok {
		return
	}
	c, err := s.Appointments.CancelByPractice(r.Context(), b, r.PostForm.Get("message"))
	if err != nil {
		s.adminChangeProblem(w, r, err)
		return
	}
	if b.Status.Live() && !c.Status.Live() {
		s.Logger.InfoContext(r.Context(), "booking cancelled from the admin area", "booking", c.ID)
	}
	http.Redirect(w, r, s.Links.AdminPath(c.ID)+"?done=cancelled", http.StatusSeeOther)
}

// adminTarget reads the booking named in the path or answers with a page.
func (s *Server) adminTarget(w http.ResponseWriter, r *http.Request) (booking.Booking, bool) {
	b, err := s.Appointments.Get(r.Context(), r.PathValue("id"))
	switch {
	case err == nil:
		return b, true
	case errors.Is(err, appointments.ErrNotFound):
		s.errorPage(w, r, http.StatusNotFound, "There is no such booking",
			"No booking has this id. The list of bookings is at /admin/.")
	default:
		s.classified(r.Context(), err) // logs the cause
		s.adminUnavailable(w, r)
	}
	return b, false
}

// adminBookingData describes everything known of the booking, times in
// the therapist's zone (and the client's, when it differs).
func (s *Server) adminBookingData(b booking.Booking) adminBookingPage {
	th, ok := s.Config.Therapist(b.TherapistID)
	name := th.Name
	if !ok || name == "" {
		name = b.TherapistID
	}
	loc := zoneOf(th)
	p := adminBookingPage{
		Practice: s.Config.Practice.Name,
		ID:       b.ID, Therapist: name, Session: s.sessionName(b.Type),
		When: jobs.FormatWhen(b.Start, b.End, loc),
		Name: b.Name, Email: b.Email, TimeZone: b.TimeZone, Notes: b.Notes,
		Status: string(b.Status), Flag: b.Flag, Seq: b.Seq,
		Created: b.CreatedAt.In(loc).Format(timestampLayout),
		Updated: b.UpdatedAt.In(loc).Format(timestampLayout),
		Live:    b.Status.Live(),
		DayURL:  "/admin/?date=" + calendar.DateOf(b.Start.In(loc)).String(),
		Style:   assetURL("admin.css"),
	}
	if z := calendar.ZoneOr(b.TimeZone, loc); z.String() != loc.String() {
		p.ClientWhen = jobs.FormatWhen(b.Start, b.End, z)
	}
	// The client may no longer cancel online; the practice still can.
	p.Locked = p.Live && s.Appointments.LockedByPolicy(b)
	return p
}

// addSeries lists the sessions of b's series on its page, in the
// therapist's zone.
func (s *Server) addSeries(r *http.Request, p *adminBookingPage, b booking.Booking) error {
	sr, occ, err := s.Appointments.Series(r.Context(), b.Series)
	if err != nil {
		return err
	}
	th, _ := s.Config.Therapist(b.TherapistID)
	loc := zoneOf(th)
	every := "Every week"
	if sr.EveryWeeks == 2 {
		every = "Every other week"
	}
	p.Recurrence = fmt.Sprintf("%s, %s, %d sessions", every, sr.First.In(loc).Format("Mondays at 15:04"), sr.Count)
	for _, t := range sr.Skipped {
		p.Skipped = append(p.Skipped, t.In(loc).Format("2 January 2006"))
	}
	for _, o := range occ {
		p.Series = append(p.Series, seriesLine{When: jobs.FormatWhen(o.Start, o.End, loc), Status: string(o.Status),
			URL: s.Links.AdminPath(o.ID), Current: o.ID == b.ID})
	}
	return nil
}
