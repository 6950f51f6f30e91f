package web

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/links"
)

var (
	linkRe = regexp.MustCompile(`id="link" class="address" value="([^"]+)"`)
	feedRe = regexp.MustCompile(`id="feed-default" class="address" value="([^"]+)"`)
)

// A link made in the admin area opens the booking page with the client's
// email filled in and only the chosen type, for as long as it was made for.
func TestAdminMakesABookingLink(t *testing.T) {
	a := startPageEnv(t).withAdmin(t, nil)
	p := a.adminDo(t, "POST", "/admin/links", rightCredentials, url.Values{
		"csrf": {a.adminCSRF(t, "/admin/links")}, "email": {" sam@example.org "}, "type": {"session"}, "days": {"14"},
	})
	if p.status != 200 {
		t.Fatalf("make link = %d:\n%s", p.status, p.body)
	}
	m := linkRe.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no link in the page:\n%s", p.body)
	}
	contains(t, p, "valid until", `value="sam@example.org"`, `value="session" checked`, `value="14"`)
	checkPageHeaders(t, p)

	path, ok := strings.CutPrefix(m[1], a.cfg.BaseURL+"/book/")
	if !ok {
		t.Fatalf("link %q is not under %s/book/", m[1], a.cfg.BaseURL)
	}
	subject, err := links.NewSigner([]byte(pageTestSecret), func() time.Time { return time.Now().Add(13 * 24 * time.Hour) }).
		Open(links.PurposeInvite, path)
	if err != nil || subject != `{"e":"sam@example.org","t":["session"]}` {
		t.Fatalf("link carries %q (%v)", subject, err)
	}
	if _, err := links.NewSigner([]byte(pageTestSecret), func() time.Time { return time.Now().Add(15 * 24 * time.Hour) }).
		Open(links.PurposeInvite, path); err == nil {
		t.Error("the link still works after 15 days, made for 14")
	}
	book := a.get(t, "/book/"+path)
	if book.status != 200 {
		t.Fatalf("the link's page = %d", book.status)
	}
	contains(t, book, `value="sam@example.org"`, `<input type="hidden" name="type" value="session">`)
	if strings.Contains(book.body, "Free consultation") {
		t.Error("the link's page offers a type that was not chosen")
	}
}

// The command's rules (links.CheckInvite) hold on the form, each problem
// next to its field.
func TestAdminLinkRefuses(t *testing.T) {
	a := startPageEnv(t).withAdmin(t, nil)
	tests := []struct {
		desc, email string
		types       []string
		days        string
		field, msg  string
	}{
		{"no email", "", []string{"session"}, "30", "email", "The client&#39;s email address is required."},
		{"an address with a name", "Sam <sam@example.org>", []string{"session"}, "30", "email", "is not a plain email address such as sam@example.org."},
		{"a line break in the address", "sam@example.org\r\nBcc: x@example.org", []string{"session"}, "30", "email", "contains control characters"},
		{"no type", "sam@example.org", nil, "30", "type", "The session type is missing: a link needs at least one."},
		{"an unknown type", "sam@example.org", []string{"session", "retired"}, "30", "type", "is not a configured session type."},
		{"no days", "sam@example.org", []string{"session"}, "0", "days", "0 is not allowed: a link lasts from 1 to 365 days."},
		{"more than a year", "sam@example.org", []string{"session"}, "366", "days", "366 is not allowed"},
		{"days not a number", "sam@example.org", []string{"session"}, "a week", "days", "Please give a whole number of days, such as 30."},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			p := a.adminDo(t, "POST", "/admin/links", rightCredentials, url.Values{
				"csrf": {a.adminCSRF(t, "/admin/links")}, "email": {tt.email}, "type": tt.types, "days": {tt.days},
			})
			if p.status != 422 {
				t.Fatalf("status = %d, want 422", p.status)
			}
			contains(t, p, `<p class="error" id="`+tt.field+`-error">`, tt.msg, "No link was made")
			if linkRe.MatchString(p.body) {
				t.Error("a link was shown for a refused form")
			}
		})
	}
}

// Making a new feed address revokes the old one at once.
func TestAdminRotatesTheFeed(t *testing.T) {
	a := startPageEnv(t).withAdmin(t, nil)
	feedPath := func(t *testing.T, p page) string {
		t.Helper()
		m := feedRe.FindStringSubmatch(p.body)
		if m == nil {
			t.Fatalf("no feed address in the page:\n%s", p.body)
		}
		u, err := url.Parse(m[1])
		if err != nil {
			t.Fatal(err)
		}
		return u.Path
	}
	old := feedPath(t, a.adminDo(t, "GET", "/admin/links", rightCredentials, nil))
	if p := a.get(t, old); p.status != 200 {
		t.Fatalf("the shown feed answers %d", p.status)
	}
	p := a.adminDo(t, "POST", "/admin/links/feed/default/rotate", rightCredentials, url.Values{"csrf": {a.adminCSRF(t, "/admin/links")}})
	if p.status != 303 || p.header.Get("Location") != "/admin/links?rotated=default" {
		t.Fatalf("rotate = %d to %q", p.status, p.header.Get("Location"))
	}
	if p := a.get(t, old); p.status != 404 {
		t.Errorf("the old feed answers %d, want 404", p.status)
	}
	p = a.adminDo(t, "GET", p.header.Get("Location"), rightCredentials, nil)
	contains(t, p, "The calendar address of Dr. Ada Rivers is new")
	if now := feedPath(t, p); now == old {
		t.Error("the page shows the revoked address")
	} else if p := a.get(t, now); p.status != 200 {
		t.Errorf("the new feed answers %d", p.status)
	}
	unknown := a.adminDo(t, "POST", "/admin/links/feed/nobody/rotate", rightCredentials, url.Values{"csrf": {a.adminCSRF(t, "/admin/links")}})
	if unknown.status != 404 {
		t.Errorf("rotate for an unknown therapist = %d, want 404", unknown.status)
	}
}

// Every page and form added for the practice asks for the credential
// first, and every form for its CSRF token; a refused form changes nothing.
func TestAdminPracticeFormsAreGuarded(t *testing.T) {
	a := startPageEnv(t).withAdmin(t, nil)
	day := time.Now().AddDate(0, 0, 3).Format(time.DateOnly)
	id, err := a.store.AddTimeOff(t.Context(), "default", mustDate(t, day), mustDate(t, day))
	if err != nil {
		t.Fatal(err)
	}
	routes := []struct {
		method, path string
		form         url.Values
	}{
		{"GET", "/admin/timeoff", nil},
		{"POST", "/admin/timeoff", url.Values{"therapist": {"default"}, "from": {day}}},
		{"POST", "/admin/timeoff/default/" + id + "/remove", url.Values{}},
		{"GET", "/admin/links", nil},
		{"POST", "/admin/links", url.Values{"email": {"sam@example.org"}, "type": {"session"}, "days": {"3"}}},
		{"POST", "/admin/links/feed/default/rotate", url.Values{}},
	}
	for _, r := range routes {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			if p := a.adminDo(t, r.method, r.path, nil, r.form); p.status != 401 {
				t.Errorf("without credentials = %d, want 401", p.status)
			}
			if p := a.adminDo(t, r.method, r.path, &credentials{adminTestUser, "nope"}, r.form); p.status != 401 {
				t.Errorf("with a wrong password = %d, want 401", p.status)
			}
			if r.method == "POST" {
				p := a.adminDo(t, r.method, r.path, rightCredentials, r.form)
				if p.status != 403 || linkRe.MatchString(p.body) {
					t.Errorf("without a CSRF token = %d, want 403 and no link", p.status)
				}
			}
		})
	}
	offs, _ := a.store.TimeOff(t.Context(), "default")
	gen, _ := a.store.FeedGeneration(t.Context(), "default")
	if len(offs) != 1 || offs[0].ID != id || gen != 0 {
		t.Fatalf("refused forms changed the time off (%+v) or the feed (generation %d)", offs, gen)
	}
}
