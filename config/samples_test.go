package config

import (
	"strings"
	"testing"

	"github.com/consultd/consultd"
)

// ownPractice gives the practice its own therapist and session types
// through the environment, as a production setup would.
func ownPractice(t *testing.T) {
	t.Helper()
	t.Setenv("CONSULTD_THERAPISTS", `[{id: lee, name: Dr. Lee, email: lee@practice.test, timezone: Europe/London, weekly: {monday: ["09:00-17:00"]}}]`)
	t.Setenv("CONSULTD_SESSION_TYPES", `[{id: session, name: Session, duration: 50m}]`)
}

// With mail going over SMTP the built-in samples are refused, each by its
// key: the sample therapist would get real clients' names.
func TestSamplesRefusedWithSMTP(t *testing.T) {
	example := string(consultd.ExampleConfig)
	tests := []struct {
		desc    string
		yaml    string
		env     map[string]string
		own     bool
		want    []string
		notWant []string
	}{
		{desc: "built-in lists, smtp mode", yaml: "mail: {mode: smtp}",
			want: []string{"therapists: the built-in sample therapist ada@example.org is still in force", "session_types: the built-in sample session types are still in force"}},
		{desc: "built-in lists, smtp because of a real Redis", yaml: "redis: {addr: 10.0.0.5:6379}",
			want: []string{"therapists: the built-in sample therapist", "session_types: the built-in sample"}},
		{desc: "own therapist, built-in session types", yaml: "mail: {mode: smtp}\ntherapists: [{id: lee, name: Lee, email: lee@practice.test, timezone: UTC}]",
			want: []string{"session_types: the built-in sample"}, notWant: []string{"therapists"}},
		{desc: "own session types from the environment, built-in therapist", yaml: "mail: {mode: smtp}",
			env:  map[string]string{"CONSULTD_SESSION_TYPES": "[{id: s, name: S, duration: 50m}]"},
			want: []string{"therapists: the built-in sample"}, notWant: []string{"session_types"}},
		{desc: "the example file copied with its sample address", yaml: strings.Replace(example, `mode: ""`, "mode: smtp", 1),
			want: []string{"therapists[0].email: ada@example.org is the sample address"}, notWant: []string{"session_types:", "therapists:"}},
		{desc: "the sample address with a display name", yaml: "mail: {mode: smtp}\nsession_types: [{id: s, name: S, duration: 50m}]\ntherapists: [{id: a, name: A, email: 'Ada <ADA@example.org>', timezone: UTC}]",
			want: []string{"therapists[0].email: ada@example.org is the sample address"}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			_, err := Load(writeFile(t, tt.yaml))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("problems lack %q:\n%v", w, err)
				}
			}
			for _, w := range tt.notWant {
				for _, line := range strings.Split(err.Error(), "\n") {
					if strings.HasPrefix(line, w) {
						t.Errorf("unexpected problem %q", line)
					}
				}
			}
		})
	}
}

// The outbox keeps the samples, so the first run works with no file; the
// practice's own lists pass with SMTP.
func TestSamplesKeptWithTheOutbox(t *testing.T) {
	for _, yaml := range []string{"", "mail: {mode: outbox}\nredis: {addr: 10.0.0.5:6379}", string(consultd.ExampleConfig)} {
		if _, err := Load(writeFile(t, yaml)); err != nil {
			t.Errorf("%.40q: %v", yaml, err)
		}
	}
	ownPractice(t)
	cfg, err := Load(writeFile(t, "mail: {mode: smtp}"))
	if err != nil || cfg.MailMode() != MailSMTP {
		t.Fatalf("own practice over SMTP: %v (mail %s)", err, cfg.MailMode())
	}
}
