package config

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestLoadEditedRefusesAnEmptyFile: an editor's first write may empty the
// file; read as it is, it would put all defaults in force.
func TestLoadEditedRefusesAnEmptyFile(t *testing.T) {
	path := writeFile(t, "")
	if _, err := Load(path); err != nil {
		t.Fatalf("Load of an empty file (defaults, at start-up): %v", err)
	}
	_, err := LoadEdited(path)
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Key != "config" || !strings.Contains(ps[0].Msg, "is empty") {
		t.Fatalf("LoadEdited of an empty file: %v, want one problem of key config saying it is empty", err)
	}
	if _, err := LoadEdited(writeFile(t, "listen: 127.0.0.1:9000\n")); err != nil {
		t.Fatalf("LoadEdited of a good file: %v", err)
	}
}

// TestRestartNeeded names the settings read only at start-up and nothing
// that a reload puts in force (hours, calendar feeds).
func TestRestartNeeded(t *testing.T) {
	old, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	changed := *old
	changed.Listen = "127.0.0.1:9999"
	changed.Worker.Concurrency++
	changed.Therapists = slices.Clone(old.Therapists)
	changed.Therapists[0].BusyICS = []Secret{"https://calendar.example.org/private.ics"}
	changed.Feeds.Refresh *= 2
	if got := RestartNeeded(old, &changed); !slices.Equal(got, []string{"listen", "worker"}) {
		t.Errorf("RestartNeeded = %v, want [listen worker]", got)
	}
	if got := RestartNeeded(old, old); len(got) != 0 {
		t.Errorf("RestartNeeded of an unchanged configuration = %v", got)
	}
}
