package testsmtp

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"runtime"
	"strings"
	"testing"
	"time"
)

// deliver sends one message with the standard library's client, so the server
// is checked against an SMTP implementation other than the one it is built on.
func deliver(addr, user, from, to, body string) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if user != "" {
		if err := c.Auth(smtp.PlainAuth("", user, "secret", "127.0.0.1")); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := c.Mail(from); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte(body)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func replyCode(err error) int {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}

func TestDeliveries(t *testing.T) {
	tests := []struct {
		desc      string
		setup     func(s *Server)
		user      string
		wantCode  int // 0: accepted
		wantStore int
	}{
		{desc: "accepted without auth", wantStore: 1},
		{desc: "accepted with auth", user: "practice", wantStore: 1},
		{
			desc:     "recipient rejected permanently",
			setup:    func(s *Server) { s.RejectRecipient("Client@Example.org", 550, "no such user") },
			wantCode: 550,
		},
		{
			desc:     "recipient rejected temporarily",
			setup:    func(s *Server) { s.RejectRecipient("client@example.org", 451, "try later") },
			wantCode: 451,
		},
		{
			desc:     "sender rejected",
			setup:    func(s *Server) { s.RejectSender("practice@example.org", 553, "not allowed") },
			wantCode: 553,
		},
		{
			desc:      "rejected recipient used as sender",
			setup:     func(s *Server) { s.RejectRecipient("practice@example.org", 550, "no such user") },
			wantStore: 1,
		},
		{
			desc:     "data refused",
			setup:    func(s *Server) { s.FailNext(1, 554) },
			wantCode: 554,
		},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			s := Start(t)
			if tc.setup != nil {
				tc.setup(s)
			}
			body := "Subject: hi\r\n\r\nhello\r\n"
			err := deliver(s.Addr(), tc.user, "practice@example.org", "client@example.org", body)
			if got := replyCode(err); got != tc.wantCode || (tc.wantCode == 0 && err != nil) {
				t.Fatalf("deliver: err = %v (code %d), want code %d", err, got, tc.wantCode)
			}
			msgs := s.Messages()
			if len(msgs) != tc.wantStore {
				t.Fatalf("stored %d messages, want %d", len(msgs), tc.wantStore)
			}
			if tc.wantStore == 0 {
				return
			}
			m := msgs[0]
			if m.From != "practice@example.org" || strings.Join(m.To, ",") != "client@example.org" {
				t.Errorf("envelope = %q -> %q", m.From, m.To)
			}
			if string(m.Data) != body {
				t.Errorf("data = %q, want %q", m.Data, body)
			}
			if m.User != tc.user {
				t.Errorf("auth user = %q, want %q", m.User, tc.user)
			}
			if m.Received.IsZero() {
				t.Error("received time not set")
			}
		})
	}
}

func TestFailNextCountsDown(t *testing.T) {
	s := Start(t)
	s.FailNext(2, 451)
	var codes []int
	for range 3 {
		err := deliver(s.Addr(), "", "a@example.org", "b@example.org", "\r\nx\r\n")
		codes = append(codes, replyCode(err))
	}
	if fmt.Sprint(codes) != "[451 451 0]" {
		t.Fatalf("reply codes = %v, want [451 451 0]", codes)
	}
	if got := len(s.Messages()); got != 1 {
		t.Fatalf("stored %d messages, want 1", got)
	}
}

func TestStopRestartKeepsPortAndMessages(t *testing.T) {
	s := Start(t)
	if s.Host() != "127.0.0.1" || s.Port() == 0 || s.Addr() != net.JoinHostPort(s.Host(), fmt.Sprint(s.Port())) {
		t.Fatalf("address parts disagree: %s %s %d", s.Addr(), s.Host(), s.Port())
	}
	held, err := smtp.Dial(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if err := deliver(s.Addr(), "", "a@example.org", "b@example.org", "\r\none\r\n"); err != nil {
		t.Fatal(err)
	}

	s.Stop()
	if err := held.Noop(); err == nil {
		t.Error("a connection held across Stop still works")
	}
	if err := deliver(s.Addr(), "", "a@example.org", "b@example.org", "\r\nlost\r\n"); err == nil {
		t.Error("delivery succeeded while stopped")
	}

	s.Restart()
	if err := deliver(s.Addr(), "", "a@example.org", "b@example.org", "\r\ntwo\r\n"); err != nil {
		t.Fatalf("deliver after restart: %v", err)
	}
	if got := len(s.Messages()); got != 2 {
		t.Fatalf("stored %d messages, want 2", got)
	}
	if got := s.Connections(); got != 3 {
		t.Fatalf("connections = %d, want 3 (held, one before and one after the restart)", got)
	}
	for deadline := time.Now().Add(5 * time.Second); s.OpenConnections() != 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("open connections = %d after every client hung up, want 0", s.OpenConnections())
		}
	}
}

func TestTLSModes(t *testing.T) {
	clientTLS := &tls.Config{InsecureSkipVerify: true} // the server's certificate is self-signed
	tests := []struct {
		desc    string
		opts    []Option
		dial    func(addr string) (*smtp.Client, error)
		wantTLS bool
	}{
		{"plain", nil, func(addr string) (*smtp.Client, error) {
			c, err := smtp.Dial(addr)
			if err != nil {
				return nil, err
			}
			if ok, _ := c.Extension("STARTTLS"); ok {
				c.Close()
				return nil, errors.New("plain server offers STARTTLS")
			}
			return c, nil
		}, false},
		{"STARTTLS", []Option{WithSTARTTLS()}, func(addr string) (*smtp.Client, error) {
			c, err := smtp.Dial(addr)
			if err != nil {
				return nil, err
			}
			if ok, _ := c.Extension("STARTTLS"); !ok {
				c.Close()
				return nil, errors.New("STARTTLS not offered")
			}
			return c, c.StartTLS(clientTLS)
		}, true},
		{"implicit TLS", []Option{WithImplicitTLS()}, func(addr string) (*smtp.Client, error) {
			conn, err := tls.Dial("tcp", addr, clientTLS)
			if err != nil {
				return nil, err
			}
			return smtp.NewClient(conn, "127.0.0.1")
		}, true},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			s := Start(t, tc.opts...)
			c, err := tc.dial(s.Addr())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.Mail("a@example.org"); err != nil {
				t.Fatal(err)
			}
			if err := c.Rcpt("b@example.org"); err != nil {
				t.Fatal(err)
			}
			w, err := c.Data()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write([]byte("\r\nbody\r\n")); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if got := s.WaitFor(t, 1, 5*time.Second)[0].TLS; got != tc.wantTLS {
				t.Errorf("message TLS = %v, want %v", got, tc.wantTLS)
			}
		})
	}
}

func TestWaitFor(t *testing.T) {
	s := Start(t)
	go func() {
		time.Sleep(20 * time.Millisecond)
		_ = deliver(s.Addr(), "", "a@example.org", "b@example.org", "\r\nlate\r\n")
	}()
	if got := s.WaitFor(t, 1, 5*time.Second); len(got) != 1 {
		t.Fatalf("WaitFor returned %d messages, want 1", len(got))
	}

	ft := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.WaitFor(ft, 2, 50*time.Millisecond)
	}()
	<-done
	if !strings.Contains(ft.msg, "1 message(s) arrived within 50ms, want at least 2") {
		t.Fatalf("WaitFor failure message = %q", ft.msg)
	}
}

// fatalRecorder captures Fatalf instead of failing the real test.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
