package config

import (
	"strings"
	"testing"
)

// Warnings name settings that work but are probably a mistake; they do
// not stop the service.
func TestWarnings(t *testing.T) {
	tests := []struct {
		desc string
		yaml string
		want []string
	}{
		{desc: "defaults"},
		{desc: "no secret with a real Redis", yaml: "redis: {addr: 10.0.0.5:6379}",
			want: []string{"secret: is empty: links are signed with a key kept in Redis"}},
		{desc: "no secret with a Cluster", yaml: "redis: {addrs: [10.0.0.1:7000]}", want: []string{"secret: is empty"}},
		{desc: "no secret with Sentinel", yaml: "redis: {sentinel: {master: main, addrs: [10.0.0.1:26379]}}", want: []string{"secret: is empty"}},
		{desc: "a secret with a real Redis", yaml: "redis: {addr: 10.0.0.5:6379}\nsecret: 0123456789abcdef0123456789abcdef"},
		{desc: "late window past the notice, no late cancels", yaml: "booking: {min_notice: 12h}\ncancellation: {late_window: 48h, allow_late: false}",
			want: []string{"cancellation.late_window: 48h is longer than booking.min_notice (12h) with cancellation.allow_late false"}},
		{desc: "late window past the notice, late cancels allowed", yaml: "booking: {min_notice: 12h}\ncancellation: {late_window: 48h, allow_late: true}"},
		{desc: "late window equal to the notice", yaml: "booking: {min_notice: 24h}\ncancellation: {late_window: 24h, allow_late: false}"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			ownPractice(t)
			cfg, err := Load(writeFile(t, tt.yaml))
			if err != nil {
				t.Fatalf("a warning must not refuse: %v", err)
			}
			got := cfg.Warnings()
			if len(got) != len(tt.want) {
				t.Fatalf("warnings %q, want %d", got, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(got[i].String(), w) {
					t.Errorf("warning %q, want %q", got[i], w)
				}
			}
		})
	}
}
