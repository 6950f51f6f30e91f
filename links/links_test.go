package links

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/config"
)

func testLinks(t *testing.T, now time.Time) *Links {
	t.Helper()
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	cfg.BaseURL = "https://book.example.org"
	clock := func() time.Time { return now }
	return New(cfg, NewSigner([]byte("0123456789abcdef0123456789abcdef"), clock), clock)
}

// Each URL is under the base URL at its route and checks only as its own
// kind.
func TestEachLinkVerifiesAsItsKind(t *testing.T) {
	l := testLinks(t, time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC))
	inv, err := l.Invite(Invite{Email: "sam@example.org", Types: []string{"session"}}, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		desc, url, prefix, suffix string
		verify                    func(string) error
	}{
		{"manage", l.Manage("default_abc"), "https://book.example.org/m/", "", func(tok string) error {
			id, err := l.VerifyManage(tok)
			return want(id, "default_abc", err)
		}},
		{"unsubscribe", l.Unsubscribe("default_abc"), "https://book.example.org/u/", "", func(tok string) error {
			id, err := l.VerifyUnsubscribe(tok)
			return want(id, "default_abc", err)
		}},
		{"invite", inv, "https://book.example.org/book/", "", func(tok string) error {
			got, err := l.VerifyInvite(tok)
			if err != nil {
				return err
			}
			return want(got.Email+" "+strings.Join(got.Types, ","), "sam@example.org session", nil)
		}},
		{"feed", l.Feed("default", 3), "https://book.example.org/feed/", ".ics", func(tok string) error {
			tid, gen, err := l.VerifyFeed(tok)
			if gen != 3 {
				return errors.New("wrong generation")
			}
			return want(tid, "default", err)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			tok, ok := strings.CutPrefix(tt.url, tt.prefix)
			tok, ok2 := strings.CutSuffix(tok, tt.suffix)
			if !ok || !ok2 {
				t.Fatalf("%s is not %s…%s", tt.url, tt.prefix, tt.suffix)
			}
			if err := tt.verify(tok); err != nil {
				t.Fatal(err)
			}
			for _, other := range tests {
				if other.desc != tt.desc && other.verify(tok) == nil {
					t.Errorf("a %s token checks as %s", tt.desc, other.desc)
				}
			}
		})
	}
}

func want(got, want string, err error) error {
	if err != nil {
		return err
	}
	if got != want {
		return errors.New("got " + got + ", want " + want)
	}
	return nil
}

func TestPlainLinks(t *testing.T) {
	l := testLinks(t, time.Now())
	if got := l.Book(); got != "https://book.example.org/book" {
		t.Errorf("Book = %s", got)
	}
	if got := l.Admin("default_abc"); got != "https://book.example.org/admin/bookings/default_abc" {
		t.Errorf("Admin = %s", got)
	}
	if got := l.AdminPath("default_abc"); got != "/admin/bookings/default_abc" {
		t.Errorf("AdminPath = %s", got)
	}
}

// A feed token for a therapist no longer configured, or with a generation
// written otherwise than Feed writes it, is refused.
func TestFeedRefusesWhatFeedDoesNotMake(t *testing.T) {
	now := time.Now()
	l := testLinks(t, now)
	for _, subject := range []string{"nobody.0", "default", "default.x", "default.01", "default.+1"} {
		tok := l.signer.Sign(PurposeFeed, subject, now.Add(time.Hour))
		if _, _, err := l.VerifyFeed(tok); !errors.Is(err, ErrInvalid) {
			t.Errorf("subject %q: %v, want ErrInvalid", subject, err)
		}
	}
}

// Manage links outlive the booking horizon by a month; opt-outs last a
// year.
func TestLinkLifetimes(t *testing.T) {
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	l := testLinks(t, now)
	manage := strings.TrimPrefix(l.Manage("default_abc"), "https://book.example.org/m/")
	unsub := strings.TrimPrefix(l.Unsubscribe("default_abc"), "https://book.example.org/u/")
	later := func(d time.Duration) *Links {
		c := *l
		c.signer = NewSigner(l.signer.key, func() time.Time { return now.Add(d) })
		return &c
	}
	horizon := l.cfg.Booking.Horizon + 30*24*time.Hour
	if _, err := later(horizon - time.Minute).VerifyManage(manage); err != nil {
		t.Errorf("manage link before its end: %v", err)
	}
	if _, err := later(horizon).VerifyManage(manage); !errors.Is(err, ErrExpired) {
		t.Errorf("manage link at its end: %v, want ErrExpired", err)
	}
	if _, err := later(364 * 24 * time.Hour).VerifyUnsubscribe(unsub); err != nil {
		t.Errorf("opt-out link within the year: %v", err)
	}
	if _, err := later(365 * 24 * time.Hour).VerifyUnsubscribe(unsub); !errors.Is(err, ErrExpired) {
		t.Errorf("opt-out link after a year: %v, want ErrExpired", err)
	}
}

// The approve and decline links name the request, expire with it and are
// not good for each other's action.
func TestApprovalLinks(t *testing.T) {
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	l := testLinks(t, now)
	expires := now.Add(48 * time.Hour)
	approve, decline := l.Approve("default_abc", expires), l.Decline("default_abc", expires)
	atok, ok := strings.CutPrefix(approve, "https://book.example.org/approve/")
	if !ok {
		t.Fatalf("approve link %q", approve)
	}
	dtok, ok := strings.CutPrefix(decline, "https://book.example.org/decline/")
	if !ok {
		t.Fatalf("decline link %q", decline)
	}
	if id, err := l.VerifyApprove(atok); err != nil || id != "default_abc" {
		t.Fatalf("VerifyApprove: %q %v", id, err)
	}
	if id, err := l.VerifyDecline(dtok); err != nil || id != "default_abc" {
		t.Fatalf("VerifyDecline: %q %v", id, err)
	}
	if _, err := l.VerifyApprove(dtok); err == nil {
		t.Error("a decline token approves")
	}
	if _, err := l.VerifyDecline(atok); err == nil {
		t.Error("an approve token declines")
	}
	if _, err := l.VerifyManage(atok); err == nil {
		t.Error("an approve token manages")
	}
	later := testLinks(t, expires.Add(time.Second))
	if _, err := later.VerifyApprove(atok); !errors.Is(err, ErrExpired) {
		t.Errorf("approve after the request expired: %v, want ErrExpired", err)
	}
}
