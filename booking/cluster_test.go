package booking

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/internal/testredis"
	"github.com/redis/go-redis/v9"
)

// Every key a therapist's bookings produce shares one Cluster slot, and no
// key name holds an email. A plain server refuses CLUSTER KEYSLOT, so the
// slots are asked of a cluster-enabled one.
func TestKeysShareSlotAndHideEmail(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	req := session("ada", at("10:00"), time.Hour, 10*time.Minute)
	req.Email = "Client.Person@Example.org"
	b, _, err := s.Claim(ctx, req, "idem-1", Guard{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reschedule(ctx, b.ID, at("12:00"), at("13:00"), Guard{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MarkSent(ctx, b.ID, "invite:1"); err != nil {
		t.Fatal(err)
	}
	keys, err := s.rdb.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) < 8 { // b:, live, all, held, span, idem:, dup:, sent:
		t.Fatalf("only %d keys: %v", len(keys), keys)
	}
	slotOf := cluster(t)
	want := slotOf("consultd:{t:ada}:")
	for _, k := range keys {
		if got := slotOf(k); got != want {
			t.Errorf("key %q in slot %d, want %d", k, got, want)
		}
		if strings.Contains(strings.ToLower(k), "client.person") || strings.Contains(k, "@") {
			t.Errorf("key %q reveals the email", k)
		}
	}
}

// cluster starts a cluster-enabled redis-server and returns a slot lookup.
func cluster(t *testing.T) func(key string) int64 {
	c := testredis.StartWith(t, "--cluster-enabled", "yes").Client(t)
	return func(key string) int64 {
		n, err := c.ClusterKeySlot(context.Background(), key).Result()
		if err != nil {
			t.Fatalf("CLUSTER KEYSLOT %s: %v", key, err)
		}
		return n
	}
}

// The scripts run on a real (one-node) Cluster through a ClusterClient,
// which refuses a script whose declared keys span slots.
func TestOnCluster(t *testing.T) {
	srv := testredis.StartWith(t, "--cluster-enabled", "yes")
	ctx := context.Background()
	admin := srv.Client(t)
	if err := admin.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", 0, 16383).Err(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(admin.ClusterInfo(ctx).Val(), "cluster_state:ok") {
		if time.Now().After(deadline) {
			t.Fatal("cluster did not become ready")
		}
		time.Sleep(50 * time.Millisecond)
	}
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{srv.Addr()}})
	t.Cleanup(func() { _ = rdb.Close() })
	s := NewStore(rdb, nil)

	b, _, err := s.Claim(ctx, session("ada", at("10:00"), time.Hour, 10*time.Minute), "idem-1", Guard{})
	if err != nil {
		t.Fatal(err)
	}
	steps := []func() error{
		func() error { _, err := s.Reschedule(ctx, b.ID, at("12:00"), at("13:00"), Guard{}); return err },
		func() error { _, err := s.Confirm(ctx, b.ID, 1); return err },
		func() error { return s.SetFlag(ctx, b.ID, "undeliverable") },
		func() error { _, err := s.Busy(ctx, "ada", at("00:00"), at("23:00")); return err },
		func() error { _, err := s.List(ctx, "ada", at("00:00"), at("23:00")); return err },
		func() error { _, err := s.Held(ctx, "ada"); return err },
		func() error { _, err := s.MarkSent(ctx, b.ID, "invite:1"); return err },
		func() error { _, _, err := s.Cancel(ctx, b.ID); return err },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	c := mustClaim(t, s, session("ada", at("12:00"), time.Hour, 0))
	if err := s.Release(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
}

// Scripts are sent by hash; after Redis forgets them (a restart, a
// failover, SCRIPT FLUSH) the store must load them again by itself.
func TestScriptsSurviveFlush(t *testing.T) {
	s, _ := newStore(t)
	mustClaim(t, s, session("ada", at("10:00"), time.Hour, 0))
	if err := s.rdb.ScriptFlush(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	mustClaim(t, s, session("ada", at("12:00"), time.Hour, 0))
}
