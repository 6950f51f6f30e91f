package testredis

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// StartReplica runs a redis-server that replicates master, and waits until
// its first sync is done. It sets the master's repl-diskless-sync-delay to
// 0, or the first sync would wait 5 s for more replicas.
func StartReplica(t testing.TB, master *Server) *Server {
	t.Helper()
	if err := master.Client(t).ConfigSet(context.Background(), "repl-diskless-sync-delay", "0").Err(); err != nil {
		t.Fatalf("testredis: %v", err)
	}
	host, port, _ := net.SplitHostPort(master.Addr())
	r := StartWith(t, "--replicaof", host, port)
	c := r.Client(t)
	deadline := time.Now().Add(readyTimeout)
	for {
		info, _ := c.Info(context.Background(), "replication").Result()
		if strings.Contains(info, "master_link_status:up") {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("testredis: replica %s did not sync with %s:\n%s", r.Addr(), master.Addr(), info)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// StartSentinel runs a Redis Sentinel that monitors master under name. It
// decides alone (quorum 1) and quickly: a master that does not answer for
// a second is failed over to a replica, if it has one. The Sentinel is
// stopped when the test ends.
func StartSentinel(t testing.TB, master *Server, name string) *Server {
	t.Helper()
	host, port, _ := net.SplitHostPort(master.Addr())
	conf := fmt.Sprintf("sentinel monitor %[1]s %[2]s %[3]s 1\n"+
		"sentinel down-after-milliseconds %[1]s 1000\n"+
		"sentinel failover-timeout %[1]s 10000\n"+
		"sentinel parallel-syncs %[1]s 1\n", name, host, port)
	// Sentinel rewrites its file, so it must be its own and writable.
	path := filepath.Join(t.TempDir(), "sentinel.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatalf("testredis: %v", err)
	}
	s := start(t, path, []string{"--sentinel"})
	waitSentinelReady(t, s, master, name)
	return s
}

// waitSentinelReady waits until the Sentinel knows every replica the
// master has, so it can fail over from then on.
func waitSentinelReady(t testing.TB, sentinel, master *Server, name string) {
	t.Helper()
	ctx := context.Background()
	mc := redis.NewClient(&redis.Options{Addr: master.Addr()})
	defer mc.Close()
	sc := redis.NewSentinelClient(&redis.Options{Addr: sentinel.Addr()})
	defer sc.Close()
	deadline := time.Now().Add(readyTimeout)
	for {
		info, _ := mc.Info(ctx, "replication").Result()
		want := "connected_slaves:0"
		if _, rest, ok := strings.Cut(info, "connected_slaves:"); ok {
			want = "connected_slaves:" + strings.Fields(rest)[0]
		}
		replicas, err := sc.Replicas(ctx, name).Result()
		if err == nil && want == fmt.Sprintf("connected_slaves:%d", len(replicas)) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("testredis: sentinel %s does not see the replicas of %s (%s): %v %v", sentinel.Addr(), name, want, replicas, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// MasterOf asks a Sentinel where the master called name is now.
func MasterOf(t testing.TB, sentinel *Server, name string) string {
	t.Helper()
	s := redis.NewSentinelClient(&redis.Options{Addr: sentinel.Addr()})
	defer s.Close()
	addr, err := s.GetMasterAddrByName(context.Background(), name).Result()
	if err != nil || len(addr) != 2 {
		t.Fatalf("testredis: SENTINEL GET-MASTER-ADDR-BY-NAME %s: %v %v", name, addr, err)
	}
	return net.JoinHostPort(addr[0], addr[1])
}
