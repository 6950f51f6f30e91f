package app

import (
	"io"
	"log/slog"

	"github.com/consultd/consultd/config"
)

// NewLogger writes log lines to w in the configured format (text or
// JSON) from the configured level up.
func NewLogger(w io.Writer, c config.Log) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.Level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
