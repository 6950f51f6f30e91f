package appointments

import (
	"slices"
	"strings"
)

// Languages are the languages offered to clients (locale.Catalogs).
type Languages interface {
	// Supported gives the offered language a code names, if any.
	Supported(code string) (string, bool)
	// FromAcceptLanguage picks the offered language a browser prefers,
	// or the default.
	FromAcceptLanguage(header string) string
	Offered() []string
}

// MaxLanguage bounds a language code (BCP 47 tags are short).
const MaxLanguage = 35

// clientLanguage is the language every message to the client is written
// in: the one asked for (the API's language field, the page's switch), or
// else the one the browser prefers among those offered, or else the
// default. Asking for one that is not offered is an error naming the
// field and the offered ones; a browser's preference never is.
func (s *Service) clientLanguage(f map[string]string, asked, acceptLanguage string) string {
	asked = strings.TrimSpace(asked)
	if asked != "" {
		if !CheckText(f, "language", asked, MaxLanguage, false, false) {
			return s.defaultLanguage()
		}
		if code, ok := s.supported(asked); ok {
			return code
		}
		f["language"] = WordsNotOffered.Say(asked, strings.Join(s.offered(), ", "))
		return s.defaultLanguage()
	}
	if s.languages != nil && acceptLanguage != "" {
		return s.languages.FromAcceptLanguage(acceptLanguage)
	}
	return s.defaultLanguage()
}

func (s *Service) supported(code string) (string, bool) {
	if s.languages != nil {
		return s.languages.Supported(code)
	}
	if slices.Contains(s.offered(), code) {
		return code, true
	}
	return "", false
}

func (s *Service) offered() []string {
	if s.languages != nil {
		return s.languages.Offered()
	}
	if len(s.cfg.Languages) > 0 {
		return s.cfg.Languages
	}
	return []string{"en"}
}

func (s *Service) defaultLanguage() string { return s.offered()[0] }
