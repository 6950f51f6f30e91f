package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// adminChallenge asks the browser for the practice's credential. charset
// tells it to send a non-ASCII password as UTF-8 (RFC 7617).
const adminChallenge = `Basic realm="consultd admin", charset="UTF-8"`

// adminFailuresPerMinute is how many wrong credentials one address may send
// in a minute before even the right one is refused until the minute ends:
// ample for a person mistyping, far too few to guess a password.
const adminFailuresPerMinute = 10

// admin guards a handler of the admin area. Without a configured password
// there is no admin area at all: every path answers the mux's own 404, with
// none of the page headers, so nothing tells that one could exist.
func (s *Server) admin(h http.HandlerFunc) http.Handler {
	guarded := pageHeaders(s.adminAuth(h))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.Config.Admin.Password.IsSet() {
			http.NotFound(w, r)
			return
		}
		guarded.ServeHTTP(w, r)
	})
}

// adminAuth lets through requests with the practice's credential (HTTP
// Basic auth) and answers 401 otherwise, or 429 once an address has sent
// too many wrong ones.
func (s *Server) adminAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		guard, addr := s.signInGuard(), s.clientAddr(r)
		wait, err := guard.blocked(r.Context(), addr)
		if err != nil {
			_ = s.unavailable(r.Context(), "admin sign-in limit", err)
			s.adminUnavailable(w, r)
			return
		}
		if wait > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
			s.errorPage(w, r, http.StatusTooManyRequests, "Please wait a minute",
				"There have been too many wrong sign-ins from your address. Please wait a minute and try again.")
			return
		}
		user, pass, given := r.BasicAuth()
		if given && s.adminCredentialsMatch(user, pass) {
			next.ServeHTTP(w, r)
			return
		}
		if given {
			// A request without credentials is a browser asking for them,
			// not a guess, so only wrong ones count.
			s.Logger.WarnContext(r.Context(), "admin sign-in refused")
			if err := guard.failed(r.Context(), addr); err != nil {
				s.Logger.ErrorContext(r.Context(), "admin sign-in failure not counted", "err", err)
			}
		}
		w.Header().Set("WWW-Authenticate", adminChallenge)
		s.errorPage(w, r, http.StatusUnauthorized, "Please sign in",
			"This part of the service is for the practice. Sign in with the admin user and password set in its configuration.")
	})
}

// adminCredentialsMatch compares both parts in constant time, on digests
// so that neither the length of the user nor of the password shows in the
// timing, and always both, so a right user name does not show either.
func (s *Server) adminCredentialsMatch(user, pass string) bool {
	u := digestsEqual(user, s.Config.Admin.User)
	p := digestsEqual(pass, s.Config.Admin.Password.Reveal())
	return u&p == 1
}

func digestsEqual(a, b string) int {
	da, db := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(da[:], db[:])
}

// signInGuard counts wrong admin credentials per address and minute in
// Redis, so the limit holds across web processes. It shares the intake
// limiter's Redis and is off (nil) when that limiter is.
type signInGuard struct {
	rdb redis.UniversalClient
	now func() time.Time
}

func (s *Server) signInGuard() *signInGuard {
	if s.Limiter == nil {
		return nil
	}
	return &signInGuard{rdb: s.Limiter.rdb, now: s.Now}
}

// key is the counter of addr for the current minute, and the time left in it.
func (g *signInGuard) key(addr string) (string, time.Duration) {
	now := g.now()
	window := now.Unix() / 60
	return "consultd:admin-fail:" + addr + ":" + strconv.FormatInt(window, 10), time.Unix((window+1)*60, 0).Sub(now)
}

// blocked says how long addr must wait, or 0 when it may try.
func (g *signInGuard) blocked(ctx context.Context, addr string) (time.Duration, error) {
	if g == nil {
		return 0, nil
	}
	key, left := g.key(addr)
	n, err := g.rdb.Get(ctx, key).Int()
	switch {
	case errors.Is(err, redis.Nil):
		return 0, nil
	case err != nil:
		return 0, err
	case n >= adminFailuresPerMinute:
		return left, nil
	}
	return 0, nil
}

// failed counts one wrong credential from addr.
func (g *signInGuard) failed(ctx context.Context, addr string) error {
	if g == nil {
		return nil
	}
	key, _ := g.key(addr)
	pipe := g.rdb.TxPipeline()
	pipe.Incr(ctx, key)
	pipe.Expire(ctx, key, 2*time.Minute)
	_, err := pipe.Exec(ctx)
	return err
}

// adminUnavailable is the admin's page for a failure on our side.
func (s *Server) adminUnavailable(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusServiceUnavailable, "Please try again in a moment",
		"The bookings cannot be read or changed right now. Please try again in a few minutes.")
}

// adminHome sends a signed-in /admin to the list; without the slash the
// mux would redirect before any check, telling that the area exists.
func adminHome(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/admin/", http.StatusMovedPermanently)
}
