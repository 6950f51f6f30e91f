package locale

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func builtinFiles(t *testing.T) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	paths, _ := filepath.Glob("../templates/locales/*.yaml")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(p)] = b
	}
	return files
}

func TestDatesInEachLanguage(t *testing.T) {
	c, err := Load([]string{"en", "es", "de"}, builtinFiles(t))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 3, 14, 30, 0, 0, time.UTC)
	tests := []struct{ lang, date, time, short string }{
		{"en", "Thursday 3 December 2026", "14:30", "Thu 3 Dec at 14:30"},
		{"es", "jueves, 3 de diciembre de 2026", "14:30", "jue 3 dic, 14:30"},
		{"de", "Donnerstag, 3. Dezember 2026", "14:30", "Do 3. Dez, 14:30"},
	}
	for _, tt := range tests {
		l := c.For(tt.lang)
		if got := l.Date(at); got != tt.date {
			t.Errorf("%s date = %q, want %q", tt.lang, got, tt.date)
		}
		if got := l.Time(at); got != tt.time {
			t.Errorf("%s time = %q, want %q", tt.lang, got, tt.time)
		}
		if got := l.Short(at); got != tt.short {
			t.Errorf("%s short = %q, want %q", tt.lang, got, tt.short)
		}
	}
}

func TestLanguageChoice(t *testing.T) {
	c, err := Load([]string{"en", "es"}, builtinFiles(t))
	if err != nil {
		t.Fatal(err)
	}
	for header, want := range map[string]string{
		"es-MX,es;q=0.9,en;q=0.8": "es",
		"es-419":                  "es",
		"fr-FR,fr;q=0.9":          "en", // not offered: the default
		"de, es;q=0.5":            "es",
		"":                        "en",
		"@@@":                     "en",
		"en-GB":                   "en",
	} {
		if got := c.FromAcceptLanguage(header); got != want {
			t.Errorf("Accept-Language %q → %q, want %q", header, got, want)
		}
	}
	for code, want := range map[string]string{"es": "es", "ES": "es", "es-MX": "es", "en-US": "en"} {
		if got, ok := c.Supported(code); !ok || got != want {
			t.Errorf("Supported(%q) = %q %v, want %q", code, got, ok, want)
		}
	}
	for _, code := range []string{"", "fr", "klingon!", "de"} {
		if got, ok := c.Supported(code); ok {
			t.Errorf("Supported(%q) = %q, want not offered", code, got)
		}
	}
}

// A catalog may lack keys: each falls back to the default language, and
// Missing names them for check-config.
func TestFallbackKeyByKey(t *testing.T) {
	files := builtinFiles(t)
	files["fr.yaml"] = []byte("language.name: \"Français\"\nformat.names: \"fr_FR\"\n")
	c, err := Load([]string{"en", "fr"}, files)
	if err != nil {
		t.Fatal(err)
	}
	fr := c.For("fr")
	if got := fr.T("language.name"); got != "Français" {
		t.Errorf("fr language.name = %q", got)
	}
	if got := fr.T("format.time"); got != "15:04" {
		t.Errorf("a key fr lacks: %q, want the English one", got)
	}
	if got := fr.Date(time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)); got != "jeudi 3 décembre 2026" {
		t.Errorf("fr date with the English layout and French names = %q", got)
	}
	if missing := c.Missing("fr"); !slices.Contains(missing, "format.date") || slices.Contains(missing, "language.name") || slices.Contains(missing, "format.names") {
		t.Errorf("Missing(fr) = %v", missing)
	}
	if missing := c.Missing("en"); len(missing) != 0 {
		t.Errorf("Missing(en) = %v", missing)
	}
	if got := fr.T("no.such.key"); got != "no.such.key" {
		t.Errorf("an unknown key = %q", got)
	}
}

func TestLoadProblems(t *testing.T) {
	files := builtinFiles(t)
	for _, tt := range []struct {
		offered []string
		want    string
	}{
		{nil, "no language offered"},
		{[]string{"en", "pt"}, `languages[1] "pt" has no catalog (pt.yaml)`},
		{[]string{"en", "not a code"}, `languages[1] "not a code" is not a language code`},
	} {
		if _, err := Load(tt.offered, files); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Load(%v) = %v, want %q", tt.offered, err, tt.want)
		}
	}
	bad := map[string][]byte{"en.yaml": []byte("format.date: [unclosed")}
	if _, err := Load([]string{"en"}, bad); err == nil || !strings.Contains(err.Error(), "en.yaml") {
		t.Errorf("a broken catalog: %v", err)
	}
}

func TestWhenAndZonesInEachLanguage(t *testing.T) {
	c, err := Load([]string{"en", "es", "de"}, builtinFiles(t))
	if err != nil {
		t.Fatal(err)
	}
	ny, _ := time.LoadLocation("America/New_York")
	ba, _ := time.LoadLocation("America/Argentina/Buenos_Aires")
	fixed, _ := time.LoadLocation("Etc/GMT+5")
	// The afternoon of the day New York's clocks went back.
	start := time.Date(2026, 11, 1, 14, 30, 0, 0, ny)
	end := start.Add(50 * time.Minute)
	tests := []struct {
		lang string
		loc  *time.Location
		want string
	}{
		{"en", ny, "Sunday 1 November 2026, 14:30–15:20 (Eastern Time)"},
		{"es", ny, "domingo, 1 de noviembre de 2026, de 14:30 a 15:20 (hora del Este)"},
		{"de", ny, "Sonntag, 1. November 2026, 14:30–15:20 Uhr (US-Ostküstenzeit)"},
		{"es", ba, "domingo, 1 de noviembre de 2026, de 16:30 a 17:20 (hora de Buenos Aires)"},
		{"es", fixed, "domingo, 1 de noviembre de 2026, de 14:30 a 15:20 (UTC−05:00)"},
		{"de", ba, "Sonntag, 1. November 2026, 16:30–17:20 Uhr (Zeit in Buenos Aires)"},
		{"es", time.UTC, "domingo, 1 de noviembre de 2026, de 19:30 a 20:20 (UTC)"},
	}
	for _, tt := range tests {
		if got := c.For(tt.lang).When(start, end, tt.loc); got != tt.want {
			t.Errorf("%s in %s:\n got %q\nwant %q", tt.lang, tt.loc, got, tt.want)
		}
	}
	// A shared clock the German catalog does not name is said in English.
	if got := c.For("de").Zone(time.UTC, start); got != "UTC" {
		t.Errorf("de UTC = %q", got)
	}
	chicago, _ := time.LoadLocation("America/Chicago")
	if got := c.For("de").Zone(chicago, start); got != "Central Time" {
		t.Errorf("de Chicago = %q, want the English name", got)
	}
}

func TestPluralAndDay(t *testing.T) {
	c, err := Load([]string{"en", "es", "de"}, builtinFiles(t))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 3, 14, 30, 0, 0, time.UTC)
	tests := []struct{ lang, one, many, day string }{
		{"en", "1 hour", "3 hours", "Thu 3 Dec"},
		{"es", "1 hora", "3 horas", "jue 3 dic"},
		{"de", "1 hour", "3 hours", "Do 3. Dez"}, // German has no when.hours: English
	}
	for _, tt := range tests {
		l := c.For(tt.lang)
		if got := l.Plural("when.hours", 1); got != tt.one {
			t.Errorf("%s one = %q, want %q", tt.lang, got, tt.one)
		}
		if got := l.Plural("when.hours", 3); got != tt.many {
			t.Errorf("%s other = %q, want %q", tt.lang, got, tt.many)
		}
		if got := l.Day(at); got != tt.day {
			t.Errorf("%s day = %q, want %q", tt.lang, got, tt.day)
		}
	}
	if got := c.For("en").Plural("no.such.key", 2); got != "no.such.key" {
		t.Errorf("an unknown key = %q", got)
	}
}

// A place the catalog names is said in its language; one it does not
// name, as the tz ID has it.
func TestPlacesInEachLanguage(t *testing.T) {
	c, err := Load([]string{"en", "es", "de"}, builtinFiles(t))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 3, 14, 30, 0, 0, time.UTC)
	for _, tt := range []struct{ lang, zone, want string }{
		{"es", "America/Mexico_City", "hora de Ciudad de México"},
		{"es", "America/Bogota", "hora de Bogotá"},
		{"es", "America/Lima", "hora de Lima"},
		{"en", "America/Mexico_City", "Mexico City time"},
		{"de", "America/Mexico_City", "Zeit in Mexico City"},
	} {
		loc, err := time.LoadLocation(tt.zone)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.For(tt.lang).Zone(loc, at); got != tt.want {
			t.Errorf("%s %s = %q, want %q", tt.lang, tt.zone, got, tt.want)
		}
	}
}

func TestWhenAcrossDST(t *testing.T) {
	en := func() *Localizer {
		c, err := Load([]string{"en"}, builtinFiles(t))
		if err != nil {
			t.Fatal(err)
		}
		return c.For("en")
	}()
	ny, _ := time.LoadLocation("America/New_York")
	london, _ := time.LoadLocation("Europe/London")
	tests := []struct {
		desc  string
		start time.Time
		loc   *time.Location
		want  string
	}{
		{"afternoon before fall-back", time.Date(2026, 10, 30, 18, 0, 0, 0, time.UTC), ny, "Friday 30 October 2026, 14:00–14:50 (Eastern Time)"},
		{"afternoon after fall-back", time.Date(2026, 11, 2, 19, 0, 0, 0, time.UTC), ny, "Monday 2 November 2026, 14:00–14:50 (Eastern Time)"},
		{"afternoon after spring-forward", time.Date(2026, 3, 9, 18, 0, 0, 0, time.UTC), ny, "Monday 9 March 2026, 14:00–14:50 (Eastern Time)"},
		{"London in summer time", time.Date(2026, 3, 30, 13, 0, 0, 0, time.UTC), london, "Monday 30 March 2026, 14:00–14:50 (UK time)"},
	}
	for _, tt := range tests {
		if got := en.When(tt.start, tt.start.Add(50*time.Minute), tt.loc); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.desc, got, tt.want)
		}
	}
}

// The practice's own words are kept as written unless the catalog gives
// that very text, so a translation never lands on other words.
func TestConfiguredTexts(t *testing.T) {
	files := builtinFiles(t)
	c, err := Load([]string{"en", "es"}, files)
	if err != nil {
		t.Fatal(err)
	}
	es, en := c.For("es"), c.For("en")
	for text, want := range map[string]string{
		"Free consultation":   "Consulta gratuita",
		"Counselling session": "Counselling session", // not in the catalog: as written
		"":                    "",
	} {
		if got := es.Configured(text); got != want {
			t.Errorf("es %q = %q, want %q", text, got, want)
		}
	}
	if got := en.Configured("Free consultation"); got != "Free consultation" {
		t.Errorf("en = %q", got)
	}
}
