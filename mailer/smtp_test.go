package mailer

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consultd/consultd/internal/testsmtp"
)

const waitTime = 5 * time.Second

// newSender returns a sender to srv, closed when the test ends.
func newSender(t *testing.T, srv *testsmtp.Server, poolSize int, change func(*SMTPConfig)) *SMTPSender {
	t.Helper()
	cfg := SMTPConfig{Host: srv.Host(), Port: srv.Port(), TLS: TLSNone, Timeout: 2 * time.Second, HeloName: "consultd.test"}
	if change != nil {
		change(&cfg)
	}
	s, err := NewSMTP(cfg, poolSize)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// eventually polls cond, for effects the server sees only after the client
// has returned (a hang-up, for instance).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(waitTime); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func TestSMTPDeliversRenderedMessage(t *testing.T) {
	tests := []struct {
		desc   string
		change func(m *Message)
	}{
		{"invite", func(*Message) {}},
		{"non-ASCII subject", func(m *Message) { m.Subject = "Termin bestätigt – Praxis Müller ☀" }},
		{"no calendar", func(m *Message) { m.Calendar, m.CalendarMethod = nil, "" }},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			srv := testsmtp.Start(t)
			m := sampleInvite()
			tc.change(m)
			if err := newSender(t, srv, 1, nil).Send(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			got := srv.WaitFor(t, 1, waitTime)[0]
			if got.From != m.From.Email || len(got.To) != 1 || got.To[0] != m.To.Email {
				t.Errorf("envelope %q -> %q, want %q -> %q", got.From, got.To, m.From.Email, m.To.Email)
			}
			checkHeaders(t, m, got.Data)
			_, root := parseMessage(t, got.Data)
			checkTree(t, m, root)
		})
	}
}

func TestSMTPAuthenticatesOnlyWithUsername(t *testing.T) {
	for _, user := range []string{"", "practice"} {
		t.Run(fmt.Sprintf("user %q", user), func(t *testing.T) {
			srv := testsmtp.Start(t)
			s := newSender(t, srv, 1, func(c *SMTPConfig) { c.Username, c.Password = user, "secret" })
			if user == "" {
				s = newSender(t, srv, 1, nil)
			}
			if err := s.Send(context.Background(), sampleInvite()); err != nil {
				t.Fatal(err)
			}
			if got := srv.WaitFor(t, 1, waitTime)[0].User; got != user {
				t.Errorf("authenticated as %q, want %q", got, user)
			}
		})
	}
}

func TestSMTPReusesOneConnection(t *testing.T) {
	srv := testsmtp.Start(t)
	s := newSender(t, srv, 1, nil)
	for i := range 10 {
		m := sampleInvite()
		m.MessageID = fmt.Sprintf("invite.b%d.0@example.org", i)
		if err := s.Send(context.Background(), m); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	srv.WaitFor(t, 10, waitTime)
	if got := srv.Connections(); got != 1 {
		t.Fatalf("10 sends used %d connections, want 1", got)
	}
}

func TestSMTPRedialsAfterServerRestart(t *testing.T) {
	srv := testsmtp.Start(t)
	s := newSender(t, srv, 1, nil)
	if err := s.Send(context.Background(), sampleInvite()); err != nil {
		t.Fatal(err)
	}
	srv.Restart() // breaks the pooled connection
	if err := s.Send(context.Background(), sampleInvite()); err != nil {
		t.Fatalf("send after restart: %v", err)
	}
	srv.WaitFor(t, 2, waitTime)
	if got := srv.Connections(); got != 2 {
		t.Fatalf("connections = %d, want 2 (one before the restart, one after)", got)
	}
}

func TestSMTPFailures(t *testing.T) {
	tests := []struct {
		desc          string
		setup         func(srv *testsmtp.Server)
		wantPermanent bool
	}{
		{"recipient refused permanently", func(srv *testsmtp.Server) {
			srv.RejectRecipient("client@example.net", 550, "5.1.1 <client@example.net> unknown")
		}, true},
		{"recipient refused temporarily", func(srv *testsmtp.Server) {
			srv.RejectRecipient("client@example.net", 451, "4.3.0 <client@example.net> try later")
		}, false},
		{"data refused permanently", func(srv *testsmtp.Server) { srv.FailNext(1, 554) }, true},
		{"data refused temporarily", func(srv *testsmtp.Server) { srv.FailNext(1, 452) }, false},
		{"connection refused", func(srv *testsmtp.Server) { srv.Stop() }, false},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			srv := testsmtp.Start(t)
			s := newSender(t, srv, 1, nil)
			tc.setup(srv)
			err := s.Send(context.Background(), sampleInvite())
			if err == nil {
				t.Fatal("send succeeded")
			}
			if got := IsPermanent(err); got != tc.wantPermanent {
				t.Errorf("IsPermanent(%v) = %v, want %v", err, got, tc.wantPermanent)
			}
			if !strings.HasPrefix(err.Error(), "smtp send: ") {
				t.Errorf("error %q lacks the smtp send context", err)
			}
			for _, private := range []string{"client@", "example.net", "Zoë"} {
				if strings.Contains(err.Error(), private) {
					t.Errorf("error %q reveals %q", err, private)
				}
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("%d messages arrived, want none", n)
			}
		})
	}
}

func TestSMTPDropsConnectionAfterFailure(t *testing.T) {
	srv := testsmtp.Start(t)
	s := newSender(t, srv, 1, nil)
	srv.FailNext(1, 451)
	if err := s.Send(context.Background(), sampleInvite()); err == nil {
		t.Fatal("first send succeeded despite 451")
	}
	if err := s.Send(context.Background(), sampleInvite()); err != nil {
		t.Fatalf("second send: %v", err)
	}
	srv.WaitFor(t, 1, waitTime)
	if got := srv.Connections(); got != 2 {
		t.Fatalf("connections = %d, want 2: a failed session must not be reused", got)
	}
	eventually(t, "the failed connection to close", func() bool { return srv.OpenConnections() == 1 })
}

func TestSMTPMandatorySTARTTLS(t *testing.T) {
	srv := testsmtp.Start(t)
	s := newSender(t, srv, 1, func(c *SMTPConfig) { c.TLS = TLSStartTLS })
	err := s.Send(context.Background(), sampleInvite())
	if err == nil || !strings.Contains(err.Error(), "does not support STARTTLS") {
		t.Fatalf("error = %v, want a refusal because the server offers no STARTTLS", err)
	}
	if IsPermanent(err) {
		t.Error("a TLS set-up failure is reported as a permanent refusal of the message")
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("%d messages arrived in clear", n)
	}
	// go-mail leaves this connection open; the sender must close it.
	eventually(t, "the refused connection to close", func() bool { return srv.OpenConnections() == 0 })
}

func TestSMTPInvalidMessageIsNotSent(t *testing.T) {
	srv := testsmtp.Start(t)
	s := newSender(t, srv, 1, nil)
	m := sampleInvite()
	m.Subject = "Appointment\r\nBcc: someone@example.com"
	err := s.Send(context.Background(), m)
	if !errors.Is(err, ErrInvalidMessage) || IsPermanent(err) {
		t.Fatalf("error = %v, want ErrInvalidMessage (and not an SMTP refusal)", err)
	}
	if srv.Connections() != 0 {
		t.Fatal("an invalid message opened a connection")
	}
}

func TestSMTPTimesOutOnSilentServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var held []net.Conn
	go func() { // accepts and never greets
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	t.Cleanup(func() { _ = l.Close() })
	addr := l.Addr().(*net.TCPAddr)
	s, err := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: addr.Port, TLS: TLSNone, Timeout: 200 * time.Millisecond}, 1)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = s.Send(context.Background(), sampleInvite())
	if err == nil || IsPermanent(err) {
		t.Fatalf("error = %v, want a temporary failure", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Fatalf("send took %v with a 200ms timeout", elapsed)
	}
}

func TestSMTPCanceledContext(t *testing.T) {
	srv := testsmtp.Start(t)
	s := newSender(t, srv, 1, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.Send(ctx, sampleInvite())
	if !errors.Is(err, context.Canceled) || IsPermanent(err) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	if srv.Connections() != 0 {
		t.Fatal("a canceled send opened a connection")
	}
}

func TestSMTPConcurrentSends(t *testing.T) {
	srv := testsmtp.Start(t)
	s := newSender(t, srv, 2, nil)
	const workers, each = 6, 4
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				m := sampleInvite()
				m.MessageID = fmt.Sprintf("invite.w%d.%d@example.org", w, i)
				errs <- s.Send(context.Background(), m)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	srv.WaitFor(t, workers*each, waitTime)
	if got := srv.Connections(); got > workers {
		t.Errorf("connections = %d, want at most one per worker (%d)", got, workers)
	}
	eventually(t, "surplus connections to close", func() bool { return srv.OpenConnections() <= 2 })
}

func TestSMTPClose(t *testing.T) {
	srv := testsmtp.Start(t)
	s := newSender(t, srv, 1, nil)
	if err := s.Send(context.Background(), sampleInvite()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the idle connection to close", func() bool { return srv.OpenConnections() == 0 })
	if err := s.Send(context.Background(), sampleInvite()); err == nil {
		t.Fatal("send after Close succeeded")
	}
}

func TestNewSMTPRefusesBadConfig(t *testing.T) {
	tests := []struct {
		desc     string
		cfg      SMTPConfig
		poolSize int
	}{
		{"no host", SMTPConfig{TLS: TLSNone}, 1},
		{"no pool", SMTPConfig{Host: "localhost"}, 0},
		{"unknown TLS mode", SMTPConfig{Host: "localhost", TLS: "ssl"}, 1},
		{"password without user", SMTPConfig{Host: "localhost", Password: "x"}, 1},
		{"port out of range", SMTPConfig{Host: "localhost", Port: 70000}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			if _, err := NewSMTP(tc.cfg, tc.poolSize); err == nil {
				t.Fatal("NewSMTP accepted the configuration")
			}
		})
	}
}
