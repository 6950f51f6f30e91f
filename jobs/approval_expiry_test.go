package jobs

import (
	"testing"
	"time"

	"github.com/consultd/consultd/booking"
)

// A request waits approval.expires, but never past its own session.
func TestRequestExpiresAtTheLatestAtItsStart(t *testing.T) {
	made := time.Date(2026, 12, 1, 22, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		start, want time.Time
	}{
		{made.Add(72 * time.Hour), made.Add(48 * time.Hour)},
		{made.Add(30 * time.Hour), made.Add(30 * time.Hour)},
	} {
		b := booking.Booking{CreatedAt: made, Start: tt.start}
		if got := requestExpires(b, 48*time.Hour); !got.Equal(tt.want) {
			t.Errorf("session at %s: expires %s, want %s", tt.start, got, tt.want)
		}
	}
}
