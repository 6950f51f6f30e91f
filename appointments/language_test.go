package appointments

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/templates"
)

// The client's language: the one asked for, else the browser's among
// those offered, else the default; an unsupported one asked for is refused
// naming the field and the offered ones. It is kept with the booking.
func TestClientLanguage(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.Languages = []string{"en", "es"} })
	set, err := templates.Load("", e.cfg.Languages...)
	if err != nil {
		t.Fatal(err)
	}
	e.svc.languages = set.Catalogs()
	tests := []struct {
		desc, asked, accept, want string
	}{
		{"asked for", "es", "en-US", "es"},
		{"asked with a region", "es-MX", "", "es"},
		{"the browser's", "", "es-MX,es;q=0.9,en;q=0.8", "es"},
		{"a browser's language not offered", "", "fr-FR,fr", "en"},
		{"nothing said", "", "", "en"},
	}
	starts := []string{"2026-12-09T14:00:00Z", "2026-12-09T14:15:00Z", "2026-12-09T14:30:00Z", "2026-12-09T14:45:00Z", "2026-12-09T15:00:00Z"}
	for i, tt := range tests {
		req := request(starts[i], "c"+string(rune('a'+i))+"@example.org")
		req.Language, req.AcceptLanguage = tt.asked, tt.accept
		b, _, err := e.svc.Book(context.Background(), req)
		if err != nil {
			t.Fatalf("%s: %v", tt.desc, err)
		}
		stored, err := e.store.Get(context.Background(), b.ID)
		if err != nil || stored.Language != tt.want {
			t.Errorf("%s: stored language %q (%v), want %q", tt.desc, stored.Language, err, tt.want)
		}
	}
	req := request("2026-12-09T16:00:00Z", "x@example.org")
	req.Language, req.AcceptLanguage = "fr", "es"
	_, _, err = e.svc.Book(context.Background(), req)
	var bad *InvalidError
	if !errors.As(err, &bad) || !strings.Contains(bad.Fields["language"], "en, es") {
		t.Fatalf("an unsupported language asked for: %v, want a field error listing en, es", err)
	}
}
