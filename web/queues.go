package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
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
// policy of its own that allows exactly its inline scripts (by digest)
// and nothing from other sites: its web fonts come from Google, which
// would learn who opens the admin area; the system's fonts serve instead.
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
	page := &pageCapture{header: http.Header{}}
	req, _ := http.NewRequest(http.MethodGet, QueuesPath+"/", nil)
	monitor.ServeHTTP(page, req)
	scripts := []string{"'self'"}
	for _, m := range inlineScript.FindAllSubmatch(page.body.Bytes(), -1) {
		sum := sha256.Sum256(m[1])
		scripts = append(scripts, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
	}
	return "default-src 'self'; script-src " + strings.Join(scripts, " ") + "; " +
		"style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
}

// pageCapture keeps what a handler writes.
type pageCapture struct {
	header http.Header
	body   bytes.Buffer
}

func (p *pageCapture) Header() http.Header         { return p.header }
func (p *pageCapture) Write(b []byte) (int, error) { return p.body.Write(b) }
func (p *pageCapture) WriteHeader(int)             {}
