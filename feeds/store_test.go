package feeds

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/internal/testredis"
)

func slogTo(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func TestName(t *testing.T) {
	tests := []struct {
		index  int
		source string
		want   string
	}{
		{0, "https://calendar.google.com" + secretPath, "busy_ics[0] calendar.google.com"},
		{1, "https://user:password@cal.example.org:8443/dav/ada.ics?token=abc", "busy_ics[1] cal.example.org"},
		{2, "/etc/consultd/private/ada.ics", "busy_ics[2] file ada.ics"},
		{3, "calendars/ada.ics", "busy_ics[3] file ada.ics"},
	}
	for _, tt := range tests {
		if got := Name(tt.index, config.Secret(tt.source)); got != tt.want {
			t.Errorf("Name(%d, %q) = %q, want %q", tt.index, tt.source, got, tt.want)
		}
	}
}

// TestClaimRun: of the processes that tick within one interval, only the
// first refreshes.
func TestClaimRun(t *testing.T) {
	rdb := testredis.Start(t).Client(t)
	clock := testNow
	store, _, _ := setup(t, rdb, &clock)
	every := 15 * time.Minute
	start := testNow.Truncate(every)
	tests := []struct {
		desc string
		at   time.Time
		want bool
	}{
		{"first in the interval", start.Add(time.Minute), true},
		{"another process in the same interval", start.Add(14 * time.Minute), false},
		{"the next interval", start.Add(every), true},
		{"the next interval again", start.Add(every + time.Second), false},
	}
	for _, tt := range tests {
		got, err := store.claimRun(context.Background(), "feeds", tt.at, every)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%s: claimed %v, want %v", tt.desc, got, tt.want)
		}
	}
}

// TestReportStates follows one feed through its states as time passes.
func TestReportStates(t *testing.T) {
	rdb := testredis.Start(t).Client(t)
	srv := newCalendarServer(t, answer{200, feedA, ""}, answer{500, "", ""}, answer{200, feedA, ""})
	clock := testNow
	store, r, _ := setup(t, rdb, &clock, srv.URL+secretPath)
	state := func() FeedReport {
		t.Helper()
		report, err := store.Report(context.Background())
		if err != nil || len(report["default"]) != 1 {
			t.Fatalf("report %v, err %v", report, err)
		}
		return report["default"][0]
	}
	refresh := func() {
		if err := r.refreshAll(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		desc string
		act  func()
		want string
	}{
		{"before any read", func() {}, StateNeverLoaded},
		{"read", refresh, StateOK},
		{"server error", refresh, StateFailing},
		{"read again", refresh, StateOK},
		{"no refresh for an hour", func() { clock = clock.Add(time.Hour) }, StateStale},
	}
	for _, s := range steps {
		s.act()
		if got := state(); got.State != s.want {
			t.Errorf("%s: state %q, want %q", s.desc, got.State, s.want)
		}
	}
	if got := state(); !got.LastSuccess.Equal(testNow) {
		t.Errorf("last success %v, want %v", got.LastSuccess, testNow)
	}
}

// TestForgetRemovedFeed: a feed taken out of the configuration stops
// blocking time, and its stored copy is dropped at the next refresh.
func TestForgetRemovedFeed(t *testing.T) {
	rdb := testredis.Start(t).Client(t)
	srv := newCalendarServer(t, answer{200, feedA, ""})
	clock := testNow
	store, r, _ := setup(t, rdb, &clock, srv.URL+secretPath)
	if err := r.refreshAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	store.cfg.Therapists[0].BusyICS = nil
	if got := busySpans(t, store); got != nil {
		t.Errorf("busy = %v after the feed was removed", got)
	}
	if err := r.refreshAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n, err := rdb.HLen(context.Background(), busyKey("default")).Result(); err != nil || n != 0 {
		t.Errorf("%d stored copies left (err %v)", n, err)
	}
}

// TestOneFeedNeverLoaded: a therapist's feed that never loaded blocks
// nothing and is reported so, while their other feed still counts.
func TestOneFeedNeverLoaded(t *testing.T) {
	rdb := testredis.Start(t).Client(t)
	broken := newCalendarServer(t, answer{500, "", ""})
	working := newCalendarServer(t, answer{200, feedB, ""})
	clock := testNow
	store, r, _ := setup(t, rdb, &clock, broken.URL+secretPath, working.URL+secretPath)
	if err := r.refreshAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := busySpans(t, store); len(got) != 1 || got[0] != spanB {
		t.Errorf("busy = %v, want only %s", got, spanB)
	}
	report, err := store.Report(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []FeedReport{{Feed: "busy_ics[0]", State: StateNeverLoaded}, {Feed: "busy_ics[1]", State: StateOK, LastSuccess: testNow}}
	if got := report["default"]; len(got) != 2 || got[0] != want[0] || got[1].State != want[1].State || !got[1].LastSuccess.Equal(testNow) {
		t.Errorf("report = %+v, want %+v", got, want)
	}
}
