package booking

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/consultd/consultd/calendar"
)

func date(t *testing.T, s string) calendar.Date {
	t.Helper()
	d, err := calendar.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Entries come back by first day whatever the order they were added in,
// with the time they were added; each therapist sees only their own.
func TestTimeOffAddAndList(t *testing.T) {
	s, c := newStore(t)
	ctx := context.Background()
	ids := map[string]string{}
	for _, r := range [][2]string{{"2026-12-24", "2026-12-26"}, {"2026-08-03", "2026-08-14"}, {"2026-12-24", "2026-12-24"}} {
		id, err := s.AddTimeOff(ctx, "ada", date(t, r[0]), date(t, r[1]))
		if err != nil {
			t.Fatal(err)
		}
		ids[r[0]+"/"+r[1]] = id
	}
	if _, err := s.AddTimeOff(ctx, "bob", date(t, "2026-09-01"), date(t, "2026-09-02")); err != nil {
		t.Fatal(err)
	}
	got, err := s.TimeOff(ctx, "ada")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-08-03/2026-08-14", "2026-12-24/2026-12-24", "2026-12-24/2026-12-26"}
	if len(got) != len(want) {
		t.Fatalf("got %d entries %+v, want %d", len(got), got, len(want))
	}
	for i, e := range got {
		if key := e.From.String() + "/" + e.To.String(); key != want[i] || e.ID != ids[key] {
			t.Errorf("entry %d = %s (%s), want %s (%s)", i, key, e.ID, want[i], ids[want[i]])
		}
		if !e.Added.Equal(c.now().Truncate(time.Second)) {
			t.Errorf("entry %d added %v, want %v", i, e.Added, c.now())
		}
	}
	if none, err := s.TimeOff(ctx, "carol"); err != nil || len(none) != 0 {
		t.Errorf("a therapist without time off: %+v %v", none, err)
	}
}

func TestTimeOffRefuses(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	tests := []struct {
		desc, therapist, from, to string
		want                      error
	}{
		{"ends before it starts", "ada", "2026-12-26", "2026-12-24", ErrInvalid},
		{"a therapist id that would break the key", "a}b", "2026-12-24", "2026-12-24", ErrInvalid},
		{"no therapist", "", "2026-12-24", "2026-12-24", ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			if _, err := s.AddTimeOff(ctx, tt.therapist, date(t, tt.from), date(t, tt.to)); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if got, _ := s.TimeOff(ctx, "ada"); len(got) != 0 {
		t.Errorf("refused entries were stored: %+v", got)
	}
}

// The bound holds: the entry past it is refused, and removing one makes
// room again.
func TestTimeOffIsBounded(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	day := date(t, "2026-12-01")
	var first string
	for i := range MaxTimeOffEntries {
		id, err := s.AddTimeOff(ctx, "ada", day.AddDays(i), day.AddDays(i))
		if err != nil {
			t.Fatalf("entry %d: %v", i+1, err)
		}
		if i == 0 {
			first = id
		}
	}
	if _, err := s.AddTimeOff(ctx, "ada", day, day); !errors.Is(err, ErrTimeOffFull) {
		t.Fatalf("entry past the bound: %v, want ErrTimeOffFull", err)
	}
	if err := s.RemoveTimeOff(ctx, "ada", first); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddTimeOff(ctx, "ada", day, day); err != nil {
		t.Fatalf("after a removal: %v", err)
	}
}

func TestTimeOffRemove(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	keep, err := s.AddTimeOff(ctx, "ada", date(t, "2026-12-24"), date(t, "2026-12-26"))
	if err != nil {
		t.Fatal(err)
	}
	gone, err := s.AddTimeOff(ctx, "ada", date(t, "2026-08-03"), date(t, "2026-08-14"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		desc, therapist, id string
		want                error
	}{
		{"an entry", "ada", gone, nil},
		{"the same entry again", "ada", gone, ErrTimeOffNotFound},
		{"another therapist's id", "bob", keep, ErrTimeOffNotFound},
		{"a malformed id", "ada", "nope", ErrTimeOffNotFound},
		{"a bad therapist id", "a:b", keep, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			if err := s.RemoveTimeOff(ctx, tt.therapist, tt.id); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	got, err := s.TimeOff(ctx, "ada")
	if err != nil || len(got) != 1 || got[0].ID != keep {
		t.Fatalf("left after the removals: %+v %v, want only %s", got, err, keep)
	}
}

// A stored entry that cannot be read fails the read: skipping it would
// open days the practice closed.
func TestTimeOffUnreadableEntry(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	if err := s.rdb.HSet(ctx, keysFor("ada").timeOff(), "x", `{"from":"someday"}`).Err(); err != nil {
		t.Fatal(err)
	}
	if got, err := s.TimeOff(ctx, "ada"); err == nil {
		t.Fatalf("read %+v without an error", got)
	}
}
