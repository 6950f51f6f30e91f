package templates

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"
	texttemplate "text/template"
	"text/template/parse"

	"github.com/consultd/consultd/locale"
)

// Set holds every template, parsed once at start-up. It is safe for concurrent
// use and must not be copied.
type Set struct {
	emails   map[string]emailTemplates
	pages    map[string]pageTemplate
	bufs     sync.Pool // *bytes.Buffer, so rendering reuses its scratch space
	catalogs *locale.Catalogs
}

// Catalogs are the message catalogs of the languages offered.
func (s *Set) Catalogs() *locale.Catalogs { return s.catalogs }

// The templates keep the name of the file they came from: html/template
// reports some errors against "layout", which would not say which file to fix.
type emailTemplates struct {
	text     *texttemplate.Template // body; its set holds "subject"
	html     *htmltemplate.Template // executed as "layout"
	textFile string
	htmlFile string
}

type pageTemplate struct {
	html *htmltemplate.Template // executed as "layout"
	file string
}

// Load parses the built-in templates, each replaced by the file of the same
// relative path under dir when dir is not empty (email/invite.txt, pages/error.html).
// A missing template or define, a file in dir that matches no built-in one, a
// template that does not parse, or an email that fails to render sample data is
// an error naming the file.
//
// languages are those offered (the first the default; none: English
// alone): each needs a catalog, locales/<code>.yaml, built in or under dir,
// which may also add a language.
func Load(dir string, languages ...string) (*Set, error) {
	srcs, err := sources(dir)
	if err != nil {
		return nil, err
	}
	return load(srcs, languages)
}

// load parses and tries out the sources of a Set, keyed by relative path.
func load(srcs map[string]source, languages []string) (*Set, error) {
	if len(languages) == 0 {
		languages = []string{"en"}
	}
	catalogs := map[string][]byte{}
	for p, src := range srcs {
		if isCatalog(p) {
			catalogs[path.Base(p)] = []byte(src.text)
		}
	}
	cat, err := locale.Load(languages, catalogs)
	if err != nil {
		return nil, err
	}
	s := &Set{
		emails:   make(map[string]emailTemplates, len(emailNames)),
		pages:    make(map[string]pageTemplate),
		bufs:     sync.Pool{New: func() any { return new(bytes.Buffer) }},
		catalogs: cat,
	}
	if err := s.parseEmails(srcs); err != nil {
		return nil, err
	}
	if err := s.parsePages(srcs); err != nil {
		return nil, err
	}
	if err := s.checkMessages(); err != nil {
		return nil, err
	}
	if err := s.tryEmails(); err != nil {
		return nil, err
	}
	if err := s.tryPages(); err != nil {
		return nil, err
	}
	return s, nil
}

// htmlFuncs are available to HTML emails. html/template drops comments, so the
// conditional comments that give Outlook for Windows (which ignores max-width)
// a fixed 560px column have to come in as trusted values.
var htmlFuncs = htmltemplate.FuncMap{
	"outlookOpen": func() htmltemplate.HTML {
		return `<!--[if mso]><table role="presentation" width="560" align="center" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->`
	},
	"outlookClose": func() htmltemplate.HTML { return `<!--[if mso]></td></tr></table><![endif]-->` },
	// lines splits a text the practice typed at its line breaks, for <br>
	// between them: Outlook for Windows ignores white-space:pre-line.
	"lines":  func(s string) []string { return strings.Split(s, "\n") },
	"strong": strong,
}

func (s *Set) parseEmails(srcs map[string]source) error {
	// In order, so Load reports the same error first on every run.
	for _, p := range slices.Sorted(maps.Keys(srcs)) {
		base := strings.TrimSuffix(strings.TrimSuffix(path.Base(p), ".txt"), ".html")
		if strings.HasPrefix(p, "email/") && base != "layout" && !isEmail(base) {
			return fmt.Errorf("%s: not a known email", srcs[p].name)
		}
	}
	textLayout, err := need(srcs, "email/layout.txt")
	if err != nil {
		return err
	}
	htmlLayout, err := need(srcs, "email/layout.html", "layout")
	if err != nil {
		return err
	}
	textBase, err := texttemplate.New(textLayout.name).Funcs(textFuncs).Parse(textLayout.text)
	if err != nil {
		return err
	}
	htmlBase, err := htmltemplate.New(htmlLayout.name).Funcs(htmlFuncs).Parse(htmlLayout.text)
	if err != nil {
		return err
	}
	for _, name := range emailNames {
		txt, err := need(srcs, "email/"+name+".txt", "subject")
		if err != nil {
			return err
		}
		htm, err := need(srcs, "email/"+name+".html", "body")
		if err != nil {
			return err
		}
		t, err := texttemplate.Must(textBase.Clone()).New(txt.name).Parse(txt.text)
		if err != nil {
			return err
		}
		h, err := htmltemplate.Must(htmlBase.Clone()).New(htm.name).Parse(htm.text)
		if err != nil {
			return err
		}
		s.emails[name] = emailTemplates{text: t, html: h, textFile: txt.name, htmlFile: htm.name}
	}
	return nil
}

func (s *Set) parsePages(srcs map[string]source) error {
	layout, err := need(srcs, "pages/layout.html", "layout")
	if err != nil {
		return err
	}
	base, err := htmltemplate.New(layout.name).Parse(layout.text)
	if err != nil {
		return err
	}
	for _, p := range slices.Sorted(maps.Keys(srcs)) {
		src := srcs[p]
		if !strings.HasPrefix(p, "pages/") || p == "pages/layout.html" {
			continue
		}
		name, ok := strings.CutSuffix(path.Base(p), ".html")
		if !ok {
			return fmt.Errorf("%s: a page must be an .html file", src.name)
		}
		if _, err := need(srcs, p, "title", "content"); err != nil {
			return err
		}
		// Clone fails only once base has been executed, which Load never does.
		t, err := htmltemplate.Must(base.Clone()).New(src.name).Parse(src.text)
		if err != nil {
			return err
		}
		s.pages[name] = pageTemplate{html: t, file: src.name}
	}
	return nil
}

// need returns the source at p and checks that the file itself (not a layout it
// will be combined with) defines each of defines.
func need(srcs map[string]source, p string, defines ...string) (source, error) {
	src, ok := srcs[p]
	if !ok {
		return src, fmt.Errorf("%s: required template is missing", p)
	}
	if len(defines) == 0 {
		return src, nil
	}
	tree := parse.New(src.name)
	tree.Mode = parse.SkipFuncCheck // only the names matter here; Parse checks funcs
	defined := make(map[string]*parse.Tree)
	if _, err := tree.Parse(src.text, "", "", defined); err != nil {
		return src, err
	}
	for _, d := range defines {
		if _, ok := defined[d]; !ok {
			return src, fmt.Errorf("%s: must {{define %q}}", src.name, d)
		}
	}
	return src, nil
}

// tryEmails renders every email with sample data in every language offered,
// once with every field set and once with only the always-present ones:
// text/template looks fields up at run time, so this is what catches
// {{.Notes}} or a typo in an override at start-up, and a catalog's message
// naming a placeholder the email does not give shows as "<no value>".
func (s *Set) tryEmails() error {
	for _, lang := range s.catalogs.Offered() {
		for _, name := range emailNames {
			for _, d := range []EmailData{fullSample, sparseSample} {
				d.L = s.catalogs.For(lang)
				e, err := s.Email(name, d)
				if err != nil {
					return err
				}
				if e.Text == "" {
					return fmt.Errorf("email %s: %s: the text part is empty", name, s.emails[name].textFile)
				}
				if strings.Contains(e.Subject+e.Text+e.HTML, "<no value>") || strings.Contains(e.HTML, "&lt;no value&gt;") {
					return fmt.Errorf("email %s in %s: a message of locales/%s.yaml names a placeholder the email does not give (\"<no value>\")", name, lang, lang)
				}
			}
		}
	}
	return nil
}

// tryPages executes each page once with nil data: html/template works out its
// escaping contexts on the first execution, and a template it cannot escape
// (a tag left open, an action inside a comment) should stop the start, not the
// first request. Errors from the nil data itself are expected and ignored.
func (s *Set) tryPages() error {
	for _, name := range slices.Sorted(maps.Keys(s.pages)) {
		p := s.pages[name]
		var escErr *htmltemplate.Error
		if err := p.html.ExecuteTemplate(io.Discard, "layout", nil); errors.As(err, &escErr) {
			return fmt.Errorf("page %s: %s: %w", name, p.file, err)
		}
	}
	return nil
}

var (
	fullSample = EmailData{
		Practice: "Practice", ClientName: "Client", TherapistName: "Therapist",
		SessionName: "Session", When: "When", WhenShort: "Short", WhenTherapist: "Therapist time",
		PreviousWhen: "Before", Location: "Location", ManageURL: "https://example.org/m",
		BookURL: "https://example.org/book", AdminURL: "https://example.org/admin",
		UnsubscribeURL: "https://example.org/u", Policy: "Policy", NextBooked: true, Reason: "Reason",
		Sessions: []DigestLine{{Time: "09:00–09:50", Session: "Session", Client: "C.", AdminURL: "https://example.org/admin/b"}},
	}
	sparseSample = EmailData{
		Practice: "Practice", When: "When", ManageURL: "https://example.org/m",
		BookURL: "https://example.org/book", AdminURL: "https://example.org/admin",
		UnsubscribeURL: "https://example.org/u",
	}
)
