package appointments

import (
	"context"
	"time"

	"github.com/consultd/consultd/booking"
)

// MaxMessage bounds the practice's personal message to a client.
const MaxMessage = 1000

// offerCount is how many free times a cancel by the practice offers.
const offerCount = 3

// checkMessage is the practice's message as the client will read it:
// plain text, lines allowed, no other control characters.
func checkMessage(msg string) error {
	f := map[string]string{}
	if !CheckText(f, "message", msg, MaxMessage, false, true) {
		return invalid("the message cannot be sent", f)
	}
	return nil
}

// CancelByPractice cancels a live booking once, late or not (the
// late-cancel policy binds clients, not the practice): the slot is freed,
// the client's event is removed by the cancel task, the follow-ups are
// deleted. The client is told the practice cancelled, with its message
// (may be empty), an apology, a link to book again and a few free times.
// A second cancel changes nothing and sends nothing.
func (s *Service) CancelByPractice(ctx context.Context, b booking.Booking, message string) (booking.Booking, error) {
	if err := checkMessage(message); err != nil {
		return b, err
	}
	if b.Status == booking.StatusCancelled {
		return b, nil
	}
	note := &booking.PracticeNote{Message: message}
	if slots, err := s.MoveOptions(ctx, b); err == nil {
		for i := 0; i < len(slots) && i < offerCount; i++ {
			note.Offer = append(note.Offer, slots[i].Start)
		}
	} else {
		s.logger.WarnContext(ctx, "free times for the cancel email not read; it offers the booking link only", "booking", b.ID, "err", err)
	}
	return s.cancel(ctx, b, false, note, "")
}

// MoveByPractice moves a live booking to start for the practice: late or
// not (the policy binds clients only), with the same checks as any move.
// The client is told the practice moved it, with message and the new time.
func (s *Service) MoveByPractice(ctx context.Context, b booking.Booking, start time.Time, message string) (booking.Booking, error) {
	if err := checkMessage(message); err != nil {
		return b, err
	}
	return s.move(ctx, b, start, &booking.PracticeNote{Message: message})
}
