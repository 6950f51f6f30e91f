package templates

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// The Spanish catalog is complete for the pages and the admin area: every
// page.* and admin.* key of the English one is in it.
func TestSpanishCatalogHasEveryPageKey(t *testing.T) {
	s, err := Load("", "en", "es")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range s.Catalogs().Missing("es") {
		if strings.HasPrefix(key, "page.") || strings.HasPrefix(key, "admin.") {
			t.Errorf("es.yaml lacks %s", key)
		}
	}
}

// German is partial on purpose: what it has is German, the rest English,
// key by key.
func TestGermanPagesFallBackKeyByKey(t *testing.T) {
	s, err := Load("", "en", "de")
	if err != nil {
		t.Fatal(err)
	}
	de, en := s.Catalogs().For("de"), s.Catalogs().For("en")
	if got := de.T("page.book.choose"); got != "Wählen Sie eine Uhrzeit" {
		t.Errorf("de page.book.choose = %q", got)
	}
	if got := de.T("page.book.none"); got != en.T("page.book.none") || got == "page.book.none" {
		t.Errorf("de page.book.none = %q, want the English words", got)
	}
}

// Every key a page template names is in the default catalog: a typo
// would show the key itself on the page.
func TestPageTemplatesNameKnownKeys(t *testing.T) {
	s := mustLoad(t, "")
	en := s.Catalogs().For("en")
	keyRe := regexp.MustCompile(`\.L\.T "([^"]+)"`)
	pages, err := fs.Glob(builtin, "pages/*.html")
	if err != nil || len(pages) == 0 {
		t.Fatalf("no pages: %v", err)
	}
	for _, p := range pages {
		src, err := fs.ReadFile(builtin, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRe.FindAllStringSubmatch(string(src), -1) {
			if en.T(m[1]) == m[1] {
				t.Errorf("%s names %s, which en.yaml lacks", p, m[1])
			}
		}
	}
}
