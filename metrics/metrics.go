// Package metrics owns the service's Prometheus registry: what the web
// server measures of requests and bookings, what the workers count of the
// emails they send, and the state of the asynq queue read at scrape time.
//
// Labels take values from small fixed sets (route patterns, outcomes, kinds
// of email), never anything a client typed or a path that holds a token,
// so no series can carry a name, an address or a link.
package metrics

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// BookingOutcome is how a booking request ended.
type BookingOutcome string

// Booking outcomes.
const (
	BookingCreated     BookingOutcome = "created"     // a new hold, its confirmation queued
	BookingRepeat      BookingOutcome = "repeat"      // the same request again: the first booking answered
	BookingTaken       BookingOutcome = "taken"       // the slot had gone (409)
	BookingCapped      BookingOutcome = "capped"      // the client holds as many upcoming bookings as the intake allows (409)
	BookingInvalid     BookingOutcome = "invalid"     // the request could not be booked as sent (413, 422)
	BookingUnavailable BookingOutcome = "unavailable" // Redis or the queue failed: nothing booked (503)
)

// EmailKind is what an email is for.
type EmailKind string

// Kinds of email.
const (
	EmailInvite     EmailKind = "invite"
	EmailUpdate     EmailKind = "update"
	EmailCancel     EmailKind = "cancel"
	EmailReminder   EmailKind = "reminder"
	EmailReflection EmailKind = "reflection"
	EmailNotice     EmailKind = "notice" // to the therapist
	EmailDigest     EmailKind = "digest" // to the therapist
)

// EmailResult is what became of one attempt to send an email.
type EmailResult string

// Results of a send.
const (
	EmailSent    EmailResult = "sent"    // the server accepted it
	EmailRetry   EmailResult = "retry"   // it failed for now: the task will try again
	EmailRefused EmailResult = "refused" // refused for good (5xx) or not sendable: it will not go out
)

var (
	bookingOutcomes = []BookingOutcome{BookingCreated, BookingRepeat, BookingTaken, BookingCapped, BookingInvalid, BookingUnavailable}
	emailKinds      = []EmailKind{EmailInvite, EmailUpdate, EmailCancel, EmailReminder, EmailReflection, EmailNotice, EmailDigest}
	emailResults    = []EmailResult{EmailSent, EmailRetry, EmailRefused}
)

// Metrics holds the series of one process. A nil *Metrics records
// nothing, so code and tests that have none need no checks.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.HistogramVec
	bookings *prometheus.CounterVec
	emails   *prometheus.CounterVec
	// Series bound once, so a request or an email does not hash its
	// labels: each booking outcome, each kind and result of email, and
	// each route and code answered so far (requestKey → Observer).
	outcomes map[BookingOutcome]prometheus.Counter
	sends    map[emailSeries]prometheus.Counter
	observed sync.Map
}

type emailSeries struct {
	kind   EmailKind
	result EmailResult
}

type requestKey struct {
	route string
	code  int
}

// New builds a registry with the service's series and the Go runtime's
// and process's own.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "consultd_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern and status code.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "code"}),
		bookings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "consultd_bookings_total",
			Help: "Booking requests (API and form) by outcome.",
		}, []string{"outcome"}),
		emails: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "consultd_emails_total",
			Help: "Attempts to send an email, by kind and result.",
		}, []string{"kind", "result"}),
	}
	m.reg.MustRegister(m.requests, m.bookings, m.emails,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Every outcome and result is shown from the start, at 0, so a rate
	// or an alert on one works before the first of it happens.
	m.outcomes = make(map[BookingOutcome]prometheus.Counter, len(bookingOutcomes))
	for _, o := range bookingOutcomes {
		m.outcomes[o] = m.bookings.WithLabelValues(string(o))
	}
	m.sends = make(map[emailSeries]prometheus.Counter, len(emailKinds)*len(emailResults))
	for _, k := range emailKinds {
		for _, r := range emailResults {
			m.sends[emailSeries{k, r}] = m.emails.WithLabelValues(string(k), string(r))
		}
	}
	return m
}

// Handler serves the registry in the Prometheus text format. Scrapes that
// arrive together share one collection, so a flood of requests costs
// Redis no more than one; a failing collector (Redis down) leaves out its
// own series only, and says why in the log.
func (m *Metrics) Handler(logger *slog.Logger) http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:            errorLog{logger},
		ErrorHandling:       promhttp.ContinueOnError,
		MaxRequestsInFlight: 4,
		Timeout:             10 * time.Second,
		CoalesceGather:      true,
	})
}

// Request records one answered request. route is the mux pattern that
// matched ("POST /api/bookings"), never the path, which may hold a token.
func (m *Metrics) Request(route string, code int, took time.Duration) {
	if m == nil {
		return
	}
	if route == "" {
		route = "unmatched"
	}
	key := requestKey{route, code}
	o, ok := m.observed.Load(key)
	if !ok {
		// Routes are the mux's patterns and codes a handful: the map stays small.
		o, _ = m.observed.LoadOrStore(key, m.requests.WithLabelValues(route, strconv.Itoa(code)))
	}
	o.(prometheus.Observer).Observe(took.Seconds())
}

// Booking counts one booking request's outcome.
func (m *Metrics) Booking(o BookingOutcome) {
	if m == nil {
		return
	}
	if c, ok := m.outcomes[o]; ok {
		c.Inc()
		return
	}
	m.bookings.WithLabelValues(string(o)).Inc()
}

// Email counts one attempt to send an email.
func (m *Metrics) Email(k EmailKind, r EmailResult) {
	if m == nil {
		return
	}
	if c, ok := m.sends[emailSeries{k, r}]; ok {
		c.Inc()
		return
	}
	m.emails.WithLabelValues(string(k), string(r)).Inc()
}

// errorLog gives promhttp the service's logger.
type errorLog struct{ l *slog.Logger }

func (e errorLog) Println(v ...any) {
	if e.l != nil {
		e.l.Warn("metrics: "+fmt.Sprint(v...), "component", "metrics")
	}
}
