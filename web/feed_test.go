package web

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"
)

func (e *pageEnv) feedPath(t *testing.T, gen int64) string {
	t.Helper()
	u, err := url.Parse(e.links.Feed("default", gen))
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

func TestPrivateFeed(t *testing.T) {
	e := startPageEnv(t)
	if status, _, _ := e.api(t, "POST", "/api/bookings", strings.Replace(jsonBooking(e.freeStarts(t)[0], "Sam Lee", "sam@example.org"), `}`, `,"notes":"very private"}`, 1)); status != 201 {
		t.Fatal("booking failed")
	}
	p := e.get(t, e.feedPath(t, 0))
	if p.status != 200 || !strings.HasPrefix(p.header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("feed = %d %v", p.status, p.header)
	}
	contains(t, p, "BEGIN:VCALENDAR", "SUMMARY:S. L. · Free consultation", "STATUS:TENTATIVE", "CLASS:PRIVATE")
	for _, secret := range []string{"sam@example.org", "Sam Lee", "very private"} {
		if strings.Contains(p.body, secret) {
			t.Errorf("the feed carries %q", secret)
		}
	}
	for desc, path := range map[string]string{
		"no suffix":   strings.TrimSuffix(e.feedPath(t, 0), ".ics"),
		"forged":      strings.Replace(e.feedPath(t, 0), ".ics", "x.ics", 1),
		"other token": "/feed/" + e.signer.Sign("manage", "default.0", time.Now().Add(time.Hour)) + ".ics",
		"unknown":     "/feed/" + e.signer.Sign("feed", "nobody.0", time.Now().Add(time.Hour)) + ".ics",
	} {
		if p := e.get(t, path); p.status != 404 {
			t.Errorf("%s: %d, want 404", desc, p.status)
		}
	}
	gen, err := e.store.RotateFeed(context.Background(), "default")
	if err != nil {
		t.Fatal(err)
	}
	if p := e.get(t, e.feedPath(t, 0)); p.status != 404 {
		t.Errorf("a revoked feed answers %d", p.status)
	}
	if p := e.get(t, e.feedPath(t, gen)); p.status != 200 {
		t.Errorf("the new feed answers %d", p.status)
	}
}
