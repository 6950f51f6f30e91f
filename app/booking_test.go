package app

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/internal/testical"
	"github.com/consultd/consultd/internal/testsmtp"
)

type bookingAnswer struct {
	ID, Status, Start, End, Type, Therapist string
	ManageURL                               string `json:"manage_url"`
	Error                                   string
	Fields                                  map[string]string
}

const secretNote = "I have been struggling with panic attacks at work"

func bookingBody(typ, start, name, email string) string {
	return fmt.Sprintf(`{"type":%q,"start":%q,"name":%q,"email":%q,"timezone":"Europe/London","notes":%q}`, typ, start, name, email, secretNote)
}

// messagesTo keeps the messages addressed to one recipient.
func messagesTo(msgs []testsmtp.Message, rcpt string) []testsmtp.Message {
	var out []testsmtp.Message
	for _, m := range msgs {
		for _, to := range m.To {
			if strings.EqualFold(to, rcpt) {
				out = append(out, m)
			}
		}
	}
	return out
}

func TestBookingSendsInviteAndNotice(t *testing.T) {
	e := startEnv(t, nil)
	slot := firstSlots(t, e.base, "session").Slots[0]
	var got bookingAnswer
	if code := do(t, "POST", e.base+"/api/bookings", bookingBody("session", slot.Start, "Sam Lee", "sam@example.org"), &got); code != 201 {
		t.Fatalf("POST = %d %+v", code, got)
	}
	if got.ID == "" || got.Status != "held" || got.Start != slot.Start || !strings.HasPrefix(got.ManageURL, "https://book.riverside.example/m/") {
		t.Fatalf("answer = %+v", got)
	}
	msgs := e.smtp.WaitFor(t, 2, 10*time.Second)
	invites := messagesTo(msgs, "sam@example.org")
	notices := messagesTo(msgs, "ada@example.org")
	if len(invites) != 1 || len(notices) != 1 {
		t.Fatalf("got %d invites and %d notices", len(invites), len(notices))
	}
	checkInvite(t, invites[0].Data, got.ID, slot.Start, slot.End)
	for _, m := range msgs {
		if strings.Contains(string(m.Data), "panic") {
			t.Errorf("a message carries the client's note")
		}
	}
	waitStatus(t, e, got.ID, booking.StatusConfirmed)
	if strings.Contains(e.logs.String(), "sam@example.org") || strings.Contains(e.logs.String(), "Sam Lee") || strings.Contains(e.logs.String(), "panic") {
		t.Errorf("the log carries personal data:\n%s", e.logs)
	}
}

// checkInvite reads the invite as a mail client would.
func checkInvite(t *testing.T, data []byte, id, start, end string) {
	t.Helper()
	msg, parts := parseMessage(t, data)
	if !strings.HasPrefix(msg.Header.Get("Content-Type"), "multipart/mixed") {
		t.Fatalf("top level is %q", msg.Header.Get("Content-Type"))
	}
	subject := msg.Header.Get("Subject")
	if !strings.Contains(subject, "Riverside Practice") || strings.Contains(strings.ToLower(subject), "psychotherapy") {
		t.Errorf("subject %q", subject)
	}
	from, _ := mail.ParseAddress(msg.Header.Get("From"))
	for _, want := range []string{"multipart/mixed/multipart/alternative/text/plain", "multipart/mixed/multipart/alternative/text/html", "multipart/mixed/multipart/alternative/text/calendar"} {
		if len(find(parts, want)) != 1 {
			t.Errorf("no single %s part", want)
		}
	}
	cal := find(parts, "multipart/alternative/text/calendar")
	if len(cal) != 1 || cal[0].params["method"] != "REQUEST" {
		t.Fatalf("calendar part: %+v", cal)
	}
	ev, err := testical.ParseEvent(cal[0].body)
	if err != nil {
		t.Fatal(err)
	}
	wantStart, _ := time.Parse(time.RFC3339, start)
	wantEnd, _ := time.Parse(time.RFC3339, end)
	if ev.Method != calendar.MethodRequest || ev.UID != id+"@book.riverside.example" || ev.Sequence != 0 ||
		!ev.Start.Equal(wantStart) || !ev.End.Equal(wantEnd) || !strings.EqualFold(ev.Organizer.Email, from.Address) ||
		ev.Attendee.Email != "sam@example.org" || strings.Contains(ev.Summary, "Psychotherapy") {
		t.Errorf("event = %+v", ev)
	}
	if !strings.Contains(string(cal[0].body), "METHOD:REQUEST") {
		t.Error("METHOD missing from the calendar body")
	}
	att := find(parts, "multipart/mixed/application/ics")
	if len(att) != 1 || !strings.Contains(string(att[0].body), "UID:"+id) {
		t.Errorf("invite.ics attachment missing or different")
	}
}

func waitStatus(t *testing.T, e *env, id string, want booking.Status) booking.Booking {
	t.Helper()
	store := booking.NewStore(e.rdb.Client(t), time.Now)
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := store.Get(context.Background(), id)
		if err == nil && b.Status == want {
			return b
		}
		if time.Now().After(deadline) {
			t.Fatalf("booking %s: status %q, err %v; want %q", id, b.Status, err, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestRaceForOneSlotYieldsOneBookingAndOneInvite(t *testing.T) {
	e := startEnv(t, nil)
	slot := firstSlots(t, e.base, "consultation").Slots[3]
	const clients = 100
	codes := make([]int, clients)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := bookingBody("consultation", slot.Start, fmt.Sprintf("Client %d", i), fmt.Sprintf("client%d@example.org", i))
			codes[i] = do(t, "POST", e.base+"/api/bookings", body, nil)
		}()
	}
	wg.Wait()
	count := map[int]int{}
	for _, c := range codes {
		count[c]++
	}
	if count[201] != 1 || count[409] != clients-1 {
		t.Fatalf("answers = %v, want one 201 and %d 409", count, clients-1)
	}
	e.smtp.WaitFor(t, 2, 10*time.Second)
	time.Sleep(time.Second) // room for a wrong second invite to arrive
	if n := len(e.smtp.Messages()); n != 2 {
		t.Fatalf("%d messages, want one invite and one notice", n)
	}
}

func TestRepeatedRequestReturnsTheFirstBooking(t *testing.T) {
	e := startEnv(t, nil)
	slot := firstSlots(t, e.base, "consultation").Slots[1]
	body := bookingBody("consultation", slot.Start, "Sam Lee", "sam@example.org")
	var first, second bookingAnswer
	if code := do(t, "POST", e.base+"/api/bookings", body, &first); code != 201 {
		t.Fatalf("first = %d", code)
	}
	if code := do(t, "POST", e.base+"/api/bookings", body, &second); code != 201 || second.ID != first.ID {
		t.Fatalf("repeat = %d %+v, want the first booking %s", code, second, first.ID)
	}
	e.smtp.WaitFor(t, 2, 10*time.Second)
	time.Sleep(time.Second)
	if n := len(messagesTo(e.smtp.Messages(), "sam@example.org")); n != 1 {
		t.Fatalf("%d invites, want 1", n)
	}
}

func TestRefusedAddressFlagsTheBooking(t *testing.T) {
	e := startEnv(t, nil)
	e.smtp.RejectRecipient("gone@example.org", 550, "mailbox unavailable")
	slot := firstSlots(t, e.base, "consultation").Slots[2]
	var got bookingAnswer
	if code := do(t, "POST", e.base+"/api/bookings", bookingBody("consultation", slot.Start, "Gone", "gone@example.org"), &got); code != 201 {
		t.Fatalf("POST = %d", code)
	}
	notices := e.smtp.WaitFor(t, 1, 10*time.Second)
	if len(messagesTo(notices, "ada@example.org")) != 1 {
		t.Fatalf("the therapist was not told: %d messages", len(notices))
	}
	store := booking.NewStore(e.rdb.Client(t), time.Now)
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, err := store.Get(context.Background(), got.ID)
		if err == nil && b.Flag == "undeliverable" {
			if b.Status != booking.StatusHeld {
				t.Errorf("status = %s", b.Status)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("booking not flagged: %+v %v", b, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
