package templates

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"
)

func TestErrorPage(t *testing.T) {
	s := mustLoad(t, "")
	var buf bytes.Buffer
	err := s.Page(&buf, "error", ErrorPage{Title: "Link expired", Message: `<b>Ask</b> for "a new one"`})
	if err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	for _, want := range []string{
		"<!doctype html>", `<html lang="en">`, `name="viewport"`, `<link rel="stylesheet" href="/static/site.css">`,
		"<title>Link expired</title>", "<main", "<h1>Link expired</h1>", "&lt;b&gt;Ask&lt;/b&gt; for &#34;a new one&#34;",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}

func TestPageWritesNothingOnError(t *testing.T) {
	s := mustLoad(t, "")
	var buf bytes.Buffer
	if err := s.Page(&buf, "nope", nil); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown page: got %v, want an error naming it", err)
	}
	dir := writeDir(t, map[string]string{
		// Fails only when run with data: calls a method ErrorPage does not have.
		"pages/error.html": `{{define "title"}}x{{end}}{{define "content"}}<p>before</p>{{.Title.Missing}}{{end}}`,
	})
	s = mustLoad(t, dir)
	err := s.Page(&buf, "error", ErrorPage{Title: "x"})
	if err == nil || !strings.Contains(err.Error(), "error.html") {
		t.Errorf("got %v, want an error naming error.html", err)
	}
	if buf.Len() != 0 {
		t.Errorf("a failed page wrote %q", buf.String())
	}
}

// Pages are clones of the layout: one page's "content" never shows in another.
func TestPagesDoNotCollide(t *testing.T) {
	srcs, err := sources("")
	if err != nil {
		t.Fatal(err)
	}
	srcs["pages/other.html"] = source{name: "pages/other.html",
		text: `{{define "title"}}Other{{end}}{{define "content"}}<p>other content</p>{{end}}`}
	s, err := load(srcs)
	if err != nil {
		t.Fatal(err)
	}
	render := func(name string) string {
		var buf bytes.Buffer
		if err := s.Page(&buf, name, ErrorPage{Title: "Error title", Message: "error message"}); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	errPage, other := render("error"), render("other")
	if !strings.Contains(errPage, "error message") || strings.Contains(errPage, "other content") {
		t.Errorf("error page shows another page's content:\n%s", errPage)
	}
	if !strings.Contains(other, "<title>Other</title>") || strings.Contains(other, "error message") {
		t.Errorf("other page shows another page's content:\n%s", other)
	}
}

func TestStatic(t *testing.T) {
	css, err := fs.ReadFile(Static(), "site.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"system-ui", ":focus-visible", "width: 100%"} {
		if !bytes.Contains(css, []byte(want)) {
			t.Errorf("site.css lacks %s", want)
		}
	}
}
