package config

import (
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/spf13/viper"
)

// Live holds the configuration in force. A reload swaps it whole, so a
// request or task that took it once sees one consistent configuration.
type Live struct {
	p atomic.Pointer[Config]
}

// NewLive starts with cfg.
func NewLive(cfg *Config) *Live {
	l := &Live{}
	l.p.Store(cfg)
	return l
}

// Get is the configuration in force.
func (l *Live) Get() *Config { return l.p.Load() }

// Set puts cfg in force.
func (l *Live) Set(cfg *Config) { l.p.Store(cfg) }

// Watch reloads the file at path whenever it changes (viper's
// WatchConfig). A valid result goes to apply; an edit with problems goes
// to reject, and the configuration in force stays. Settings that parts of
// the service were built with (listen, redis, mail transport, secret,
// worker size) only take effect after a restart: see RestartNeeded.
func Watch(path string, logger *slog.Logger, apply func(*Config) error, reject func(error)) error {
	v := viper.New()
	v.SetConfigFile(path)
	v.SetConfigType("yaml")
	if err := v.ReadInConfig(); err != nil {
		return err
	}
	// An editor may save in several writes, the first of which empties
	// the file: reload once the writes have settled, and never from an
	// empty file (it would read as all defaults).
	var mu sync.Mutex
	var settle *time.Timer
	reload := func() {
		cfg, err := loadNonEmpty(path)
		if err == nil {
			err = apply(cfg)
		}
		if err != nil {
			reject(err)
		}
	}
	v.OnConfigChange(func(fsnotify.Event) {
		mu.Lock()
		defer mu.Unlock()
		if settle != nil {
			settle.Stop()
		}
		settle = time.AfterFunc(settleDelay, reload)
	})
	v.WatchConfig()
	logger.Info("watching the configuration file for changes", "file", path)
	return nil
}

// RestartNeeded lists the settings that differ between old and new but
// are read only at start-up.
func RestartNeeded(old, new *Config) []string {
	var keys []string
	add := func(changed bool, key string) {
		if changed {
			keys = append(keys, key)
		}
	}
	add(old.Listen != new.Listen, "listen")
	add(old.Secret != new.Secret || old.SecretPrevious != new.SecretPrevious, "secret")
	add(!old.Redis.SameAs(new.Redis), "redis")
	add(old.MailMode() != new.MailMode() || old.Mail.SMTP != new.Mail.SMTP || old.Mail.OutboxDir != new.Mail.OutboxDir, "mail.smtp")
	add(old.Worker != new.Worker, "worker")
	add(old.Log != new.Log, "log")
	return keys
}

// settleDelay is how long a changed file must stay unchanged before it is
// read again.
const settleDelay = 300 * time.Millisecond

// loadNonEmpty is Load that refuses an empty file.
func loadNonEmpty(path string) (*Config, error) {
	if info, err := os.Stat(path); err == nil && info.Size() == 0 {
		return nil, Problems{{Key: "config", Msg: path + " is empty"}}
	}
	return Load(path)
}
