package mailer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// TLS modes of SMTPConfig.
const (
	TLSStartTLS = "starttls" // plain connection upgraded by STARTTLS, which is mandatory
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
	TLSNone     = "none"     // no encryption: local relays and tests only
)

// DefaultSMTPTimeout bounds dialing and each send when SMTPConfig.Timeout is 0.
const DefaultSMTPTimeout = 30 * time.Second

// SMTPConfig says how to reach the SMTP submission server.
type SMTPConfig struct {
	Host string
	// Port defaults by TLS mode: 587 for starttls, 465 for tls, 25 for none.
	Port int
	// Username turns on AUTH PLAIN; without it the sender does not authenticate.
	Username, Password string
	// TLS is one of TLSStartTLS (the default), TLSImplicit, TLSNone.
	TLS string
	// Timeout bounds connecting (TCP, greeting, STARTTLS, AUTH) and each
	// send (all commands and the data of one message).
	Timeout time.Duration
	// HeloName is the EHLO name; empty means the host name.
	HeloName           string
	InsecureSkipVerify bool
}

// SMTPSender sends over a small pool of reused SMTP connections. Send takes an
// idle connection or dials one, and gives it back only after a clean send: a
// connection on which anything failed is in an unknown SMTP state and is
// closed. At most poolSize connections wait idle (one per worker goroutine is
// the intent); more concurrent sends dial more and close the surplus.
type SMTPSender struct {
	client      *gomail.Client // configuration only: connections live in idle
	server      string         // host:port, for error messages
	timeout     time.Duration
	implicitTLS *tls.Config // set in TLSImplicit mode: dialContext wraps the TCP connection
	poolSize    int

	mu     sync.Mutex
	idle   []*conn
	closed bool
}

var _ Sender = (*SMTPSender)(nil)

// conn is one SMTP session. raw is the TCP connection under any TLS layer:
// closing it unblocks a command stuck in a read, which go-mail's own Close
// cannot do since it waits for the same lock the command holds.
type conn struct {
	smtp *smtp.Client
	raw  net.Conn
}

// NewSMTP checks cfg and prepares a sender; it connects on the first Send.
func NewSMTP(cfg SMTPConfig, poolSize int) (*SMTPSender, error) {
	if cfg.Host == "" {
		return nil, errors.New("mailer: smtp host is empty")
	}
	if poolSize < 1 {
		return nil, fmt.Errorf("mailer: smtp pool size must be at least 1, got %d", poolSize)
	}
	if cfg.Password != "" && cfg.Username == "" {
		return nil, errors.New("mailer: smtp password is set without a username")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultSMTPTimeout
	}
	s := &SMTPSender{timeout: cfg.Timeout, poolSize: poolSize}
	tlsConfig := &tls.Config{
		ServerName:         cfg.Host,
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: cfg.InsecureSkipVerify, //nolint:gosec // opt-in for test relays with self-signed certificates
	}
	opts := []gomail.Option{
		gomail.WithTimeout(cfg.Timeout),
		gomail.WithDialContextFunc(s.dialContext),
		// Liveness is checked by acquire, only on reused connections; the
		// RSET after each message is redundant, as a completed DATA ends
		// the transaction (RFC 5321 4.1.1.4), and a failing RSET would make
		// go-mail report an accepted message as failed.
		gomail.WithoutNoop(),
		gomail.WithoutRset(),
	}
	switch cfg.TLS {
	case TLSStartTLS, "":
		cfg.Port = defaultPort(cfg.Port, 587)
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory), gomail.WithTLSConfig(tlsConfig))
	case TLSImplicit:
		// go-mail's WithSSL dials TLS only without a custom dial function,
		// and ours is needed (see dial); so the TLS layer is added there.
		cfg.Port = defaultPort(cfg.Port, 465)
		s.implicitTLS = tlsConfig
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSNone:
		cfg.Port = defaultPort(cfg.Port, 25)
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		return nil, fmt.Errorf("mailer: smtp tls mode %q: want %s, %s or %s", cfg.TLS, TLSStartTLS, TLSImplicit, TLSNone)
	}
	opts = append(opts, gomail.WithPort(cfg.Port))
	if cfg.HeloName != "" {
		opts = append(opts, gomail.WithHELO(cfg.HeloName))
	}
	if cfg.Username != "" {
		// go-mail's PLAIN refuses to send the password over a connection
		// that is neither TLS nor to localhost.
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain),
			gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	client, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mailer: smtp client: %w", err)
	}
	s.client = client
	s.server = net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	return s, nil
}

func defaultPort(port, fallback int) int {
	if port == 0 {
		return fallback
	}
	return port
}

// Send validates and delivers m. A message refused by validation is never
// sent (ErrInvalidMessage); IsPermanent tells a 5xx refusal from a failure
// worth retrying.
func (s *SMTPSender) Send(ctx context.Context, m *Message) error {
	msg, err := build(m)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("smtp send: %w", err)
	}
	c, err := s.acquire(ctx)
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, c.abort)
	err = s.client.SendWithSMTPClient(c.smtp, msg)
	if !stop() {
		// The context ended during the send and closed the connection. If
		// the server had already accepted the message, it is sent.
		c.abort()
		if err != nil {
			return sendFailed(err, ctx.Err())
		}
		return nil
	}
	if err != nil {
		c.abort()
		return sendFailed(err, nil)
	}
	s.release(c)
	return nil
}

// acquire returns a live idle connection, or dials a new one. An idle
// connection may have been closed by the server or broken meanwhile; NOOP
// finds out before a message is committed to it.
func (s *SMTPSender) acquire(ctx context.Context) (*conn, error) {
	for {
		c, err := s.takeIdle()
		if err != nil {
			return nil, err
		}
		if c == nil {
			return s.dial(ctx)
		}
		if c.smtp.UpdateDeadline(s.timeout) == nil && c.smtp.Noop() == nil {
			return c, nil
		}
		c.abort()
	}
}

func (s *SMTPSender) takeIdle() (*conn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errors.New("smtp send: sender is closed")
	}
	n := len(s.idle)
	if n == 0 {
		return nil, nil
	}
	// Most recently used first: the likeliest to be still open.
	c := s.idle[n-1]
	s.idle = s.idle[:n-1]
	return c, nil
}

func (s *SMTPSender) release(c *conn) {
	s.mu.Lock()
	if !s.closed && len(s.idle) < s.poolSize {
		s.idle = append(s.idle, c)
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	c.quit(s.timeout)
}

// rawConnKey carries, through go-mail's dial, where dialContext stores the
// TCP connection it opened.
type rawConnKey struct{}

// dial connects, greets, upgrades and authenticates. go-mail leaves the
// connection open when the greeting, EHLO, STARTTLS or AUTH fails, so it is
// caught on the way in and closed here.
func (s *SMTPSender) dial(ctx context.Context) (*conn, error) {
	var raw net.Conn
	sc, err := s.client.DialToSMTPClientWithContext(context.WithValue(ctx, rawConnKey{}, &raw))
	if err != nil {
		if raw != nil {
			_ = raw.Close()
		}
		return nil, dialFailed(s.server, err)
	}
	return &conn{smtp: sc, raw: raw}, nil
}

func (s *SMTPSender) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	raw, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if slot, ok := ctx.Value(rawConnKey{}).(*net.Conn); ok {
		*slot = raw
	}
	if s.implicitTLS == nil {
		return raw, nil
	}
	tlsConn := tls.Client(raw, s.implicitTLS)
	if err := tlsConn.HandshakeContext(ctx); err != nil {
		return nil, err
	}
	return tlsConn, nil
}

// Close says QUIT on the idle connections and refuses later sends. Sends in
// flight finish and close their connections. Failures to QUIT are ignored:
// the connections are closed either way.
func (s *SMTPSender) Close() error {
	s.mu.Lock()
	idle := s.idle
	s.idle, s.closed = nil, true
	s.mu.Unlock()
	for _, c := range idle {
		c.quit(s.timeout)
	}
	return nil
}

func (c *conn) abort() { _ = c.raw.Close() }

func (c *conn) quit(timeout time.Duration) {
	if c.smtp.UpdateDeadline(timeout) == nil {
		_ = c.smtp.Quit()
	}
	c.abort()
}
