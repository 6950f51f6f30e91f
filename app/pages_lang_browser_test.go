package app

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/consultd/consultd/config"
)

// spanishDay is a day as the Spanish page heads it, by the server or by
// the script's Intl: "jueves, 3 de diciembre".
var spanishDay = regexp.MustCompile(`^(lunes|martes|miércoles|jueves|viernes|sábado|domingo), \d{1,2} de (enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)$`)

// TestBrowserBooksInSpanish: a browser set to Mexican Spanish, in a zone
// the page does not list, gets the booking page in Spanish with scripts
// on (the script's day labels, counts, summary and zone name too), books
// through it, and the booking is stored in Spanish, so its manage page
// and cancel step are Spanish as well. Each page passes the same checks as
// the English ones: nothing in the console, every control labelled, one
// h1, no wider than a phone. With CONSULTD_SHOTS set to a folder, the
// pages at 390 px are kept there.
func TestBrowserBooksInSpanish(t *testing.T) {
	e := startEnv(t, func(c *config.Config) { c.Languages = []string{"en", "es"} })
	ctx := newBrowserIn(t, "America/Argentina/Buenos_Aires")
	problems := watchBrowser(t, ctx)
	// Headless Chromium sends Accept-Language: en-US whatever its flags
	// say; a browser set to Mexican Spanish sends this.
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders,
			network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	shots := os.Getenv("CONSULTD_SHOTS")
	checked := func(name string) {
		t.Helper()
		bad, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](pageChecks))
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range bad {
			t.Errorf("%s: %s", name, b)
		}
		if lang, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("document.documentElement.lang")); lang != "es" {
			t.Errorf("%s: lang=%q, want es", name, lang)
		}
		if shots != "" {
			shoot(t, ctx, filepath.Join(shots, name+"-es-390.png"))
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}

	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(e.base+"/book"),
		chromedp.WaitVisible(chromedp.ID("zone-picker")), // book.js has run and named the zone
	); err != nil {
		t.Fatalf("open the booking page: %v", err)
	}
	checked("book")
	for sel, want := range map[string]string{
		"h1": "Reserve una cita con Riverside Practice", "legend": "Elija una hora", "#zone-name": "hora de Buenos Aires",
		`label[for="email"]`: "Su correo electrónico", `button[type="submit"]`: "Reservar esta hora",
	} {
		if got := text(sel); got != want {
			t.Errorf("%s = %q, want %q", sel, got, want)
		}
	}
	if day := text(".day-label"); !spanishDay.MatchString(day) {
		t.Errorf("the script heads the first day %q, want a Spanish day", day)
	}
	if count := text(".day-count"); !regexp.MustCompile(`^\d+ horarios?$`).MatchString(count) {
		t.Errorf("the script counts the day's times as %q", count)
	}
	if first, _ := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS("#zone-select option:first-child"))); first != "hora de Buenos Aires (este dispositivo)" {
		t.Errorf("the picker offers first %q", first)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".slot label"))); err != nil {
		t.Fatal(err)
	}
	label, day := text(".slot label"), text(".day-label")
	if summary := text("#summary-time"); summary != day+", a las "+label {
		t.Errorf("after choosing %q on %q the summary says %q", label, day, summary)
	}

	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("name"), "Sam Lee"),
		chromedp.SendKeys(chromedp.ID("email"), "sam@example.org"),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "Su cita está reservada")]`)),
	); err != nil {
		t.Fatalf("book in the browser: %v\nlogs:\n%s", err, e.logs)
	}
	checked("booked")
	if main := text("main"); !strings.Contains(main, "(hora de Buenos Aires)") || !strings.Contains(main, " de 20") {
		t.Errorf("the confirmation does not give the time in Spanish in the browser's zone:\n%s", main)
	}
	href, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`main a[href*="/m/"]`), "href"))
	if err != nil {
		t.Fatalf("no manage link on the confirmation: %v", err)
	}
	tok := tokenOf(href.Value)
	var stored struct{ Language string }
	if code := do(t, "GET", e.base+"/api/manage/"+tok, "", &stored); code != 200 || stored.Language != "es" {
		t.Fatalf("the stored booking = %d, language %q, want es", code, stored.Language)
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(e.base+"/m/"+tok)); err != nil {
		t.Fatal(err)
	}
	checked("manage")
	if h := text("h1"); h != "Su cita con Riverside Practice" {
		t.Errorf("the manage page's heading is %q", h)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(e.base+"/m/"+tok+"?cancel=1")); err != nil {
		t.Fatal(err)
	}
	checked("cancel")
	for sel, want := range map[string]string{"h1": "¿Cancelar esta cita?", `label[for="reason"]`: "¿Quiere contarle a su terapeuta el motivo?",
		`button[type="submit"]`: "Sí, cancelar mi cita"} {
		if got := text(sel); got != want {
			t.Errorf("cancel step %s = %q, want %q", sel, got, want)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	for _, p := range problems.take() {
		t.Errorf("the browser reports: %s", p)
	}
}
