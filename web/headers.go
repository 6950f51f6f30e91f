package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"
	"sync"

	"github.com/consultd/consultd/templates"
)

// contentSecurityPolicy allows nothing but the service's own files: no
// inline script or style (so an injected tag cannot run), no framing (so
// the booking form cannot be overlaid), and forms post only back here.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// pageHeaders sets the security headers every HTML page carries. Pages hold
// CSRF tokens, invite tokens or what a client typed, so no cache (shared or
// the browser's back-forward store on a shared computer) may keep them.
func pageHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		// For browsers that predate CSP's frame-ancestors.
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// hstsValue keeps browsers on https for a year once they have seen the
// service there. No includeSubDomains: the practice's other hosts are not
// this service's to promise.
const hstsValue = "max-age=31536000"

// strictTransport adds HSTS to every answer when the service is reached
// over https (base_url says so; TLS ends at a proxy in front).
func strictTransport(baseURL string, next http.Handler) http.Handler {
	if !strings.HasPrefix(strings.ToLower(baseURL), "https://") {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Strict-Transport-Security", hstsValue)
		next.ServeHTTP(w, r)
	})
}

// Cache lifetimes of static files. A URL carrying the current version
// (?v=…) can never change content, so browsers may keep it for a year; a
// bare URL (the layout's stylesheet) may change with the next release and
// is kept for a day only.
const (
	staticVersioned = "public, max-age=31536000, immutable"
	staticBare      = "public, max-age=86400"
)

// staticHandler serves files from fsys under /static/, without listing
// the folder.
func staticHandler(fsys fs.FS, version string) http.Handler {
	files := http.StripPrefix("/static/", http.FileServerFS(fsys))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if v := r.URL.Query().Get("v"); v != "" && v == version {
			w.Header().Set("Cache-Control", staticVersioned)
		} else {
			w.Header().Set("Cache-Control", staticBare)
		}
		files.ServeHTTP(w, r)
	})
}

// assetVersion is the version of the built-in static files; they are
// embedded, so it is worked out once, on first use.
var assetVersion = sync.OnceValue(func() string { return staticVersion(templates.Static()) })

// staticVersion is a short digest of every static file, so a release that
// changes any of them changes the URLs pages use.
func staticVersion(fsys fs.FS) string {
	h := sha256.New()
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		h.Write([]byte(p))
		h.Write([]byte{0})
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}
