package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// RateLimiter counts requests per client address and minute in Redis, so
// the limit holds across every web process on one Redis.
type RateLimiter struct {
	rdb       redis.UniversalClient
	perMinute int
	now       func() time.Time
}

// NewRateLimiter allows perMinute requests a minute per address; 0 means
// no limit (nil limiter).
func NewRateLimiter(rdb redis.UniversalClient, perMinute int, now func() time.Time) *RateLimiter {
	if perMinute <= 0 {
		return nil
	}
	return &RateLimiter{rdb: rdb, perMinute: perMinute, now: now}
}

// allow counts one request and says how long to wait when over the limit.
func (l *RateLimiter) allow(ctx context.Context, addr string) (bool, time.Duration, error) {
	now := l.now()
	window := now.Unix() / 60
	key := "consultd:rl:" + addr + ":" + strconv.FormatInt(window, 10)
	pipe := l.rdb.TxPipeline()
	incr := pipe.Incr(ctx, key)
	pipe.Expire(ctx, key, 2*time.Minute)
	if _, err := pipe.Exec(ctx); err != nil {
		return false, 0, err
	}
	if incr.Val() <= int64(l.perMinute) {
		return true, 0, nil
	}
	wait := time.Unix((window+1)*60, 0).Sub(now)
	return false, wait, nil
}

// limited wraps a handler with the per-address limit: 429 and Retry-After.
func (s *Server) limited(next http.Handler) http.Handler {
	if s.Limiter == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, wait, err := s.Limiter.allow(r.Context(), s.clientAddr(r))
		if err != nil {
			s.writeError(w, r, s.unavailable(r.Context(), "rate limit", err))
			return
		}
		if !ok {
			secs := int(wait.Seconds()) + 1
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			writeJSON(w, http.StatusTooManyRequests, &apiError{Msg: "too many booking requests from this address: please wait a minute"})
			return
		}
		next.ServeHTTP(w, r)
	})
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
