package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
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
		`<input type="hidden" name="invite" value="`+tok+`">`, `<p class="type-name">Psychotherapy session</p>`, "50 minutes · In person at Riverside Practice, 12 River Street")
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

// A link that offers a standing time books every session from the time
// the client chooses, as one series, or none when a week is not free.
func TestStandingInviteBooksASeries(t *testing.T) {
	e := startPageEnv(t)
	path := e.invitePath(t, links.Invite{Email: "sam@example.org", Types: []string{"session"}, EveryWeeks: 1, Count: 4}, time.Now().Add(30*24*time.Hour))
	p := e.get(t, path)
	contains(t, p, "This link books a standing appointment", "every week, 4 sessions", "Book these sessions")
	csrf, start := formOf(t, p)
	tok := strings.TrimPrefix(path, "/book/")
	first, _ := time.Parse(time.RFC3339, start)
	// A week later the same time is taken: nothing is booked.
	status, blocker, _ := e.api(t, "POST", "/api/bookings", `{"type":"session","start":"`+first.AddDate(0, 0, 14).UTC().Format(time.RFC3339)+`","name":"Kim","email":"kim@example.org"}`)
	if status != 201 {
		t.Fatalf("the blocking booking = %d %+v", status, blocker)
	}
	form := url.Values{"csrf": {csrf}, "invite": {tok}, "type": {"session"}, "start": {start}, "name": {"Sam Lee"}, "email": {"sam@example.org"}}
	clash := e.post(t, form)
	if clash.status != http.StatusConflict || !strings.Contains(clash.body, "Some of those weeks are not free") {
		t.Fatalf("a series over a taken week = %d", clash.status)
	}
	if list, _ := e.store.List(context.Background(), "default", first.Add(-time.Hour), first.AddDate(0, 0, 30)); len(list) != 1 {
		t.Fatalf("a refused series left %d bookings", len(list))
	}
	// Once that week is free again, the series books whole.
	if status, _, _ := e.api(t, "POST", "/api/manage/"+strings.TrimPrefix(blocker.ManageURL, e.cfg.BaseURL+"/m/")+"/cancel", ""); status != 200 {
		t.Fatalf("cancel the blocking booking = %d", status)
	}
	csrf, _ = formOf(t, clash)
	form.Set("csrf", csrf)
	booked := e.post(t, form)
	if booked.status != http.StatusCreated {
		t.Fatalf("the series = %d:\n%s", booked.status, booked.body)
	}
	contains(t, booked, "The first of a standing appointment: 4 sessions")
	m := regexp.MustCompile(`href="https://book.riverside.example(/m/[^"]+)"`).FindStringSubmatch(booked.body)
	if m == nil {
		t.Fatal("no manage link on the page")
	}
	var sr struct {
		Occurrences []struct{ Start, Status string }
	}
	req, _ := http.NewRequest("GET", e.ts.URL+"/api/manage/"+strings.TrimPrefix(m[1], "/m/"), nil)
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_ = json.NewDecoder(resp.Body).Decode(&sr)
	if len(sr.Occurrences) != 4 {
		t.Fatalf("the series has %d sessions, want 4", len(sr.Occurrences))
	}
}
