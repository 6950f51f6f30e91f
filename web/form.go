package web

import (
	"errors"
	"net/http"
	"strings"
)

// formTexts are what a visitor reads when a form they posted cannot be
// taken: too large, unreadable, or failing its CSRF check.
type formTexts struct {
	tooLarge string
	// unreadable, when set, answers a body that is not a form with 400;
	// when empty, such a body is answered as too large.
	unreadable string
	stale      string
}

const staleForm = "The page was open for more than two hours, or your browser did not send back its cookie. "

func (s *Server) bookFormTexts() formTexts {
	return formTexts{
		tooLarge:   "The form was larger than it can take: perhaps a very long note. " + msgBookAgain + s.Links.Book(),
		unreadable: msgBookAgain + s.Links.Book(),
		stale:      "The booking form was open for more than two hours, or your browser did not send back its cookie. " + msgBookAgain + s.Links.Book(),
	}
}

func (s *Server) manageFormTexts() formTexts {
	return formTexts{
		tooLarge: "The form was larger than it can take: perhaps a very long note. " + msgBookAgain + s.Links.Book(),
		stale:    staleForm + "Nothing was changed. Please open the link in your email again.",
	}
}

// adminFormTexts end with again: where to start over.
func adminFormTexts(again string) formTexts {
	return formTexts{tooLarge: "Nothing was changed. " + again, stale: staleForm + "Nothing was changed. " + again}
}

// postedForm reads a posted form (bounded by maxBody) and checks its CSRF
// token; otherwise it answers with a page in the words of t.
func (s *Server) postedForm(w http.ResponseWriter, r *http.Request, t formTexts) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if t.unreadable != "" && !errors.As(err, &tooBig) {
			s.errorPage(w, r, http.StatusBadRequest, "The form could not be read", t.unreadable)
			return false
		}
		s.errorPage(w, r, http.StatusRequestEntityTooLarge, "That was more than the form takes", t.tooLarge)
		return false
	}
	if !s.checkCSRF(r) {
		s.errorPage(w, r, http.StatusForbidden, "This form could not be checked", t.stale)
		return false
	}
	return true
}

// sentence makes a terse check message ("is missing: …") read as a
// sentence next to its field.
func sentence(msg string) string {
	if msg == "" {
		return ""
	}
	msg = strings.ToUpper(msg[:1]) + msg[1:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}
