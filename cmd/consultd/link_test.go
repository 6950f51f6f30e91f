package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/internal/testredis"
	"github.com/consultd/consultd/links"
)

const linkTestSecret = "link-test-secret-0123456789abcdef01234"

// runLink runs `consultd link` with args and returns stdout and the error.
func runLink(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	root := newRoot(&out, &errOut)
	root.SetArgs(append([]string{"link"}, args...))
	err := root.Execute()
	return out.String(), err
}

// subjectOf checks that the printed link is an invite signed with key and
// returns what it carries.
func subjectOf(t *testing.T, out string, key []byte) string {
	t.Helper()
	tok, ok := strings.CutPrefix(strings.TrimSpace(out), "https://book.example.org/book/")
	if !ok {
		t.Fatalf("printed %q, want a link under https://book.example.org/book/", out)
	}
	subject, err := links.NewSigner(key, time.Now).Open(links.PurposeInvite, tok)
	if err != nil {
		t.Fatalf("the printed link does not verify: %v", err)
	}
	return subject
}

func TestLinkSignsAnInvite(t *testing.T) {
	t.Setenv("CONSULTD_BASE_URL", "https://book.example.org")
	t.Setenv("CONSULTD_SECRET", linkTestSecret)
	out, err := runLink(t, "--email", "sam@example.org", "--type", "session", "--type", "consultation", "--days", "7")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := subjectOf(t, out, []byte(linkTestSecret)), `{"e":"sam@example.org","t":["session","consultation"]}`; got != want {
		t.Errorf("subject %s, want %s", got, want)
	}
}

func TestLinkUsesTheSecretKeptInRedis(t *testing.T) {
	rs := testredis.Start(t)
	t.Setenv("CONSULTD_BASE_URL", "https://book.example.org")
	t.Setenv("CONSULTD_REDIS_ADDR", rs.Addr())
	// The outbox keeps the built-in sample practice, which SMTP refuses.
	t.Setenv("CONSULTD_MAIL_MODE", "outbox")
	out, err := runLink(t, "--email", "sam@example.org", "--type", "consultation")
	if err != nil {
		t.Fatal(err)
	}
	kept, err := rs.Client(t).Get(context.Background(), "consultd:secret").Result()
	if err != nil {
		t.Fatalf("no secret kept in redis for the service to share: %v", err)
	}
	subjectOf(t, out, []byte(kept))
}

func TestLinkRefuses(t *testing.T) {
	tests := []struct {
		desc   string
		secret string
		args   []string
		want   string
	}{
		{"no secret with the in-memory redis", "", []string{"--email", "sam@example.org", "--type", "consultation"}, "Set secret (CONSULTD_SECRET)"},
		{"an address with a name", linkTestSecret, []string{"--email", "Sam <sam@example.org>", "--type", "consultation"}, "--email"},
		{"an unknown type", linkTestSecret, []string{"--email", "sam@example.org", "--type", "nope"}, `--type "nope"`},
		{"no type", linkTestSecret, []string{"--email", "sam@example.org"}, `"type" not set`},
		{"no days", linkTestSecret, []string{"--email", "sam@example.org", "--type", "consultation", "--days", "0"}, "--days 0"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Setenv("CONSULTD_SECRET", tc.secret)
			t.Setenv("CONSULTD_REDIS_ADDR", "")
			out, err := runLink(t, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one mentioning %s", err, tc.want)
			}
			if out != "" {
				t.Errorf("printed %q on a refusal", out)
			}
		})
	}
}
