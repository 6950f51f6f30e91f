package links

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestVerify(t *testing.T) {
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	s := NewSigner([]byte("0123456789abcdef0123456789abcdef"), clock)
	other := NewSigner([]byte("another key, just as long as the first"), clock)
	good := s.Sign(PurposeManage, "default_abc", now.Add(time.Hour))
	tests := []struct {
		desc    string
		signer  *Signer
		purpose string
		tok     string
		want    error
	}{
		{"valid", s, PurposeManage, good, nil},
		{"other purpose", s, PurposeInvite, good, ErrInvalid},
		{"other key", other, PurposeManage, good, ErrInvalid},
		{"expired", s, PurposeManage, s.Sign(PurposeManage, "default_abc", now), ErrExpired},
		{"subject changed", s, PurposeManage, strings.Replace(good, good[:4], "YWJj", 1), ErrInvalid},
		{"signature cut", s, PurposeManage, good[:len(good)-3], ErrInvalid},
		{"expiry changed", s, PurposeManage, tamperExpiry(good), ErrInvalid},
		{"empty", s, PurposeManage, "", ErrInvalid},
		{"no dots", s, PurposeManage, "abc", ErrInvalid},
		{"huge", s, PurposeManage, strings.Repeat("a", 5000), ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			subject, err := tt.signer.Verify(tt.purpose, tt.tok)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if tt.want == nil && subject != "default_abc" {
				t.Fatalf("subject = %q", subject)
			}
		})
	}
}

func tamperExpiry(tok string) string {
	parts := strings.Split(tok, ".")
	parts[1] = "zzzzzz"
	return strings.Join(parts, ".")
}

func TestSubjectsWithAnyCharacters(t *testing.T) {
	now := time.Now()
	s := NewSigner([]byte("0123456789abcdef0123456789abcdef"), func() time.Time { return now })
	for _, subject := range []string{"a.b.c", "sam@example.org|consultation", "ümlaut / ?&=", ""} {
		tok := s.Sign(PurposeInvite, subject, now.Add(time.Minute))
		if strings.ContainsAny(tok, "/?&=+ ") {
			t.Errorf("token %q is not URL-safe", tok)
		}
		got, err := s.Verify(PurposeInvite, tok)
		if err != nil || got != subject {
			t.Errorf("round trip of %q = %q, %v", subject, got, err)
		}
	}
}

func TestRotationKeepsOldLinks(t *testing.T) {
	now := time.Now()
	clock := func() time.Time { return now }
	oldKey, newKey := []byte("the key used before the rotation, 32+"), []byte("the key in use after the rotation, 32+")
	sent := NewSigner(oldKey, clock).Sign(PurposeManage, "default_abc", now.Add(time.Hour))
	rotated := NewSigner(newKey, clock).Accepting(oldKey)
	if got, err := rotated.Verify(PurposeManage, sent); err != nil || got != "default_abc" {
		t.Fatalf("a link signed before the rotation: %q, %v", got, err)
	}
	if _, err := NewSigner(newKey, clock).Verify(PurposeManage, sent); !errors.Is(err, ErrInvalid) {
		t.Fatalf("without the previous key: %v, want ErrInvalid", err)
	}
	fresh := rotated.Sign(PurposeManage, "default_abc", now.Add(time.Hour))
	if _, err := NewSigner(oldKey, clock).Verify(PurposeManage, fresh); !errors.Is(err, ErrInvalid) {
		t.Fatal("new links are signed with the old key")
	}
}
