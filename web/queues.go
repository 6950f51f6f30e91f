package web

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
)

// QueuesPath is where the queue monitor lives, inside the admin area.
const QueuesPath = "/admin/queues"

// metricsHandler serves /metrics. It is open, like /healthz: the series
// hold counts, durations by route and queue sizes, never personal data,
// and a scraper need not hold the practice's credential. A practice that
// would rather not show its volumes blocks /metrics at its proxy.
func (s *Server) metricsHandler() http.Handler {
	if s.Metrics == nil {
		return http.NotFoundHandler()
	}
	return s.Metrics.Handler(s.Logger)
}

// queueMonitor serves the queue monitor (asynqmon). It has no sign-in of
// its own, so it is only ever mounted behind s.admin. Its page needs
// inline scripts and styles that the site's policy forbids, so it gets a
// policy of its own that allows exactly its two inline scripts (by
// digest), and nothing from other sites: its web fonts would tell Google
// who opens the admin area, and the system fonts do.
func (s *Server) queueMonitor() http.HandlerFunc {
	if s.Queues == nil {
		return http.NotFound
	}
	policy := queuesPolicy(s.Queues)
	// Browsers say where a request comes from; one that changes something
	// must come from these pages, not from another site riding on the
	// browser's remembered credential.
	h := http.NewCrossOriginProtection().Handler(s.Queues)
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", policy)
		h.ServeHTTP(w, r)
	}
}

var inlineScript = regexp.MustCompile(`(?s)<script>(.*?)</script>`)

// queuesPolicy renders the monitor's page once and allows the inline
// scripts it holds, so a script injected into it still cannot run.
func queuesPolicy(monitor http.Handler) string {
	rec := httptest.NewRecorder()
	monitor.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, QueuesPath+"/", nil))
	scripts := []string{"'self'"}
	for _, m := range inlineScript.FindAllSubmatch(rec.Body.Bytes(), -1) {
		sum := sha256.Sum256(m[1])
		scripts = append(scripts, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
	}
	return "default-src 'self'; script-src " + strings.Join(scripts, " ") + "; " +
		"style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
}
