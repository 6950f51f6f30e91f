package mailer

import (
	"context"
	"errors"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consultd/consultd/internal/testsmtp"
)

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
		{"sender refused", func(srv *testsmtp.Server) {
			srv.RejectSender("appointments@example.org", 530, "5.7.0 authentication required")
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

// stallingServer accepts connections and answers each with reply until it
// has read the command stallAt, then goes silent, holding the connection.
// It returns the port.
func stallingServer(t *testing.T, stallAt string) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var held []net.Conn
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			_ = c.Close()
		}
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
			if stallAt != "" {
				go answerUntil(textproto.NewConn(c), stallAt)
			}
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

func answerUntil(conn *textproto.Conn, stallAt string) {
	_ = conn.PrintfLine("220 stalling.test ESMTP")
	for {
		line, err := conn.ReadLine()
		if err != nil || strings.HasPrefix(line, stallAt) {
			return
		}
		_ = conn.PrintfLine("250 ok")
	}
}

func TestSMTPStalledServer(t *testing.T) {
	tests := []struct {
		desc     string
		stallAt  string // "": never greets
		timeout  time.Duration
		cancelIn time.Duration // 0: no cancellation
		wantErr  error
	}{
		{desc: "no greeting, timeout", timeout: 200 * time.Millisecond},
		{desc: "stall at MAIL FROM, timeout", stallAt: "MAIL FROM", timeout: 200 * time.Millisecond},
		{desc: "stall at MAIL FROM, canceled", stallAt: "MAIL FROM", timeout: time.Minute,
			cancelIn: 100 * time.Millisecond, wantErr: context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			port := stallingServer(t, tc.stallAt)
			s, err := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: port, TLS: TLSNone, Timeout: tc.timeout}, 1)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			ctx := context.Background()
			if tc.cancelIn > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(ctx)
				time.AfterFunc(tc.cancelIn, cancel)
			}
			start := time.Now()
			err = s.Send(ctx, sampleInvite())
			if err == nil || IsPermanent(err) {
				t.Fatalf("error = %v, want a failure that is not permanent", err)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("error = %v, want %v", err, tc.wantErr)
			}
			if elapsed := time.Since(start); elapsed > 2*time.Second {
				t.Fatalf("send took %v; the timeout or the context should have ended it", elapsed)
			}
		})
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
