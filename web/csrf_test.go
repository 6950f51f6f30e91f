package web

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"
	"time"

	"github.com/consultd/consultd/links"
)

func TestBookFormRefusesBadCSRF(t *testing.T) {
	e := startPageEnv(t)
	csrf, start := formOf(t, e.get(t, "/book"))
	nonce := e.cookie(t, csrfCookiePlain)
	otherKey := links.NewSigner([]byte("another-secret-0123456789abcdef012345"), time.Now)
	tests := []struct {
		desc     string
		token    string
		noCookie bool
	}{
		{desc: "no token"},
		{desc: "a token signed with another key", token: otherKey.Sign(links.PurposeCSRF, nonce, time.Now().Add(time.Hour))},
		{desc: "an expired token", token: e.signer.Sign(links.PurposeCSRF, nonce, time.Now().Add(-time.Minute))},
		{desc: "a token for another browser's cookie", token: e.signer.Sign(links.PurposeCSRF, newNonce(), time.Now().Add(time.Hour))},
		{desc: "a token made for another purpose", token: e.signer.Sign(links.PurposeManage, nonce, time.Now().Add(time.Hour))},
		{desc: "a token cut short", token: csrf[:len(csrf)-2]},
		{desc: "a good token without its cookie", token: csrf, noCookie: true},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			f := validForm(tc.token, start)
			if tc.token == "" {
				f.Del("csrf")
			}
			client := e.client
			if tc.noCookie {
				jar, _ := cookiejar.New(nil)
				client = &http.Client{Jar: jar}
			}
			resp, err := client.PostForm(e.ts.URL+"/book", f)
			if err != nil {
				t.Fatal(err)
			}
			p := readPage(t, resp)
			if p.status != http.StatusForbidden {
				t.Fatalf("status %d, want 403", p.status)
			}
			contains(t, p, "This form could not be checked", "Nothing was booked", "https://book.riverside.example/book")
			if p.header.Get("Content-Security-Policy") == "" {
				t.Error("the 403 page has no security headers")
			}
			if n := e.bookings(t); n != 0 {
				t.Errorf("%d bookings after a refused form", n)
			}
		})
	}
	// The same form with its own token still books: the refusals above
	// were about the token, not the form.
	if p := e.post(t, validForm(csrf, start)); p.status != http.StatusCreated {
		t.Errorf("the genuine form = %d, want 201", p.status)
	}
}

// A second tab keeps the first tab's cookie, so both forms can be sent.
func TestCSRFCookieIsKeptAcrossPages(t *testing.T) {
	e := startPageEnv(t)
	first, start := formOf(t, e.get(t, "/book"))
	nonce := e.cookie(t, csrfCookiePlain)
	e.get(t, "/book?type=session")
	if again := e.cookie(t, csrfCookiePlain); again != nonce {
		t.Fatal("a second page replaced the CSRF cookie: the first tab's form would be refused")
	}
	if p := e.post(t, validForm(first, start)); p.status != http.StatusCreated {
		t.Errorf("the first tab's form = %d, want 201", p.status)
	}
}

func TestCSRFCookieSecureOverHTTPS(t *testing.T) {
	e := startPageEnv(t)
	tests := []struct {
		desc   string
		header map[string]string
		host   string
		secure bool
	}{
		{desc: "plain http", secure: false},
		{desc: "behind a proxy that says https", header: map[string]string{"X-Forwarded-Proto": "https"}, secure: true},
		{desc: "at the https base URL's host", host: "book.riverside.example", secure: true},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			req, _ := http.NewRequest("GET", e.ts.URL+"/book", nil)
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			if tc.host != "" {
				req.Host = tc.host
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			var got *http.Cookie
			for _, c := range resp.Cookies() {
				if c.Name == csrfCookieName(tc.secure) {
					got = c
				}
			}
			if got == nil || got.Secure != tc.secure || !got.HttpOnly || got.SameSite != http.SameSiteStrictMode || got.Path != "/" {
				t.Errorf("cookie %+v, want %s with Secure=%v, HttpOnly, SameSite=Strict, Path=/", got, csrfCookieName(tc.secure), tc.secure)
			}
		})
	}
}

func (e *pageEnv) cookie(t *testing.T, name string) string {
	t.Helper()
	u, _ := url.Parse(e.ts.URL)
	for _, c := range e.client.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	t.Fatalf("no cookie %s", name)
	return ""
}
