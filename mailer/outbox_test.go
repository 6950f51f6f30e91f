package mailer

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestOutboxWritesRenderedMessage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "outbox", "dev")
	o, err := NewOutbox(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := sampleInvite()
	for range 2 { // a retried message replaces its file
		if err := o.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	const wantName = "20260301T090000-invite.b1.0@example.org.eml"
	if len(entries) != 1 || entries[0].Name() != wantName {
		t.Fatalf("outbox holds %v, want only %s", entries, wantName)
	}
	path := filepath.Join(dir, wantName)
	for p, want := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s mode = %v, want %v", p, got, want)
		}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	checkHeaders(t, m, raw)
	_, root := parseMessage(t, raw)
	checkTree(t, m, root)
}

func TestOutboxRefusesInvalidMessage(t *testing.T) {
	dir := t.TempDir()
	o, err := NewOutbox(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := sampleInvite()
	m.Subject = "Hi\nBcc: x@y.z"
	if err := o.Send(context.Background(), m); err == nil {
		t.Fatal("invalid message written")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("outbox holds %v after a refused message", entries)
	}
}

func TestFileSafe(t *testing.T) {
	tests := []struct{ id, want string }{
		{"invite.b1.0@example.org", "invite.b1.0@example.org"},
		{"a/b@c", "a_b@c"},
		{"../../etc@x", ".._.._etc@x"},
		{`a\b:c*d?e"f<g>h|i@j`, "a_b_c_d_e_f_g_h_i@j"},
		{"remind.b1.2.24h0m0s+x@h", "remind.b1.2.24h0m0s+x@h"},
	}
	for _, tc := range tests {
		if got := fileSafe(tc.id); got != tc.want {
			t.Errorf("fileSafe(%q) = %q, want %q", tc.id, got, tc.want)
		}
	}
}
