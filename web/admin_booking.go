package web

import (
	"errors"
	"net/http"

	"github.com/consultd/consultd/locale"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
)

// bookingAdminLang is the language of the practice's pages about b: its
// therapist's.
func (s *Server) bookingAdminLang(b booking.Booking) *locale.Localizer {
	if th, ok := s.Config.Therapist(b.TherapistID); ok {
		return s.therapistLang(th)
	}
	return s.adminLang()
}

// adminBookingPage is the data of templates/pages/admin_booking.html. It
// is the one page that shows the client's note.
type adminBookingPage struct {
	pageLang
	Practice, Notice             string
	ID, Therapist, Session       string
	When, ClientWhen             string // in the therapist's zone; in the client's when it differs
	Name, Email, TimeZone, Notes string
	Status, Flag                 string
	Seq                          int
	Created, Updated             string
	Live, Locked                 bool
	DayURL, Action, CSRF, Style  string
	// Approve and Decline are the forms' actions while the booking is a
	// request awaiting approval ("" otherwise).
	Approve, Decline string
	// PreferredName is what the client likes to be called ("": not given).
	PreferredName string
	// Attendance is what was recorded ("attended", "no-show"; "" none);
	// LateCancel marks a client's cancel inside the late-cancel window.
	Attendance string
	LateCancel bool
	// AttendAction is where the attendance form posts, from the session's
	// start on while it is not cancelled ("": no form).
	AttendAction string
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

// adminNotices follow the redirect after a change (?done=cancelled,
// approved, declined, answered, attendance, moved): keys of
// admin.notice.*.

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
	// Each notice is shown only when it is true, so a hand-made URL
	// cannot claim a live booking was cancelled.
	switch done := r.URL.Query().Get("done"); {
	case done == "cancelled" && !p.Live,
		done == "approved" && (b.Status == booking.StatusHeld || b.Status == booking.StatusConfirmed),
		done == "declined" && b.Flag == booking.FlagDeclined,
		done == "answered",
		done == "moved" && p.Live:
		p.Notice = p.L.T("admin.notice." + done)
	case done == "attendance" && p.Attendance != "":
		p.Notice = p.L.T("admin.notice.attendance", "Attendance", p.Attendance)
	}
	if p.Live {
		p.Action = s.Links.AdminPath(b.ID) + "/cancel"
		p.CSRF = s.csrfToken(w, r)
		if !s.Now().Before(b.Start) {
			p.AttendAction = s.Links.AdminPath(b.ID) + "/attendance"
		}
		if err := s.addMoveChoices(r, &p, b); err != nil {
			s.classified(r.Context(), err) // logs the cause
			s.adminUnavailable(w, r)
			return
		}
	}
	if b.Status == booking.StatusPending {
		p.Approve, p.Decline = s.Links.AdminPath(b.ID)+"/approve", s.Links.AdminPath(b.ID)+"/decline"
	}
	s.page(w, r, http.StatusOK, "admin_booking", p)
}

// adminCancel answers POST /admin/bookings/{id}/cancel: the practice
// cancels, late or not, with its optional message to the client; the
// client is told the practice cancelled, and offered new times.
func (s *Server) adminCancel(w http.ResponseWriter, r *http.Request) {
	if !s.postedForm(w, r, adminFormTexts("admin.again.booking")) {
		return
	}
	b, ok := s.adminTarget(w, r)
	if !ok {
		return
	}
	c, err := s.Appointments.CancelByPractice(r.Context(), b, r.PostForm.Get("message"))
	if err != nil {
		s.adminChangeProblem(w, r, b, err)
		return
	}
	if b.Status.Live() && !c.Status.Live() {
		s.Logger.InfoContext(r.Context(), "booking cancelled from the admin area", "booking", c.ID)
	}
	http.Redirect(w, r, s.Links.AdminPath(c.ID)+"?done=cancelled", http.StatusSeeOther)
}

// adminAttend answers POST /admin/bookings/{id}/attendance (status=
// attended or no_show), from the page's form.
func (s *Server) adminAttend(w http.ResponseWriter, r *http.Request) {
	if !s.postedForm(w, r, adminFormTexts("admin.again.booking")) {
		return
	}
	b, ok := s.adminTarget(w, r)
	if !ok {
		return
	}
	_, err := s.Appointments.Attend(r.Context(), b.ID, booking.Attendance(r.PostFormValue("status")))
	switch a := s.classified(r.Context(), err); {
	case err == nil:
		http.Redirect(w, r, s.Links.AdminPath(b.ID)+"?done=attendance", http.StatusSeeOther)
	case a.Status < 500:
		l := s.bookingAdminLang(b)
		s.errorPage(w, r, l, a.Status, l.T("admin.error.attendance"), adminProblem(l, a, err))
	default:
		s.adminUnavailable(w, r)
	}
}

// adminAPIAttend answers POST /admin/api/bookings/{id}/attendance with
// {"status": "attended" | "no_show"}: 200 with the booking; 409 before the
// session's start or once it is cancelled, 422 for any other status.
func (s *Server) adminAPIAttend(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Status string `json:"status"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	b, err := s.Appointments.Attend(r.Context(), r.PathValue("id"), booking.Attendance(req.Status))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, adminBookingJSON{bookingJSON: s.bookingJSON(b, false),
		Attendance: string(b.Attendance), LateCancel: b.LateCancel})
}

// adminBookingJSON is a booking as the admin API answers it.
type adminBookingJSON struct {
	bookingJSON
	Attendance string `json:"attendance,omitempty"`
	LateCancel bool   `json:"late_cancel,omitempty"`
}

// adminTarget reads the booking named in the path or answers with a page.
func (s *Server) adminTarget(w http.ResponseWriter, r *http.Request) (booking.Booking, bool) {
	b, err := s.Appointments.Get(r.Context(), r.PathValue("id"))
	switch {
	case err == nil:
		return b, true
	case errors.Is(err, appointments.ErrNotFound):
		s.errorKey(w, r, s.adminLang(), http.StatusNotFound, "admin.error.no_booking")
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
	l := s.bookingAdminLang(b)
	p := adminBookingPage{
		pageLang: pageLang{l},
		Practice: s.Config.Practice.Name,
		ID:       b.ID, Therapist: name, Session: s.sessionName(b.Type),
		When: l.When(b.Start, b.End, loc),
		Name: b.Name, Email: b.Email, Notes: b.Notes,
		Status: string(b.Status), Flag: b.Flag, Seq: b.Seq,
		Created:       b.CreatedAt.In(loc).Format(timestampLayout),
		Updated:       b.UpdatedAt.In(loc).Format(timestampLayout),
		Live:          b.Status.Live(),
		PreferredName: b.PreferredName, Attendance: attendanceLabel(l, b.Attendance), LateCancel: b.LateCancel,
		DayURL: "/admin/?date=" + calendar.DateOf(b.Start.In(loc)).String(),
		Style:  assetURL("admin.css"),
	}
	if z, err := calendar.LoadZone(b.TimeZone); err == nil {
		p.TimeZone = l.Zone(z, b.Start)
		if z.String() != loc.String() {
			p.ClientWhen = l.When(b.Start, b.End, z)
		}
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
	l := p.L
	at := sr.First.In(loc)
	p.Recurrence = l.T("admin.booking.recurrence", "Every", l.Every(sr.EveryWeeks),
		"Weekdays", l.Weekdays(at.Weekday()), "Time", l.Time(at), "Count", sr.Count)
	for _, t := range sr.Skipped {
		p.Skipped = append(p.Skipped, l.Layout(t.In(loc), "admin.format.day"))
	}
	for _, o := range occ {
		p.Series = append(p.Series, seriesLine{When: l.When(o.Start, o.End, loc), Status: string(o.Status),
			URL: s.Links.AdminPath(o.ID), Current: o.ID == b.ID})
	}
	return nil
}
