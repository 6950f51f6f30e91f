package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/consultd/consultd/locale"
)

// formTexts are what a visitor reads when a form they posted cannot be
// taken: too large, unreadable, or failing its CSRF check. Each is a
// catalog key, said with args.
type formTexts struct {
	// admin forms answer in the practice's language, others in the
	// visitor's (their form's language field, else their browser's).
	admin    bool
	tooLarge string
	// unreadable, when set, answers a body that is not a form with 400;
	// when empty, such a body is answered as too large.
	unreadable string
	stale      string
	args       []any // for the keys' placeholders
	// again (admin.again.*, said with againArgs) is where an admin form
	// starts over, the {{.Again}} of the admin keys.
	again     string
	againArgs []any
}

func (s *Server) bookFormTexts() formTexts {
	return formTexts{tooLarge: "page.form.too_large", unreadable: "page.form.unreadable", stale: "page.form.stale_book",
		args: []any{"BookURL", s.Links.Book()}}
}

func (s *Server) manageFormTexts() formTexts {
	return formTexts{tooLarge: "page.form.too_large", stale: "page.form.stale_manage", args: []any{"BookURL", s.Links.Book()}}
}

// adminFormTexts end with again (a key of admin.again.*, said with args):
// where to start over.
func adminFormTexts(again string, args ...any) formTexts {
	return formTexts{admin: true, tooLarge: "admin.form.too_large", stale: "admin.form.stale", again: again, againArgs: args}
}

// postedForm reads a posted form (bounded by maxBody) and checks its CSRF
// token; otherwise it answers with a page in the words of t.
func (s *Server) postedForm(w http.ResponseWriter, r *http.Request, t formTexts) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	err := r.ParseForm()
	l := s.visitorLang(r)
	if t.admin {
		l = s.adminLang()
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if t.unreadable != "" && !errors.As(err, &tooBig) {
			s.errorPage(w, r, l, http.StatusBadRequest, l.T("page.form.unreadable_title"), t.say(l, t.unreadable))
			return false
		}
		s.errorPage(w, r, l, http.StatusRequestEntityTooLarge, l.T("page.form.too_large_title"), t.say(l, t.tooLarge))
		return false
	}
	if !s.checkCSRF(r) {
		s.errorPage(w, r, l, http.StatusForbidden, l.T("page.form.stale_title"), t.say(l, t.stale))
		return false
	}
	return true
}

// say is the message key in l.
func (t formTexts) say(l *locale.Localizer, key string) string {
	args := t.args
	if t.again != "" {
		args = append(args, "Again", l.T(t.again, t.againArgs...))
	}
	return l.T(key, args...)
}

// sentence makes a terse check message ("is missing: …") read as a
// sentence next to its field.
func sentence(msg string) string {
	if msg == "" {
		return ""
	}
	msg = upperFirst(msg)
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}
