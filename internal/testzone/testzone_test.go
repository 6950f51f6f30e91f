package testzone

import (
	"slices"
	"testing"
)

func TestIDs(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"Tuesday 1 December 2026, 09:00 (America/New_York)", []string{"America/New_York"}},
		{"in America/Argentina/Buenos_Aires time", []string{"America/Argentina/Buenos_Aires"}},
		{"<p>Etc/GMT+5</p>", []string{"Etc/GMT+5"}},
		{`<option value="Europe/London">UK time (London)</option>`, nil},
		{"Tuesday 1 December 2026, 09:00 (Eastern Time)", nil},
		{"https://book.example.org/book", nil},
	} {
		if got := IDs(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("IDs(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
