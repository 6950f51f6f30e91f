package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/booking"
)

// maxBody bounds a booking request: far above any honest one.
const maxBody = 64 << 10

// bookingRequest is a client's booking as sent to the JSON API.
type bookingRequest struct {
	Type           string `json:"type"`
	Start          string `json:"start"`
	Name           string `json:"name"`
	Email          string `json:"email"`
	Therapist      string `json:"therapist"`
	Timezone       string `json:"timezone"`
	Notes          string `json:"notes"`
	IdempotencyKey string `json:"idempotency_key"`
	PreferredName  string `json:"preferred_name"`
	// Language is the client's (BCP 47): their emails, pages and calendar
	// event. Without it, the request's Accept-Language chooses.
	Language string `json:"language"`
}

func (b bookingRequest) request(acceptLanguage string) appointments.Request {
	return appointments.Request{
		Type: b.Type, Start: b.Start, Name: b.Name, Email: b.Email, Therapist: b.Therapist,
		Timezone: b.Timezone, Notes: b.Notes, IdempotencyKey: b.IdempotencyKey,
		PreferredName: b.PreferredName, Language: b.Language, AcceptLanguage: acceptLanguage,
	}
}

// apiBook answers POST /api/bookings.
func (s *Server) apiBook(w http.ResponseWriter, r *http.Request) {
	req, err := decodeStrict(w, r)
	var b booking.Booking
	var created bool
	if err == nil {
		b, created, err = s.Appointments.Book(r.Context(), req.request(r.Header.Get("Accept-Language")))
	}
	s.countBooking(created, err)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.bookingJSON(b, created))
}

type bookingJSON struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	Start     string `json:"start"`
	End       string `json:"end"`
	Type      string `json:"type"`
	Therapist string `json:"therapist"`
	Language  string `json:"language,omitempty"`
	ManageURL string `json:"manage_url,omitempty"`
}

// bookingJSON is the answer to a booking request. withLink adds the manage
// link, which is a capability: a repeated request gets no link, since
// anyone who knows a client's email and time could send that repeat (the
// link is in the client's invite).
func (s *Server) bookingJSON(b booking.Booking, withLink bool) bookingJSON {
	out := bookingJSON{
		ID: b.ID, Status: string(b.Status), Type: b.Type, Therapist: b.TherapistID, Language: b.Language,
		Start: b.Start.UTC().Format(timeFormat), End: b.End.UTC().Format(timeFormat),
	}
	if withLink {
		out.ManageURL = s.Links.Manage(b.ID)
	}
	return out
}

const timeFormat = "2006-01-02T15:04:05Z07:00"

// decodeStrict reads exactly one JSON object with known fields only.
func decodeStrict(w http.ResponseWriter, r *http.Request) (bookingRequest, error) {
	var req bookingRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return req, &apiError{Status: http.StatusRequestEntityTooLarge, Msg: fmt.Sprintf("the request body is larger than %d bytes", maxBody)}
		}
		return req, badBody("the body is not a valid booking request: " + jsonProblem(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return req, badBody("the body must hold a single JSON object")
	}
	return req, nil
}

// jsonProblem describes a decoding error without echoing the input.
func jsonProblem(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("malformed JSON at byte %d", syntax.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %q must be a %s", typ.Field, typ.Type)
	case errors.Is(err, io.EOF):
		return "the body is empty"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends early"
	default:
		// Unknown fields: "json: unknown field \"x\"" names only the key.
		return err.Error()
	}
}

// badBody is a body that is not a request at all (422, no fields).
func badBody(msg string) *apiError {
	return &apiError{Status: http.StatusUnprocessableEntity, Msg: msg}
}
