// Package feeds owns the therapists' own calendars (busy_ics): it fetches
// each iCalendar feed, turns it into busy time with calendar.BusyFromICSExcept and
// keeps the result and a status per feed in Redis, so every process
// subtracts the same busy time from the free slots.
//
// Keys carry the therapist's hash tag like the booking store's:
//
//	consultd:{t:X}:feedbusy    hash: feed key → last good busy time (JSON)
//	consultd:{t:X}:feedstatus  hash: feed key → status (JSON)
//	consultd:feeds:run:<n>     the refresh of interval n has been claimed
//
// A feed key is the SHA-256 of the feed's address, never the address
// itself: that of a private calendar is a secret.
package feeds

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
)

// Store reads and writes the busy time and status of every feed.
type Store struct {
	rdb redis.UniversalClient
	cfg *config.Config
	now func() time.Time
	// keys is each therapist's feed keys, hashed once per configuration
	// (a store is made per configuration): the claim asks on every booking.
	keys map[string][]string
}

// NewStore returns a store on rdb for the feeds configured in cfg; now is
// the clock (time.Now when nil).
func NewStore(rdb redis.UniversalClient, cfg *config.Config, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	s := &Store{rdb: rdb, cfg: cfg, now: now, keys: map[string][]string{}}
	for _, t := range cfg.Therapists {
		if hasOwnCalendars(t) {
			s.keys[t.ID] = slices.Clip(feedKeys(t))
		}
	}
	return s
}

// Status is what is known of one feed.
type Status struct {
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastAttempt time.Time `json:"last_attempt,omitzero"`
	// LastError says why the last attempt failed ("" when it did not). It
	// names the host at most, never a path or anything from the feed.
	LastError string `json:"last_error,omitempty"`
	// Class is the kind of the last failure of a CalDAV calendar
	// ("auth refused", "unreachable"…), as /readyz shows it.
	Class string `json:"class,omitempty"`
	Spans int    `json:"spans"`
}

// Loaded reports whether the feed was ever read successfully.
func (s Status) Loaded() bool { return !s.LastSuccess.IsZero() }

// copyJSON is the stored busy time of one feed, in Unix milliseconds.
type copyJSON struct {
	Busy [][2]int64 `json:"busy"`
}

func busyKey(therapistID string) string   { return "consultd:{t:" + therapistID + "}:feedbusy" }
func statusKey(therapistID string) string { return "consultd:{t:" + therapistID + "}:feedstatus" }

// feedKey names a feed in Redis without revealing its address.
func feedKey(source config.Secret) string {
	sum := sha256.Sum256([]byte(source.Reveal()))
	return hex.EncodeToString(sum[:16])
}

// feedKeys are the keys of the therapist's busy_ics feeds, in order, then
// that of the CalDAV calendar when there is one.
func feedKeys(t config.Therapist) []string {
	keys := make([]string, len(t.BusyICS), len(t.BusyICS)+1)
	for i, f := range t.BusyICS {
		keys[i] = feedKey(f)
	}
	if t.CalDAV.IsSet() {
		keys = append(keys, calDAVKey(t.CalDAV))
	}
	return keys
}

// calDAVKey names the stored busy time of a CalDAV account's collections.
func calDAVKey(c config.CalDAV) string {
	return feedKey(config.Secret("caldav " + c.Username + " " + c.URL + " " + strings.Join(c.BusyURLs, " ")))
}

// hasOwnCalendars reports whether the therapist has any calendar to read.
func hasOwnCalendars(t config.Therapist) bool { return len(t.BusyICS) > 0 || t.CalDAV.IsSet() }

// Busy returns the spans of the therapist's own calendars that meet
// [from, to), from the last good copy of each configured feed. A feed never
// loaded blocks nothing.
func (s *Store) Busy(ctx context.Context, therapistID string, from, to time.Time) ([]calendar.Interval, error) {
	t, ok := s.cfg.Therapist(therapistID)
	if !ok || !hasOwnCalendars(t) {
		return nil, nil
	}
	vals, err := s.rdb.HMGet(ctx, busyKey(therapistID), feedKeys(t)...).Result()
	if err != nil {
		return nil, fmt.Errorf("calendar busy times of %s: %w", therapistID, err)
	}
	window := calendar.Interval{Start: from, End: to}
	var out []calendar.Interval
	for _, v := range vals {
		raw, ok := v.(string)
		if !ok {
			continue // never loaded
		}
		var c copyJSON
		if err := json.Unmarshal([]byte(raw), &c); err != nil {
			return nil, fmt.Errorf("calendar busy times of %s: %w", therapistID, err)
		}
		for _, b := range c.Busy {
			span := calendar.Interval{Start: time.UnixMilli(b[0]).UTC(), End: time.UnixMilli(b[1]).UTC()}
			if span.Overlaps(window) {
				out = append(out, span)
			}
		}
	}
	return out, nil
}

// status is the stored status of one feed (zero when there is none).
func (s *Store) status(ctx context.Context, therapistID, key string) (Status, error) {
	var st Status
	raw, err := s.rdb.HGet(ctx, statusKey(therapistID), key).Result()
	if errors.Is(err, redis.Nil) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	return st, json.Unmarshal([]byte(raw), &st)
}

// save stores a feed's status and, when busy is not nil, its new good copy,
// in one transaction (both keys share the therapist's hash slot).
func (s *Store) save(ctx context.Context, therapistID, key string, st Status, busy []calendar.Interval) error {
	stJSON, err := json.Marshal(st)
	if err != nil {
		return err
	}
	var busyJSON []byte
	if busy != nil {
		c := copyJSON{Busy: make([][2]int64, len(busy))}
		for i, b := range busy {
			c.Busy[i] = [2]int64{b.Start.UnixMilli(), b.End.UnixMilli()}
		}
		if busyJSON, err = json.Marshal(c); err != nil {
			return err
		}
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, statusKey(therapistID), key, stJSON)
		if busyJSON != nil {
			p.HSet(ctx, busyKey(therapistID), key, busyJSON)
		}
		return nil
	})
	return err
}

// forget drops what is stored of feeds the therapist no longer lists.
func (s *Store) forget(ctx context.Context, t config.Therapist) error {
	stored, err := s.rdb.HKeys(ctx, statusKey(t.ID)).Result()
	if err != nil {
		return err
	}
	keep := feedKeys(t)
	gone := slices.DeleteFunc(stored, func(k string) bool { return slices.Contains(keep, k) })
	if len(gone) == 0 {
		return nil
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HDel(ctx, statusKey(t.ID), gone...)
		p.HDel(ctx, busyKey(t.ID), gone...)
		return nil
	})
	return err
}

// claimRun reports whether this process is the first to claim the refresh
// of the interval now falls in; the claim expires with the interval.
func (s *Store) claimRun(ctx context.Context, what string, now time.Time, every time.Duration) (bool, error) {
	n := now.UnixNano() / int64(every)
	key := fmt.Sprintf("consultd:%s:run:%d", what, n)
	return s.rdb.SetNX(ctx, key, now.UnixMilli(), every).Result()
}

// FeedKeys names the stored copies of the therapist's configured feeds, for
// the booking claim to check their busy time. The slice is shared: the
// caller must not change it.
func (s *Store) FeedKeys(therapistID string) []string {
	return s.keys[therapistID]
}
