package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/consultd/consultd"
)

// FuzzLoad: no configuration file makes Load panic, and whatever Load
// accepts is usable: every therapist has a zone and every session type a
// positive duration.
func FuzzLoad(f *testing.F) {
	f.Add(consultd.ExampleConfig)
	f.Add([]byte("therapists: [{id: a, name: A, email: a@example.org, timezone: UTC, weekly: {monday: [\"00:00-24:00\"]}}]"))
	f.Add([]byte("booking: {horizon: 1d12h, min_notice: 0s, slot_step: 5m}"))
	f.Add([]byte("reminders: {before: [24h, 1h]}\nmail: {smtp: {port: 70000}}"))
	f.Add([]byte("::: not yaml"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, body []byte) {
		path := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(path, body, 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := Load(path)
		if err != nil {
			return
		}
		for _, th := range cfg.Therapists {
			if th.Location() == nil {
				t.Fatalf("therapist %q accepted without a zone", th.ID)
			}
		}
		for _, st := range cfg.SessionTypes {
			if st.Duration <= 0 {
				t.Fatalf("session type %q accepted with duration %v", st.ID, st.Duration)
			}
		}
		if cfg.Booking.SlotStep <= 0 {
			t.Fatal("accepted a slot step that is not positive")
		}
	})
}
