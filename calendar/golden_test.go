package calendar

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// checkGolden compares got with testdata/<name>, or rewrites that file
// when the tests run with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./calendar -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (rerun with -update if the change is meant)\n--- got\n%s\n--- want\n%s",
			name, got, want)
	}
}

func TestICSGolden(t *testing.T) {
	request := sampleInvite(t)
	ny := request.Start.Location()

	moved := request
	moved.Sequence = 1
	moved.Stamp = time.Date(2026, 3, 4, 16, 5, 0, 0, ny)
	moved.Start = time.Date(2026, 3, 12, 15, 30, 0, 0, ny)
	moved.End = moved.Start.Add(50 * time.Minute)

	cancelled := moved
	cancelled.Sequence = 2
	cancelled.Method = MethodCancel
	cancelled.Stamp = time.Date(2026, 3, 5, 8, 0, 0, 0, ny)

	tests := []struct {
		file string
		ev   Event
	}{
		{"invite_request.ics", request},
		{"invite_update.ics", moved},
		{"invite_cancel.ics", cancelled},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := tt.ev.ICS()
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.file, got)
		})
	}
}
