package testredis

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// The three nodes each serve a share of the slots, and a Cluster client
// reaches keys on all of them.
func TestClusterSpreadsKeysOverThreeNodes(t *testing.T) {
	began := time.Now()
	c := StartCluster(t)
	t.Logf("cluster ready in %v", time.Since(began).Round(time.Millisecond))
	ctx := context.Background()
	cc := c.Client(t)
	used := map[*Server]int{}
	for i := range 30 {
		key := fmt.Sprintf("k%d", i)
		if err := cc.Set(ctx, key, i, 0).Err(); err != nil {
			t.Fatalf("SET %s: %v", key, err)
		}
		node, _ := c.NodeFor(t, key)
		used[node]++
		// The key is stored on the node NodeFor names, not only routed there.
		if n, err := node.Client(t).Exists(ctx, key).Result(); err != nil || n != 1 {
			t.Fatalf("%s not on %s: %d %v", key, node.Addr(), n, err)
		}
	}
	if len(used) != clusterSize {
		t.Fatalf("30 keys landed on %d nodes, want %d", len(used), clusterSize)
	}
}

// A bus port of port+10000 would not exist for high ports; each
// cluster-enabled server gets its own.
func TestClusterNodesHaveTheirOwnBusPort(t *testing.T) {
	s := StartWith(t, "--cluster-enabled", "yes")
	if s.busPort == 0 || s.busPort == s.port {
		t.Fatalf("bus port %d for port %d", s.busPort, s.port)
	}
	got, err := s.Client(t).ConfigGet(context.Background(), "cluster-port").Result()
	if err != nil || got["cluster-port"] != fmt.Sprint(s.busPort) {
		t.Fatalf("cluster-port = %v, %v; want %d", got, err, s.busPort)
	}
	if plain := StartWith(t); plain.busPort != 0 {
		t.Fatalf("a plain server got bus port %d", plain.busPort)
	}
}

// A Sentinel names the master, and after the master dies it names the
// promoted replica, which holds what the master had.
func TestSentinelFailsOverToTheReplica(t *testing.T) {
	master := Start(t)
	replica := StartReplica(t, master)
	sentinel := StartSentinel(t, master, "main")
	if got := MasterOf(t, sentinel, "main"); got != master.Addr() {
		t.Fatalf("master = %s, want %s", got, master.Addr())
	}
	ctx := context.Background()
	mc := master.Client(t)
	if err := mc.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if n, err := mc.Do(ctx, "WAIT", 1, 5000).Int(); err != nil || n != 1 {
		t.Fatalf("WAIT = %d, %v", n, err)
	}
	began := time.Now()
	master.Kill()
	deadline := time.Now().Add(20 * time.Second)
	for MasterOf(t, sentinel, "main") != replica.Addr() {
		if time.Now().After(deadline) {
			t.Fatal("no failover within 20 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("failover took %v", time.Since(began).Round(time.Millisecond))
	if v, err := replica.Client(t).Get(ctx, "k").Result(); err != nil || v != "v" {
		t.Fatalf("promoted replica: k = %q, %v", v, err)
	}
}
