package web

import (
	"context"
	"net/http"

	"github.com/consultd/consultd/booking"
)

// managedBooking resolves a manage token to its booking: 403 for a forged
// or expired link, appointments.ErrNotFound when the booking is gone.
func (s *Server) managedBooking(ctx context.Context, tok string) (booking.Booking, error) {
	id, err := s.Links.VerifyManage(tok)
	if err != nil {
		return booking.Booking{}, &apiError{Status: http.StatusForbidden, Msg: err.Error()}
	}
	return s.Appointments.Get(ctx, id)
}
