package links

import (
	"testing"
	"time"
)

// FuzzVerify: no input makes Verify panic or accept a token the key did
// not sign.
func FuzzVerify(f *testing.F) {
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	s := NewSigner([]byte("0123456789abcdef0123456789abcdef"), func() time.Time { return now })
	f.Add(s.Sign(PurposeManage, "default_abc", now.Add(time.Hour)))
	f.Add("..")
	f.Add("a.b.c")
	f.Add("ZGVmYXVsdA.zz.")
	f.Fuzz(func(t *testing.T, tok string) {
		subject, err := s.Verify(PurposeManage, tok)
		if err != nil {
			return
		}
		// A token that verifies must be exactly what Sign makes for it.
		again := s.Sign(PurposeManage, subject, time.Unix(expiryOf(t, tok), 0))
		if again != tok {
			t.Fatalf("accepted %q, which Sign would write as %q", tok, again)
		}
	})
}

func expiryOf(t *testing.T, tok string) int64 {
	t.Helper()
	var exp int64
	for i, part := 0, 0; i < len(tok); i++ {
		if tok[i] == '.' {
			part++
			continue
		}
		if part == 1 {
			c := tok[i]
			d := int64(c - '0')
			if c >= 'a' {
				d = int64(c-'a') + 10
			}
			exp = exp*36 + d
		}
	}
	return exp
}

// FuzzOpen: no input makes Open panic, and nothing but what Seal made
// opens.
func FuzzOpen(f *testing.F) {
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	s := NewSigner([]byte("0123456789abcdef0123456789abcdef"), func() time.Time { return now })
	f.Add(s.Seal(PurposeInvite, `{"e":"a@example.org","t":["session"]}`, now.Add(time.Hour)))
	f.Add("s")
	f.Add("sAAAA")
	f.Fuzz(func(t *testing.T, tok string) {
		subject, err := s.Open(PurposeInvite, tok)
		if err == nil && subject != `{"e":"a@example.org","t":["session"]}` {
			t.Fatalf("opened %q into %q, which was never sealed", tok, subject)
		}
	})
}
