package templates

import (
	"fmt"
	"io"
	"io/fs"

	"github.com/consultd/consultd/locale"
)

// ErrorPage is the data of the "error" page: a short title and a plain message
// that tells the visitor what happened and what they can do.
type ErrorPage struct {
	Title   string // "This link has expired"
	Message string
	// L is the language the page is written in (its lang attribute).
	L *locale.Localizer
}

// Page renders pages/<name>.html inside pages/layout.html into w. The page is
// rendered in full before anything is written, so a failing template never
// leaves half a page in an HTTP response.
func (s *Set) Page(w io.Writer, name string, data any) error {
	p, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("page %q: no such page", name)
	}
	buf := s.buffer()
	defer s.release(buf)
	if err := p.html.ExecuteTemplate(buf, "layout", data); err != nil {
		return fmt.Errorf("page %s: %s: %w", name, p.file, err)
	}
	_, err := buf.WriteTo(w)
	return err
}

// Static holds the pages' static files (site.css) at its root; serve it with
// http.StripPrefix("/static/", http.FileServerFS(templates.Static())).
func Static() fs.FS {
	sub, err := fs.Sub(builtin, "static")
	if err != nil {
		panic(err) // "static" is a valid path, so fs.Sub cannot fail
	}
	return sub
}
