package web

import (
	"net/http"
	"strings"
)

// adminForm reads a form posted in the admin area and checks its CSRF
// token; otherwise it answers with a page saying that nothing changed and
// again, where to start over.
func (s *Server) adminForm(w http.ResponseWriter, r *http.Request, again string) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, http.StatusRequestEntityTooLarge, "That was more than the form takes",
			"Nothing was changed. "+again)
		return false
	}
	if !s.checkCSRF(r) {
		s.errorPage(w, r, http.StatusForbidden, "This form could not be checked",
			"The page was open for more than two hours, or your browser did not send back its cookie. Nothing was changed. "+again)
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
