package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"time"
)

// CSRF protection is stateless: the page's form carries a token signed with
// the service secret whose subject is a random value also kept in a
// SameSite=Strict cookie. A forged cross-site form has neither the cookie
// (the browser does not send it) nor a token signed for its value, and no
// process needs to remember anything, so any web process checks any form.
const (
	csrfTTL   = 2 * time.Hour
	csrfField = "csrf"
	// The __Host- prefix makes browsers refuse the cookie unless it is
	// Secure, host-only and for path /, so a sibling subdomain cannot plant
	// a value of its choosing; it needs https, hence the plain name on http.
	csrfCookieSecure = "__Host-consultd-csrf"
	csrfCookiePlain  = "consultd-csrf"
	csrfNonceBytes   = 32
)

// csrfToken returns a token for the form and sets the cookie it matches.
// A well-formed nonce already in the cookie is kept, so two tabs of the
// booking page can both be submitted.
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	secure := s.isHTTPS(r)
	name := csrfCookieName(secure)
	nonce := ""
	if c, err := r.Cookie(name); err == nil && validNonce(c.Value) {
		nonce = c.Value
	} else {
		nonce = newNonce()
	}
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: nonce, Path: "/", MaxAge: int(csrfTTL.Seconds()),
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode,
	})
	return s.Links.Form(nonce, s.Now().Add(csrfTTL))
}

// checkCSRF reports whether the posted token is genuine, unexpired and
// made for the nonce in this browser's cookie. r.PostForm must be parsed.
func (s *Server) checkCSRF(r *http.Request) bool {
	c, err := r.Cookie(csrfCookieName(s.isHTTPS(r)))
	if err != nil || !validNonce(c.Value) {
		return false
	}
	subject, err := s.Links.VerifyForm(r.PostForm.Get(csrfField))
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(subject), []byte(c.Value)) == 1
}

// isHTTPS tells whether the client reached the service over https: directly,
// through a proxy that says so, or at the https base URL's own host (a proxy
// that keeps the Host header but sets no X-Forwarded-Proto).
func (s *Server) isHTTPS(r *http.Request) bool {
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		return true
	}
	u, err := url.Parse(s.Config.BaseURL)
	return err == nil && u.Scheme == "https" && u.Host == r.Host
}

func csrfCookieName(secure bool) string {
	if secure {
		return csrfCookieSecure
	}
	return csrfCookiePlain
}

func newNonce() string {
	b := make([]byte, csrfNonceBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// validNonce accepts only what newNonce makes, so a planted cookie cannot
// carry anything else into a signed token.
func validNonce(s string) bool {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(b) == csrfNonceBytes
}
