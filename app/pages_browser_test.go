package app

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/consultd/consultd/config"
)

// browserProblems collects what a visitor's browser would complain of:
// console errors, uncaught exceptions, error entries of its log, failed
// requests and answers of 400 or more.
type browserProblems struct {
	mu   sync.Mutex
	list []string
}

func (p *browserProblems) add(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.list = append(p.list, fmt.Sprintf(format, args...))
}

func (p *browserProblems) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.list
	p.list = nil
	return out
}

// watchBrowser records the problems of the tab from now on.
func watchBrowser(t *testing.T, ctx context.Context) *browserProblems {
	t.Helper()
	p := &browserProblems{}
	err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert || e.Type == runtime.ConsoleAPICalledTypeWarning {
				p.add("console %s", e.Type)
			}
		case *runtime.EventExceptionThrown:
			p.add("exception: %s", e.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError || e.Entry.Level == log.EntryLevelWarning {
				p.add("browser log %s: %s %s", e.Entry.Level, e.Entry.Text, e.Entry.URL)
			}
		case *network.EventLoadingFailed:
			p.add("request failed: %s", e.ErrorText)
		case *network.EventResponseReceived:
			if e.Response.Status >= 400 {
				p.add("%d for %s", e.Response.Status, e.Response.URL)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// pageChecks is run in the page: every form control a person uses has a
// label (or a button its text), there is one main landmark and one h1,
// and headings do not skip a level. It returns what is wrong.
const pageChecks = `(() => {
  const bad = [];
  for (const el of document.querySelectorAll("input, select, textarea, button")) {
    if (el.type === "hidden") continue;
    const named = (el.labels && el.labels.length > 0 && el.labels[0].textContent.trim() !== "") ||
      el.getAttribute("aria-label") || el.getAttribute("aria-labelledby") ||
      (el.tagName === "BUTTON" && el.textContent.trim() !== "");
    if (!named) bad.push("no label: " + el.outerHTML.slice(0, 80));
  }
  if (document.querySelectorAll("main").length !== 1) bad.push("main landmarks: " + document.querySelectorAll("main").length);
  if (document.querySelectorAll("h1").length !== 1) bad.push("h1 headings: " + document.querySelectorAll("h1").length);
  let level = 1;
  for (const h of document.querySelectorAll("h1, h2, h3, h4")) {
    const l = Number(h.tagName[1]);
    if (l > level + 1) bad.push("heading skips a level: " + h.textContent.trim());
    level = l;
  }
  if (!document.documentElement.lang) bad.push("no lang on html");
  if (document.documentElement.scrollWidth > window.innerWidth) bad.push("wider than the screen: " + document.documentElement.scrollWidth);
  return bad;
})()`

// TestBrowserPagesAreCleanAndLabelled opens the booking page, the manage
// page and its cancel step, and the admin days page at a phone's width
// and a desktop's, as a visitor's browser shows them: nothing may land in
// the console, no request may fail, every control is labelled, and the
// booking page carries the crisis line. With CONSULTD_SHOTS set to a
// folder, each page is kept there as a screenshot for a look by eye.
func TestBrowserPagesAreCleanAndLabelled(t *testing.T) {
	e := startEnv(t, func(c *config.Config) {
		c.Practice.About = "A small practice by the river."
		c.Practice.Contact = "Phone (555) 010-2030"
		c.Practice.Emergency = "In the US, call or text 988 (Suicide & Crisis Lifeline). In an emergency call 911."
		c.Admin.User, c.Admin.Password = "admin", "correct-horse-battery-staple"
	})
	all := firstSlots(t, e.base, "session")
	var b bookingAnswer
	if code := do(t, "POST", e.base+"/api/bookings", bookingBody("session", all.Slots[slotAfter(t, all, 48*time.Hour)].Start, "Sam Lee", "sam@example.org"), &b); code != 201 {
		t.Fatalf("booking = %d %+v", code, b)
	}
	manage := e.base + "/m/" + tokenOf(b.ManageURL)
	pages := []struct {
		name, url string
		admin     bool
		check     func(t *testing.T, ctx context.Context)
	}{
		{"book", e.base + "/", false, func(t *testing.T, ctx context.Context) {
			crisis, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("aside.crisis")))
			if err != nil || !strings.Contains(crisis, e.cfg.Practice.Emergency) {
				t.Errorf("the crisis line is not on the page: %q %v", crisis, err)
			}
			// The summary beside the button says the time chosen.
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".slot label"))); err != nil {
				t.Fatal(err)
			}
			label, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".slot label")))
			summary, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("summary-time")))
			if label == "" || !strings.HasSuffix(summary, " at "+label) {
				t.Errorf("after choosing %q the summary says %q", label, summary)
			}
		}},
		{"manage", manage, false, nil},
		{"cancel", manage + "?cancel=1", false, func(t *testing.T, ctx context.Context) {
			heading, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
			if heading != "Cancel this appointment?" {
				t.Errorf("the cancel step's heading is %q", heading)
			}
		}},
		{"admin-days", e.base + "/admin/", true, nil},
	}
	shots := os.Getenv("CONSULTD_SHOTS")
	for _, pg := range pages {
		t.Run(pg.name, func(t *testing.T) {
			ctx := newBrowser(t)
			problems := watchBrowser(t, ctx)
			if pg.admin {
				auth := base64.StdEncoding.EncodeToString([]byte(e.cfg.Admin.User + ":" + e.cfg.Admin.Password.Reveal()))
				if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
					_, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders,
						network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Authorization": "Basic " + auth}})
					return err
				})); err != nil {
					t.Fatal(err)
				}
			}
			for _, width := range []int64{390, 1280} {
				if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 844), chromedp.Navigate(pg.url)); err != nil {
					t.Fatalf("open %s: %v", pg.url, err)
				}
				bad, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](pageChecks))
				if err != nil {
					t.Fatal(err)
				}
				for _, b := range bad {
					t.Errorf("%d px: %s", width, b)
				}
				if shots != "" {
					shoot(t, ctx, filepath.Join(shots, fmt.Sprintf("%s-%d.png", pg.name, width)))
				}
			}
			if pg.check != nil {
				pg.check(t, ctx)
			}
			// Let late requests (the icon) and messages arrive.
			if err := chromedp.Do(ctx, chromedp.Sleep(300*time.Millisecond)); err != nil {
				t.Fatal(err)
			}
			for _, p := range problems.take() {
				t.Errorf("the browser reports: %s", p)
			}
		})
	}
}
