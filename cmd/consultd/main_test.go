package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd"
)

// runCLI runs consultd with args and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	root := newRoot(&out, &errOut)
	root.SetArgs(args)
	code := exitCode(root.Execute(), &errOut)
	return code, out.String(), errOut.String()
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "consultd.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheckConfig(t *testing.T) {
	tests := []struct {
		desc   string
		args   []string
		code   int
		stdout string
		stderr []string
	}{
		{"example is valid", []string{"check-config", "--config", writeConfig(t, string(consultd.ExampleConfig))}, 0, "configuration OK", nil},
		{"defaults are valid", []string{"check-config"}, 0, "in-memory", nil},
		{"bad zone names its key", []string{"check-config", "--config", writeConfig(t, strings.Replace(string(consultd.ExampleConfig), "America/New_York", "Mars/Base", 1))},
			1, "", []string{`therapists[0].timezone: unknown time zone "Mars/Base"`}},
		{"every problem listed", []string{"check-config", "--config", writeConfig(t, "booking: {horizon: soon}\nmail: {mode: pigeon}\n")},
			1, "", []string{"booking.horizon:", "mail.mode:"}},
		{"missing file", []string{"check-config", "--config", "/nonexistent/consultd.yaml"}, 1, "", []string{"/nonexistent/consultd.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.stdout) {
				t.Fatalf("exit %d, out %q, err %q", code, out, errOut)
			}
			for _, w := range tt.stderr {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
		})
	}
}

func TestPrintExample(t *testing.T) {
	code, out, _ := runCLI(t, "check-config", "--print-example")
	if code != 0 || out != string(consultd.ExampleConfig) {
		t.Fatalf("exit %d; printed %d bytes, want the %d-byte example", code, len(out), len(consultd.ExampleConfig))
	}
}

func TestSecretsNotPrintedByCheckConfig(t *testing.T) {
	const secret = "a-very-secret-link-key-0123456789abcdef"
	t.Setenv("CONSULTD_SECRET", secret)
	_, out, errOut := runCLI(t, "check-config")
	if strings.Contains(out+errOut, secret) {
		t.Fatal("check-config printed the secret")
	}
}

func TestSlotsCommand(t *testing.T) {
	from := time.Now().AddDate(0, 0, 7)
	code, out, errOut := runCLI(t, "slots", "--type", "session", "--from", from.Format(time.DateOnly), "--to", from.AddDate(0, 0, 6).Format(time.DateOnly))
	if code != 0 || !strings.Contains(out, "Eastern Time") || !strings.Contains(out, "09:00-09:50") {
		t.Fatalf("a week of slots: exit %d, out %q, err %q", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "slots", "--type", "nope")
	if code == 0 || !strings.Contains(errOut, "unknown session type") {
		t.Fatalf("unknown type: exit %d, out %q, err %q", code, out, errOut)
	}
}

func TestVersion(t *testing.T) {
	if code, out, _ := runCLI(t, "version"); code != 0 || !strings.HasPrefix(out, "consultd ") {
		t.Fatalf("version: %d %q", code, out)
	}
}
