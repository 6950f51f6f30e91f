package jobs

import (
	"errors"
	"fmt"
	"testing"

	"github.com/consultd/consultd/mailer"
	"github.com/consultd/consultd/metrics"
)

// Every sent-marker name the handlers use maps to its kind of email.
func TestEmailKinds(t *testing.T) {
	tests := []struct {
		what string
		want metrics.EmailKind
	}{
		{"invite:0", metrics.EmailInvite},
		{"update:2", metrics.EmailUpdate},
		{"cancel:3", metrics.EmailCancel},
		{"remind:1:24h0m0s", metrics.EmailReminder},
		{"reflect:1", metrics.EmailReflection},
		{"notice:booked", metrics.EmailNotice},
		{"notice:flagged", metrics.EmailNotice},
		{"notice:released", metrics.EmailNotice},
		{"notice:cancelled:2", metrics.EmailNotice},
		{"notice:changed:2", metrics.EmailNotice},
		{"digest:2026-12-01", metrics.EmailDigest},
	}
	for _, tt := range tests {
		if got := emailKind(tt.what); got != tt.want {
			t.Errorf("emailKind(%q) = %s, want %s", tt.what, got, tt.want)
		}
	}
}

func TestSendResults(t *testing.T) {
	tests := []struct {
		desc string
		err  error
		want metrics.EmailResult
	}{
		{"accepted", nil, metrics.EmailSent},
		{"network down", errors.New("dial tcp: connection refused"), metrics.EmailRetry},
		{"not a sendable message", fmt.Errorf("build: %w", mailer.ErrInvalidMessage), metrics.EmailRefused},
	}
	for _, tt := range tests {
		if got := sendResult(tt.err); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.desc, got, tt.want)
		}
	}
}
