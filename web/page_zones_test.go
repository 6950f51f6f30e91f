package web

import (
	"testing"
	"time"
)

func TestZoneChoices(t *testing.T) {
	kathmandu, err := time.LoadLocation("Asia/Kathmandu")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		desc, chosen string
		wantExtra    []string // joined after the common zones, in order
		wantSelected string
	}{
		{"nothing chosen", "", []string{"Asia/Kathmandu"}, ""},
		{"a common zone", "Europe/Paris", []string{"Asia/Kathmandu"}, "Europe/Paris"},
		{"a rarer zone", "America/Argentina/Buenos_Aires", []string{"Asia/Kathmandu", "America/Argentina/Buenos_Aires"}, "America/Argentina/Buenos_Aires"},
		{"no such zone", "Mars/Olympus", []string{"Asia/Kathmandu"}, ""},
		{"the server's own zone", "Local", []string{"Asia/Kathmandu"}, ""},
		{"a path", "../../etc/passwd", []string{"Asia/Kathmandu"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			got := zoneChoices(kathmandu, tc.chosen)
			if len(got) != len(commonZones)+len(tc.wantExtra) {
				t.Fatalf("%d zones, want %d", len(got), len(commonZones)+len(tc.wantExtra))
			}
			for i, z := range tc.wantExtra {
				if got[len(commonZones)+i].Value != z {
					t.Errorf("extra zone %d = %s, want %s", i, got[len(commonZones)+i].Value, z)
				}
			}
			selected := ""
			for _, c := range got {
				if c.Selected {
					selected += c.Value
				}
			}
			if selected != tc.wantSelected {
				t.Errorf("selected %q, want %q", selected, tc.wantSelected)
			}
		})
	}
	if got := zoneChoices(kathmandu, "America/Argentina/Buenos_Aires"); got[len(got)-1].Label != "America/Argentina/Buenos Aires" {
		t.Errorf("label %q, want the underscore shown as a space", got[len(got)-1].Label)
	}
}
