package templates

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeDir makes an override directory holding files (relative path → text).
func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, text := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadOverrides(t *testing.T) {
	const subject = `{{define "subject"}}Custom appointment with {{.Practice}}{{end}}`
	tests := []struct {
		desc  string
		files map[string]string
		// wantErr are parts of the error; empty means Load must succeed.
		wantErr []string
		// errFile, when set, is the relative path whose full path the error must name.
		errFile string
	}{
		{desc: "empty directory"},
		{desc: "dot files and folders are ignored",
			files: map[string]string{".DS_Store": "x", "email/.invite.txt.swp": "x", "..data/email/invite.txt": "x"}},
		{desc: "a page replaced",
			files: map[string]string{"pages/error.html": `{{define "title"}}Oops{{end}}{{define "content"}}<p>{{.Message}}</p>{{end}}`}},
		{desc: "broken template",
			files:   map[string]string{"email/invite.txt": subject + "{{if .Practice}}never closed"},
			wantErr: []string{"unexpected EOF"}, errFile: "email/invite.txt"},
		{desc: "unknown function",
			files:   map[string]string{"email/invite.html": `{{define "body"}}{{shout .Practice}}{{end}}`},
			wantErr: []string{`"shout" not defined`}, errFile: "email/invite.html"},
		{desc: "unknown file (a typo)",
			files:   map[string]string{"email/invtie.txt": subject},
			wantErr: []string{"unknown file"}, errFile: "email/invtie.txt"},
		{desc: "unknown folder",
			files:   map[string]string{"emails/invite.txt": subject},
			wantErr: []string{"unknown entry"}, errFile: "emails"},
		{desc: "folder inside email/",
			files:   map[string]string{"email/old/invite.txt": subject},
			wantErr: []string{"unknown file"}, errFile: "email/old"},
		{desc: "static files cannot be overridden",
			files:   map[string]string{"static/site.css": "body{}"},
			wantErr: []string{"unknown entry"}, errFile: "static"},
		{desc: "email text without a subject",
			files:   map[string]string{"email/invite.txt": "Hello {{.ClientName}}"},
			wantErr: []string{`must {{define "subject"}}`}, errFile: "email/invite.txt"},
		{desc: "subject that renders empty",
			files:   map[string]string{"email/invite.txt": `{{define "subject"}} {{"\r\n"}} {{end}}Hello`},
			wantErr: []string{"invite", "subject is empty"}},
		{desc: "email HTML without a body",
			files:   map[string]string{"email/reminder.html": "<p>Reminder</p>"},
			wantErr: []string{`must {{define "body"}}`}, errFile: "email/reminder.html"},
		{desc: "a field that does not exist fails at Load, not at send",
			files:   map[string]string{"email/reminder.txt": `{{define "subject"}}Reminder{{end}}{{.Notes}}`},
			wantErr: []string{"Notes"}, errFile: "email/reminder.txt"},
		{desc: "a bad field in an optional branch is found too",
			files:   map[string]string{"email/reminder.txt": `{{define "subject"}}Reminder{{end}}{{with .Policy}}{{$.Polcy}}{{end}}`},
			wantErr: []string{"Polcy"}, errFile: "email/reminder.txt"},
		{desc: "page without content",
			files:   map[string]string{"pages/error.html": `{{define "title"}}Oops{{end}}`},
			wantErr: []string{`must {{define "content"}}`}, errFile: "pages/error.html"},
		{desc: "page html/template cannot escape",
			files:   map[string]string{"pages/error.html": `{{define "title"}}x{{end}}{{define "content"}}<a href="{{.Title}}{{end}}`},
			wantErr: []string{"page error"}, errFile: "pages/error.html"},
		{desc: "layout without its define",
			files:   map[string]string{"pages/layout.html": `<main>{{block "content" .}}{{end}}</main>`},
			wantErr: []string{`must {{define "layout"}}`}, errFile: "pages/layout.html"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			dir := writeDir(t, tc.files)
			s, err := Load(dir)
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				if _, err := s.Email(EmailInvite, sample()); err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Load succeeded, want an error with %q", tc.wantErr)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if tc.errFile != "" && !strings.Contains(err.Error(), filepath.Join(dir, filepath.FromSlash(tc.errFile))) {
				t.Errorf("error %q does not name %s", err, filepath.Join(dir, tc.errFile))
			}
		})
	}
}

func TestOverrideReplacesBuiltIn(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"email/invite.txt": `{{define "subject"}}Custom appointment with {{.Practice}}{{end}}Custom text for {{.ClientName}}.`,
	})
	s := mustLoad(t, dir)
	e, err := s.Email(EmailInvite, sample())
	if err != nil {
		t.Fatal(err)
	}
	if want := "Custom appointment with Riverside Practice"; e.Subject != want {
		t.Errorf("subject %q, want %q", e.Subject, want)
	}
	if want := "Custom text for Sam Lee.\n"; e.Text != want {
		t.Errorf("text %q, want %q", e.Text, want)
	}
	builtIn, err := mustLoad(t, "").Email(EmailInvite, sample())
	if err != nil {
		t.Fatal(err)
	}
	if e.HTML != builtIn.HTML {
		t.Error("overriding the text changed the HTML too")
	}
}

// Kubernetes mounts a ConfigMap's files as symbolic links into a hidden folder.
func TestOverrideThroughSymlink(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"..data/invite.txt": `{{define "subject"}}Linked appointment with {{.Practice}}{{end}}Linked.`,
	})
	if err := os.Mkdir(filepath.Join(dir, "email"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("..", "..data", "invite.txt"), filepath.Join(dir, "email", "invite.txt")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	e, err := mustLoad(t, dir).Email(EmailInvite, sample())
	if err != nil {
		t.Fatal(err)
	}
	if e.Text != "Linked.\n" {
		t.Errorf("text %q, want the linked file's", e.Text)
	}
}

func TestLoadMissingDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nope")
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("got %v, want an error naming the directory", err)
	}
}

// A built-in file missing from the binary is reported by its path.
func TestLoadMissingRequired(t *testing.T) {
	for _, p := range []string{"email/reminder.html", "email/reflection.txt", "email/layout.txt", "pages/layout.html"} {
		srcs, err := sources("")
		if err != nil {
			t.Fatal(err)
		}
		delete(srcs, p)
		if _, err := load(srcs, nil); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("without %s: got %v, want an error naming it", p, err)
		}
	}
}
