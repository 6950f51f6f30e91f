package feeds

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// States of a feed, as GET /readyz shows them.
const (
	StateOK          = "ok"
	StateNeverLoaded = "never loaded" // blocks nothing until it loads
	StateFailing     = "failing"      // the last good copy is in use
	StateStale       = "stale"        // not refreshed lately: is a scheduler running?
)

// staleAfter is how many refresh intervals may pass without an attempt
// before a feed counts as stale.
const staleAfter = 3

// FeedReport is one feed in the readiness answer. It names the feed by its
// place in the configuration, never by its address, and gives no error
// text: /readyz is often public; the log has the detail.
type FeedReport struct {
	Feed        string    `json:"feed"` // "busy_ics[0]"
	State       string    `json:"state"`
	LastSuccess time.Time `json:"last_success,omitzero"`
}

// Report lists the feeds of every therapist who has some, by therapist id;
// nil when no therapist has any.
func (s *Store) Report(ctx context.Context) (map[string][]FeedReport, error) {
	var out map[string][]FeedReport
	for _, t := range s.cfg.Therapists {
		if len(t.BusyICS) == 0 {
			continue
		}
		vals, err := s.rdb.HMGet(ctx, statusKey(t.ID), feedKeys(t)...).Result()
		if err != nil {
			return nil, fmt.Errorf("feed status of %s: %w", t.ID, err)
		}
		list := make([]FeedReport, len(vals))
		for i, v := range vals {
			var st Status
			if raw, ok := v.(string); ok {
				if err := json.Unmarshal([]byte(raw), &st); err != nil {
					return nil, fmt.Errorf("feed status of %s: %w", t.ID, err)
				}
			}
			list[i] = FeedReport{Feed: fmt.Sprintf("busy_ics[%d]", i), State: s.state(st), LastSuccess: st.LastSuccess.UTC()}
		}
		if out == nil {
			out = map[string][]FeedReport{}
		}
		out[t.ID] = list
	}
	return out, nil
}

func (s *Store) state(st Status) string {
	switch {
	case !st.Loaded():
		return StateNeverLoaded
	case st.LastError != "":
		return StateFailing
	case s.now().Sub(st.LastAttempt) > staleAfter*s.cfg.Feeds.Refresh:
		return StateStale
	}
	return StateOK
}
