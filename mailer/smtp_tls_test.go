package mailer

import (
	"context"
	"strings"
	"testing"

	"github.com/consultd/consultd/internal/testsmtp"
)

func TestSMTPTLSModes(t *testing.T) {
	tests := []struct {
		desc       string
		server     []testsmtp.Option
		mode       string
		skipVerify bool
		wantTLS    bool
		wantErr    bool
	}{
		{desc: "STARTTLS", server: []testsmtp.Option{testsmtp.WithSTARTTLS()}, mode: TLSStartTLS, skipVerify: true, wantTLS: true},
		{desc: "implicit TLS", server: []testsmtp.Option{testsmtp.WithImplicitTLS()}, mode: TLSImplicit, skipVerify: true, wantTLS: true},
		{desc: "STARTTLS with an unverifiable certificate", server: []testsmtp.Option{testsmtp.WithSTARTTLS()}, mode: TLSStartTLS, wantErr: true},
		{desc: "implicit TLS with an unverifiable certificate", server: []testsmtp.Option{testsmtp.WithImplicitTLS()}, mode: TLSImplicit, wantErr: true},
		{desc: "implicit TLS to a plain server", mode: TLSImplicit, skipVerify: true, wantErr: true},
		{desc: "none ignores STARTTLS", server: []testsmtp.Option{testsmtp.WithSTARTTLS()}, mode: TLSNone, wantTLS: false},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			srv := testsmtp.Start(t, tc.server...)
			s := newSender(t, srv, 1, func(c *SMTPConfig) {
				c.TLS, c.InsecureSkipVerify = tc.mode, tc.skipVerify
				c.Username, c.Password = "practice", "secret"
			})
			err := s.Send(context.Background(), sampleInvite())
			if tc.wantErr {
				if err == nil || IsPermanent(err) {
					t.Fatalf("error = %v, want a failure that is not permanent", err)
				}
				if n := len(srv.Messages()); n != 0 {
					t.Fatalf("%d messages arrived", n)
				}
				eventually(t, "the failed connection to close", func() bool { return srv.OpenConnections() == 0 })
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := srv.WaitFor(t, 1, waitTime)[0]
			if got.TLS != tc.wantTLS || got.User != "practice" {
				t.Errorf("arrived with TLS %v as %q, want TLS %v as practice", got.TLS, got.User, tc.wantTLS)
			}
		})
	}
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
