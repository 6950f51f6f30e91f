package web

import (
	"encoding/json"
	"net/http"
	"sort"
)

// apiError is an answer the client may read: a status, a message and, for
// invalid input, a message per field.
type apiError struct {
	Status int               `json:"-"`
	Msg    string            `json:"error"`
	Fields map[string]string `json:"fields,omitempty"`
	// Outcome is "unknown" on a 503 after which the booking may exist.
	Outcome string `json:"outcome,omitempty"`
}

const outcomeUnknown = "unknown"

// Error lists the message and each field's problem, for command-line use.
func (e *apiError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	msg := e.Msg
	for _, k := range keys {
		msg += "; " + k + ": " + e.Fields[k]
	}
	return msg
}

func invalid(msg string, fields map[string]string) *apiError {
	return &apiError{Status: http.StatusUnprocessableEntity, Msg: msg, Fields: fields}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers with e, or with a bare "internal error" for anything
// unexpected (the detail goes to the log only).
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if e, ok := err.(*apiError); ok {
		writeJSON(w, e.Status, e)
		return
	}
	s.Logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "route", r.Pattern, "err", err)
	writeJSON(w, http.StatusInternalServerError, &apiError{Msg: "internal error"})
}
