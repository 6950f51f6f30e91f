package calendar

import (
	"testing"
	"time"
)

func TestLoadZone(t *testing.T) {
	for _, name := range []string{"", "Local", "local", "Mars/Base"} {
		if _, err := LoadZone(name); err == nil {
			t.Errorf("LoadZone(%q) accepted", name)
		}
	}
	a, err := LoadZone("Europe/London")
	b, _ := LoadZone("Europe/London")
	if err != nil || a != b || a.String() != "Europe/London" {
		t.Fatalf("LoadZone = %v, %v; cached %v", a, err, b)
	}
	if got := ZoneOr("", time.UTC); got != time.UTC {
		t.Errorf("ZoneOr empty = %v", got)
	}
	if got := ZoneOr("Asia/Tokyo", time.UTC); got.String() != "Asia/Tokyo" {
		t.Errorf("ZoneOr = %v", got)
	}
}

func BenchmarkLoadZone(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadZone("America/New_York"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadLocationUncached(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := time.LoadLocation("America/New_York"); err != nil {
			b.Fatal(err)
		}
	}
}
