package templates

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consultd/consultd/internal/testzone"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// sampleFor gives the short times in the zone of the email's recipient.
func sampleFor(name string) EmailData {
	d := sample()
	if strings.HasPrefix(name, "therapist_") {
		d.WhenShort = "Tue 1 Dec at 09:00"
		d.PreviousWhen = "Monday 30 November 2026, 11:00–11:15 (Eastern Time)"
	}
	return d
}

// sample is a booking with every field set, as the jobs package would fill it
// for a client in London booked with a therapist in New York.
func sample() EmailData {
	return EmailData{
		Practice:      "Riverside Practice",
		ClientName:    "Sam Lee",
		TherapistName: "Dr. Ada Rivers",
		SessionName:   "Free consultation",
		When:          "Tuesday 1 December 2026, 14:00–14:15 (UK time)",
		Sessions: []DigestLine{
			{Time: "09:00–09:15", Session: "Free consultation", Client: "S. L.", AdminURL: "https://book.riverside.example/admin/bookings/default_abc"},
			{Time: "10:00–10:50", Session: "Psychotherapy session", Client: "J. D.", AdminURL: "https://book.riverside.example/admin/bookings/default_def", Attendance: "no-show"},
			{Time: "11:00–11:50", Session: "Psychotherapy session", Client: "K. M.", AdminURL: "https://book.riverside.example/admin/bookings/default_ghi", LateCancel: true},
		},
		WhenShort:      "Tue 1 Dec at 14:00",
		WhenTherapist:  "Tuesday 1 December 2026, 09:00–09:15 (Eastern Time)",
		PreviousWhen:   "Monday 30 November 2026, 16:00–16:15 (UK time)",
		Location:       "https://meet.example.org/riverside-ada",
		VideoURL:       "https://meet.example.org/riverside-ada",
		ManageURL:      "https://book.example.org/m/bk1.exp.sig?lang=en&from=email",
		BookURL:        "https://book.example.org/book",
		AdminURL:       "https://book.example.org/admin/bookings/bk1",
		UnsubscribeURL: "https://book.example.org/u/bk1.exp.sig",
		Policy:         "Please cancel or move your appointment at least 24 hours before it starts.",
		Recurrence:     "Every week on Tuesdays at 14:00, 10 sessions, the last on Tuesday 2 February 2027",
		Skipped:        []string{"Tuesday 22 December 2026", "Tuesday 29 December 2026"},
		ApproveURL:     "https://book.example.org/approve/bk1.exp.sig",
		DeclineURL:     "https://book.example.org/decline/bk1.exp.sig",
		Expires:        "Thursday 26 November 2026, 14:00 (UK time)",
		ChangedBy:      "the practice",
		Ahead:          "2 days and 3 hours",
		Message:        "I am unwell today.\nI am very sorry for the short notice.",
		FreeTimes:      []string{"Wednesday 2 December 2026, 14:00–14:15 (UK time)", "Thursday 3 December 2026, 15:00–15:15 (UK time)"},
	}
}

func mustLoad(tb testing.TB, dir string) *Set {
	tb.Helper()
	s, err := Load(dir)
	if err != nil {
		tb.Fatalf("Load(%q): %v", dir, err)
	}
	return s
}

func TestGoldenEmails(t *testing.T) {
	s := mustLoad(t, "")
	for _, name := range emailNames {
		t.Run(name, func(t *testing.T) {
			e, err := s.Email(name, sampleFor(name))
			if err != nil {
				t.Fatal(err)
			}
			golden(t, name+".subject", e.Subject+"\n")
			golden(t, name+".txt", e.Text)
			golden(t, name+".html", e.HTML)
		})
	}
}

func TestGoldenPages(t *testing.T) {
	s := mustLoad(t, "")
	var buf bytes.Buffer
	data := ErrorPage{Title: "This link has expired", Message: "Ask the practice for a new link, or book again from the booking page.", L: s.Catalogs().For("en")}
	if err := s.Page(&buf, "error", data); err != nil {
		t.Fatal(err)
	}
	golden(t, "page_error.html", buf.String())
}

// golden compares got with testdata/file, or rewrites the file under -update.
func golden(t *testing.T, file, got string) {
	t.Helper()
	if ids := testzone.IDs(got); len(ids) > 0 {
		t.Errorf("%s names zones by their tz ID, not as people say them: %q", file, ids)
	}
	path := filepath.Join("testdata", filepath.FromSlash(file))
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
		t.Fatalf("%v (run go test ./templates -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the rendering (go test ./templates -update rewrites it): %s",
			path, firstDiff(string(want), got))
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n  want: %s\n  got:  %s", i+1, wl, gl)
		}
	}
	return "(line endings differ)"
}
