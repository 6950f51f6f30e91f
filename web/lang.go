package web

import (
	"maps"
	"net/http"
	"net/url"
	"time"

	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/locale"
)

// pageLang is part of every page's data: the language the page is
// written in. Templates take their words from it ({{.L.T "page.…"}}) and
// the layout its lang attribute.
type pageLang struct {
	L *locale.Localizer
}

// A page's language, by who reads it:
//   - a visitor on their way to booking (the booking page, its form, the
//     pages of a link that names no booking): the one asked for (?lang= of
//     the language switch, the form's language field), else the browser's
//     among those offered (Accept-Language), else the default;
//   - a client on the pages of their booking (manage, unsubscribe): the
//     language stored with the booking or series;
//   - the practice (admin, the approval links): the therapist's
//     (therapists[].language), the first therapist's on the pages about
//     the whole practice.

// visitorLang is the language of a page that no booking decides.
func (s *Server) visitorLang(r *http.Request) *locale.Localizer {
	c := s.Pages.Catalogs()
	if code, ok := s.askedLang(r); ok {
		return c.For(code)
	}
	return c.For(c.FromAcceptLanguage(r.Header.Get("Accept-Language")))
}

// askedLang is the offered language the request asks for by ?lang= or a
// form's language field, if it names one.
func (s *Server) askedLang(r *http.Request) (string, bool) {
	c := s.Pages.Catalogs()
	for _, asked := range []string{r.URL.Query().Get("lang"), r.PostForm.Get("language")} {
		if code, ok := c.Supported(asked); ok {
			return code, true
		}
	}
	return "", false
}

// clientLang is the language stored with a booking or series ("": made
// before languages were kept, or withdrawn since: the default).
func (s *Server) clientLang(lang string) *locale.Localizer {
	return s.Pages.Catalogs().For(lang)
}

// therapistLang is the language of the practice's pages about th.
func (s *Server) therapistLang(th config.Therapist) *locale.Localizer {
	return s.Pages.Catalogs().For(s.Config.TherapistLanguage(th))
}

// adminLang is the language of the practice's pages about all of it: the
// first therapist's.
func (s *Server) adminLang() *locale.Localizer {
	if len(s.Config.Therapists) == 0 {
		return s.Pages.Catalogs().For("")
	}
	return s.therapistLang(s.Config.Therapists[0])
}

// languageChoice is one link of the booking page's language switch.
type languageChoice struct {
	Code, Name, URL string
	Current         bool
}

// languageChoices is the booking page's language switch: a link per
// offered language, each named in its own language, keeping the page's
// other parameters; none when only one language is offered.
func (s *Server) languageChoices(l *locale.Localizer, path string, q url.Values) []languageChoice {
	c := s.Pages.Catalogs()
	offered := c.Offered()
	if len(offered) < 2 {
		return nil
	}
	out := make([]languageChoice, 0, len(offered))
	for _, code := range offered {
		q := maps.Clone(q)
		if q == nil {
			q = url.Values{}
		}
		q.Set("lang", code)
		out = append(out, languageChoice{Code: code, Name: c.For(code).T("language.name"), URL: path + "?" + q.Encode(),
			Current: code == l.Lang()})
	}
	return out
}

// dayIn is a date without its year, as the pages head a day's times:
// "Thursday 3 December", "jueves, 3 de diciembre".
func dayIn(l *locale.Localizer, t time.Time) string { return l.Layout(t, "page.format.day") }

// minutesIn is a length as the pages write it: "50 minutes", "2 hours".
func minutesIn(l *locale.Localizer, d time.Duration) string {
	if d%time.Hour == 0 && d >= 2*time.Hour {
		return l.T("page.hours", "N", int(d/time.Hour))
	}
	return l.T("page.minutes", "N", int(d.Minutes()))
}

