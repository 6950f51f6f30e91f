package app

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/consultd/consultd/config"
)

// settle is how long the watched files must stay unchanged before they are
// read again: an editor saves in several writes, the first of which may
// empty the file.
const settle = 300 * time.Millisecond

// watcher keeps the configuration in force in step with the configuration
// file and the templates folder: one fsnotify watcher over both, one
// settle time, and one way in (App.Reload).
type watcher struct {
	app *App
	fw  *fsnotify.Watcher

	file     string // the configuration file ("" when there is none)
	realFile string // where file points when it is a link
	fileDir  string

	templatesDir string          // templates.dir as last followed
	templateDirs map[string]bool // watched for it
	current      *config.Config  // the configuration in force
}

// watch starts the watcher. A change of the file is read through
// config.LoadEdited; a change of a template alone puts the configuration in
// force again, so its templates are parsed anew. A bad edit is refused with
// every problem named by key, and the configuration in force stays.
func (a *App) watch(ctx context.Context) error {
	if a.configPath == "" && a.cfg.Templates.Dir == "" {
		return nil
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	w := &watcher{app: a, fw: fw, templateDirs: map[string]bool{}, current: a.cfg}
	if a.configPath != "" {
		if err := w.watchFile(a.configPath); err != nil {
			fw.Close()
			return err
		}
		a.logger.Info("watching the configuration file for changes", "file", a.configPath)
	}
	w.followTemplates(a.cfg.Templates.Dir)
	go w.run(ctx)
	return nil
}

// watchFile watches the folder of the file rather than the file itself: an
// editor that saves by renaming a new file over the old one would end a
// watch on the file, and a mounted ConfigMap swaps a link in that folder.
func (w *watcher) watchFile(path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	if _, err := os.Stat(abs); err != nil {
		return err
	}
	w.file, w.fileDir = abs, filepath.Dir(abs)
	w.realFile, _ = filepath.EvalSymlinks(abs)
	return w.fw.Add(w.fileDir)
}

// followTemplates watches dir and its email and pages folders (those that
// exist), and stops watching those of an earlier templates.dir.
func (w *watcher) followTemplates(dir string) {
	want := map[string]bool{}
	if dir != "" {
		if abs, err := filepath.Abs(dir); err == nil {
			for _, sub := range []string{abs, filepath.Join(abs, "email"), filepath.Join(abs, "pages")} {
				if info, err := os.Stat(sub); err == nil && info.IsDir() {
					want[sub] = true
				}
			}
		}
	}
	for sub := range w.templateDirs {
		if !want[sub] {
			if sub != w.fileDir {
				_ = w.fw.Remove(sub)
			}
			delete(w.templateDirs, sub)
		}
	}
	for sub := range want {
		if w.templateDirs[sub] {
			continue
		}
		if err := w.fw.Add(sub); err != nil {
			w.app.logger.Warn("template changes will need a restart", "dir", sub, "err", err)
			continue
		}
		w.templateDirs[sub] = true
	}
	if dir != w.templatesDir && len(w.templateDirs) > 0 {
		w.app.logger.Info("watching the templates folder for changes", "dir", dir)
	}
	w.templatesDir = dir
}

// run reloads once the watched files have settled after a change.
func (w *watcher) run(ctx context.Context) {
	defer w.fw.Close()
	due := time.NewTimer(settle)
	due.Stop()
	fileChanged := false
	for {
		select {
		case <-ctx.Done():
			due.Stop()
			return
		case ev, ok := <-w.fw.Events:
			if !ok {
				return
			}
			isFile, isTemplate := w.classify(ev)
			if !isFile && !isTemplate {
				continue
			}
			fileChanged = fileChanged || isFile
			due.Reset(settle)
		case err, ok := <-w.fw.Errors:
			if !ok {
				return
			}
			w.app.logger.Warn("watching the configuration for changes", "err", err)
		case <-due.C:
			w.reload(fileChanged)
			fileChanged = false
		}
	}
}

// classify says whether ev is about the configuration file (or the link it
// is read through) or about a template. A change of attributes alone is
// neither.
func (w *watcher) classify(ev fsnotify.Event) (isFile, isTemplate bool) {
	if ev.Op == fsnotify.Chmod {
		return false, false
	}
	dir := filepath.Dir(ev.Name)
	if w.file != "" && dir == w.fileDir {
		if ev.Name == w.file {
			return true, false
		}
		if real, _ := filepath.EvalSymlinks(w.file); real != w.realFile {
			w.realFile = real
			return true, false
		}
	}
	return false, w.templateDirs[dir]
}

// reload reads the file again when it changed (else keeps the
// configuration in force, for its templates) and puts the result in force.
func (w *watcher) reload(fileChanged bool) {
	cfg := w.current
	if fileChanged && w.file != "" {
		var err error
		if cfg, err = config.LoadEdited(w.file); err != nil {
			w.refuse(err)
			return
		}
	}
	if err := w.app.Reload(cfg); err != nil {
		w.refuse(err)
		return
	}
	w.current = cfg
	w.followTemplates(cfg.Templates.Dir)
}

func (w *watcher) refuse(err error) {
	w.app.logger.Error("configuration change refused; the previous configuration stays in force", "problems", err.Error())
	// A folder created under templates.dir since is watched from now on.
	w.followTemplates(w.current.Templates.Dir)
}
