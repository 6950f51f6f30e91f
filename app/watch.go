package app

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/consultd/consultd/config"
)

// watcher keeps the configuration in force in step with the file and the
// templates folder.
type watcher struct {
	mu      sync.Mutex
	current *config.Config
}

// watch reloads on every change of the configuration file (viper's
// WatchConfig) and of templates.dir. A bad edit is refused with every
// problem named by key, and the configuration in force stays.
func (a *App) watch(ctx context.Context) error {
	w := &watcher{current: a.cfg}
	apply := func(cfg *config.Config) error {
		w.mu.Lock()
		defer w.mu.Unlock()
		if err := a.Reload(cfg); err != nil {
			return err
		}
		w.current = cfg
		return nil
	}
	reject := func(err error) {
		a.logger.Error("configuration change refused; the previous configuration stays in force", "problems", err.Error())
	}
	if a.configPath != "" {
		if err := config.Watch(a.configPath, a.logger, apply, reject); err != nil {
			return err
		}
	}
	if dir := a.cfg.Templates.Dir; dir != "" {
		return a.watchTemplates(ctx, dir, func() {
			w.mu.Lock()
			cfg := w.current
			w.mu.Unlock()
			if err := apply(cfg); err != nil {
				reject(err)
			}
		})
	}
	return nil
}

// watchTemplates calls reload shortly after files under dir change (an
// editor saves in several steps: wait for them to settle).
func (a *App) watchTemplates(ctx context.Context, dir string, reload func()) error {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	for _, sub := range []string{dir, filepath.Join(dir, "email"), filepath.Join(dir, "pages")} {
		if info, err := os.Stat(sub); err == nil && info.IsDir() {
			if err := fw.Add(sub); err != nil {
				fw.Close()
				return err
			}
		}
	}
	go func() {
		defer fw.Close()
		var settle <-chan time.Time
		for {
			select {
			case <-ctx.Done():
				return
			case <-fw.Events:
				settle = time.After(200 * time.Millisecond)
			case err := <-fw.Errors:
				a.logger.Warn("watching templates", "err", err)
			case <-settle:
				reload()
			}
		}
	}()
	a.logger.Info("watching the templates folder for changes", "dir", dir)
	return nil
}
