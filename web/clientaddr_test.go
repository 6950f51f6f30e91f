package web

import (
	"net/http/httptest"
	"testing"

	"github.com/consultd/consultd/config"
)

func TestLimitSourceFoldsIPv6AndMappedAddresses(t *testing.T) {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		peer   string
		prefix int
		want   string
	}{
		{"198.51.100.5:1", 64, "198.51.100.5"},
		{"[::ffff:198.51.100.5]:1", 64, "198.51.100.5"},
		{"[2001:db8:aa:bb:1:2:3:4]:1", 64, "2001:db8:aa:bb::/64"},
		{"[2001:db8:aa:bb:ffff::9]:1", 64, "2001:db8:aa:bb::/64"},
		{"[2001:db8:aa:bb:1:2:3:4]:1", 48, "2001:db8:aa::/48"},
		{"[2001:db8::1]:1", 128, "2001:db8::1/128"},
	}
	for _, tt := range tests {
		c := *cfg
		c.Intake.IPv6Prefix = tt.prefix
		s := New(Deps{Config: &c})
		r := httptest.NewRequest("POST", "/api/bookings", nil)
		r.RemoteAddr = tt.peer
		if got := s.limitSource(r); got != tt.want {
			t.Errorf("%s with /%d: %q, want %q", tt.peer, tt.prefix, got, tt.want)
		}
	}
}

func TestClientAddrBehindProxies(t *testing.T) {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		desc, peer, xff string
		proxies         []string
		want            string
	}{
		{"no proxy configured: the peer, whatever the header says", "203.0.113.7:5000", "198.51.100.1", nil, "203.0.113.7"},
		{"behind a trusted proxy", "127.0.0.1:5000", "198.51.100.1", []string{"127.0.0.1"}, "198.51.100.1"},
		{"a client's own forged entry is ignored", "10.0.0.2:5000", "1.2.3.4, 198.51.100.1", []string{"10.0.0.0/8"}, "198.51.100.1"},
		{"two trusted hops", "10.0.0.2:5000", "198.51.100.1, 10.0.0.9", []string{"10.0.0.0/8"}, "198.51.100.1"},
		{"an untrusted peer cannot claim another address", "198.51.100.9:5000", "127.0.0.1", []string{"127.0.0.1"}, "198.51.100.9"},
		{"garbage in the header stops the walk", "127.0.0.1:5000", "nonsense", []string{"127.0.0.1"}, "127.0.0.1"},
		{"IPv6 peer and client", "[::1]:5000", "2001:db8::7", []string{"::1"}, "2001:db8::7"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			c := *cfg
			c.Intake.TrustedProxies = tt.proxies
			s := New(Deps{Config: &c})
			r := httptest.NewRequest("POST", "/api/bookings", nil)
			r.RemoteAddr = tt.peer
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			if got := s.clientAddr(r); got != tt.want {
				t.Fatalf("clientAddr = %q, want %q", got, tt.want)
			}
		})
	}
}
