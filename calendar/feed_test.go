package calendar

import (
	"strings"
	"testing"
	"time"
)

func TestInitials(t *testing.T) {
	for in, want := range map[string]string{"Sam Lee": "S. L.", "  zoë  ": "z.", "": "?", "Ada Rivers-Smith Jr": "A. R. J."} {
		if got := Initials(in); got != want {
			t.Errorf("Initials(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFeedICS(t *testing.T) {
	stamp := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	empty, err := FeedICS("Riverside Practice", nil, stamp)
	if err != nil || !strings.Contains(string(empty), "X-WR-CALNAME:Riverside Practice") {
		t.Fatalf("empty feed: %v\n%s", err, empty)
	}
	start := time.Date(2026, 11, 2, 19, 0, 0, 0, time.UTC)
	data, err := FeedICS("Riverside", []FeedEvent{{UID: "feed-a@x", Start: start, End: start.Add(50 * time.Minute), Summary: "S. L. · Session", Tentative: true}}, stamp)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"DTSTART:20261102T190000Z", "STATUS:TENTATIVE", "REFRESH-INTERVAL;VALUE=DURATION:PT15M", "\r\n"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("feed lacks %q:\n%s", want, data)
		}
	}
	if strings.Contains(string(data), "METHOD") {
		t.Error("a published feed carries a METHOD")
	}
}
