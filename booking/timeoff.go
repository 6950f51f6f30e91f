package booking

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/consultd/consultd/calendar"
)

// Time off added while the service runs (from the admin area) is kept
// beside the therapist's bookings, under the same hash tag:
//
//	consultd:{t:X}:timeoff   hash: entry id → JSON {"from","to","added"}
//
// The configuration's time_off stays in the file; availability uses both.
func (k keys) timeOff() string { return k.prefix + "timeoff" }

// MaxTimeOffEntries bounds one therapist's run-time time off: every
// availability read loads all of it.
const MaxTimeOffEntries = 100

var (
	// ErrTimeOffNotFound: the therapist has no time off with that id.
	ErrTimeOffNotFound = errors.New("booking: time off not found")
	// ErrTimeOffFull: the therapist has MaxTimeOffEntries already.
	ErrTimeOffFull = errors.New("booking: too many time-off entries")
)

// TimeOffEntry is a run of whole days off, both ends included, read in
// the therapist's zone.
type TimeOffEntry struct {
	ID       string
	From, To calendar.Date
	Added    time.Time
}

// Range is the entry as the availability engine sees it.
func (e TimeOffEntry) Range() calendar.DateRange {
	return calendar.DateRange{From: e.From, To: e.To}
}

// timeOffRecord is the stored form of an entry.
type timeOffRecord struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Added string `json:"added"` // RFC 3339, UTC
}

// addTimeOffScript adds an entry unless the hash is full, in one step, so
// two admins adding at once cannot pass the bound.
var addTimeOffScript = redis.NewScript(`
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`)

// AddTimeOff records days off for the therapist from from to to (both
// included) and returns the new entry's id. Bookings already on those days
// are left alone: the practice reviews them.
func (s *Store) AddTimeOff(ctx context.Context, therapistID string, from, to calendar.Date) (string, error) {
	if err := checkTherapistID(therapistID); err != nil {
		return "", err
	}
	if to.Compare(from) < 0 {
		return "", fmt.Errorf("%w: time off ends (%s) before it starts (%s)", ErrInvalid, to, from)
	}
	rec, err := json.Marshal(timeOffRecord{From: from.String(), To: to.String(), Added: s.now().UTC().Format(time.RFC3339)})
	if err != nil {
		return "", err
	}
	id := strings.ToLower(rand.Text())
	added, err := addTimeOffScript.Run(ctx, s.rdb, []string{keysFor(therapistID).timeOff()}, id, rec, MaxTimeOffEntries).Int()
	if err != nil {
		return "", fmt.Errorf("add time off of %s: %w", therapistID, err)
	}
	if added == 0 {
		return "", ErrTimeOffFull
	}
	return id, nil
}

// RemoveTimeOff deletes one entry; ErrTimeOffNotFound when there is none
// with that id (perhaps it was removed already).
func (s *Store) RemoveTimeOff(ctx context.Context, therapistID, id string) error {
	if err := checkTherapistID(therapistID); err != nil {
		return err
	}
	if len(id) != randLen || !isBase32Lower(id) {
		return ErrTimeOffNotFound
	}
	n, err := s.rdb.HDel(ctx, keysFor(therapistID).timeOff(), id).Result()
	if err != nil {
		return fmt.Errorf("remove time off of %s: %w", therapistID, err)
	}
	if n == 0 {
		return ErrTimeOffNotFound
	}
	return nil
}

// TimeOff lists the therapist's run-time time off by first day. An entry
// that cannot be read is an error rather than skipped: skipping it would
// open days the practice closed.
func (s *Store) TimeOff(ctx context.Context, therapistID string) ([]TimeOffEntry, error) {
	if err := checkTherapistID(therapistID); err != nil {
		return nil, err
	}
	all, err := s.rdb.HGetAll(ctx, keysFor(therapistID).timeOff()).Result()
	if err != nil {
		return nil, fmt.Errorf("time off of %s: %w", therapistID, err)
	}
	out := make([]TimeOffEntry, 0, len(all))
	for id, v := range all {
		e, err := decodeTimeOff(id, v)
		if err != nil {
			return nil, fmt.Errorf("time off %s of %s: %w", id, therapistID, err)
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b TimeOffEntry) int {
		return cmp.Or(a.From.Compare(b.From), a.To.Compare(b.To), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

func decodeTimeOff(id, v string) (TimeOffEntry, error) {
	var rec timeOffRecord
	if err := json.Unmarshal([]byte(v), &rec); err != nil {
		return TimeOffEntry{}, err
	}
	e := TimeOffEntry{ID: id}
	var errFrom, errTo, errAdded error
	e.From, errFrom = calendar.ParseDate(rec.From)
	e.To, errTo = calendar.ParseDate(rec.To)
	e.Added, errAdded = time.Parse(time.RFC3339, rec.Added)
	return e, errors.Join(errFrom, errTo, errAdded)
}
