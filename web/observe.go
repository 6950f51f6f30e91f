package web

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"time"

	"github.com/consultd/consultd/metrics"
)

// requestIDHeader carries a request's ID in and out: a proxy in front may
// set it, and the answer always has it, so a client's report of a failure
// can be found in the log.
const requestIDHeader = "X-Request-ID"

// maxRequestIDLen bounds an incoming ID (a UUID is 36 characters).
const maxRequestIDLen = 64

type requestIDKey struct{}

// RequestID is the ID of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// withRequestID gives every request an ID: the one a proxy sent when it
// is a short plain token, else a new random one (130 bits).
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(requestIDHeader)
		if !safeRequestID(id) {
			id = rand.Text()
		}
		w.Header().Set(requestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// safeRequestID accepts letters, digits, '-', '_' and '.', so an ID can
// neither break a log line or a header nor carry an address.
func safeRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for _, c := range []byte(id) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}

// WithRequestIDs makes every line logged with a request's context carry
// its ID; the use cases log through it too.
func WithRequestIDs(l *slog.Logger) *slog.Logger {
	if _, ok := l.Handler().(requestLog); ok {
		return l
	}
	return slog.New(requestLog{l.Handler()})
}

// requestLog adds the request's ID to every line logged with its context
// (Logger.InfoContext(r.Context(), …) and the like).
type requestLog struct{ slog.Handler }

func (h requestLog) Handle(ctx context.Context, rec slog.Record) error {
	if id := RequestID(ctx); id != "" {
		rec.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, rec)
}

func (h requestLog) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestLog{h.Handler.WithAttrs(attrs)}
}

func (h requestLog) WithGroup(name string) slog.Handler {
	return requestLog{h.Handler.WithGroup(name)}
}

// observed times every request and records it by the route pattern that
// matched, never by its path (paths hold tokens). It must wrap the mux
// directly: the mux sets r.Pattern on the request it is given.
func (s *Server) observed(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The real clock, not s.Now, which tests may hold still.
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		mux.ServeHTTP(rec, r)
		took := time.Since(start)
		s.Metrics.Request(r.Pattern, rec.code(), took)
		// Asked first: the arguments would be boxed even for a line not logged.
		if ctx := r.Context(); s.Logger.Enabled(ctx, slog.LevelDebug) {
			s.Logger.DebugContext(ctx, "request", "method", r.Method, "route", r.Pattern,
				"status", rec.code(), "ms", took.Milliseconds())
		}
	})
}

// statusRecorder remembers the status code a handler answered with.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 && code >= 200 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) code() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

// countBooking records how a booking request (API or form) ended.
func (s *Server) countBooking(created bool, err error) {
	s.Metrics.Booking(bookingOutcome(created, err))
}

func bookingOutcome(created bool, err error) metrics.BookingOutcome {
	switch {
	case err == nil && created:
		return metrics.BookingCreated
	case err == nil:
		return metrics.BookingRepeat
	default:
		return classify(err).outcome
	}
}
