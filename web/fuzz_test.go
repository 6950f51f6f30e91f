package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"strings"
	"testing"
	"unicode"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/config"
)

// FuzzIntake feeds arbitrary bodies to the JSON decoding and validation of
// POST /api/bookings. Whatever comes in, nothing panics, and a request that
// passes carries no control character into a header and a plain address.
func FuzzIntake(f *testing.F) {
	for _, seed := range []string{
		`{"type":"consultation","start":"2026-12-01T14:00:00Z","name":"Sam Lee","email":"sam@example.org"}`,
		`{"type":"session","start":"2026-12-01T14:00:00-05:00","name":"Zoë","email":"z@example.org","timezone":"Europe/London","notes":"line\nbreak","idempotency_key":"k1"}`,
		`{"name":"a\r\nBcc: x@example.org","email":"a@example.org\r\n"}`,
		`{"email":"\"quoted\"@example.org"}`,
		`{"type":"consultation","start":"2026-12-01T14:00:00Z","name":"Sam \u202eeeL","email":"a@[127.0.0.1]"}`,
		`{"type":"consultation","start":"2026-12-01T14:00:00Z","name":"=?UTF-8?Q?x?= www.evil.example","email":"s@example.org"}`,
		`{"unknown":1}`,
		`[]`, `{`, ``, `{"type":"consultation"}{"type":"session"}`,
	} {
		f.Add([]byte(seed))
	}
	cfg, err := config.Load("")
	if err != nil {
		f.Fatal(err)
	}
	rules := appointments.New(appointments.Deps{Config: cfg})
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/api/bookings", bytes.NewReader(body))
		req, err := decodeStrict(httptest.NewRecorder(), r)
		if err != nil {
			return
		}
		v, err := rules.Validate(req.request(""))
		if err != nil {
			return
		}
		for name, value := range map[string]string{"name": v.Name, "email": v.Email, "timezone": v.Timezone, "type": v.Type} {
			for _, c := range value {
				if unicode.IsControl(c) {
					t.Fatalf("%s %q passed with a control character", name, value)
				}
			}
		}
		checkName(t, v.Name)
		if a, err := mail.ParseAddress(v.Email); err != nil || a.Address != v.Email {
			t.Fatalf("email %q passed but is not a plain address", v.Email)
		}
		if _, ok := cfg.SessionType(v.Type); !ok {
			t.Fatalf("type %q passed but is unknown", v.Type)
		}
	})
}

// FuzzFormIntake does the same for the booking page's form: any body
// either fails validation or yields a request safe to book.
func FuzzFormIntake(f *testing.F) {
	f.Add("type=consultation&start=2026-12-01T14%3A00%3A00Z&name=Sam+Lee&email=sam%40example.org&timezone=Europe%2FLondon")
	f.Add("name=a%0D%0ABcc%3A+x%40example.org&email=a%40example.org")
	f.Add("email=%22q%22%40example.org&notes=%00")
	f.Add("type=consultation&type=session&start=x")
	cfg, err := config.Load("")
	if err != nil {
		f.Fatal(err)
	}
	rules := appointments.New(appointments.Deps{Config: cfg})
	f.Fuzz(func(t *testing.T, body string) {
		values, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		v, err := rules.Validate(formValues(values).request())
		if err != nil {
			return
		}
		for _, c := range v.Name + v.Email + v.Timezone {
			if unicode.IsControl(c) {
				t.Fatalf("a control character passed: %q", v.Name+v.Email)
			}
		}
		checkName(t, v.Name)
		if a, err := mail.ParseAddress(v.Email); err != nil || a.Address != v.Email {
			t.Fatalf("email %q passed but is not a plain address", v.Email)
		}
	})
}

// checkName fails on a name that passed validation but carries a link, an
// address, an encoded word or an invisible format character.
func checkName(t *testing.T, name string) {
	t.Helper()
	lower := strings.ToLower(name)
	for _, bad := range []string{"://", "www.", "@", "=?"} {
		if strings.Contains(lower, bad) {
			t.Fatalf("name %q passed with %q", name, bad)
		}
	}
	for _, c := range name {
		if unicode.Is(unicode.Cf, c) {
			t.Fatalf("name %q passed with the format character %U", name, c)
		}
	}
}
