package jobs

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/internal/testical"
	"github.com/consultd/consultd/links"
	"github.com/consultd/consultd/mailer"
	"github.com/consultd/consultd/templates"
)

var update = flag.Bool("update", false, "rewrite golden files")

var fixedNow = time.Date(2026, 11, 20, 15, 4, 5, 0, time.UTC)

func testComposer(t *testing.T) *Composer {
	t.Helper()
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	cfg.BaseURL = "https://book.riverside.example"
	set, err := templates.Load("")
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return fixedNow }
	l := links.New(cfg, links.NewSigner([]byte("golden-secret-0123456789abcdef012345"), now), now)
	c, err := NewComposer(cfg, set, l, now)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// spanishComposer offers English (the default) and Spanish.
func spanishComposer(t *testing.T) *Composer {
	t.Helper()
	c := testComposer(t)
	c.cfg.Languages = []string{"en", "es"}
	set, err := templates.Load("", c.cfg.Languages...)
	if err != nil {
		t.Fatal(err)
	}
	c.templates = set
	return c
}

// sampleBooking is a session on the afternoon the clocks went back in New
// York, for a client in London.
func sampleBooking() booking.Booking {
	start := time.Date(2026, 11, 2, 19, 0, 0, 0, time.UTC) // 14:00 EST, 19:00 GMT
	return booking.Booking{
		ID: "default_abcdefghijklmnopqrstuvwxyz", TherapistID: "default", Type: "session",
		Start: start, End: start.Add(50 * time.Minute), Buffer: 10 * time.Minute,
		Status: booking.StatusConfirmed, Seq: 1, Name: "Sam Lee", Email: "sam@example.org",
		TimeZone: "Europe/London", Notes: "a private note that must never travel by email",
	}
}

// describe writes the parts of a message a reader sees, in a stable form.
func describe(m *mailer.Message) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Message-ID: %s\nFrom: %s <%s>\nTo: %s <%s>\nSubject: %s\n", m.MessageID, m.From.Name, m.From.Email, m.To.Name, m.To.Email, m.Subject)
	keys := make([]string, 0, len(m.Headers))
	for k := range m.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %s\n", k, m.Headers[k])
	}
	fmt.Fprintf(&b, "\n%s\n", m.Text)
	if m.Calendar != nil {
		fmt.Fprintf(&b, "--- calendar (%s)\n%s", m.CalendarMethod, strings.ReplaceAll(string(m.Calendar), "\r\n", "\n"))
	}
	return b.String()
}

func TestComposedEmailsGolden(t *testing.T) {
	c := testComposer(t)
	b := sampleBooking()
	prev := b.Start.Add(-24 * time.Hour)
	build := map[string]func() (*mailer.Message, error){
		"invite":             func() (*mailer.Message, error) { return c.Invite(b) },
		"update":             func() (*mailer.Message, error) { return c.Update(b, prev) },
		"cancel":             func() (*mailer.Message, error) { return c.Cancel(b) },
		"reminder":           func() (*mailer.Message, error) { return c.Reminder(b, "24h") },
		"reflection":         func() (*mailer.Message, error) { return c.Reflection(b, false) },
		"therapist_booked":   func() (*mailer.Message, error) { return c.TherapistBooked(b) },
		"therapist_flagged":  func() (*mailer.Message, error) { return c.TherapistFlagged(b) },
		"therapist_released": func() (*mailer.Message, error) { return c.TherapistReleased(b) },
	}
	for name, f := range build {
		t.Run(name, func(t *testing.T) {
			m, err := f()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := mailer.Render(m); err != nil {
				t.Fatalf("render: %v", err)
			}
			got := describe(m)
			if strings.Contains(got+m.HTML, "private note") {
				t.Fatal("the client's note is in an email")
			}
			if strings.Contains(strings.ToLower(m.Subject), "psychotherapy") {
				t.Fatalf("subject names the session type: %q", m.Subject)
			}
			checkGolden(t, name+".golden", got)
		})
	}
}

func TestInviteEventFollowsTheBooking(t *testing.T) {
	c := testComposer(t)
	b := sampleBooking()
	tests := []struct {
		desc   string
		build  func() (*mailer.Message, error)
		method calendar.Method
	}{
		{"invite", func() (*mailer.Message, error) { return c.Invite(b) }, calendar.MethodRequest},
		{"update", func() (*mailer.Message, error) { return c.Update(b, b.Start) }, calendar.MethodRequest},
		{"cancel", func() (*mailer.Message, error) { return c.Cancel(b) }, calendar.MethodCancel},
	}
	for _, tt := range tests {
		m, err := tt.build()
		if err != nil {
			t.Fatal(err)
		}
		ev, err := testical.ParseEvent(m.Calendar)
		if err != nil {
			t.Fatal(err)
		}
		if ev.UID != b.ID+"@book.riverside.example" || ev.Sequence != b.Seq || ev.Method != tt.method ||
			string(ev.Method) != m.CalendarMethod || !ev.Start.Equal(b.Start) || ev.Organizer.Email != "appointments@example.org" ||
			ev.Summary != "Appointment with Riverside Practice" {
			t.Errorf("%s: event %+v", tt.desc, ev)
		}
	}
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./jobs -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file; run with -update if the change is intended\n--- got:\n%s", name, got)
	}
}

func TestReflectionGreetsByPreferredOrFirstName(t *testing.T) {
	c := testComposer(t)
	for _, tt := range []struct{ name, preferred, want string }{
		{"Sam Lee", "", "Hello Sam,"},
		{"María José García-Núñez", "Majo", "Hello Majo,"},
		{"  Kim  ", "", "Hello Kim,"},
	} {
		b := sampleBooking()
		b.Name, b.PreferredName = tt.name, tt.preferred
		m, err := c.Reflection(b, false)
		if err != nil {
			t.Fatal(err)
		}
		if first, _, _ := strings.Cut(m.Text, "\n"); first != tt.want {
			t.Errorf("%q/%q: greeting %q, want %q", tt.name, tt.preferred, first, tt.want)
		}
		if m.To.Name != strings.TrimSpace(tt.name) && m.To.Name != tt.name {
			t.Errorf("the address is %q, want the full name", m.To.Name)
		}
	}
}

func TestDigestShowsAttendanceAndLateCancels(t *testing.T) {
	c := testComposer(t)
	th, _ := c.cfg.Therapist("default")
	a, late := sampleBooking(), sampleBooking()
	a.Attendance = booking.NoShow
	late.Status, late.LateCancel = booking.StatusCancelled, true
	m, err := c.TherapistDigest(th, calendar.DateOf(a.Start.In(th.Location())), []booking.Booking{a, late})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, "(no-show)") || !strings.Contains(m.Text, "(late cancel)") {
		t.Errorf("digest text:\n%s", m.Text)
	}
}

// videoBooking is a video consultation with its own room.
func videoBooking() booking.Booking {
	b := sampleBooking()
	b.Type, b.End, b.Buffer = "consultation", b.Start.Add(15*time.Minute), 0
	b.Room = "abcdefghij2345672345"
	return b
}

func TestVideoEmailsGolden(t *testing.T) {
	c := testComposer(t)
	b := videoBooking()
	build := map[string]func() (*mailer.Message, error){
		"video_invite":           func() (*mailer.Message, error) { return c.Invite(b) },
		"video_reminder":         func() (*mailer.Message, error) { return c.Reminder(b, "1h") },
		"video_therapist_booked": func() (*mailer.Message, error) { return c.TherapistBooked(b) },
	}
	const link = "https://meet.example.org/riverside-abcdefghij2345672345"
	for name, f := range build {
		t.Run(name, func(t *testing.T) {
			m, err := f()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(m.Text, link) || !strings.Contains(m.HTML, `href="`+link+`"`) {
				t.Errorf("the room's link is not in both bodies:\n%s", m.Text)
			}
			if strings.Contains(m.Subject, b.Room) {
				t.Errorf("subject carries the room: %q", m.Subject)
			}
			checkGolden(t, name+".golden", describe(m))
		})
	}
	m, err := c.Reminder(b, "1h")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.HTML, ">Join the session</a>") {
		t.Error(`the reminder has no "Join the session" button`)
	}
	m, err = c.Invite(b)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := testical.ParseEvent(m.Calendar)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Location != link {
		t.Errorf("invite LOCATION = %q, want the room's link", ev.Location)
	}
}

func TestVideoLinkFixedRoomAndNone(t *testing.T) {
	c := testComposer(t)
	b := videoBooking()
	c.cfg.Therapists[0].VideoURL = "https://meet.example.org/ada-fixed"
	m, err := c.Invite(b)
	if err != nil {
		t.Fatal(err)
	}
	if ev, _ := testical.ParseEvent(m.Calendar); ev.Location != "https://meet.example.org/ada-fixed" || strings.Contains(m.Text, b.Room) {
		t.Errorf("a video_url without {room}: LOCATION %q, want the fixed room", ev.Location)
	}
	c.cfg.Therapists[0].VideoURL = ""
	m, err = c.Invite(b)
	if err != nil {
		t.Fatal(err)
	}
	if ev, _ := testical.ParseEvent(m.Calendar); ev.Location != "Video call" || strings.Contains(m.HTML, "Join the session") {
		t.Errorf("no video_url: LOCATION %q, want the type's location and no button", ev.Location)
	}
	m, err = c.Invite(sampleBooking())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.Text, "meet.example.org") {
		t.Error("an in-person session carries a video link")
	}
}

func TestPracticeChangeEmailsGolden(t *testing.T) {
	c := testComposer(t)
	b := videoBooking()
	b.UpdatedAt = b.Start.Add(-(2*24 + 3) * time.Hour)
	prev := b.Start.Add(-24 * time.Hour)
	note := booking.PracticeNote{Message: "I am unwell this week.\nI am very sorry.",
		Offer: []time.Time{b.Start.Add(48 * time.Hour), b.Start.Add(49 * time.Hour)}}
	build := map[string]func() (*mailer.Message, error){
		"practice_cancel":                 func() (*mailer.Message, error) { return c.PracticeCancel(b, note) },
		"practice_update":                 func() (*mailer.Message, error) { return c.PracticeUpdate(b, prev, note) },
		"therapist_cancelled_by_practice": func() (*mailer.Message, error) { return c.TherapistCancelledBy(b, true, "") },
		"therapist_changed_by_client":     func() (*mailer.Message, error) { return c.TherapistChangedBy(b, prev, false) },
		"therapist_cancelled_by_client": func() (*mailer.Message, error) {
			return c.TherapistCancelledBy(b, false, "My train is cancelled.\n<b>Sorry</b>")
		},
	}
	for name, f := range build {
		t.Run(name, func(t *testing.T) {
			m, err := f()
			if err != nil {
				t.Fatal(err)
			}
			got := describe(m)
			toClient := strings.HasPrefix(name, "practice_")
			if strings.Contains(got+m.HTML, "unwell") != toClient {
				t.Errorf("the practice's message in %s: %v, want %v", name, !toClient, toClient)
			}
			if strings.Contains(m.Subject, "unwell") || strings.Contains(strings.ToLower(m.Subject), "consultation") {
				t.Errorf("subject %q", m.Subject)
			}
			checkGolden(t, name+".golden", got)
		})
	}
	m, _ := c.PracticeCancel(b, note)
	if m.CalendarMethod != string(calendar.MethodCancel) || !strings.Contains(m.Text, c.links.Book()) || !strings.Contains(m.Text, "sorry") {
		t.Errorf("practice cancel: method %s, text:\n%s", m.CalendarMethod, m.Text)
	}
	m, _ = c.TherapistCancelledBy(b, true, "")
	if !strings.Contains(m.Text, "by the practice, 2 days and 3 hours before the session") || strings.Contains(m.Text, "reason") {
		t.Errorf("therapist notice:\n%s", m.Text)
	}
	// The client's reason reaches the therapist, escaped in HTML, never in
	// the subject.
	m, _ = c.TherapistCancelledBy(b, false, "My train is cancelled.\n<b>Sorry</b>")
	if !strings.Contains(m.Text, "The client's reason, in their words:\nMy train is cancelled.\n<b>Sorry</b>") ||
		!strings.Contains(m.HTML, "My train is cancelled.<br>&lt;b&gt;Sorry&lt;/b&gt;") || strings.Contains(m.Subject, "train") {
		t.Errorf("therapist notice with the client's reason: subject %q\n%s\n%s", m.Subject, m.Text, m.HTML)
	}
}

func TestFormatAhead(t *testing.T) {
	cat := spanishComposer(t).templates.Catalogs()
	tests := []struct {
		d      time.Duration
		en, es string
	}{
		{-time.Hour, "0 minutes", "0 minutos"},
		{45 * time.Minute, "45 minutes", "45 minutos"},
		{time.Minute, "1 minute", "1 minuto"},
		{time.Hour, "1 hour", "1 hora"},
		{5 * time.Hour, "5 hours", "5 horas"},
		{24 * time.Hour, "1 day", "1 día"},
		{51 * time.Hour, "2 days and 3 hours", "2 días y 3 horas"},
		{25*time.Hour + 30*time.Minute, "1 day and 1 hour", "1 día y 1 hora"},
	}
	for _, tt := range tests {
		if got := formatAhead(cat.For("en"), tt.d); got != tt.en {
			t.Errorf("en %s = %q, want %q", tt.d, got, tt.en)
		}
		if got := formatAhead(cat.For("es"), tt.d); got != tt.es {
			t.Errorf("es %s = %q, want %q", tt.d, got, tt.es)
		}
	}
}
