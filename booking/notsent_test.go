package booking

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/consultd/consultd/internal/testredis"
)

// cutProxy forwards to Redis until cut; then it passes the next command
// on, drops Redis's reply and refuses every later connection, as a Redis
// that ran a claim and died before answering would.
func cutProxy(t *testing.T, redisAddr string) (addr string, cut *atomic.Bool) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	cut = new(atomic.Bool)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", redisAddr)
			if err != nil {
				c.Close()
				continue
			}
			go func() {
				buf := make([]byte, 64<<10)
				for {
					n, err := c.Read(buf)
					if n > 0 {
						_, _ = up.Write(buf[:n])
						if cut.Load() {
							time.Sleep(200 * time.Millisecond) // Redis runs it
							l.Close()
							c.Close()
							up.Close()
							return
						}
					}
					if err != nil {
						up.Close()
						return
					}
				}
			}()
			go func() {
				buf := make([]byte, 64<<10)
				for {
					n, err := up.Read(buf)
					if n > 0 && !cut.Load() {
						_, _ = c.Write(buf[:n])
					}
					if err != nil {
						return
					}
				}
			}()
		}
	}()
	return l.Addr().String(), cut
}

// A claim whose reply was lost is never reported as not sent, even when
// the client's reconnection then fails; one that never reached Redis is.
func TestClaimKnowsWhetherItReachedRedis(t *testing.T) {
	srv := testredis.Start(t)
	addr, cut := cutProxy(t, srv.Addr())
	opts := func(a string) *redis.Options {
		return &redis.Options{Addr: a, MaxRetries: -1, DialerRetries: 1, DialTimeout: time.Second, ReadTimeout: 2 * time.Second}
	}
	clock := func() time.Time { return base.Add(-48 * time.Hour) }
	ctx := context.Background()
	st := NewStore(redis.NewClient(opts(addr)), clock)
	if _, _, err := st.Claim(ctx, session("ada", at("09:00"), time.Hour, 0), "", Guard{}); err != nil {
		t.Fatal(err)
	}
	cut.Store(true)
	_, _, err := st.Claim(ctx, session("ada", at("11:00"), time.Hour, 0), "", Guard{})
	if err == nil || errors.Is(err, ErrNotSent) {
		t.Fatalf("claim whose reply was lost: %v, want an error that does not say it was not sent", err)
	}
	if list, _ := NewStore(srv.Client(t), clock).List(ctx, "ada", at("10:30"), at("12:30")); len(list) != 1 {
		t.Fatalf("the lost reply's claim should have gone through: %d bookings", len(list))
	}

	dead := NewStore(redis.NewClient(opts("127.0.0.1:1")), clock)
	if _, _, err := dead.Claim(ctx, session("ada", at("14:00"), time.Hour, 0), "", Guard{}); !errors.Is(err, ErrNotSent) {
		t.Fatalf("claim with Redis unreachable: %v, want ErrNotSent", err)
	}
}
