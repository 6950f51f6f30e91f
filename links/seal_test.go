package links

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/config"
)

func TestSealedInviteCarriesNoAddress(t *testing.T) {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	signer := NewSigner([]byte("a secret of at least thirty-two bytes!"), clock)
	l := New(cfg, signer, clock)
	inv := Invite{Email: "invited@example.org", Types: []string{"session"}}
	u, err := l.Invite(inv, now.Add(7*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	tok := strings.TrimPrefix(u, cfg.BaseURL+"/book/")
	raw, _ := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok, sealedPrefix))
	for _, leak := range []string{"invited", "example.org"} {
		if strings.Contains(tok, leak) || strings.Contains(string(raw), leak) {
			t.Fatalf("the link %s shows %q", u, leak)
		}
	}
	if other, _ := l.Invite(inv, now.Add(7*24*time.Hour)); other == u {
		t.Error("two links for the same invite are the same: the address could be matched across emails")
	}
	got, err := l.VerifyInvite(tok)
	if err != nil || got.Email != inv.Email || !got.Allows("session") {
		t.Fatalf("VerifyInvite = %+v, %v", got, err)
	}

	// A link made before invites were sealed keeps working until it expires.
	old := signer.Sign(PurposeInvite, `{"e":"old@example.org","t":["session"]}`, now.Add(time.Hour))
	if got, err := l.VerifyInvite(old); err != nil || got.Email != "old@example.org" {
		t.Fatalf("an old signed link: %+v, %v", got, err)
	}

	// One changed letter, another purpose, another key, or time run out.
	swap := byte('A')
	if tok[10] == 'A' {
		swap = 'B'
	}
	flipped := tok[:10] + string(swap) + tok[11:]
	if _, err := l.VerifyInvite(flipped); !errors.Is(err, ErrInvalid) {
		t.Errorf("altered link: %v", err)
	}
	if _, err := signer.Open(PurposeManage, tok); !errors.Is(err, ErrInvalid) {
		t.Errorf("opened for another purpose: %v", err)
	}
	stranger := NewSigner([]byte("another secret of thirty-two bytes or more"), clock)
	if _, err := stranger.Open(PurposeInvite, tok); !errors.Is(err, ErrInvalid) {
		t.Errorf("opened with another key: %v", err)
	}
	rotated := NewSigner([]byte("the new secret, thirty-two bytes or longer"), clock).Accepting([]byte("a secret of at least thirty-two bytes!"))
	if _, err := rotated.Open(PurposeInvite, tok); err != nil {
		t.Errorf("after a rotation, with the old secret still accepted: %v", err)
	}
	now = now.Add(8 * 24 * time.Hour)
	if _, err := l.VerifyInvite(tok); !errors.Is(err, ErrExpired) {
		t.Errorf("after 8 days, made for 7: %v", err)
	}
}

func TestCheckInviteOfAStandingAppointment(t *testing.T) {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		inv   Invite
		field string
	}{
		{Invite{Email: "sam@example.org", Types: []string{"session"}, EveryWeeks: 1, Count: 10}, ""},
		{Invite{Email: "sam@example.org", Types: []string{"session"}, EveryWeeks: 3, Count: 10}, "every"},
		{Invite{Email: "sam@example.org", Types: []string{"session"}, EveryWeeks: 1, Count: 1}, "count"},
		{Invite{Email: "sam@example.org", Types: []string{"session"}, EveryWeeks: 2, Count: 53}, "count"},
	} {
		problems := CheckInvite(cfg, tt.inv, 30)
		switch {
		case tt.field == "" && len(problems) > 0:
			t.Errorf("%+v: %v", tt.inv, problems)
		case tt.field != "" && (len(problems) != 1 || problems[0].Field != tt.field):
			t.Errorf("%+v: %v, want one naming %s", tt.inv, problems, tt.field)
		}
	}
}
