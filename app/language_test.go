package app

import (
	"fmt"
	"mime"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/internal/testical"
	"github.com/consultd/consultd/internal/testsmtp"
)

// readMail is what a reader of a received message sees: its subject, its
// text and HTML parts and its calendar event, if any.
type readMail struct {
	subject, text, html string
	event               *calendar.Event
}

func read(t *testing.T, m testsmtp.Message) readMail {
	t.Helper()
	msg, parts := parseMessage(t, m.Data)
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	r := readMail{subject: subject}
	if p := find(parts, "text/plain"); len(p) == 1 {
		r.text = string(p[0].body)
	}
	if p := find(parts, "text/html"); len(p) == 1 {
		r.html = string(p[0].body)
	}
	if p := find(parts, "multipart/alternative/text/calendar"); len(p) == 1 {
		ev, err := testical.ParseEvent(p[0].body)
		if err != nil {
			t.Fatal(err)
		}
		r.event = &ev
	}
	return r
}

// newest is the last message to rcpt whose subject starts with prefix.
func newest(t *testing.T, msgs []testsmtp.Message, rcpt, prefix string) readMail {
	t.Helper()
	var subjects []string
	to := messagesTo(msgs, rcpt)
	for i := len(to) - 1; i >= 0; i-- {
		r := read(t, to[i])
		if strings.HasPrefix(r.subject, prefix) {
			return r
		}
		subjects = append(subjects, r.subject)
	}
	t.Fatalf("no message to %s begins %q; subjects: %q", rcpt, prefix, subjects)
	return readMail{}
}

// A client books in Spanish through the API: the invite, a move's update
// and the cancel reach them in Spanish, the calendar event too, while the
// therapist's notices of the same booking are in the therapist's English.
func TestSpanishClientEnglishTherapist(t *testing.T) {
	e := startEnv(t, func(c *config.Config) { c.Languages = []string{"en", "es"} })
	all := firstSlots(t, e.base, "session")
	slots := all.Slots[slotAfter(t, all, 25*time.Hour):]
	var b bookingAnswer
	body := fmt.Sprintf(`{"type":"session","start":%q,"name":"Sam Lee","email":"sam@example.org","timezone":"Europe/London","language":"es"}`, slots[0].Start)
	if code := do(t, "POST", e.base+"/api/bookings", body, &b); code != 201 {
		t.Fatalf("POST = %d %+v", code, b)
	}
	msgs := e.smtp.WaitFor(t, 2, 10*time.Second)
	checkInvite(t, messagesTo(msgs, "sam@example.org")[0].Data, b.ID, slots[0].Start, slots[0].End)
	spanish(t, newest(t, msgs, "sam@example.org", "Cita con Riverside Practice el "), "está confirmada", calendar.MethodRequest)
	english(t, newest(t, msgs, "ada@example.org", "New booking at Riverside Practice: "), "A new appointment has been booked.")
	waitStatus(t, e, b.ID, "confirmed")

	target := slots[len(slots)-1]
	if code := do(t, "POST", e.base+"/api/manage/"+tokenOf(b.ManageURL)+"/reschedule", fmt.Sprintf(`{"start":%q}`, target.Start), nil); code != 200 {
		t.Fatalf("reschedule = %d", code)
	}
	msgs = e.smtp.WaitFor(t, 4, 10*time.Second)
	moved := newest(t, msgs, "sam@example.org", "Su cita con Riverside Practice ha cambiado: ahora el ")
	spanish(t, moved, "tiene una nueva hora", calendar.MethodRequest)
	if start, _ := time.Parse(time.RFC3339, target.Start); !moved.event.Start.Equal(start) || moved.event.Sequence != 1 {
		t.Errorf("the update's event: %+v", moved.event)
	}
	english(t, newest(t, msgs, "ada@example.org", "Booking moved at Riverside Practice: now "), "the client moved it")

	if code := do(t, "POST", e.base+"/api/manage/"+tokenOf(b.ManageURL)+"/cancel", "", nil); code != 200 {
		t.Fatalf("cancel = %d", code)
	}
	msgs = e.smtp.WaitFor(t, 6, 10*time.Second)
	spanish(t, newest(t, msgs, "sam@example.org", "Cancelada: su cita con Riverside Practice del "), "ha quedado cancelada", calendar.MethodCancel)
	english(t, newest(t, msgs, "ada@example.org", "Booking cancelled at Riverside Practice: "), "cancelled by the client")
}

func spanish(t *testing.T, r readMail, says string, method calendar.Method) {
	t.Helper()
	for part, body := range map[string]string{"text": r.text, "HTML": r.html} {
		for _, want := range []string{"Hola, Sam Lee:", says, "(hora del Reino Unido)", "Un saludo cordial,"} {
			if !strings.Contains(body, want) {
				t.Errorf("%q: the %s lacks %q:\n%s", r.subject, part, want, body)
			}
		}
	}
	if !strings.Contains(r.html, `<html lang="es">`) {
		t.Errorf("%q: HTML is not lang=es", r.subject)
	}
	if r.event == nil || r.event.Method != method || r.event.Summary != "Cita con Riverside Practice" ||
		!strings.Contains(r.event.Description, "Para cambiarla o cancelarla: https://book.riverside.example/m/") {
		t.Errorf("%q: event %+v", r.subject, r.event)
	}
}

func english(t *testing.T, r readMail, says string) {
	t.Helper()
	for part, body := range map[string]string{"text": r.text, "HTML": r.html} {
		for _, want := range []string{"Hello Dr. Ada Rivers,", says, "Sent by consultd for Riverside Practice"} {
			if !strings.Contains(body, want) {
				t.Errorf("%q: the %s lacks %q:\n%s", r.subject, part, want, body)
			}
		}
		if strings.Contains(body, "hora del") {
			t.Errorf("%q: the %s names a zone in Spanish", r.subject, part)
		}
	}
	if !strings.Contains(r.html, `<html lang="en">`) || r.event != nil {
		t.Errorf("%q: HTML not lang=en, or a calendar part (%v)", r.subject, r.event)
	}
}
