package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"time"
)

// adminChallenge asks the browser for the practice's credential. charset
// tells it to send a non-ASCII password as UTF-8 (RFC 7617).
const adminChallenge = `Basic realm="consultd admin", charset="UTF-8"`

// adminFailuresPerMinute is how many wrong credentials one address may send
// in a row before even the right one is refused, after which one more try
// comes back every 60/adminFailuresPerMinute seconds: ample for a person
// mistyping, far too few to guess a password.
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

// adminAPI is admin for the JSON API: a request from another site, which
// a browser holding the practice's credential might send, is refused.
func (s *Server) adminAPI(h http.HandlerFunc) http.Handler {
	return s.admin(http.NewCrossOriginProtection().Handler(h).ServeHTTP)
}

// adminAuth lets through requests with the practice's credential (HTTP
// Basic auth) and answers 401 otherwise, or 429 once an address has sent
// too many wrong ones.
func (s *Server) adminAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, given := r.BasicAuth()
		source := s.limitSource(r)
		wait, err := s.signInWait(r.Context(), source, user)
		if err != nil {
			_ = s.unavailable(r.Context(), "admin sign-in limit", err)
			s.adminUnavailable(w, r)
			return
		}
		if wait > 0 {
			// The source is a security fact, not client data: the practice
			// needs it to tell a guesser from a colleague.
			s.Logger.WarnContext(r.Context(), "admin sign-in held back after wrong credentials", "source", source)
			w.Header().Set("Retry-After", retryAfter(wait))
			s.errorKey(w, r, s.adminLang(), http.StatusTooManyRequests, "admin.error.wait")
			return
		}
		if given && s.adminCredentialsMatch(user, pass) {
			next.ServeHTTP(w, r)
			return
		}
		if given {
			// A request without credentials is a browser asking for them,
			// not a guess, so only wrong ones count.
			s.Logger.WarnContext(r.Context(), "admin sign-in refused", "source", source)
			if err := s.signInFailed(r.Context(), source, user); err != nil {
				s.Logger.ErrorContext(r.Context(), "admin sign-in failure not counted", "err", err)
			}
		}
		w.Header().Set("WWW-Authenticate", adminChallenge)
		s.errorKey(w, r, s.adminLang(), http.StatusUnauthorized, "admin.error.sign_in")
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

// signInKey counts wrong credentials per source and user name (hashed: a
// mistyped password in the name field must not land in Redis), so a
// guesser holds back only their own source and name, and a colleague
// elsewhere, or with their own name, still signs in.
func signInKey(source, user string) string {
	sum := sha256.Sum256([]byte(user))
	return "consultd:admin-fail:" + source + ":" + hex.EncodeToString(sum[:8])
}

// signInWait says how long source must wait before it may send
// credentials for user again, or 0. The limit is off when the intake's is
// (no limiter).
func (s *Server) signInWait(ctx context.Context, source, user string) (time.Duration, error) {
	if s.Limiter == nil {
		return 0, nil
	}
	return s.Limiter.wait(ctx, signInKey(source, user), s.Limiter.signIn)
}

// signInFailed counts one wrong credential from source for user.
func (s *Server) signInFailed(ctx context.Context, source, user string) error {
	if s.Limiter == nil {
		return nil
	}
	_, err := s.Limiter.take(ctx, signInKey(source, user), s.Limiter.signIn)
	return err
}

// adminUnavailable is the admin's page for a failure on our side.
func (s *Server) adminUnavailable(w http.ResponseWriter, r *http.Request) {
	s.errorKey(w, r, s.adminLang(), http.StatusServiceUnavailable, "admin.error.unavailable")
}

// adminHome sends a signed-in /admin to the list; without the slash the
// mux would redirect before any check, telling that the area exists.
func adminHome(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/admin/", http.StatusMovedPermanently)
}
