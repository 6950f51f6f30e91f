package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/web"
)

// With log.format json every line is one JSON object, and a line written
// while handling a request carries its request_id.
func TestJSONLogsCarryRequestIDs(t *testing.T) {
	var out bytes.Buffer
	logger := NewLogger(&out, config.Log{Format: "json", Level: slog.LevelInfo})
	srv := web.New(web.Deps{
		Config: &config.Config{},
		Ready:  func(context.Context) error { return errors.New("redis down") },
		Logger: logger,
	})
	req := httptest.NewRequest("GET", "/readyz", nil)
	req.Header.Set("X-Request-ID", "probe-7")
	srv.Handler().ServeHTTP(httptest.NewRecorder(), req)

	lines := bytes.Split(bytes.TrimSpace(out.Bytes()), []byte("\n"))
	found := false
	for _, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatalf("not a JSON line: %s", line)
		}
		if rec["msg"] == "not ready" && rec["request_id"] == "probe-7" {
			found = true
		}
	}
	if !found {
		t.Errorf("no line with the request's ID:\n%s", out.String())
	}
}
