package booking

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// A standing series is kept beside the therapist's bookings:
//
//	consultd:{t:X}:s:<id>   hash: the series record
//
// Each occurrence is a booking of its own (its own ID, status, sequence,
// reminders), naming the series in its series field.
func (k keys) series(id string) string { return k.prefix + "s:" + id }

// Series is a standing appointment: every EveryWeeks weeks at the first
// occurrence's wall-clock time in the therapist's zone.
type Series struct {
	ID, TherapistID, Type        string
	EveryWeeks, Count            int
	Name, Email, TimeZone, Notes string // personal: never logged, never in a key
	// First is the first occurrence's start, where the series' RRULE
	// begins, whether or not it was booked.
	First time.Time
	// Seq is the iCalendar SEQUENCE of the one event in the client's
	// calendar: 0 at creation, +1 on every change to any occurrence.
	Seq int
	// Occurrences are the IDs of the bookings made, by start.
	Occurrences []string
	// Skipped are the starts left out because they were taken.
	Skipped []time.Time
	// Room is the video room of every occurrence ("" when not video): one
	// per series, as the client's calendar holds one event for it.
	Room string
	// Language is the client's, of every message about the series.
	Language             string
	CreatedAt, UpdatedAt time.Time
}

// RefusedError names the occurrences of a series that cannot be held:
// taken by another booking, on time off, or busy in the therapist's own
// calendar.
type RefusedError struct{ Starts []time.Time }

func (e *RefusedError) Error() string {
	return fmt.Sprintf("booking: %d occurrences of the series cannot be held", len(e.Starts))
}

// SeriesOccurrence is one start of a series to claim and its guard date.
type SeriesOccurrence struct {
	Start, End time.Time
	Date       string // the start's local date, for run-time time off
	// Off: on one of the configuration's days off or in its part-day time
	// off, refused like a taken week (the claim sees only the time off
	// kept in Redis).
	Off bool
}

// ClaimSeries holds every occurrence of s in one script, all or nothing
// (the same call retried after a lost reply returns the series it made):
// a *RefusedError names those that cannot be held, and nothing is written.
// With skip, the refused ones are left out instead (and listed in
// Skipped), unless every one is refused. Each occurrence becomes a held
// booking of type s.Type with buffer; feeds are the own calendars to check.
func (s *Store) ClaimSeries(ctx context.Context, sr Series, occ []SeriesOccurrence, buffer time.Duration, feeds []string, skip bool) (Series, []Booking, error) {
	if err := checkTherapistID(sr.TherapistID); err != nil {
		return Series{}, nil, err
	}
	if len(occ) == 0 {
		return Series{}, nil, fmt.Errorf("%w: a series without occurrences", ErrInvalid)
	}
	for _, o := range occ {
		if err := checkSpan(o.Start, o.End, buffer); err != nil {
			return Series{}, nil, err
		}
	}
	now := s.now()
	if sr.ID == "" {
		sr.ID = NewID(sr.TherapistID)
	}
	k := keysFor(sr.TherapistID)
	keys := []string{k.bookingPrefix(), k.live(), k.all(), k.held(), k.span(), k.timeOff(), k.feedBusy(), k.series(sr.ID)}
	args := []any{ms(now), boolArg(skip), strconv.Itoa(len(occ)), strconv.Itoa(len(feeds))}
	for _, f := range feeds {
		args = append(args, f)
	}
	for _, o := range occ {
		args = append(args, NewID(sr.TherapistID), ms(o.Start), ms(o.End), ms(o.End.Add(buffer)), o.Date, boolArg(o.Off))
	}
	shared := []any{
		"therapist", sr.TherapistID, "type", sr.Type,
		"buffer", strconv.FormatInt(buffer.Milliseconds(), 10),
		"status", string(StatusHeld), "seq", "0",
		"name", sr.Name, "email", sr.Email, "tz", sr.TimeZone, "notes", sr.Notes,
		"flag", "", "series", sr.ID, "room", sr.Room, "lang", sr.Language,
	}
	args = append(args, strconv.Itoa(len(shared)/2))
	args = append(args, shared...)
	args = append(args,
		"id", sr.ID, "therapist", sr.TherapistID, "type", sr.Type,
		"every", strconv.Itoa(sr.EveryWeeks), "count", strconv.Itoa(sr.Count), "first", ms(occ[0].Start),
		"name", sr.Name, "email", sr.Email, "tz", sr.TimeZone, "notes", sr.Notes, "seq", "0", "room", sr.Room, "lang", sr.Language)
	v, err := claimSeriesScript.Run(ctx, s.rdb, keys, args...).Result()
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			err = fmt.Errorf("%w: %w", ErrNotSent, err)
		}
		return Series{}, nil, fmt.Errorf("claim series for therapist %s: %w: %w", sr.TherapistID, errRedis, err)
	}
	reply, _ := v.([]any)
	if len(reply) == 0 {
		return Series{}, nil, fmt.Errorf("booking: unexpected series reply %T", v)
	}
	if code, _ := reply[0].(string); code == "refused" {
		refused := &RefusedError{}
		for _, r := range reply[1:] {
			n, _ := strconv.ParseInt(fmt.Sprint(r), 10, 64)
			refused.Starts = append(refused.Starts, time.UnixMilli(n).UTC())
		}
		return Series{}, nil, refused
	}
	if len(reply) != 3 {
		return Series{}, nil, fmt.Errorf("booking: unexpected series reply %v", reply[0])
	}
	got, err := decodeSeries(pairsOf(reply[2]))
	if err != nil {
		return Series{}, nil, err
	}
	bookings, err := s.occurrences(ctx, got)
	return got, bookings, err
}

// GetSeries returns a series and its occurrences, by start.
func (s *Store) GetSeries(ctx context.Context, id string) (Series, []Booking, error) {
	t, err := TherapistOf(id)
	if err != nil {
		return Series{}, nil, err
	}
	m, err := s.rdb.HGetAll(ctx, keysFor(t).series(id)).Result()
	if err != nil {
		return Series{}, nil, fmt.Errorf("get series %s: %w", id, err)
	}
	if len(m) == 0 {
		return Series{}, nil, fmt.Errorf("get series %s: %w", id, ErrNotFound)
	}
	sr, err := decodeSeries(m)
	if err != nil {
		return Series{}, nil, err
	}
	bookings, err := s.occurrences(ctx, sr)
	return sr, bookings, err
}

// occurrences reads the bookings of a series in one round trip.
func (s *Store) occurrences(ctx context.Context, sr Series) ([]Booking, error) {
	k := keysFor(sr.TherapistID)
	cmds, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, id := range sr.Occurrences {
			p.HGetAll(ctx, k.booking(id))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("occurrences of series %s: %w", sr.ID, err)
	}
	out := make([]Booking, 0, len(cmds))
	for _, c := range cmds {
		m := c.(*redis.MapStringStringCmd).Val()
		if len(m) == 0 {
			continue
		}
		b, err := decode(m)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// BumpSeries raises the series' SEQUENCE for a change to its event and
// returns the new value.
func (s *Store) BumpSeries(ctx context.Context, id string) (int, error) {
	t, err := TherapistOf(id)
	if err != nil {
		return 0, err
	}
	key := keysFor(t).series(id)
	n, err := bumpSeriesScript.Run(ctx, s.rdb, []string{key}, ms(s.now())).Int()
	if err != nil {
		return 0, fmt.Errorf("series %s: %w", id, err)
	}
	if n < 0 {
		return 0, fmt.Errorf("series %s: %w", id, ErrNotFound)
	}
	return n, nil
}

var bumpSeriesScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
redis.call('HSET', KEYS[1], 'updated', ARGV[1])
return redis.call('HINCRBY', KEYS[1], 'seq', 1)`)

func decodeSeries(m map[string]string) (Series, error) {
	sr := Series{
		ID: m["id"], TherapistID: m["therapist"], Type: m["type"],
		Name: m["name"], Email: m["email"], TimeZone: m["tz"], Notes: m["notes"],
		Room: m["room"], Language: m["lang"],
	}
	var n [6]int64
	for i, f := range []string{"every", "count", "seq", "created", "updated", "first"} {
		v, err := strconv.ParseInt(m[f], 10, 64)
		if err != nil {
			return Series{}, fmt.Errorf("series %s: field %s: %w", sr.ID, f, err)
		}
		n[i] = v
	}
	sr.EveryWeeks, sr.Count, sr.Seq = int(n[0]), int(n[1]), int(n[2])
	sr.CreatedAt, sr.UpdatedAt = time.UnixMilli(n[3]).UTC(), time.UnixMilli(n[4]).UTC()
	sr.First = time.UnixMilli(n[5]).UTC()
	if v := m["occurrences"]; v != "" {
		sr.Occurrences = strings.Split(v, ",")
	}
	if v := m["skipped"]; v != "" {
		for _, f := range strings.Split(v, ",") {
			t, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				return Series{}, fmt.Errorf("series %s: skipped: %w", sr.ID, err)
			}
			sr.Skipped = append(sr.Skipped, time.UnixMilli(t).UTC())
		}
	}
	return sr, nil
}

func pairsOf(v any) map[string]string {
	pairs, _ := v.([]any)
	m := make(map[string]string, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		k, _ := pairs[i].(string)
		val, _ := pairs[i+1].(string)
		m[k] = val
	}
	return m
}

func boolArg(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
