package testredis

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// clusterSize is the number of masters StartCluster makes: enough that
// two therapists' keys can live on different nodes.
const clusterSize = 3

// Cluster is a Redis Cluster of three masters (no replicas) on loopback,
// each node one Server.
type Cluster struct {
	Nodes []*Server
}

// StartCluster starts three cluster-enabled redis-servers, joins them with
// `redis-cli --cluster create` (the 16384 slots split in three) and waits
// until every node reports cluster_state:ok and knows all the slots. The
// nodes are stopped when the test ends.
func StartCluster(t testing.TB) *Cluster {
	t.Helper()
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Fatalf("testredis: redis-cli is not on PATH (%v). The Cluster tests need it to join the nodes: "+
			"run `make test` (it installs redis-server, which brings redis-cli), or install redis-tools yourself.", err)
	}
	c := &Cluster{}
	for range clusterSize {
		c.Nodes = append(c.Nodes, StartWith(t,
			"--cluster-enabled", "yes",
			"--cluster-config-file", "nodes.conf",
			"--cluster-node-timeout", "5000",
		))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	args := append([]string{"--cluster", "create"}, c.Addrs()...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput(); err != nil {
		t.Fatalf("testredis: redis-cli %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	if err := c.waitReady(readyTimeout); err != nil {
		t.Fatalf("testredis: %v", err)
	}
	return c
}

// Addrs are the nodes' host:port addresses.
func (c *Cluster) Addrs() []string {
	addrs := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		addrs[i] = n.Addr()
	}
	return addrs
}

// Client returns a Cluster client seeded with every node, closed when the
// test ends.
func (c *Cluster) Client(t testing.TB) *redis.ClusterClient {
	t.Helper()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs()})
	t.Cleanup(func() { _ = cc.Close() })
	return cc
}

// Stop stops every node.
func (c *Cluster) Stop() {
	for _, n := range c.Nodes {
		n.Stop()
	}
}

// NodeFor returns the node that serves key's hash slot, and the slot.
func (c *Cluster) NodeFor(t testing.TB, key string) (*Server, int64) {
	t.Helper()
	ctx := context.Background()
	admin := c.Nodes[0].Client(t)
	slot, err := admin.ClusterKeySlot(ctx, key).Result()
	if err != nil {
		t.Fatalf("testredis: CLUSTER KEYSLOT %s: %v", key, err)
	}
	shards, err := admin.ClusterShards(ctx).Result()
	if err != nil {
		t.Fatalf("testredis: CLUSTER SHARDS: %v", err)
	}
	for _, sh := range shards {
		primary, ok := shardPrimary(sh)
		if !ok {
			continue
		}
		for _, r := range sh.Slots {
			if r.Start <= slot && slot <= r.End {
				for _, n := range c.Nodes {
					if n.Addr() == primary {
						return n, slot
					}
				}
			}
		}
	}
	t.Fatalf("testredis: no node serves slot %d of %s", slot, key)
	return nil, 0
}

// waitReady waits until every node says the cluster is ok and sees each
// node serving a share of the slots.
func (c *Cluster) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for _, n := range c.Nodes {
		client := redis.NewClient(&redis.Options{Addr: n.Addr()})
		err := func() error {
			defer client.Close()
			for {
				state := clusterState(client)
				if state == "" {
					return nil
				}
				if time.Now().After(deadline) {
					return fmt.Errorf("cluster not ready within %s: node %s: %s", timeout, n.Addr(), state)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}()
		if err != nil {
			return err
		}
	}
	return nil
}

// clusterState says what is still missing on one node, or "" when it is
// ready.
func clusterState(client *redis.Client) string {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	info, err := client.ClusterInfo(ctx).Result()
	if err != nil {
		return err.Error()
	}
	if !strings.Contains(info, "cluster_state:ok") {
		return "cluster_state is not ok"
	}
	shards, err := client.ClusterShards(ctx).Result()
	if err != nil {
		return err.Error()
	}
	owners := map[string]bool{}
	for _, sh := range shards {
		if primary, ok := shardPrimary(sh); ok && len(sh.Slots) > 0 {
			owners[primary] = true
		}
	}
	if len(owners) != clusterSize {
		return fmt.Sprintf("sees %d of %d nodes serving slots", len(owners), clusterSize)
	}
	return ""
}

// shardPrimary is the address of the shard's primary (CLUSTER SHARDS,
// Redis 7).
func shardPrimary(sh redis.ClusterShard) (string, bool) {
	for _, n := range sh.Nodes {
		if n.Role == "master" {
			return net.JoinHostPort(n.IP, strconv.FormatInt(n.Port, 10)), true
		}
	}
	return "", false
}
