package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
)

// maxReply bounds the message a therapist may send with a decline.
const maxReply = 2000

// decideRequest is the body of POST /admin/api/bookings/{id}/decline (and
// may be sent, empty, to approve).
type decideRequest struct {
	Message string `json:"message"`
}

// adminAPIApprove answers POST /admin/api/bookings/{id}/approve: 200 with
// the booking (held, then confirmed once the invite is out); a repeat is
// 200 and sends nothing; a request declined or expired is 409.
func (s *Server) adminAPIApprove(w http.ResponseWriter, r *http.Request) {
	s.adminAPIDecide(w, r, func(ctx context.Context, id, _ string) (booking.Booking, error) {
		return s.Appointments.Approve(ctx, id)
	})
}

// adminAPIDecline answers POST /admin/api/bookings/{id}/decline with an
// optional {"message"}: 200 with the booking, cancelled; a repeat is 200
// and sends nothing; a request already approved is 409.
func (s *Server) adminAPIDecline(w http.ResponseWriter, r *http.Request) {
	s.adminAPIDecide(w, r, s.Appointments.Decline)
}

func (s *Server) adminAPIDecide(w http.ResponseWriter, r *http.Request, decide func(ctx context.Context, id, message string) (booking.Booking, error)) {
	var req decideRequest
	if err := decodeOptionalJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	msg, err := replyText(req.Message)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	b, err := decide(r.Context(), r.PathValue("id"), msg)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.bookingJSON(b, false))
}

// replyText trims a decline's message and bounds it.
func replyText(msg string) (string, error) {
	msg = strings.TrimSpace(strings.ReplaceAll(msg, "\r\n", "\n"))
	if len(msg) > maxReply {
		return "", &apiError{Status: http.StatusUnprocessableEntity, Msg: "the message is too long",
			Fields: map[string]string{"message": "must be at most 2000 characters"}}
	}
	return msg, nil
}

// approvalPage is the data of templates/pages/approval.html: initials,
// type and time only.
type approvalPage struct {
	pageLang
	Practice, Client, Session, When, Status string
	Decline                                 bool
	Done, Message                           string
	Action, CSRF, AdminURL                  string
}

// getApprove and getDecline answer GET /approve/{token} and
// /decline/{token}: a page that asks before it acts, since link checkers
// and previews open links on their own.
func (s *Server) getApprove(w http.ResponseWriter, r *http.Request) { s.approvalForm(w, r, false) }
func (s *Server) getDecline(w http.ResponseWriter, r *http.Request) { s.approvalForm(w, r, true) }

func (s *Server) approvalForm(w http.ResponseWriter, r *http.Request, decline bool) {
	b, ok := s.approvalTarget(w, r, decline)
	if !ok {
		return
	}
	p := s.approvalData(b, decline)
	if b.Status == booking.StatusPending {
		p.Action, p.CSRF = r.URL.Path, s.csrfToken(w, r)
	} else {
		p.Message = p.L.T("admin.approval.already")
	}
	s.page(w, r, http.StatusOK, "approval", p)
}

// postApprove and postDecline answer the confirmation page's POST (CSRF
// checked): the signed link is the credential, as in the email.
func (s *Server) postApprove(w http.ResponseWriter, r *http.Request) { s.approvalPost(w, r, false) }
func (s *Server) postDecline(w http.ResponseWriter, r *http.Request) { s.approvalPost(w, r, true) }

func (s *Server) approvalPost(w http.ResponseWriter, r *http.Request, decline bool) {
	if !s.postedForm(w, r, adminFormTexts("admin.again.link_email")) {
		return
	}
	b, ok := s.approvalTarget(w, r, decline)
	if !ok {
		return
	}
	var err error
	done := "admin.approval.approved"
	asked := b
	if decline {
		var msg string
		if msg, err = replyText(r.PostFormValue("message")); err == nil {
			b, err = s.Appointments.Decline(r.Context(), b.ID, msg)
		}
		done = "admin.approval.declined"
	} else {
		b, err = s.Appointments.Approve(r.Context(), b.ID)
	}
	if b.ID == "" {
		b = asked // the answer carries no booking: show the one asked about
	}
	p := s.approvalData(b, decline)
	switch {
	case errors.Is(err, appointments.ErrAnswered):
		p.Message = p.L.T("admin.notice.answered")
		s.page(w, r, http.StatusConflict, "approval", p)
		return
	case err != nil:
		a := s.classified(r.Context(), err)
		s.errorPage(w, r, p.L, a.Status, p.L.T("admin.error.not_answered"), adminProblem(p.L, a, err))
		return
	}
	p.Done = p.L.T(done)
	s.page(w, r, http.StatusOK, "approval", p)
}

// approvalTarget reads the request a one-click link names or answers with
// a page.
func (s *Server) approvalTarget(w http.ResponseWriter, r *http.Request, decline bool) (booking.Booking, bool) {
	verify := s.Links.VerifyApprove
	if decline {
		verify = s.Links.VerifyDecline
	}
	id, err := verify(r.PathValue("token"))
	if err == nil {
		var b booking.Booking
		if b, err = s.Appointments.Get(r.Context(), id); err == nil {
			return b, true
		}
		if !errors.Is(err, appointments.ErrNotFound) {
			s.classified(r.Context(), err) // logs the cause
			s.adminUnavailable(w, r)
			return b, false
		}
	}
	s.errorKey(w, r, s.adminLang(), http.StatusForbidden, "admin.error.approval_invalid")
	return booking.Booking{}, false
}

func (s *Server) approvalData(b booking.Booking, decline bool) approvalPage {
	th, _ := s.Config.Therapist(b.TherapistID)
	l := s.bookingAdminLang(b)
	return approvalPage{
		pageLang: pageLang{l},
		Practice: s.Config.Practice.Name, Client: calendar.Initials(b.Name), Session: s.sessionName(b.Type),
		When: l.When(b.Start, b.End, zoneOf(th)), Status: string(b.Status), Decline: decline,
		AdminURL: s.Links.AdminPath(b.ID),
	}
}

// adminApprove and adminDecline answer the booking page's forms, POST
// /admin/bookings/{id}/approve and /decline.
func (s *Server) adminApprove(w http.ResponseWriter, r *http.Request) { s.adminDecide(w, r, false) }
func (s *Server) adminDecline(w http.ResponseWriter, r *http.Request) { s.adminDecide(w, r, true) }

func (s *Server) adminDecide(w http.ResponseWriter, r *http.Request, decline bool) {
	if !s.postedForm(w, r, adminFormTexts("admin.again.booking")) {
		return
	}
	b, ok := s.adminTarget(w, r)
	if !ok {
		return
	}
	var err error
	done := "approved"
	if decline {
		var msg string
		if msg, err = replyText(r.PostFormValue("message")); err == nil {
			b, err = s.Appointments.Decline(r.Context(), b.ID, msg)
		}
		done = "declined"
	} else {
		b, err = s.Appointments.Approve(r.Context(), b.ID)
	}
	if err != nil && !errors.Is(err, appointments.ErrAnswered) {
		s.classified(r.Context(), err) // logs the cause
		s.adminUnavailable(w, r)
		return
	}
	if err != nil {
		done = "answered"
	}
	http.Redirect(w, r, s.Links.AdminPath(b.ID)+"?done="+done, http.StatusSeeOther)
}
