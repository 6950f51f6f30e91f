package feeds

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/consultd/consultd/caldav"
)

// States of a feed, as GET /readyz shows them.
const (
	StateOK          = "ok"
	StateNeverLoaded = "never loaded" // blocks nothing until it loads
	StateFailing     = "failing"      // the last good copy is in use
	StateStale       = "stale"        // not refreshed lately: is a scheduler running?
	StateAuthRefused = "auth refused" // the CalDAV server refuses the account
)

// staleAfter is how many refresh intervals may pass without an attempt
// before a feed counts as stale.
const staleAfter = 3

// FeedReport is one feed in the readiness answer. It names the feed by its
// place in the configuration, never by its address, and gives no error
// text: /readyz is often public; the log has the detail.
type FeedReport struct {
	Feed  string `json:"feed"` // "busy_ics[0]", "caldav"
	State string `json:"state"`
	// Reason is the class of a CalDAV calendar's last failure.
	Reason      string    `json:"reason,omitempty"`
	LastSuccess time.Time `json:"last_success,omitzero"`
}

// Report lists the busy_ics feeds of every therapist who has some, by
// therapist id; nil when no therapist has any.
func (s *Store) Report(ctx context.Context) (map[string][]FeedReport, error) {
	var out map[string][]FeedReport
	for _, t := range s.cfg.Therapists {
		if len(t.BusyICS) == 0 {
			continue
		}
		sts, err := s.statuses(ctx, t.ID, feedKeys(t)[:len(t.BusyICS)])
		if err != nil {
			return nil, err
		}
		list := make([]FeedReport, len(sts))
		for i, st := range sts {
			list[i] = FeedReport{Feed: fmt.Sprintf("busy_ics[%d]", i), State: s.state(st, s.cfg.Feeds.Refresh), LastSuccess: st.LastSuccess.UTC()}
		}
		if out == nil {
			out = map[string][]FeedReport{}
		}
		out[t.ID] = list
	}
	return out, nil
}

// CalDAVReport is a therapist's CalDAV calendar in the readiness answer:
// its state, the class of its last failure ("auth refused",
// "unreachable", "timeout", "server error"…), never an address or text.
type CalDAVReport struct {
	State       string    `json:"state"`
	Reason      string    `json:"reason,omitempty"`
	LastSuccess time.Time `json:"last_success,omitzero"`
}

// CalDAVReports gives the state of each therapist's CalDAV calendar, by
// therapist id; nil when nobody has one. The state is that of the last
// read or write, whichever came last.
func (s *Store) CalDAVReports(ctx context.Context) (map[string]CalDAVReport, error) {
	var out map[string]CalDAVReport
	for _, t := range s.cfg.Therapists {
		if !t.CalDAV.IsSet() {
			continue
		}
		sts, err := s.statuses(ctx, t.ID, []string{calDAVKey(t.CalDAV)})
		if err != nil {
			return nil, err
		}
		st := sts[0]
		r := CalDAVReport{State: s.state(st, s.cfg.Feeds.CalDAVRefresh), Reason: st.Class, LastSuccess: st.LastSuccess.UTC()}
		switch {
		case st.Class == string(caldav.ClassAuth):
			r.State = StateAuthRefused
		case st.LastError != "":
			r.State = StateFailing
		}
		if out == nil {
			out = map[string]CalDAVReport{}
		}
		out[t.ID] = r
	}
	return out, nil
}

// statuses reads the stored status of each of keys (zero when none).
func (s *Store) statuses(ctx context.Context, therapistID string, keys []string) ([]Status, error) {
	vals, err := s.rdb.HMGet(ctx, statusKey(therapistID), keys...).Result()
	if err != nil {
		return nil, fmt.Errorf("calendar status of %s: %w", therapistID, err)
	}
	out := make([]Status, len(vals))
	for i, v := range vals {
		if raw, ok := v.(string); ok {
			if err := json.Unmarshal([]byte(raw), &out[i]); err != nil {
				return nil, fmt.Errorf("calendar status of %s: %w", therapistID, err)
			}
		}
	}
	return out, nil
}

func (s *Store) state(st Status, every time.Duration) string {
	switch {
	case !st.Loaded():
		return StateNeverLoaded
	case st.LastError != "":
		return StateFailing
	case s.now().Sub(st.LastAttempt) > staleAfter*every:
		return StateStale
	}
	return StateOK
}
