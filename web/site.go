package web

import (
	"io/fs"
	"net/http"

	"github.com/consultd/consultd/templates"
)

// home answers GET /: the booking page is the service's front door.
func home(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/book", http.StatusSeeOther)
}

// favicon serves /favicon.ico, which browsers and tools ask for whatever a
// page links to; without it every visit logs a failed request.
func favicon() http.Handler {
	icon, err := fs.ReadFile(templates.Static(), "favicon.ico")
	if err != nil {
		panic(err) // embedded: present in every build
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "image/x-icon")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", staticBare)
		_, _ = w.Write(icon)
	})
}
