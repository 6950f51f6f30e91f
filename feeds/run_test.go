package feeds

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/internal/testredis"
)

// TestRunOnePerInterval: two processes each read at start-up, then share
// the periodic reads, one per interval.
func TestRunOnePerInterval(t *testing.T) {
	rdb := testredis.Start(t).Client(t)
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		_, _ = w.Write([]byte(feedA))
	}))
	t.Cleanup(srv.Close)
	clock := testNow
	store, _, _ := setup(t, rdb, &clock, srv.URL+secretPath)
	const every = 100 * time.Millisecond
	store.cfg.Feeds.Refresh = every // below what Validate allows, to keep the test short
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	began := time.Now()
	moving := func() time.Time { return testNow.Add(time.Since(began)) }
	for range 2 {
		r := NewRefresher(NewStore(rdb, store.cfg, moving), store.cfg, Options{Now: moving, Logger: slogTo(io.Discard)})
		wg.Go(func() { r.Run(ctx) })
	}
	time.Sleep(12 * every)
	cancel()
	wg.Wait()
	periodic := requests.Load() - 2
	intervals := int64(time.Since(began)/every) + 1
	if periodic < 3 || periodic > intervals {
		t.Errorf("%d periodic reads in %d intervals, want one per interval at most (and some)", periodic, intervals)
	}
	if got := busySpans(t, store); len(got) != 1 || got[0] != spanA {
		t.Errorf("busy = %v, want %s", got, spanA)
	}
}

// TestSetConfigReadsChangedFeedsAtOnce: a configuration that adds a feed
// has it read at once, not an interval later; one that changes no feed
// setting reads nothing.
func TestSetConfigReadsChangedFeedsAtOnce(t *testing.T) {
	rdb := testredis.Start(t).Client(t)
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		_, _ = w.Write([]byte(feedA))
	}))
	t.Cleanup(srv.Close)
	clock := testNow
	store, r, _ := setup(t, rdb, &clock) // no feed yet
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { r.Run(ctx) })
	defer func() { cancel(); wg.Wait() }()

	added := *store.cfg
	added.Therapists = slices.Clone(added.Therapists)
	added.Therapists[0].BusyICS = []config.Secret{config.Secret(srv.URL + secretPath)}
	r.SetConfig(&added)
	deadline := time.Now().Add(5 * time.Second)
	for requests.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the added feed was not read within 5 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// (Run's own first read may have seen the new configuration too.)
	time.Sleep(300 * time.Millisecond)
	before := requests.Load()
	same := added
	same.Practice.Name = "Another Name"
	r.SetConfig(&same)
	time.Sleep(300 * time.Millisecond)
	if n := requests.Load(); n != before {
		t.Errorf("%d reads after a change of no feed setting, want none", n-before)
	}
	if got := busySpans(t, NewStore(rdb, &added, func() time.Time { return clock })); len(got) != 1 || got[0] != spanA {
		t.Errorf("busy = %v, want %s", got, spanA)
	}
}
