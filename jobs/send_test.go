package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/internal/testredis"
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

// countingSender counts the messages handed to it and answers err.
type countingSender struct {
	n   int
	err error
}

func (s *countingSender) Send(context.Context, *mailer.Message) error { s.n++; return s.err }
func (s *countingSender) Close() error                                { return nil }

// Every email, a booking's or a therapist's digest, goes through one path:
// sent once, its marker honoured, a message the sender refuses to build
// never retried.
func TestOneSendPath(t *testing.T) {
	rdb := testredis.Start(t).Client(t)
	store := booking.NewStore(rdb, time.Now)
	msg := func() (*mailer.Message, error) { return &mailer.Message{}, nil }
	tests := []struct {
		desc   string
		marker sentMarker
	}{
		{"a booking's email", bookingMarker("default_abcdefghijklmnopqrstuvwxyz", "invite:0")},
		{"a therapist's digest", therapistMarker("default", "digest:2026-12-01")},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			sender := &countingSender{}
			h := NewHandlers(HandlerDeps{Store: store, Sender: sender, Logger: slog.New(slog.DiscardHandler)})
			ctx := context.Background()
			for range 2 {
				if err := h.deliver(ctx, tt.marker, msg); err != nil {
					t.Fatal(err)
				}
			}
			if sender.n != 1 {
				t.Fatalf("sent %d times, want once", sender.n)
			}
			if sent, err := h.isSent(ctx, tt.marker); err != nil || !sent {
				t.Fatalf("marker after the send: %v, %v", sent, err)
			}
			refusing := NewHandlers(HandlerDeps{Store: store, Sender: &countingSender{err: mailer.ErrInvalidMessage}, Logger: h.Logger})
			other := tt.marker
			other.what += ":other"
			if err := refusing.deliver(ctx, other, msg); !errors.Is(err, asynq.SkipRetry) {
				t.Fatalf("an invalid message: %v, want SkipRetry", err)
			}
		})
	}
}
