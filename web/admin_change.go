package web

import (
	"net/http"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/booking"
)

// practiceChangeRequest is POST /admin/api/bookings/{id}/cancel and
// /reschedule: the new start (a move only) and the practice's optional
// message to the client, which only the client's email carries.
type practiceChangeRequest struct {
	Start   string `json:"start"`
	Message string `json:"message"`
}

// moveChoice is one free time on the admin page's move form.
type moveChoice struct{ Value, Label string }

// adminAPICancel answers POST /admin/api/bookings/{id}/cancel: 200 with
// the booking; a repeated cancel is 200 with the cancelled booking and
// sends nothing; 422 for a message that cannot be sent.
func (s *Server) adminAPICancel(w http.ResponseWriter, r *http.Request) {
	b, req, ok := s.adminAPIChange(w, r)
	if !ok {
		return
	}
	c, err := s.Appointments.CancelByPractice(r.Context(), b, req.Message)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.bookingJSON(c, false))
}

// adminAPIReschedule answers POST /admin/api/bookings/{id}/reschedule:
// 200 with the moved booking; 409 when the time is taken or the booking
// cancelled; 422 for a bad start or message.
func (s *Server) adminAPIReschedule(w http.ResponseWriter, r *http.Request) {
	b, req, ok := s.adminAPIChange(w, r)
	if !ok {
		return
	}
	start, err := parseStart("start", req.Start)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	moved, err := s.Appointments.MoveByPractice(r.Context(), b, start, req.Message)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.bookingJSON(moved, false))
}

// adminAPIChange reads the request and the booking it names.
func (s *Server) adminAPIChange(w http.ResponseWriter, r *http.Request) (booking.Booking, practiceChangeRequest, bool) {
	var req practiceChangeRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return booking.Booking{}, req, false
	}
	b, err := s.Appointments.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return b, req, false
	}
	return b, req, true
}

// adminReschedule answers POST /admin/bookings/{id}/reschedule: the
// practice moves the booking to a free time, late or not, with its
// optional message to the client.
func (s *Server) adminReschedule(w http.ResponseWriter, r *http.Request) {
	if !s.postedForm(w, r, adminFormTexts("admin.again.booking")) {
		return
	}
	b, ok := s.adminTarget(w, r)
	if !ok {
		return
	}
	start, err := parseStart("start", r.PostForm.Get("start"))
	if err == nil {
		var moved booking.Booking
		if moved, err = s.Appointments.MoveByPractice(r.Context(), b, start, r.PostForm.Get("message")); err == nil {
			b = moved
		}
	}
	if err != nil {
		s.adminChangeProblem(w, r, b, err)
		return
	}
	http.Redirect(w, r, s.Links.AdminPath(b.ID)+"?done=moved", http.StatusSeeOther)
}

// adminChangeProblem answers a cancel or move of b from the admin page
// that did not go through: why, or unavailable.
func (s *Server) adminChangeProblem(w http.ResponseWriter, r *http.Request, b booking.Booking, err error) {
	a := s.classified(r.Context(), err) // logs the cause
	if a.Status >= 500 {
		s.adminUnavailable(w, r)
		return
	}
	l := s.bookingAdminLang(b)
	s.errorPage(w, r, l, a.Status, l.T("admin.error.not_changed"), adminProblem(l, a, err)+" "+l.T("admin.again.booking"))
}

// addMoveChoices lists the free times b could move to on its admin page.
func (s *Server) addMoveChoices(r *http.Request, p *adminBookingPage, b booking.Booking) error {
	slots, err := s.Appointments.MoveOptions(r.Context(), b)
	if err != nil {
		return err
	}
	th, _ := s.Config.Therapist(b.TherapistID)
	loc := zoneOf(th)
	for _, sl := range slots {
		at := sl.Start.In(loc)
		p.Moves = append(p.Moves, moveChoice{Value: sl.Start.UTC().Format(timeFormat), Label: p.L.T("admin.format.when", "Date", p.L.Date(at), "Time", p.L.Time(at))})
	}
	p.MoveAction = s.Links.AdminPath(b.ID) + "/reschedule"
	p.MaxMessage = appointments.MaxMessage
	return nil
}
