package jobs

import (
	"errors"
	"testing"
	"time"

	"github.com/hibiken/asynq"
)

func TestRetryDelay(t *testing.T) {
	if d := RetryDelay(0, nil, nil); d > 30*time.Second || d <= 0 {
		t.Errorf("first retry after %v, want within 30 s", d)
	}
	prev := time.Duration(0)
	for n := 0; n < 30; n++ {
		d := RetryDelay(n, nil, nil)
		if d < prev || d > 15*time.Minute {
			t.Fatalf("retry %d after %v (previous %v)", n, d, prev)
		}
		prev = d
	}
	if prev != 15*time.Minute {
		t.Errorf("delays stop at %v, want 15m", prev)
	}
	// With 25 retries the last is a good day after the first failure: an
	// SMTP outage of hours is ridden out.
	total := time.Duration(0)
	for n := 0; n < mailRetries; n++ {
		total += RetryDelay(n, nil, nil)
	}
	if total < 4*time.Hour {
		t.Errorf("retries give up after %v", total)
	}
}

func TestBadPayloadIsNeverRetried(t *testing.T) {
	for _, body := range []string{"", "{", `{"booking_id":""}`, `{"booking_id":"x","seq":-1}`, `[]`} {
		_, err := decode[ConfirmPayload](asynq.NewTask(TypeConfirm, []byte(body)))
		if !errors.Is(err, asynq.SkipRetry) {
			t.Errorf("payload %q: err = %v, want SkipRetry", body, err)
		}
	}
	p, err := decode[ReminderPayload](NewReminderTask("default_abc", 2, 24*time.Hour))
	if err != nil || p.BookingID != "default_abc" || p.Seq != 2 || p.Offset != "24h" {
		t.Errorf("round trip = %+v, %v", p, err)
	}
}

func TestFormatOffset(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{24 * time.Hour, "24h"}, {time.Hour, "1h"}, {90 * time.Minute, "90m"}, {45 * time.Second, "45s"}, {48 * time.Hour, "48h"},
	}
	for _, tt := range tests {
		if got := FormatOffset(tt.in); got != tt.want {
			t.Errorf("FormatOffset(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
