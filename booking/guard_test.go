package booking

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/consultd/consultd/calendar"
)

// The claim and the move check run-time time off (by the start's local
// date) and the stored copies of the therapist's own calendars (by the
// occupied span, buffer included) in the same script as other bookings.
func TestGuardRefusesTimeOffAndOwnBusyTime(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	monday := calendar.DateOf(base)
	tuesday := monday.AddDays(1)
	if _, err := s.AddTimeOff(ctx, "ada", tuesday, tuesday); err != nil {
		t.Fatal(err)
	}
	// Busy in the feed from 10:55 to 12:55.
	busyFrom := at("10:55")
	feed := `{"busy":[[` + ms(busyFrom) + `,` + ms(busyFrom.Add(2*time.Hour)) + `]]}`
	if err := s.rdb.HSet(ctx, keysFor("ada").feedBusy(), "f1", feed, "unlisted", `{"busy":[[0,9999999999999]]}`).Err(); err != nil {
		t.Fatal(err)
	}
	listed := Guard{Feeds: []string{"f1"}}
	tests := []struct {
		desc   string
		start  time.Time
		buffer time.Duration
		guard  Guard
		want   error
	}{
		{"a day off", at("10:00").Add(24 * time.Hour), 0, Guard{Date: tuesday}, ErrTimeOff},
		{"the day before", at("08:00"), 0, Guard{Date: monday}, nil},
		{"no date given: time off unchecked", at("10:00").Add(48 * time.Hour), 0, Guard{}, nil},
		{"its buffer meets busy time", at("10:00"), 10 * time.Minute, listed, ErrBusy},
		{"ends before busy time", at("09:00"), 10 * time.Minute, listed, nil},
		{"an unlisted feed is not read", at("11:00"), 0, Guard{Feeds: []string{"gone"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			_, _, err := s.Claim(ctx, session("ada", tt.start, 50*time.Minute, tt.buffer), "", tt.guard)
			if !errors.Is(err, tt.want) {
				t.Fatalf("claim: %v, want %v", err, tt.want)
			}
		})
	}
	b, _, err := s.Claim(ctx, session("ada", at("14:00"), 50*time.Minute, 0), "", Guard{Date: monday})
	if err != nil {
		t.Fatal(err)
	}
	onDayOff := b.Start.Add(24 * time.Hour)
	if _, err := s.Reschedule(ctx, b.ID, onDayOff, onDayOff.Add(50*time.Minute), Guard{Date: tuesday}); !errors.Is(err, ErrTimeOff) {
		t.Fatalf("move onto a day off: %v", err)
	}
	if _, err := s.Reschedule(ctx, b.ID, at("12:00"), at("12:50"), listed); !errors.Is(err, ErrBusy) {
		t.Fatalf("move onto busy time: %v", err)
	}
	if got, _ := s.Get(ctx, b.ID); !got.Start.Equal(b.Start) || got.Seq != b.Seq {
		t.Fatalf("a refused move changed the booking: %+v", got)
	}
}

// The public intake's cap counts a client's upcoming, uncancelled bookings
// with the therapist, whatever the case of the address; the practice's own
// bookings (Cap 0) neither count nor are stopped.
func TestGuardCapsAClientsUpcomingBookings(t *testing.T) {
	s, clk := newStore(t)
	ctx := context.Background()
	public := Guard{Cap: 3}
	book := func(start time.Time, email string, g Guard) (Booking, error) {
		b := session("ada", start, 50*time.Minute, 0)
		b.Email = email
		got, _, err := s.Claim(ctx, b, "", g)
		return got, err
	}
	var first Booking
	for i := range 3 {
		b, err := book(at("09:00").Add(time.Duration(i)*time.Hour), "Sam@Example.org", public)
		if err != nil {
			t.Fatalf("booking %d: %v", i+1, err)
		}
		if i == 0 {
			first = b
		}
	}
	if _, err := book(at("13:00"), "sam@example.org", public); !errors.Is(err, ErrCapped) {
		t.Fatalf("a fourth from the public intake: %v, want ErrCapped", err)
	}
	if _, err := book(at("13:00"), "sam@example.org", Guard{}); err != nil {
		t.Fatalf("the practice's own booking for the client: %v", err)
	}
	if _, err := book(at("15:00"), "kim@example.org", public); err != nil {
		t.Fatalf("another client: %v", err)
	}
	if _, _, err := s.Cancel(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := book(at("16:00"), "sam@example.org", public); err != nil {
		t.Fatalf("after a cancel frees a place: %v", err)
	}
	if _, err := book(at("16:00").Add(time.Hour), "sam@example.org", public); !errors.Is(err, ErrCapped) {
		t.Fatalf("at the cap again: %v, want ErrCapped", err)
	}
	// Once the sessions are past they no longer count.
	clk.advance(49 * time.Hour)
	if _, err := book(at("09:00").Add(72*time.Hour), "sam@example.org", public); err != nil {
		t.Fatalf("after the sessions have passed: %v", err)
	}
}
