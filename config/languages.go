package config

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/language"
)

// validateLanguages checks the languages offered: BCP 47 codes, none
// twice. Whether each has a catalog is checked where the catalogs are
// loaded (templates).
func (c *Config) validateLanguages(p *problems) {
	if len(c.Languages) == 0 {
		p.add("languages", "is empty: list at least one language, e.g. [en]; the first is the default")
	}
	seen := map[string]bool{}
	for i, code := range c.Languages {
		key := fmt.Sprintf("languages[%d]", i)
		tag, err := language.Parse(code)
		switch {
		case strings.TrimSpace(code) == "" || err != nil:
			p.add(key, "%q is not a language code: use one such as en, es or de", code)
		case seen[strings.ToLower(tag.String())]:
			p.add(key, "%q is listed twice", code)
		}
		if err == nil {
			seen[strings.ToLower(tag.String())] = true
		}
	}
}

// validateTherapistLanguage checks a therapist's own language: one of
// those offered, which have catalogs.
func (c *Config) validateTherapistLanguage(p *problems, key string, t *Therapist) {
	if t.Language == "" || slices.Contains(c.Languages, t.Language) {
		return
	}
	p.add(key, "%q is not among languages %v: add it there, or choose one of them", t.Language, c.Languages)
}

// TherapistLanguage is the language of the therapist's own emails.
func (c *Config) TherapistLanguage(t Therapist) string {
	if t.Language != "" {
		return t.Language
	}
	if len(c.Languages) > 0 {
		return c.Languages[0]
	}
	return "en"
}
