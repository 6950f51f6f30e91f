// Package web is the HTTP face of the service: the JSON API, the booking
// and manage pages, the admin area and health checks. Handlers are thin:
// they decode, call one use case of appointments, and answer; classify
// maps every error to its status in one place.
package web

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/feeds"
	"github.com/consultd/consultd/links"
	"github.com/consultd/consultd/metrics"
	"github.com/consultd/consultd/templates"
)

// Deps is what the web server needs from the rest of the service.
type Deps struct {
	Config *config.Config
	// Appointments applies the rules: every booking, cancel and move,
	// and the free slots, go through it.
	Appointments *appointments.Service
	// Feeds is the therapists' own calendars (busy_ics), for /readyz
	// (nil: none).
	Feeds *feeds.Store
	// Store is read for the admin pages and the feed; it is never written
	// through here but for time off, feed rotation and opt-outs.
	Store *booking.Store
	// Links makes and checks every signed URL.
	Links *links.Links
	// Pages renders the HTML pages.
	Pages *templates.Set
	// Limiter counts booking requests per client address (nil: no limit).
	Limiter *RateLimiter
	// Ready reports whether the service can take bookings (Redis answers).
	Ready  func(ctx context.Context) error
	Now    func() time.Time
	Logger *slog.Logger
	// Metrics records requests and booking outcomes, served at /metrics
	// (nil: neither).
	Metrics *metrics.Metrics
	// Queues is the queue monitor, served under /admin/queues behind the
	// admin credential (nil: not offered).
	Queues http.Handler
}

// Server holds the handlers.
type Server struct {
	Deps
	proxies    []netip.Prefix // intake.trusted_proxies, parsed once
	ipv6Prefix int            // intake.ipv6_prefix
	// untrustedForward warns once that X-Forwarded-For came from a peer
	// not trusted to send it.
	untrustedForward *sync.Once
}

// New builds the web server.
func New(d Deps) *Server {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	d.Logger = WithRequestIDs(d.Logger)
	s := &Server{Deps: d, ipv6Prefix: 64, untrustedForward: new(sync.Once)}
	if d.Config != nil {
		s.proxies, s.ipv6Prefix = d.Config.Intake.Proxies(), cmp.Or(d.Config.Intake.IPv6Prefix, 64)
	}
	return s
}

// Handler routes every request the service answers. Each request gets an
// ID (see withRequestID) and is measured by its route (see observed).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.metricsHandler())
	mux.HandleFunc("GET /api/slots", s.apiSlots)
	mux.HandleFunc("GET /api/zone", s.apiZone)
	mux.Handle("POST /api/bookings", s.limited(http.HandlerFunc(s.apiBook), false))
	mux.Handle("GET /book", pageHeaders(http.HandlerFunc(s.getBook)))
	mux.Handle("GET /book/{token}", pageHeaders(http.HandlerFunc(s.getInvite)))
	mux.Handle("POST /book", pageHeaders(s.limited(http.HandlerFunc(s.postBook), true)))
	mux.Handle("GET /static/", staticHandler(templates.Static(), assetVersion()))
	mux.HandleFunc("GET /{$}", home)
	mux.Handle("GET /favicon.ico", favicon())
	mux.HandleFunc("GET /api/manage/{token}", s.apiManage)
	mux.HandleFunc("POST /api/manage/{token}/cancel", s.apiCancel)
	mux.HandleFunc("POST /api/manage/{token}/reschedule", s.apiReschedule)
	mux.Handle("GET /m/{token}", pageHeaders(http.HandlerFunc(s.getManage)))
	mux.Handle("POST /m/{token}/cancel", pageHeaders(http.HandlerFunc(s.postManageCancel)))
	mux.Handle("POST /m/{token}/reschedule", pageHeaders(http.HandlerFunc(s.postManageReschedule)))
	mux.HandleFunc("GET /feed/{file}", s.feed)
	mux.Handle("GET /u/{token}", pageHeaders(http.HandlerFunc(s.unsubscribeForm)))
	mux.Handle("POST /u/{token}", pageHeaders(http.HandlerFunc(s.unsubscribe)))
	// The admin area: each route, and any other path under it, is 404 unless
	// admin.password is set, then behind Basic auth (see s.admin).
	mux.Handle("GET /admin/{$}", s.admin(s.adminDays))
	mux.Handle("GET /admin/bookings/{id}", s.admin(s.adminBooking))
	mux.Handle("POST /admin/bookings/{id}/cancel", s.admin(s.adminCancel))
	mux.Handle("POST /admin/bookings/{id}/attendance", s.admin(s.adminAttend))
	mux.Handle("POST /admin/api/bookings/{id}/attendance", s.adminAPI(s.adminAPIAttend))
	mux.Handle("POST /admin/bookings/{id}/reschedule", s.admin(s.adminReschedule))
	mux.Handle("POST /admin/api/bookings/{id}/cancel", s.adminAPI(s.adminAPICancel))
	mux.Handle("POST /admin/api/bookings/{id}/reschedule", s.adminAPI(s.adminAPIReschedule))
	mux.Handle("POST /admin/api/series", s.adminAPI(s.adminCreateSeries))
	mux.Handle("GET /approve/{token}", pageHeaders(http.HandlerFunc(s.getApprove)))
	mux.Handle("POST /approve/{token}", pageHeaders(http.HandlerFunc(s.postApprove)))
	mux.Handle("GET /decline/{token}", pageHeaders(http.HandlerFunc(s.getDecline)))
	mux.Handle("POST /decline/{token}", pageHeaders(http.HandlerFunc(s.postDecline)))
	mux.Handle("POST /admin/bookings/{id}/approve", s.admin(s.adminApprove))
	mux.Handle("POST /admin/bookings/{id}/decline", s.admin(s.adminDecline))
	mux.Handle("POST /admin/api/bookings/{id}/approve", s.adminAPI(s.adminAPIApprove))
	mux.Handle("POST /admin/api/bookings/{id}/decline", s.adminAPI(s.adminAPIDecline))
	mux.Handle("GET "+adminSeriesPath, s.admin(s.adminSeries))
	mux.Handle("POST "+adminSeriesPath, s.admin(s.adminBookSeries))
	mux.Handle("GET /admin/timeoff", s.admin(s.adminTimeOff))
	mux.Handle("POST /admin/timeoff", s.admin(s.adminAddTimeOff))
	mux.Handle("POST /admin/timeoff/{therapist}/{id}/remove", s.admin(s.adminRemoveTimeOff))
	mux.Handle("GET /admin/api/timeoff", s.adminAPI(s.adminAPITimeOff))
	mux.Handle("POST /admin/api/timeoff", s.adminAPI(s.adminAPIAddTimeOff))
	mux.Handle("DELETE /admin/api/timeoff/{therapist}/{id}", s.adminAPI(s.adminAPIRemoveTimeOff))
	mux.Handle("GET /admin/links", s.admin(s.adminLinks))
	mux.Handle("POST /admin/links", s.admin(s.adminMakeLink))
	mux.Handle("POST /admin/links/feed/{therapist}/rotate", s.admin(s.adminRotateFeed))
	queues := s.admin(s.queueMonitor())
	mux.Handle(QueuesPath, queues)
	mux.Handle(QueuesPath+"/", queues)
	mux.Handle("/admin/", s.admin(http.NotFound))
	mux.Handle("/admin", s.admin(adminHome))
	return strictTransport(s.Config.BaseURL, withRequestID(s.observed(mux)))
}

// HTTPServer wraps the handler with timeouts that keep slow or idle
// clients from holding connections.
func HTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
	}
}
