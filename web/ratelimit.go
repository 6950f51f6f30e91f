package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// RateLimiter holds per-address limits in Redis, so they hold across every
// web process on one Redis: booking requests (the intake), and wrong admin
// credentials (see adminAuth). It is GCRA (go-redis/redis_rate): a burst of
// a limit's size, then one more event each Period/Rate, measured on the
// Redis server's clock.
type RateLimiter struct {
	rl     *redis_rate.Limiter
	intake redis_rate.Limit
	signIn redis_rate.Limit
}

// NewRateLimiter allows perMinute booking requests a minute per address and
// adminFailuresPerMinute wrong admin credentials; perMinute 0 means no
// limit at all (nil limiter).
func NewRateLimiter(rdb redis.UniversalClient, perMinute int) *RateLimiter {
	if perMinute <= 0 {
		return nil
	}
	return newRateLimiter(rdb, redis_rate.PerMinute(perMinute), redis_rate.PerMinute(adminFailuresPerMinute))
}

func newRateLimiter(rdb redis.UniversalClient, intake, signIn redis_rate.Limit) *RateLimiter {
	return &RateLimiter{rl: redis_rate.NewLimiter(rdb), intake: intake, signIn: signIn}
}

// take counts one event of key against limit; when it is over the limit
// it counts nothing and says how long to wait.
func (l *RateLimiter) take(ctx context.Context, key string, limit redis_rate.Limit) (time.Duration, error) {
	res, err := l.rl.Allow(ctx, key, limit)
	if err != nil {
		return 0, err
	}
	if res.Allowed > 0 {
		return 0, nil
	}
	return res.RetryAfter, nil
}

// wait says how long until key may have one more event under limit,
// without counting one (0: it may now).
func (l *RateLimiter) wait(ctx context.Context, key string, limit redis_rate.Limit) (time.Duration, error) {
	res, err := l.rl.AllowN(ctx, key, limit, 0)
	if err != nil {
		return 0, err
	}
	if res.Remaining > 0 {
		return 0, nil
	}
	// ResetAfter is when the whole burst is back; one event is back
	// Burst-1 emission intervals before that.
	interval := limit.Period / time.Duration(limit.Rate)
	return max(res.ResetAfter-time.Duration(limit.Burst-1)*interval, time.Millisecond), nil
}

func intakeKey(source string) string { return "consultd:intake:" + source }

// limitSource is what the limits count a client by: an IPv4 address (an
// IPv4-mapped IPv6 one folded to it), or the IPv6 prefix of
// intake.ipv6_prefix bits, since one host or home holds a whole /64.
func (s *Server) limitSource(r *http.Request) string {
	addr := s.clientAddr(r)
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	p, err := a.Prefix(s.ipv6Prefix)
	if err != nil {
		return a.String()
	}
	return p.String()
}

// limited applies the per-address intake limit before next, which answers
// the API (a JSON 429 with Retry-After) or the booking form (a page).
func (s *Server) limited(next http.Handler, asPage bool) http.Handler {
	if s.Limiter == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wait, err := s.Limiter.take(r.Context(), intakeKey(s.limitSource(r)), s.Limiter.intake)
		switch {
		case err != nil && asPage:
			_ = s.unavailable(r.Context(), "rate limit", err)
			s.bookUnavailable(w, r, s.visitorLang(r))
		case err != nil:
			s.writeError(w, r, s.unavailable(r.Context(), "rate limit", err))
		case wait > 0:
			w.Header().Set("Retry-After", retryAfter(wait))
			if asPage {
				s.errorKey(w, r, s.visitorLang(r), http.StatusTooManyRequests, "page.error.rate_limited")
			} else {
				writeJSON(w, http.StatusTooManyRequests, &apiError{Msg: "too many booking requests from this address: please wait a minute"})
			}
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// retryAfter is a Retry-After value: whole seconds, rounded up.
func retryAfter(wait time.Duration) string {
	return strconv.Itoa(int((wait + time.Second - 1) / time.Second))
}

// clientAddr is the client's IP address: the peer's, or, when the peer is
// a trusted proxy, the nearest address in X-Forwarded-For that is not one
// (read from the right: a client can write anything to its left).
func (s *Server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	proxies := s.proxies
	if !trusted(host, proxies) {
		if r.Header.Get("X-Forwarded-For") != "" {
			s.untrustedForward.Do(func() {
				s.Logger.WarnContext(r.Context(), "requests carry X-Forwarded-For from a peer not in intake.trusted_proxies: "+
					"the limits count that peer, so behind a proxy every client shares one limit; list the proxy there", "peer", host)
			})
		}
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if _, err := netip.ParseAddr(hop); err != nil {
			break
		}
		if !trusted(hop, proxies) {
			return hop
		}
		host = hop
	}
	return host
}

func trusted(addr string, proxies []netip.Prefix) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	for _, p := range proxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}
