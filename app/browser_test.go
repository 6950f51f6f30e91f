package app

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath is where Debian's chromium package puts the browser (make
// test installs it).
const chromiumPath = "/usr/bin/chromium"

// browserZone is the visitor's zone; the service's therapist is in New York,
// so the page must relabel its times for this to show on the confirmation.
const browserZone = "Europe/London"

// newBrowser starts a headless chromium with a fresh profile that lives as
// long as the test, its clock in browserZone.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	return newBrowserIn(t, browserZone)
}

// newBrowserIn is newBrowser with its clock in zone.
func newBrowserIn(t *testing.T, zone string) context.Context {
	t.Helper()
	if _, err := exec.LookPath(chromiumPath); err != nil {
		t.Fatalf("no chromium at %s (%v): run make test (it installs chromium)", chromiumPath, err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// A full-page screenshot lays the page out without a scrollbar but
		// clips it to the width left beside one; without scrollbars the
		// picture is the page as a phone shows it.
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Env("TZ=" + zone),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 20*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	return ctx
}

func TestBrowserBooksFromThePage(t *testing.T) {
	e := startEnv(t, nil)
	ctx := newBrowser(t)
	// The page as a phone and a desktop show it, kept for a look by eye.
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(e.base+"/book"),
		chromedp.WaitVisible(chromedp.ID("zone-picker")), // book.js has run
	); err != nil {
		t.Fatalf("open the booking page: %v", err)
	}
	shoot(t, ctx, "/tmp/consultd-book-phone.png")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	shoot(t, ctx, "/tmp/consultd-book-desktop.png")

	zone, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("timezone")))
	if err != nil {
		t.Fatal(err)
	}
	if zone != browserZone {
		t.Errorf("the form's timezone is %q, want the browser's %s", zone, browserZone)
	}
	if named, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("zone-name"))); err != nil || named != "UK time" {
		t.Errorf("the page names the browser's zone %q (%v), want UK time", named, err)
	}
	// The script writes the times on the clock the server writes them
	// on in this language (24-hour in English, as the emails do).
	if label, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".slot label"))); err != nil || !regexp.MustCompile(`^\d\d:\d\d$`).MatchString(label) {
		t.Errorf("the first time reads %q (%v), want a 24-hour time such as 09:00", label, err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(".slot label")),
		chromedp.SendKeys(chromedp.ID("name"), "Sam Lee"),
		chromedp.SendKeys(chromedp.ID("email"), "sam@example.org"),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "Your time is booked")]`)),
	); err != nil {
		t.Fatalf("book in the browser: %v\nlogs:\n%s", err, e.logs)
	}
	confirmation, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(confirmation, "(UK time)") || !strings.Contains(confirmation, "sam@example.org") {
		t.Errorf("the confirmation does not give the time in the browser's zone to sam@example.org:\n%s", confirmation)
	}
	invited := false
	for _, m := range e.smtp.WaitFor(t, 2, 10*time.Second) {
		invited = invited || len(m.To) == 1 && m.To[0] == "sam@example.org" && strings.Contains(string(m.Data), "text/calendar")
	}
	if !invited {
		t.Error("no invitation with a calendar part reached sam@example.org")
	}
	for _, private := range []string{"Sam Lee", "sam@example.org"} {
		if strings.Contains(e.logs.String(), private) {
			t.Errorf("the logs carry %q", private)
		}
	}
}

// TestBrowserNamesAZoneItDoesNotList: a visitor whose zone the picker does
// not list sees it named as the emails will name it (the page asks the
// server), and offered first as this device's.
func TestBrowserNamesAZoneItDoesNotList(t *testing.T) {
	e := startEnv(t, nil)
	ctx := newBrowserIn(t, "America/Argentina/Buenos_Aires")
	if err := chromedp.Do(ctx,
		chromedp.Navigate(e.base+"/book"),
		chromedp.WaitVisible(chromedp.ID("zone-picker")),
	); err != nil {
		t.Fatalf("open the booking page: %v", err)
	}
	named, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("zone-name")))
	if err != nil || named != "Buenos Aires time" {
		t.Errorf("the page names the zone %q (%v), want Buenos Aires time", named, err)
	}
	first, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS("#zone-select option:first-child")))
	if err != nil || first != "Buenos Aires time (this device)" {
		t.Errorf("the picker offers first %q (%v)", first, err)
	}
	zone, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("timezone")))
	if err != nil || !strings.HasSuffix(zone, "/Buenos_Aires") {
		t.Errorf("the form's timezone is %q (%v)", zone, err)
	}
}

// shoot saves a full-page PNG of the tab.
func shoot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("screenshot: %v", err)
	}
}
