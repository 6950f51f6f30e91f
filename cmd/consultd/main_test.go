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
		{"every misspelt key at once", []string{"check-config", "--config", writeConfig(t, "mail: {smtp: {hots: x}}\npractice: {nmae: y}\ntherapists: [{id: a, name: A, nmae: A, email: a@example.org, timezone: UTC}]\n")},
			1, "", []string{"mail.smtp.hots: is not a setting: did you mean mail.smtp.host?", "practice.nmae: is not a setting", "therapists[0].nmae: is not a setting"}},
		{"samples refused with SMTP", []string{"check-config", "--config", writeConfig(t, "mail: {mode: smtp}\n")},
			1, "", []string{"therapists: the built-in sample therapist ada@example.org is still in force", "session_types: the built-in sample session types"}},
		{"short admin password", []string{"check-config", "--config", writeConfig(t, "admin: {password: short}\n")},
			1, "", []string{"admin.password: is too short: use at least 12 characters"}},
		{"a language without a catalog", []string{"check-config", "--config", writeConfig(t, "languages: [en, pt]\n")},
			1, "", []string{`languages: locale: languages[1] "pt" has no catalog (pt.yaml)`}},
		{"a catalog lacking keys", []string{"check-config", "--config", writeConfig(t, "languages: [en, fr]\ntemplates: {dir: "+partialFrench(t)+"}\n")},
			1, "", []string{"languages[1]: the catalog locales/fr.yaml lacks", "format.date, ", "format.names, "}},
		{"a warning does not fail", []string{"check-config", "--config", writeConfig(t, "cancellation: {late_window: 48h, allow_late: false}\n")},
			0, "warning: cancellation.late_window: 48h is longer than booking.min_notice (24h)", nil},
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

// partialFrench is a templates directory adding a French catalog that
// has the language's name only.
func partialFrench(t *testing.T) string {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "locales"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "locales", "fr.yaml"), []byte("language.name: Français\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
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
