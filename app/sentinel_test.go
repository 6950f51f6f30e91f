package app

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/internal/testredis"
	"github.com/consultd/consultd/internal/testsmtp"
)

// The service finds its Redis through Sentinel, and keeps booking after
// the master dies and Sentinel promotes the replica, with what was booked
// before still there.
func TestServiceThroughSentinel(t *testing.T) {
	master := testredis.Start(t)
	replica := testredis.StartReplica(t, master)
	sentinel := testredis.StartSentinel(t, master, "consultd")
	e := &redisEnv{smtp: testsmtp.Start(t)}
	cfg := testConfig(t, nil, e.smtp, func(c *config.Config) {
		c.Redis.Sentinel = config.Sentinel{Master: "consultd", Addrs: []string{sentinel.Addr()}}
	})
	if cfg.Redis.Mode() != config.RedisSentinel {
		t.Fatalf("mode = %s", cfg.Redis.Mode())
	}
	e.rdb = redis.NewFailoverClient(&redis.FailoverOptions{MasterName: "consultd", SentinelAddrs: []string{sentinel.Addr()}})
	t.Cleanup(func() { _ = e.rdb.Close() })
	_, e.base = runApp(t, cfg, AllRoles, &syncBuffer{})
	slots := e.slots(t, "default")

	first := e.book(t, "default", slots[0].Start, "before@example.org")
	e.mailAbout(t, "before@example.org", first.ID, 1)
	e.mailAbout(t, "ada@example.org", first.ID, 1)
	e.waitStatus(t, first.ID, booking.StatusConfirmed)
	// Replication is asynchronous: make sure the replica has it all before
	// the master goes.
	if n, err := master.Client(t).Do(context.Background(), "WAIT", 1, 5000).Int(); err != nil || n != 1 {
		t.Fatalf("WAIT = %d, %v", n, err)
	}

	began := time.Now()
	master.Kill()
	eventually(t, 20*time.Second, "Sentinel to promote the replica", func() bool {
		return testredis.MasterOf(t, sentinel, "consultd") == replica.Addr()
	})
	t.Logf("Sentinel promoted the replica %v after the master died", time.Since(began).Round(time.Millisecond))

	// Until the service reaches the new master a request may be refused
	// with 503, which tells the client nothing was booked and to retry.
	var second bookingAnswer
	refused := 0
	eventually(t, 20*time.Second, "a booking after the failover", func() bool {
		code := do(t, "POST", e.base+"/api/bookings", bookingFor("default", slots[5].Start, "after@example.org"), &second)
		if code != 201 && code != 503 {
			t.Fatalf("POST after the failover = %d %+v", code, second)
		}
		if code == 503 {
			refused++
		}
		return code == 201
	})
	t.Logf("booked again %v after the master died (%d refused with 503 first)", time.Since(began).Round(time.Millisecond), refused)
	e.mailAbout(t, "after@example.org", second.ID, 1)
	e.waitStatus(t, second.ID, booking.StatusConfirmed)
	e.waitStatus(t, first.ID, booking.StatusConfirmed)
	// The slot booked before the failover is still taken.
	if code := do(t, "POST", e.base+"/api/bookings", bookingFor("default", slots[0].Start, "other@example.org"), nil); code != 409 {
		t.Fatalf("the slot booked before the failover: POST = %d, want 409", code)
	}
}
