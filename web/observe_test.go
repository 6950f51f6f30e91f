package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/links"
	"github.com/consultd/consultd/metrics"
	"github.com/consultd/consultd/templates"
)

// observedServer is the web server without Redis: enough for health,
// /metrics and pages that refuse a bad link.
func observedServer(t *testing.T, logs *strings.Builder) *Server {
	t.Helper()
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	pages, err := templates.Load("")
	if err != nil {
		t.Fatal(err)
	}
	return New(Deps{
		Config: cfg, Pages: pages, Metrics: metrics.New(),
		Links:  links.New(cfg, links.NewSigner([]byte("observe-test-secret-0123456789abcdef"), time.Now), time.Now),
		Ready:  func(ctx context.Context) error { return errors.New("redis down") },
		Logger: slog.New(slog.NewTextHandler(logs, nil)),
	})
}

func TestEveryAnswerCarriesARequestID(t *testing.T) {
	long := strings.Repeat("a", maxRequestIDLen+1)
	tests := []struct {
		desc, sent string
		kept       bool
	}{
		{"none sent", "", false},
		{"a proxy's UUID", "0f8fad5b-d9cb-469f-a165-70867728950e", true},
		{"a plain token", "trace_42.a", true},
		{"an address", "sam@example.org", false},
		{"spaces", "a b", false},
		{"too long", long, false},
	}
	var logs strings.Builder
	h := observedServer(t, &logs).Handler()
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/healthz", nil)
			if tt.sent != "" {
				req.Header.Set(requestIDHeader, tt.sent)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			got := rec.Header().Get(requestIDHeader)
			switch {
			case tt.kept && got != tt.sent:
				t.Errorf("sent %q, answered %q", tt.sent, got)
			case !tt.kept && (got == tt.sent || len(got) != 26):
				t.Errorf("sent %q, answered %q, want a new random ID", tt.sent, got)
			}
		})
	}
}

func TestLogLinesOfARequestCarryItsID(t *testing.T) {
	var logs strings.Builder
	s := observedServer(t, &logs)
	// A server built again from the same dependencies must not add the ID twice.
	h := New(s.Deps).Handler()
	req := httptest.NewRequest("GET", "/readyz", nil)
	req.Header.Set(requestIDHeader, "probe-42")
	h.ServeHTTP(httptest.NewRecorder(), req)
	line := logs.String()
	if !strings.Contains(line, `msg="not ready"`) || strings.Count(line, "request_id=probe-42") != 1 {
		t.Errorf("log = %q, want the failure with request_id=probe-42 once", line)
	}
}

func TestRequestsAreMeasuredByRouteNotPath(t *testing.T) {
	var logs strings.Builder
	h := observedServer(t, &logs).Handler()
	for _, path := range []string{"/book/secret-invite-token", "/no/such/page"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	out := rec.Body.String()
	for _, want := range []string{
		`consultd_http_request_duration_seconds_count{code="403",route="GET /book/{token}"} 1`,
		`consultd_http_request_duration_seconds_count{code="404",route="unmatched"} 1`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(out, "secret-invite-token") || strings.Contains(out, "/no/such") {
		t.Error("/metrics holds a request path")
	}
}

func TestNoMetricsNoRoute(t *testing.T) {
	s := New(Deps{Config: &config.Config{}})
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("GET /metrics without metrics = %d", rec.Code)
	}
}

func TestBookingOutcomes(t *testing.T) {
	tests := []struct {
		desc    string
		created bool
		err     error
		want    metrics.BookingOutcome
	}{
		{"new", true, nil, metrics.BookingCreated},
		{"repeat", false, nil, metrics.BookingRepeat},
		{"taken", false, appointments.ErrTaken, metrics.BookingTaken},
		{"invalid", false, &appointments.InvalidError{Msg: "x"}, metrics.BookingInvalid},
		{"too large", false, &apiError{Status: http.StatusRequestEntityTooLarge}, metrics.BookingInvalid},
		{"redis down", false, appointments.ErrUnavailable, metrics.BookingUnavailable},
		{"unexpected", false, errors.New("boom"), metrics.BookingUnavailable},
	}
	for _, tt := range tests {
		if got := bookingOutcome(tt.created, tt.err); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.desc, got, tt.want)
		}
	}
}
