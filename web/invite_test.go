package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/links"
)

// invitePath signs an invite and returns its path under the test server.
func (e *pageEnv) invitePath(t *testing.T, inv links.Invite, expires time.Time) string {
	t.Helper()
	u, err := e.links.Invite(inv, expires)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(u, e.cfg.BaseURL)
}

func TestInvitePrefillsAndLimitsTypes(t *testing.T) {
	e := startPageEnv(t)
	path := e.invitePath(t, links.Invite{Email: "sam@example.org", Types: []string{"session"}}, time.Now().Add(30*24*time.Hour))
	p := e.get(t, path)
	if p.status != http.StatusOK {
		t.Fatalf("GET %s = %d:\n%s", path, p.status, p.body)
	}
	tok := strings.TrimPrefix(path, "/book/")
	contains(t, p, `value="sam@example.org"`, `<input type="hidden" name="type" value="session">`,
		`<input type="hidden" name="invite" value="`+tok+`">`, "Psychotherapy session, 50 minutes.")
	if strings.Contains(p.body, "Free consultation") || strings.Contains(p.body, "?type=consultation") {
		t.Error("the page offers a type the invite does not allow")
	}
	if p.header.Get("Cache-Control") != "no-store" || p.header.Get("Referrer-Policy") != "no-referrer" {
		t.Error("an invite page, which carries its token, may be cached or leak through Referer")
	}

	// A type the link does not allow is refused even when posted by hand.
	csrf, start := formOf(t, e.get(t, path+"?type=consultation"))
	f := validForm(csrf, start)
	f.Set("invite", tok)
	f.Set("type", "consultation")
	refused := e.post(t, f)
	if refused.status != http.StatusUnprocessableEntity {
		t.Fatalf("a type outside the invite = %d, want 422", refused.status)
	}
	contains(t, refused, `id="type-error">The session type is not offered by this booking link.</p>`)

	f.Set("type", "session")
	if booked := e.post(t, f); booked.status != http.StatusCreated {
		t.Fatalf("booking from the invite = %d:\n%s", booked.status, booked.body)
	}
}

func TestInviteRefusesBadLinks(t *testing.T) {
	e := startPageEnv(t)
	week := time.Now().Add(7 * 24 * time.Hour)
	otherKey := links.NewSigner([]byte("another-secret-0123456789abcdef012345"), time.Now)
	good := e.invitePath(t, links.Invite{Email: "sam@example.org", Types: []string{"consultation"}}, week)
	tests := []struct{ desc, path string }{
		{"expired", e.invitePath(t, links.Invite{Email: "sam@example.org", Types: []string{"consultation"}}, time.Now().Add(-time.Minute))},
		{"signed with another key", "/book/" + otherKey.Sign(links.PurposeInvite, `{"e":"sam@example.org","t":["consultation"]}`, week)},
		{"altered", good[:len(good)-3] + "abc"},
		{"a manage token", "/book/" + e.signer.Sign(links.PurposeManage, `{"e":"x@example.org","t":["consultation"]}`, week)},
		{"not JSON", "/book/" + e.signer.Sign(links.PurposeInvite, "sam@example.org", week)},
		{"only types no longer offered", e.invitePath(t, links.Invite{Email: "sam@example.org", Types: []string{"retired"}}, week)},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			p := e.get(t, tc.path)
			if p.status != http.StatusForbidden {
				t.Fatalf("status %d, want 403", p.status)
			}
			contains(t, p, "This link has expired or is not valid", "You can still book at https://book.riverside.example/book")
		})
	}

	// An invite posted with the form is checked again.
	csrf, start := formOf(t, e.get(t, good))
	f := validForm(csrf, start)
	f.Set("invite", tests[1].path[len("/book/"):])
	if p := e.post(t, f); p.status != http.StatusForbidden || e.bookings(t) != 0 {
		t.Errorf("a forged invite in the form = %d with %d bookings, want 403 and none", p.status, e.bookings(t))
	}
}
