// Package testsmtp runs a real SMTP server in-process for tests. It records what
// it receives and can be told to reject recipients, fail deliveries, or go away
// and come back on the same port, so senders are tested against the protocol
// rather than against a mock.
package testsmtp

import (
	"crypto/tls"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is one delivery the server accepted.
type Message struct {
	From     string
	To       []string
	Data     []byte
	Received time.Time
	// User is the AUTH PLAIN username of the session, empty when the client
	// did not authenticate.
	User string
	// TLS tells whether the message came over an encrypted connection.
	TLS bool
}

// Server is an SMTP server listening on 127.0.0.1. By default it speaks plain
// SMTP without STARTTLS; it accepts any AUTH PLAIN credentials, even in clear.
type Server struct {
	t         testing.TB
	addr      string
	tlsConfig *tls.Config // nil: plain SMTP
	implicit  bool        // TLS from the first byte rather than by STARTTLS

	mu          sync.Mutex
	srv         *smtp.Server
	listener    net.Listener
	served      chan struct{} // closed when the current srv stops serving
	messages    []Message
	arrived     chan struct{}              // closed and replaced on every new message
	rejectFrom  map[string]*smtp.SMTPError // by lower-case address
	rejectTo    map[string]*smtp.SMTPError // by lower-case address
	failNext    int
	failCode    int
	connections int
	open        int
}

// Start starts a server on a free port; the test's cleanup stops it.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testsmtp: listen: %v", err)
	}
	s := &Server{
		t:          t,
		addr:       l.Addr().String(),
		implicit:   o.implicitTLS,
		arrived:    make(chan struct{}),
		rejectFrom: make(map[string]*smtp.SMTPError),
		rejectTo:   make(map[string]*smtp.SMTPError),
	}
	if o.startTLS || o.implicitTLS {
		s.tlsConfig = selfSigned(t)
	}
	s.serve(l)
	t.Cleanup(s.Stop)
	return s
}

// Addr is the host:port the server listens on.
func (s *Server) Addr() string { return s.addr }

// Host is the IP address the server listens on.
func (s *Server) Host() string {
	host, _, _ := net.SplitHostPort(s.addr)
	return host
}

// Port is the TCP port the server listens on.
func (s *Server) Port() int {
	return s.tcpAddr().Port
}

func (s *Server) tcpAddr() *net.TCPAddr {
	a, err := net.ResolveTCPAddr("tcp", s.addr)
	if err != nil {
		panic("testsmtp: own address does not parse: " + err.Error())
	}
	return a
}

// Messages returns a copy of every message accepted so far, in arrival order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.copyMessages()
}

func (s *Server) copyMessages() []Message {
	out := make([]Message, len(s.messages))
	for i, m := range s.messages {
		m.To = append([]string(nil), m.To...)
		m.Data = append([]byte(nil), m.Data...)
		out[i] = m
	}
	return out
}

// WaitFor waits until at least n messages have arrived and returns them all.
// It fails the test if they do not arrive within timeout.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, arrived := len(s.messages), s.arrived
		var msgs []Message
		if got >= n {
			msgs = s.copyMessages()
		}
		s.mu.Unlock()
		if msgs != nil {
			return msgs
		}
		select {
		case <-arrived:
		case <-deadline.C:
			t.Fatalf("testsmtp: %d message(s) arrived within %v, want at least %d", got, timeout, n)
			return nil
		}
	}
}

// Connections is the number of TCP connections accepted so far, across restarts.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connections
}

// OpenConnections is the number of connections open now. A client that
// leaves a connection open keeps it above zero; one that hangs up, even
// without QUIT, brings it down.
func (s *Server) OpenConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.open
}

// RejectRecipient makes RCPT TO for addr fail with code (550 permanent, 451
// temporary…) and msg, for every later session.
func (s *Server) RejectRecipient(addr string, code int, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejectTo[strings.ToLower(addr)] = smtpError(code, msg)
}

// AcceptRecipient undoes RejectRecipient for addr.
func (s *Server) AcceptRecipient(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.rejectTo, strings.ToLower(addr))
}

func smtpError(code int, msg string) *smtp.SMTPError {
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCodeNotSet, Message: msg}
}

// RejectSender makes MAIL FROM for addr fail with code and msg, for every
// later session.
func (s *Server) RejectSender(addr string, code int, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejectFrom[strings.ToLower(addr)] = smtpError(code, msg)
}

// FailNext makes the next n deliveries fail with code after the data has been
// transferred, as a server does when it refuses the message content.
func (s *Server) FailNext(n int, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext, s.failCode = n, code
}

// Stop closes the listener and every open connection; recorded messages stay.
// Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	srv, l, served := s.srv, s.listener, s.served
	s.srv, s.listener = nil, nil
	s.mu.Unlock()
	if srv == nil {
		return
	}
	_ = srv.Close()
	// srv.Close closes only listeners Serve has registered, which it may
	// not have done yet if it was started a moment ago.
	_ = l.Close()
	<-served
}

// Restart stops the server if it runs and listens again on the same port, so
// clients holding connections see them broken and new dials succeed. Call it
// from the test's goroutine: it fails the test if the port cannot be taken.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	l, err := net.ListenTCP("tcp", s.tcpAddr())
	if err != nil {
		s.t.Fatalf("testsmtp: listen again on %s: %v", s.addr, err)
	}
	s.serve(l)
}

func (s *Server) serve(l net.Listener) {
	srv := smtp.NewServer(smtp.BackendFunc(s.newSession))
	srv.Domain = "testsmtp.invalid"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0) // a closed listener is expected noise
	var serving net.Listener = countingListener{Listener: l, server: s}
	switch {
	case s.implicit:
		serving = tls.NewListener(serving, s.tlsConfig)
	case s.tlsConfig != nil:
		srv.TLSConfig = s.tlsConfig // offers STARTTLS
	}
	served := make(chan struct{})
	s.mu.Lock()
	s.srv, s.listener, s.served = srv, l, served
	s.mu.Unlock()
	go func() {
		defer close(served)
		// Serve returns nil after Close. Any other error leaves the port
		// closed, which the test then sees as refused connections.
		_ = srv.Serve(serving)
	}()
}

func (s *Server) newSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{server: s, conn: c}, nil
}

// countingListener counts accepted and open connections. Sessions cannot:
// go-smtp opens a session only at EHLO, and tests need to see idle dials too.
type countingListener struct {
	net.Listener
	server *Server
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.server.mu.Lock()
	l.server.connections++
	l.server.open++
	l.server.mu.Unlock()
	return &countedConn{Conn: c, server: l.server}, nil
}

// countedConn tells the server when go-smtp closes it, which happens when the
// client hangs up or the server stops.
type countedConn struct {
	net.Conn
	server *Server
	once   sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() {
		c.server.mu.Lock()
		c.server.open--
		c.server.mu.Unlock()
	})
	return c.Conn.Close()
}

func (s *Server) record(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, m)
	close(s.arrived)
	s.arrived = make(chan struct{})
}
