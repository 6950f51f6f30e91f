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
//	consultd:{t:X}:timeoff   hash: entry id → JSON {"from","to","added"[,"start","end"]}
//
// Part-day time off also carries its absolute span (start and end in unix
// ms), which is what the claim checks; from and to are then its local
// dates, for listing. The configuration's time_off stays in the file;
// availability uses both.
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
// the therapist's zone; or, when Start is set, part-day time off from
// Start to End, on the local dates From to To.
type TimeOffEntry struct {
	ID         string
	From, To   calendar.Date
	Start, End time.Time // zero for whole days
	Added      time.Time
}

// Range is the entry's local dates.
func (e TimeOffEntry) Range() calendar.DateRange {
	return calendar.DateRange{From: e.From, To: e.To}
}

// Span is part-day time off as the availability engine sees it; partDay
// is false for whole days (see Range).
func (e TimeOffEntry) Span() (span calendar.Interval, partDay bool) {
	return calendar.Interval{Start: e.Start, End: e.End}, !e.Start.IsZero()
}

// timeOffRecord is the stored form of an entry.
type timeOffRecord struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Added string `json:"added"`           // RFC 3339, UTC
	Start int64  `json:"start,omitempty"` // part-day: unix ms
	End   int64  `json:"end,omitempty"`
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
	if to.Compare(from) < 0 {
		return "", fmt.Errorf("%w: time off ends (%s) before it starts (%s)", ErrInvalid, to, from)
	}
	return s.addTimeOff(ctx, therapistID, timeOffRecord{From: from.String(), To: to.String()})
}

// AddTimeOffSpan records part-day time off for the therapist over span
// (whose dates in loc, the therapist's zone, are listed with it) and
// returns the new entry's id. A claim or a move whose session meets the
// span is refused from then on; bookings already made are left alone.
func (s *Store) AddTimeOffSpan(ctx context.Context, therapistID string, span calendar.Interval, loc *time.Location) (string, error) {
	if !span.Start.Before(span.End) || span.Start.UnixMilli() <= 0 {
		return "", fmt.Errorf("%w: time off ends (%s) before it starts (%s)", ErrInvalid, span.End, span.Start)
	}
	// The last date is that of the last instant off: a span to midnight
	// ends on the day before.
	from, to := calendar.DateOf(span.Start.In(loc)), calendar.DateOf(span.End.Add(-time.Millisecond).In(loc))
	return s.addTimeOff(ctx, therapistID, timeOffRecord{From: from.String(), To: to.String(),
		Start: span.Start.UnixMilli(), End: span.End.UnixMilli()})
}

func (s *Store) addTimeOff(ctx context.Context, therapistID string, r timeOffRecord) (string, error) {
	if err := checkTherapistID(therapistID); err != nil {
		return "", err
	}
	r.Added = s.now().UTC().Format(time.RFC3339)
	rec, err := json.Marshal(r)
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
		return cmp.Or(a.From.Compare(b.From), a.Start.Compare(b.Start), a.To.Compare(b.To), a.End.Compare(b.End), strings.Compare(a.ID, b.ID))
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
	var errSpan error
	if rec.Start != 0 || rec.End != 0 {
		e.Start, e.End = time.UnixMilli(rec.Start).UTC(), time.UnixMilli(rec.End).UTC()
		if !e.Start.Before(e.End) {
			errSpan = fmt.Errorf("part-day time off ends before it starts")
		}
	}
	return e, errors.Join(errFrom, errTo, errAdded, errSpan)
}
