package templates

import (
	"html"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// recipients says what each email must and must not carry: the therapist never
// gets the client's manage link, the client never gets the admin link.
func TestEmailContent(t *testing.T) {
	d := sample()
	client := []string{d.AdminURL}
	therapist := []string{d.ManageURL, d.UnsubscribeURL, d.BookURL}
	tests := []struct {
		name    string
		want    []string
		wantNot []string
		action  string // the main link: a button and visible as text
	}{
		{EmailInvite, []string{d.When, d.WhenTherapist, d.Location, d.SessionName, d.Policy}, client, d.ManageURL},
		{EmailUpdate, []string{d.When, d.PreviousWhen, d.WhenTherapist, d.Location, d.Policy}, client, d.ManageURL},
		{EmailCancel, []string{d.When}, append(client, d.ManageURL), d.BookURL},
		{EmailReminder, []string{d.When, d.WhenTherapist, d.Location, d.SessionName, d.Policy}, client, d.ManageURL},
		{EmailReflection, []string{d.UnsubscribeURL}, append(client, d.ManageURL), d.BookURL},
		{EmailTherapistBooked, []string{d.When, d.WhenTherapist, d.SessionName, d.ClientName}, therapist, d.AdminURL},
		{EmailTherapistChanged, []string{d.When, d.PreviousWhen, d.SessionName, d.ClientName}, therapist, d.AdminURL},
		{EmailTherapistCancelled, []string{d.When, d.SessionName, d.ClientName}, therapist, d.AdminURL},
		{EmailTherapistFlagged, []string{d.When, d.SessionName, d.ClientName, "refused"}, therapist, d.AdminURL},
		{EmailTherapistReleased, []string{d.When, d.SessionName, "released"}, therapist, d.AdminURL},
		{EmailTherapistDigest, []string{d.When, d.Sessions[0].Time, d.Sessions[0].Client, d.Sessions[0].AdminURL}, therapist, ""},
	}
	s := mustLoad(t, "")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := s.Email(tc.name, d)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range append(tc.want, tc.action) {
				if w == "" {
					continue
				}
				if !strings.Contains(e.Text, w) {
					t.Errorf("text lacks %q", w)
				}
				if !strings.Contains(e.HTML, html.EscapeString(w)) {
					t.Errorf("HTML lacks %q", w)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(e.Text, w) || strings.Contains(e.HTML, html.EscapeString(w)) {
					t.Errorf("carries %q, which is not for this recipient", w)
				}
			}
			a := html.EscapeString(tc.action)
			if tc.action != "" && (!strings.Contains(e.HTML, `href="`+a+`"`) || !strings.Contains(e.HTML, `>`+a+`</a>`)) {
				t.Errorf("HTML lacks a link to %s that also shows the URL", tc.action)
			}
		})
	}
}

// The HTML must stand alone: inline styles, nothing fetched from elsewhere.
func TestEmailHTMLIsSelfContained(t *testing.T) {
	s := mustLoad(t, "")
	for _, name := range emailNames {
		e, err := s.Email(name, sample())
		if err != nil {
			t.Fatal(err)
		}
		for _, must := range []string{`<html lang="en">`, "max-width:560px", `role="presentation"`} {
			if !strings.Contains(e.HTML, must) {
				t.Errorf("%s: HTML lacks %s", name, must)
			}
		}
		for _, never := range []string{"<style", "<link", "<img", "<script", "url(", "@import"} {
			if strings.Contains(e.HTML, never) {
				t.Errorf("%s: HTML has %s", name, never)
			}
		}
	}
}

func TestSubjectsCarryNothingPersonal(t *testing.T) {
	d := sample()
	d.SessionName = "Psychotherapy session"
	s := mustLoad(t, "")
	for _, name := range emailNames {
		e, err := s.Email(name, d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(e.Subject, d.Practice) {
			t.Errorf("%s: subject %q does not name the practice", name, e.Subject)
		}
		for _, private := range []string{"psychotherapy", strings.ToLower(d.ClientName), strings.ToLower(d.Policy)} {
			if strings.Contains(strings.ToLower(e.Subject), private) {
				t.Errorf("%s: subject %q carries %q", name, e.Subject, private)
			}
		}
	}
}

// No email can carry the client's note: EmailData has no field for it, and no
// template asks for one (Load would also refuse one that did).
func TestNoNotes(t *testing.T) {
	for f := range reflect.TypeFor[EmailData]().Fields() {
		if strings.Contains(strings.ToLower(f.Name), "note") {
			t.Errorf("EmailData has a field %s: no email may carry the client's note", f.Name)
		}
	}
	srcs, err := sources("")
	if err != nil {
		t.Fatal(err)
	}
	note := regexp.MustCompile(`(?i)\.\s*notes?\b`)
	for p, src := range srcs {
		// Pages may show the note field (the booking form, the admin view);
		// emails may not.
		if strings.HasPrefix(p, "email/") && note.MatchString(src.text) {
			t.Errorf("%s refers to a note", p)
		}
	}
}

func TestClientNameIsEscapedInHTML(t *testing.T) {
	d := sample()
	d.ClientName = `<script>alert(1)</script>`
	s := mustLoad(t, "")
	for _, name := range emailNames {
		data := d
		if name == EmailTherapistDigest {
			// The digest names clients in its list of sessions.
			data.Sessions = []DigestLine{{Time: "09:00", Session: "Session", Client: d.ClientName, AdminURL: "https://example.org/a"}}
		}
		e, err := s.Email(name, data)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(e.HTML, "<script") {
			t.Errorf("%s: the client's name reached the HTML unescaped", name)
		}
		if !strings.Contains(e.HTML, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s: the escaped name is missing", name)
		}
	}
}

func TestUnsafeURLIsNeutralised(t *testing.T) {
	d := sample()
	d.ManageURL = "javascript:alert(1)"
	e, err := mustLoad(t, "").Email(EmailInvite, d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(e.HTML, `href="javascript:`) {
		t.Error("a javascript: URL reached an href")
	}
}

func TestSubjectIsOneLine(t *testing.T) {
	tests := []struct{ desc, practice, want string }{
		{"CRLF header injection", "A\r\nBcc: x@example.org", "A Bcc: x@example.org"},
		{"bare LF", "A\nB", "A B"},
		{"bare CR", "A\rB", "A B"},
		{"tab and spaces", " A \t  B ", "A B"},
		{"unicode line separator", "A\u2028B", "A B"},
		{"NUL", "A\x00B", "A B"},
	}
	s := mustLoad(t, "")
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			d := sample()
			d.Practice = tc.practice
			d.WhenShort = "Tue\r\n1 Dec"
			for _, name := range emailNames {
				e, err := s.Email(name, d)
				if err != nil {
					t.Fatal(err)
				}
				if strings.ContainsAny(e.Subject, "\r\n\t\x00\u2028") || strings.Contains(e.Subject, "  ") {
					t.Errorf("%s: subject %q is not one clean line", name, e.Subject)
				}
				if !strings.Contains(e.Subject, tc.want) {
					t.Errorf("%s: subject %q lacks %q", name, e.Subject, tc.want)
				}
			}
		})
	}
}

func TestReflection(t *testing.T) {
	tests := []struct {
		desc       string
		nextBooked bool
		wantBook   bool
	}{
		{"no next session: offer to book one", false, true},
		{"next session booked: no booking link", true, false},
	}
	s := mustLoad(t, "")
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			d := sample()
			d.NextBooked = tc.nextBooked
			e, err := s.Email(EmailReflection, d)
			if err != nil {
				t.Fatal(err)
			}
			for part, body := range map[string]string{"text": e.Text, "HTML": html.UnescapeString(e.HTML)} {
				if got := strings.Contains(body, d.BookURL); got != tc.wantBook {
					t.Errorf("%s: has the booking link = %v, want %v", part, got, tc.wantBook)
				}
				for _, w := range []string{
					"Don't want these notes? Stop them with one click: ", d.UnsubscribeURL,
					"write or draw", "entirely your choice", "nothing needs to be sent back", "raise next time",
				} {
					if !strings.Contains(body, w) {
						t.Errorf("%s lacks %q", part, w)
					}
				}
			}
		})
	}
}

func TestUnknownEmail(t *testing.T) {
	if _, err := mustLoad(t, "").Email("invitation", sample()); err == nil || !strings.Contains(err.Error(), "invitation") {
		t.Errorf("got %v, want an error naming the email", err)
	}
}

// Rendering from many goroutines shares the Set and its buffer pool; -race
// checks it, and every result must match a render done alone.
func TestEmailConcurrent(t *testing.T) {
	s := mustLoad(t, "")
	want := make(map[string]Email)
	for _, name := range emailNames {
		e, err := s.Email(name, sample())
		if err != nil {
			t.Fatal(err)
		}
		want[name] = e
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				for _, name := range emailNames {
					if e, err := s.Email(name, sample()); err != nil || e != want[name] {
						t.Errorf("%s: concurrent render differs (err %v)", name, err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
}

func TestOneLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"  \r\n ", ""},
		{"Appointment with A", "Appointment with A"},
		{"\n  Appointment\r\n\twith  A \n", "Appointment with A"},
		{"A\x1b[31mB", "A [31mB"},
		{"A\xffB", "A\uFFFDB"},
	}
	for _, tc := range tests {
		if got := oneLine([]byte(tc.in)); got != tc.want {
			t.Errorf("oneLine(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTidyText(t *testing.T) {
	tests := []struct{ desc, in, want string }{
		{"empty", "", ""},
		{"adds the final newline", "a", "a\n"},
		{"CRLF and CR become LF", "a\r\nb\rc\n", "a\nb\nc\n"},
		{"trailing blanks go", "a  \t\nb \n", "a\nb\n"},
		{"indent stays", "a\n   b\n", "a\n   b\n"},
		{"blank runs shrink to one", "a\n\n \n\t\n\nb\n\n\n", "a\n\nb\n"},
		{"leading blank lines go", "\n\n  \na\n", "a\n"},
	}
	for _, tc := range tests {
		if got := string(tidyText([]byte(tc.in))); got != tc.want {
			t.Errorf("%s: tidyText(%q) = %q, want %q", tc.desc, tc.in, got, tc.want)
		}
	}
}

func BenchmarkEmailInvite(b *testing.B) {
	s := mustLoad(b, "")
	d := sample()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Email(EmailInvite, d); err != nil {
			b.Fatal(err)
		}
	}
}
