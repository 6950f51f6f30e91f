package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/consultd/consultd/booking"
)

// maxBody bounds a booking request: far above any honest one.
const maxBody = 64 << 10

// apiBook answers POST /api/bookings.
func (s *Server) apiBook(w http.ResponseWriter, r *http.Request) {
	b, created, err := s.apiBookRequest(w, r)
	s.countBooking(created, err)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.bookingJSON(b, created))
}

// apiBookRequest decodes, validates and books a JSON booking request.
func (s *Server) apiBookRequest(w http.ResponseWriter, r *http.Request) (booking.Booking, bool, error) {
	req, err := decodeStrict(w, r)
	if err != nil {
		return booking.Booking{}, false, err
	}
	v, fields := s.validate(req)
	if len(fields) > 0 {
		return booking.Booking{}, false, invalid("the booking request is invalid", fields)
	}
	return s.book(r.Context(), v)
}

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
		return req, invalid("the body is not a valid booking request: "+jsonProblem(err), nil)
	}
	if _, err := dec.Token(); err != io.EOF {
		return req, invalid("the body must hold a single JSON object", nil)
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
