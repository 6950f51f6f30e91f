package mailer

import (
	"context"
	"fmt"
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
			s := newSender(t, srv, 1, func(c *SMTPConfig) {
				if user != "" {
					c.Username, c.Password = user, "secret"
				}
			})
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
	if got := srv.Connections(); got >= workers*each {
		t.Errorf("%d sends used %d connections: none was reused", workers*each, got)
	}
	// Connections beyond the pool's two idle slots are closed on release.
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
