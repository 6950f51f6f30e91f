package templates

import (
	"html"
	"path"
	"strings"
	"testing"
)

// spanishFor is sampleFor as the jobs package fills it for a client who
// books in Spanish: times, zones and lists in Spanish; what the practice
// configured (its name, the session type, the location, the policy) as
// configured.
func spanishFor(tb testing.TB, s *Set, name string) EmailData {
	tb.Helper()
	d := sample()
	d.L = s.Catalogs().For("es")
	d.When = "martes, 1 de diciembre de 2026, de 14:00 a 14:15 (hora del Reino Unido)"
	d.WhenShort = "mar 1 dic, 14:00"
	d.WhenTherapist = "martes, 1 de diciembre de 2026, de 09:00 a 09:15 (hora del Este)"
	d.PreviousWhen = "lunes, 30 de noviembre de 2026, de 16:00 a 16:15 (hora del Reino Unido)"
	d.Recurrence = "Cada semana, los martes a las 14:00 (hora del Reino Unido); 10 sesiones, la última el martes, 2 de febrero de 2027"
	d.Skipped = []string{"martes, 22 de diciembre de 2026", "martes, 29 de diciembre de 2026"}
	d.Expires = "jueves, 26 de noviembre de 2026, a las 14:00 (hora del Reino Unido)"
	d.ChangedBy, d.Ahead = "la consulta", "2 días y 3 horas"
	d.Message = "Hoy no me encuentro bien.\nSiento mucho avisarle con tan poca antelación."
	d.FreeTimes = []string{"miércoles, 2 de diciembre de 2026, de 14:00 a 14:15 (hora del Reino Unido)",
		"jueves, 3 de diciembre de 2026, de 15:00 a 15:15 (hora del Reino Unido)"}
	d.Sessions[1].Attendance = "no asistió"
	if strings.HasPrefix(name, "therapist_") {
		d.WhenShort = "mar 1 dic, 09:00"
		d.PreviousWhen = "lunes, 30 de noviembre de 2026, de 11:00 a 11:15 (hora del Este)"
		d.Expires = "jueves, 26 de noviembre de 2026, a las 09:00 (hora del Este)"
		if name == EmailTherapistDigest {
			d.When, d.WhenShort = "martes, 1 de diciembre de 2026", "mar 1 dic"
		}
	}
	return d
}

func loadLanguages(tb testing.TB, dir string, languages ...string) *Set {
	tb.Helper()
	s, err := Load(dir, languages...)
	if err != nil {
		tb.Fatalf("Load(%q, %v): %v", dir, languages, err)
	}
	return s
}

// Every email in Spanish, beside the English ones (testdata/es/).
func TestGoldenEmailsInSpanish(t *testing.T) {
	s := loadLanguages(t, "", "en", "es")
	for _, name := range emailNames {
		t.Run(name, func(t *testing.T) {
			e, err := s.Email(name, spanishFor(t, s, name))
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "es/"+name+".subject", e.Subject+"\n")
			golden(t, "es/"+name+".txt", e.Text)
			golden(t, "es/"+name+".html", e.HTML)
			english, err := s.Email(name, sampleFor(name))
			if err != nil {
				t.Fatal(err)
			}
			if e.Subject == english.Subject || firstLine(e.Text) == firstLine(english.Text) {
				t.Errorf("the Spanish email begins as the English one: %q, %q", e.Subject, firstLine(e.Text))
			}
		})
	}
}

func firstLine(s string) string { line, _, _ := strings.Cut(s, "\n"); return line }

// Spanish is complete: it has every key of the default catalog, so
// nothing a Spanish-speaking client reads falls back to English.
func TestSpanishHasEveryKey(t *testing.T) {
	cat := loadLanguages(t, "", "en", "es").Catalogs()
	if missing := cat.Missing("es"); len(missing) > 0 {
		t.Errorf("locales/es.yaml lacks %d keys of en.yaml: %v", len(missing), missing)
	}
}

// German is partial on purpose: what it has is German, every other key
// falls back to English, one key at a time.
func TestGermanFallsBackToEnglishKeyByKey(t *testing.T) {
	s := loadLanguages(t, "", "en", "de")
	if len(s.Catalogs().Missing("de")) == 0 {
		t.Fatal("de.yaml is complete: nothing left to show the fallback")
	}
	d := sample()
	d.L = s.Catalogs().For("de")
	e, err := s.Email(EmailInvite, d)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Termin bei Riverside Practice am Tue 1 Dec at 14:00"; e.Subject != want {
		t.Errorf("subject %q, want %q", e.Subject, want)
	}
	for _, want := range []string{
		"Guten Tag Sam Lee,", "Ihr Termin bei Riverside Practice ist gebucht.", // German keys
		"Wann:   ", // a German label, padded as the English ones
		"What:   Free consultation with Dr. Ada Rivers", // English where German has no key
		"To cancel or change the time, open this link:", "We look forward to seeing you.",
		"Herzliche Grüße\nRiverside Practice",
	} {
		if !strings.Contains(e.Text, want) {
			t.Errorf("German invite lacks %q:\n%s", want, e.Text)
		}
	}
	if !strings.Contains(e.HTML, `<html lang="de">`) || !strings.Contains(e.HTML, ">Cancel or change the time</a>") {
		t.Errorf("German HTML: lang or the English button missing")
	}
}

// Each HTML email names its language, the recipient's.
func TestHTMLLangIsTheRecipients(t *testing.T) {
	s := loadLanguages(t, "", "en", "es", "de")
	for _, lang := range []string{"en", "es", "de"} {
		for _, name := range emailNames {
			d := sample()
			d.L = s.Catalogs().For(lang)
			e, err := s.Email(name, d)
			if err != nil {
				t.Fatal(err)
			}
			if want := `<html lang="` + lang + `">`; strings.Count(e.HTML, "<html") != 1 || !strings.Contains(e.HTML, want) {
				t.Errorf("%s in %s: HTML lacks %s", name, lang, want)
			}
		}
	}
	// No localizer: the default language.
	e, _ := s.Email(EmailInvite, sample())
	if !strings.Contains(e.HTML, `<html lang="en">`) {
		t.Error("an email without a localizer is not in the default language")
	}
}

// The text part lines the details up whatever the labels' length.
func TestSpanishDetailsLineUp(t *testing.T) {
	s := loadLanguages(t, "", "en", "es")
	e, err := s.Email(EmailTherapistBooked, spanishFor(t, s, EmailTherapistBooked))
	if err != nil {
		t.Fatal(err)
	}
	want := "Cliente: Sam Lee\nTipo:    Free consultation\nCuándo:  martes, 1 de diciembre de 2026, de 09:00 a 09:15 (hora del Este)\n" +
		"         Hora del cliente: martes, 1 de diciembre de 2026, de 14:00 a 14:15 (hora del Reino Unido)\n"
	if !strings.Contains(e.Text, want) {
		t.Errorf("details:\n%s\nwant:\n%s", e.Text, want)
	}
}

// The digest's date is bold inside a sentence; the sentence and the date
// are escaped all the same.
func TestStrongEscapes(t *testing.T) {
	s := loadLanguages(t, "", "en")
	d := sample()
	d.When = `<i>Tuesday</i> & "more"`
	e, err := s.Email(EmailTherapistDigest, d)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Your sessions for <strong>&lt;i&gt;Tuesday&lt;/i&gt; &amp; &#34;more&#34;</strong>:"; !strings.Contains(e.HTML, want) {
		t.Errorf("digest HTML lacks %s", want)
	}
}

// A templates dir may replace a language's catalog (locales/es.yaml) or
// add one, and its email templates use the same keys in every language.
func TestOverridesPerLanguage(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"locales/es.yaml": "format.names: \"es_ES\"\nemail.invite.subject: \"Su cita en {{.Practice}}\"\n" +
			"email.invite.booked: \"Le esperamos en {{.Practice}}.\"\nemail.custom.sign: \"Con cariño\"\n",
		"locales/en.yaml": string(builtinCatalog(t, "en")) + "email.custom.sign: \"With care\"\n",
		"email/invite.txt": `{{define "subject"}}{{.L.T "email.invite.subject" "Practice" .Practice "When" .WhenShort}}{{end -}}` +
			"{{.L.T \"email.invite.booked\" \"Practice\" .Practice}}\n{{.L.T \"email.custom.sign\"}}\n",
	})
	s := loadLanguages(t, dir, "en", "es")
	tests := []struct{ lang, subject, text string }{
		{"es", "Su cita en Riverside Practice", "Le esperamos en Riverside Practice.\nCon cariño\n"},
		{"en", "Appointment with Riverside Practice on Tue 1 Dec at 14:00",
			"Your appointment with Riverside Practice is booked. The calendar invite in this email adds it to your calendar.\nWith care\n"},
	}
	for _, tt := range tests {
		d := sample()
		d.L = s.Catalogs().For(tt.lang)
		e, err := s.Email(EmailInvite, d)
		if err != nil {
			t.Fatal(err)
		}
		if e.Subject != tt.subject || e.Text != tt.text {
			t.Errorf("%s: %q / %q, want %q / %q", tt.lang, e.Subject, e.Text, tt.subject, tt.text)
		}
	}
	// The override replaced the built-in Spanish: what it leaves out is said
	// in English, and check-config names it.
	d := sample()
	d.L = s.Catalogs().For("es")
	e, err := s.Email(EmailCancel, d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(e.Subject, "Cancelled: appointment with") || !strings.Contains(html.UnescapeString(e.HTML), `<html lang="es">`) {
		t.Errorf("a key the override's es.yaml lacks: %q", e.Subject)
	}
	if missing := s.Catalogs().Missing("es"); len(missing) == 0 {
		t.Error("Missing(es) is empty for an override that leaves keys out")
	}
}

// A key no catalog has, or a placeholder the email does not give, stops
// Load with the file to fix, instead of reaching a client as "email.x".
func TestLoadRefusesUnknownKeysAndPlaceholders(t *testing.T) {
	tests := []struct {
		desc  string
		files map[string]string
		want  []string
	}{
		{"a typo in an override's key",
			map[string]string{"email/reminder.html": `{{define "body"}}<p>{{.L.T "email.reminder.intor" "Practice" .Practice}}</p>{{end}}`},
			[]string{"email.reminder.intor", "reminder.html"}},
		{"a typo in a shared piece",
			map[string]string{"email/layout.txt": strings.Replace(builtinText(t, "email/layout.txt"), `"email.label.when"`, `"email.label.wen"`, 1)},
			[]string{"email.label.wen", "layout.txt"}},
		{"a label with an unknown key",
			map[string]string{"email/layout.txt": strings.Replace(builtinText(t, "email/layout.txt"), `label .L "email.label.when"`, `label .L "label.when"`, 1)},
			[]string{`"label.when"`}},
		{"a catalog's placeholder the email does not give",
			map[string]string{"locales/es.yaml": strings.Replace(builtinText(t, "locales/es.yaml"), "{{.Practice}}.", "{{.Practica}}.", 1)},
			[]string{"reminder", "es", "<no value>"}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			_, err := Load(writeDir(t, tt.files), "en", "es")
			if err == nil {
				t.Fatal("Load succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func builtinText(tb testing.TB, p string) string {
	tb.Helper()
	b, err := builtin.ReadFile(p)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func builtinCatalog(tb testing.TB, lang string) []byte {
	return []byte(builtinText(tb, path.Join("locales", lang+".yaml")))
}
