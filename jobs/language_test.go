package jobs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/consultd/consultd/internal/testical"
	"github.com/consultd/consultd/internal/testzone"
	"github.com/consultd/consultd/templates"
)

// Every email the service sends, for a client who booked in Spanish and a
// therapist whose own language is Spanish too (testdata/es/).
func TestEveryEmailInSpanishGolden(t *testing.T) {
	c := spanishComposer(t)
	c.cfg.Therapists[0].Language = "es"
	english := everyEmail(t, testComposer(t), "")
	for name, m := range everyEmail(t, c, "es") {
		t.Run(name, func(t *testing.T) {
			if !strings.Contains(m.HTML, `<html lang="es">`) {
				t.Error(`HTML lacks lang="es"`)
			}
			if m.Subject == english[name].Subject {
				t.Errorf("the subject is the English one: %q", m.Subject)
			}
			if ids := testzone.IDs(m.Subject + m.Text + m.HTML); len(ids) > 0 {
				t.Errorf("names zones by their tz ID: %q", ids)
			}
			checkGolden(t, filepath.Join("es", name+".golden"), describe(m))
		})
	}
}

// The client reads their emails in their language, the therapist theirs:
// a Spanish client's invite is Spanish, the therapist's notice of the same
// booking English, each with its zone's name in its language.
func TestEachRecipientInTheirLanguage(t *testing.T) {
	msgs := everyEmail(t, spanishComposer(t), "es")
	for name, m := range msgs {
		toTherapist := strings.HasPrefix(name, "therapist_") || strings.HasPrefix(name, "video_therapist_")
		lang, zone, hello := "es", "(hora del Reino Unido)", "Hola, Sam Lee:"
		if toTherapist {
			lang, zone, hello = "en", "(Eastern Time)", "Hello Dr. Ada Rivers,"
		}
		if name == "reflection" {
			hello = "Hola, Sam:"
		}
		if !strings.Contains(m.HTML, `<html lang="`+lang+`">`) {
			t.Errorf("%s: HTML is not lang=%q", name, lang)
		}
		if first, _, _ := strings.Cut(m.Text, "\n"); first != hello {
			t.Errorf("%s: begins %q, want %q", name, first, hello)
		}
		if name != "reflection" && name != "therapist_digest" && (!strings.Contains(m.Text, zone) || !strings.Contains(m.HTML, zone)) {
			t.Errorf("%s does not say %s:\n%s", name, zone, m.Text)
		}
	}
	if s := msgs["invite"].Subject; !strings.HasPrefix(s, "Cita con Riverside Practice el ") {
		t.Errorf("invite subject %q", s)
	}
	if s := msgs["therapist_booked"].Subject; !strings.HasPrefix(s, "New booking at Riverside Practice: ") {
		t.Errorf("notice subject %q", s)
	}
	if text := msgs["therapist_cancelled"].Text; !strings.Contains(text, "cancelled by the client") {
		t.Errorf("notice of a cancel:\n%s", text)
	}
}

// The calendar part of a Spanish invite has Spanish words and the same
// event otherwise: the same UID, SEQUENCE, times, people and place.
func TestSpanishEventDiffersOnlyInWords(t *testing.T) {
	c := spanishComposer(t)
	b := videoBooking()
	en, err := c.Invite(b)
	if err != nil {
		t.Fatal(err)
	}
	b.Language = "es"
	es, err := c.Invite(b)
	if err != nil {
		t.Fatal(err)
	}
	want, err := testical.ParseEvent(en.Calendar)
	if err != nil {
		t.Fatal(err)
	}
	got, err := testical.ParseEvent(es.Calendar)
	if err != nil {
		t.Fatalf("the Spanish invite does not parse: %v", err)
	}
	if got.Summary != "Cita con Riverside Practice" {
		t.Errorf("SUMMARY %q", got.Summary)
	}
	if !strings.HasPrefix(got.Description, "Para entrar en la sesión: https://meet.example.org/") ||
		!strings.Contains(got.Description, "Para cambiarla o cancelarla: "+c.links.Manage(b.ID)) {
		t.Errorf("DESCRIPTION %q", got.Description)
	}
	if got.UID != want.UID || got.Sequence != want.Sequence || got.Method != want.Method || es.CalendarMethod != en.CalendarMethod ||
		!got.Start.Equal(want.Start) || !got.End.Equal(want.End) || !got.Stamp.Equal(want.Stamp) ||
		got.Organizer != want.Organizer || got.Attendee != want.Attendee || got.Location != want.Location || got.URL != want.URL {
		t.Errorf("the Spanish event differs beyond its words:\n got %+v\nwant %+v", got, want)
	}
	for _, line := range strings.Split(string(es.Calendar), "\r\n") {
		if len(line) > 75 || !utf8.ValidString(line) {
			t.Errorf("line of %d octets, or a character cut in two: %q", len(line), line)
		}
	}
	// The cancel and a series' one event too.
	m, err := c.Cancel(b)
	if err != nil {
		t.Fatal(err)
	}
	if ev, err := testical.ParseEvent(m.Calendar); err != nil || ev.Summary != "Cita con Riverside Practice" ||
		!strings.HasPrefix(ev.Description, "Para cambiarla o cancelarla: ") {
		t.Errorf("cancel event %+v, %v", ev, err)
	}
	sr, occ := sampleSeries(b)
	m, err = c.SeriesInvite(sr, occ)
	if err != nil {
		t.Fatal(err)
	}
	if ev, err := testical.ParseEvent(m.Calendar); err != nil || ev.Summary != "Cita con Riverside Practice" {
		t.Errorf("series event %+v, %v", ev, err)
	}
}

// The copy in the therapist's own calendar is in the therapist's
// language, whatever the client's.
func TestCalendarCopyInTherapistsLanguage(t *testing.T) {
	es, err := os.ReadFile("../templates/locales/es.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "locales"), 0o755); err != nil {
		t.Fatal(err)
	}
	// The built-in Spanish title reads as the English one; make it tell.
	es = []byte(strings.Replace(string(es), `event.copy.summary: "{{.Client}} · {{.Session}}"`, `event.copy.summary: "{{.Session}} con {{.Client}}"`, 1))
	if err := os.WriteFile(filepath.Join(dir, "locales", "es.yaml"), es, 0o644); err != nil {
		t.Fatal(err)
	}
	c := spanishComposer(t)
	if c.templates, err = templates.Load(dir, "en", "es"); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ therapist, client, want string }{
		{"", "es", "S. L. · Psychotherapy session"},
		{"es", "", "Sesión de psicoterapia con S. L."},
		{"es", "es", "Sesión de psicoterapia con S. L."},
	}
	for _, tt := range tests {
		c.cfg.Therapists[0].Language = tt.therapist
		b := sampleBooking()
		b.Language = tt.client
		if got := c.CalendarCopy(b).Summary; got != tt.want {
			t.Errorf("therapist %q, client %q: copy %q, want %q", tt.therapist, tt.client, got, tt.want)
		}
	}
}
