package booking

import (
	"context"
	"testing"
	"time"

	"github.com/consultd/consultd/calendar"
)

// readFixture books, for therapist ada: 09:00–09:50 with a 10-minute
// buffer, 10:00–10:15, 11:00–11:30 (cancelled), 12:00–15:00, and one
// booking for bob that must never show.
func readFixture(t *testing.T) (*Store, map[string]Booking) {
	s, _ := newStore(t)
	ctx := context.Background()
	bs := map[string]Booking{
		"09": mustClaim(t, s, session("ada", at("09:00"), 50*time.Minute, 10*time.Minute)),
		"10": mustClaim(t, s, session("ada", at("10:00"), 15*time.Minute, 0)),
		"11": mustClaim(t, s, session("ada", at("11:00"), 30*time.Minute, 0)),
		"12": mustClaim(t, s, session("ada", at("12:00"), 3*time.Hour, 0)),
	}
	mustClaim(t, s, session("bob", at("10:00"), time.Hour, 0))
	if _, _, err := s.Cancel(ctx, bs["11"].ID); err != nil {
		t.Fatal(err)
	}
	return s, bs
}

func iv(from, to string) calendar.Interval { return calendar.Interval{Start: at(from), End: at(to)} }

func TestBusy(t *testing.T) {
	s, _ := readFixture(t)
	tests := []struct {
		desc     string
		from, to string
		want     []calendar.Interval
	}{
		{"whole day", "00:00", "23:00", []calendar.Interval{iv("09:00", "10:00"), iv("10:00", "10:15"), iv("12:00", "15:00")}},
		{"only a buffer", "09:55", "09:58", []calendar.Interval{iv("09:00", "10:00")}},
		{"ends where a buffer ends", "08:00", "09:00", nil},
		{"starts where a buffer ends", "10:15", "12:00", nil},
		{"cancelled is free", "11:00", "11:30", nil},
		{"inside a long booking", "14:00", "14:30", []calendar.Interval{iv("12:00", "15:00")}},
		{"touching two", "09:59", "10:01", []calendar.Interval{iv("09:00", "10:00"), iv("10:00", "10:15")}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			got, err := s.Busy(context.Background(), "ada", at(tt.from), at(tt.to))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if !got[i].Start.Equal(tt.want[i].Start) || !got[i].End.Equal(tt.want[i].End) {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestList(t *testing.T) {
	s, bs := readFixture(t)
	tests := []struct {
		desc     string
		from, to string
		want     []string
	}{
		{"whole day, any status, by start", "00:00", "23:00", []string{"09", "10", "11", "12"}},
		{"start included, end excluded", "10:00", "12:00", []string{"10", "11"}},
		{"started before the range", "09:30", "09:59", nil},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			got, err := s.List(context.Background(), "ada", at(tt.from), at(tt.to))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d bookings, want %v", len(got), tt.want)
			}
			for i, name := range tt.want {
				if got[i].ID != bs[name].ID {
					t.Fatalf("booking %d is %s at %v, want the %s one", i, got[i].ID, got[i].Start, name)
				}
			}
		})
	}
}

func TestHeld(t *testing.T) {
	s, bs := readFixture(t)
	if _, err := s.Confirm(context.Background(), bs["10"].ID, 0); err != nil {
		t.Fatal(err)
	}
	held, err := s.Held(context.Background(), "ada")
	if err != nil {
		t.Fatal(err)
	}
	if len(held) != 2 || held[0].ID != bs["09"].ID || held[1].ID != bs["12"].ID {
		t.Fatalf("held = %v, want the 09 and 12 bookings", held)
	}
}

func TestMarkSent(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	b := mustClaim(t, s, session("ada", at("10:00"), time.Hour, 0))
	for i, want := range []bool{true, false} {
		if first, err := s.MarkSent(ctx, b.ID, "invite:0"); err != nil || first != want {
			t.Fatalf("MarkSent #%d: first=%v %v, want %v", i+1, first, err, want)
		}
	}
	if ok, err := s.Sent(ctx, b.ID, "invite:0"); err != nil || !ok {
		t.Fatalf("Sent(invite:0) = %v %v", ok, err)
	}
	if ok, err := s.Sent(ctx, b.ID, "remind:0:24h"); err != nil || ok {
		t.Fatalf("Sent(remind:0:24h) = %v %v", ok, err)
	}
	ttl := s.rdb.TTL(ctx, keysFor("ada").sent(b.ID, "invite:0")).Val()
	if ttl < 89*24*time.Hour || ttl > sentTTL {
		t.Fatalf("sent-marker TTL %v, want about 90 days", ttl)
	}
}

func TestIDs(t *testing.T) {
	id := NewID("ada-2")
	if got, err := TherapistOf(id); err != nil || got != "ada-2" {
		t.Fatalf("TherapistOf(%q) = %q, %v", id, got, err)
	}
	if a, b := NewID("ada"), NewID("ada"); a == b {
		t.Fatal("two equal ids")
	}
	for _, bad := range []string{"", "ada", "ada_short", "_" + id[6:], "a}b_" + id[6:], "ada_" + id[6:len(id)-1] + "!"} {
		if _, err := TherapistOf(bad); err == nil {
			t.Errorf("TherapistOf(%q) accepted", bad)
		}
	}
}
