package templates

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

//go:embed email pages static locales
var builtin embed.FS

// overridable are the top-level folders a templates directory may hold.
var overridable = []string{"email", "pages", "locales"}

// isCatalog reports whether p is a message catalog (locales/xx.yaml): an
// override directory may add catalogs of languages not built in.
func isCatalog(p string) bool {
	return strings.HasPrefix(p, "locales/") && strings.HasSuffix(p, ".yaml")
}

// source is one template file's text. name is what errors should point at: the
// relative path of a built-in file, or the full path of an override, so a
// message names the file the operator has to open.
type source struct {
	name string
	text string
}

// sources reads the built-in templates, keyed by relative path ("email/invite.txt"),
// then replaces each with the file of the same path under dir, if any.
func sources(dir string) (map[string]source, error) {
	srcs := make(map[string]source)
	for _, top := range overridable {
		entries, err := fs.ReadDir(builtin, top)
		if err != nil {
			return nil, fmt.Errorf("built-in %s: %w", top, err)
		}
		for _, e := range entries {
			p := top + "/" + e.Name()
			b, err := builtin.ReadFile(p)
			if err != nil {
				return nil, fmt.Errorf("built-in %s: %w", p, err)
			}
			srcs[p] = source{name: p, text: string(b)}
		}
	}
	if dir == "" {
		return srcs, nil
	}
	if err := applyOverrides(srcs, dir); err != nil {
		return nil, err
	}
	return srcs, nil
}

// applyOverrides reads the override directory one level of folders deep. It
// follows symbolic links on purpose: a Kubernetes ConfigMap mounts its files as
// links into a hidden "..data" folder, which is skipped with the other dot
// files (editor swap files, .DS_Store).
func applyOverrides(srcs map[string]source, dir string) error {
	root := os.DirFS(dir)
	top, err := fs.ReadDir(root, ".")
	if err != nil {
		return fmt.Errorf("override directory %s: %w", dir, err)
	}
	for _, e := range top {
		if hidden(e.Name()) {
			continue
		}
		if !slices.Contains(overridable, e.Name()) {
			return fmt.Errorf("%s: unknown entry: only %s/ may hold overrides",
				filepath.Join(dir, e.Name()), strings.Join(overridable, "/ and "))
		}
		entries, err := fs.ReadDir(root, e.Name())
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(dir, e.Name()), err)
		}
		for _, f := range entries {
			if hidden(f.Name()) {
				continue
			}
			p := e.Name() + "/" + f.Name()
			full := filepath.Join(dir, e.Name(), f.Name())
			if _, ok := srcs[p]; !ok && !isCatalog(p) {
				return fmt.Errorf("%s: unknown file: no built-in template %s (a typo?)", full, p)
			}
			b, err := fs.ReadFile(root, p)
			if err != nil {
				return fmt.Errorf("%s: %w", full, err)
			}
			srcs[p] = source{name: full, text: string(b)}
		}
	}
	return nil
}

func hidden(name string) bool { return strings.HasPrefix(name, ".") }
