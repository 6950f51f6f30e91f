// Package locale holds the words of every language the practice offers:
// one message catalog per language (templates/locales/<lang>.yaml, read
// with github.com/nicksnyder/go-i18n/v2), the choice of a client's
// language from what they asked for, and dates and times written as that
// language writes them (weekday and month names from
// github.com/goodsign/monday, layouts from the catalog).
//
// A catalog may leave keys out: each missing message falls back, key by
// key, to the default language (the first offered). Catalogs of the
// offered languages are checked for completeness by check-config.
package locale

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
)

// Catalogs is the message catalogs of the languages offered, the first
// being the default. It is safe for concurrent use.
type Catalogs struct {
	bundle  *i18n.Bundle
	offered []string       // as configured: "en", "es"
	tags    []language.Tag // the same, parsed
	matcher language.Matcher
	keys    map[string][]string // message IDs of each catalog
	loc     map[string]*Localizer
}

// Load builds the catalogs of offered (BCP 47 codes; the first is the
// default) from files, keyed by file name ("es.yaml"). Every offered
// language needs a file; files of languages not offered are ignored. An
// error names the file or the language.
func Load(offered []string, files map[string][]byte) (*Catalogs, error) {
	if len(offered) == 0 {
		return nil, fmt.Errorf("locale: no language offered")
	}
	def, err := language.Parse(offered[0])
	if err != nil {
		return nil, fmt.Errorf("locale: languages[0] %q: %w", offered[0], err)
	}
	c := &Catalogs{bundle: i18n.NewBundle(def), keys: map[string][]string{}, loc: map[string]*Localizer{}}
	c.bundle.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	for i, code := range offered {
		tag, err := language.Parse(code)
		if err != nil {
			return nil, fmt.Errorf("locale: languages[%d] %q is not a language code: %w", i, code, err)
		}
		name := code + ".yaml"
		body, ok := files[name]
		if !ok {
			return nil, fmt.Errorf("locale: languages[%d] %q has no catalog (%s)", i, code, name)
		}
		mf, err := c.bundle.ParseMessageFileBytes(body, path.Join("locales", name))
		if err != nil {
			return nil, fmt.Errorf("locale: %s: %w", name, err)
		}
		for _, m := range mf.Messages {
			c.keys[code] = append(c.keys[code], m.ID)
		}
		slices.Sort(c.keys[code])
		c.offered = append(c.offered, code)
		c.tags = append(c.tags, tag)
	}
	c.matcher = language.NewMatcher(c.tags)
	for _, code := range c.offered {
		l := &Localizer{lang: code, i18n: i18n.NewLocalizer(c.bundle, code, c.offered[0])}
		l.names = mondayLocale(l.T("format.names"))
		c.loc[code] = l
	}
	return c, nil
}

// Default is the first language offered.
func (c *Catalogs) Default() string { return c.offered[0] }

// Offered lists the languages offered, the default first.
func (c *Catalogs) Offered() []string { return slices.Clone(c.offered) }

// Missing lists, sorted, the message IDs of the default catalog that the
// catalog of lang lacks (they fall back to the default language).
func (c *Catalogs) Missing(lang string) []string {
	var out []string
	for _, id := range c.keys[c.offered[0]] {
		if _, found := slices.BinarySearch(c.keys[lang], id); !found {
			out = append(out, id)
		}
	}
	return out
}

// Supported gives the offered language a code names ("es", "ES", "es-MX"
// picks "es"), and whether there is one. An empty code is not supported.
func (c *Catalogs) Supported(code string) (string, bool) {
	tag, err := language.Parse(strings.TrimSpace(code))
	if err != nil || code == "" {
		return "", false
	}
	base, _ := tag.Base()
	for i, t := range c.tags {
		if t == tag {
			return c.offered[i], true
		}
	}
	for i, t := range c.tags {
		if b, _ := t.Base(); b == base {
			return c.offered[i], true
		}
	}
	return "", false
}

// FromAcceptLanguage picks the offered language a browser's
// Accept-Language header prefers, or the default when it names none of
// them (or cannot be read).
func (c *Catalogs) FromAcceptLanguage(header string) string {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return c.offered[0]
	}
	_, i, conf := c.matcher.Match(tags...)
	if conf == language.No {
		return c.offered[0]
	}
	return c.offered[i]
}

// For is the localizer of lang, or of the default language when lang is
// not offered (a booking made before its language was withdrawn).
func (c *Catalogs) For(lang string) *Localizer {
	if l, ok := c.loc[lang]; ok {
		return l
	}
	if code, ok := c.Supported(lang); ok {
		return c.loc[code]
	}
	return c.loc[c.offered[0]]
}
