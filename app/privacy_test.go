package app

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestLogsNeverCarryPersonalData runs a booking through its whole life —
// booked, moved, cancelled, a refused address, a reflection prompt and its
// opt-out — and then reads every log line for the client's name, email
// and note.
func TestLogsNeverCarryPersonalData(t *testing.T) {
	const (
		name  = "Zebulon Quintero"
		email = "zq.private@example.org"
		note  = "nightmares about the accident"
	)
	e := startEnv(t, nil)
	e.smtp.RejectRecipient("refused.private@example.org", 550, "no such user")
	all := firstSlots(t, e.base, "session")
	slots := all.Slots[slotAfter(t, all, 25*time.Hour):]
	body := func(start, who, addr string) string {
		return fmt.Sprintf(`{"type":"session","start":%q,"name":%q,"email":%q,"notes":%q,"timezone":"Europe/Berlin"}`, start, who, addr, note)
	}
	var b bookingAnswer
	if code := do(t, "POST", e.base+"/api/bookings", body(slots[0].Start, name, email), &b); code != 201 {
		t.Fatalf("booking = %d", code)
	}
	do(t, "POST", e.base+"/api/bookings", body(slots[0].Start, name, email), nil)                     // a repeat
	do(t, "POST", e.base+"/api/bookings", body(slots[0].Start, "Other Person", "o@example.org"), nil) // a clash
	do(t, "POST", e.base+"/api/bookings", body("not a time", name, email+"\r\nBcc: x@example.org"), nil)
	if code := do(t, "POST", e.base+"/api/bookings", body(slots[5].Start, name, "refused.private@example.org"), nil); code != 201 {
		t.Fatalf("second booking = %d", code)
	}
	e.smtp.WaitFor(t, 3, 10*time.Second)
	waitStatus(t, e, b.ID, "confirmed")
	tok := tokenOf(b.ManageURL)
	do(t, "POST", e.base+"/api/manage/"+tok+"/reschedule", fmt.Sprintf(`{"start":%q}`, slots[10].Start), nil)
	e.smtp.WaitFor(t, 5, 10*time.Second)
	do(t, "POST", e.base+"/api/manage/"+tok+"/cancel", "", nil)
	e.smtp.WaitFor(t, 7, 10*time.Second)
	pastSession(t, e, email, time.Now().Add(-4*time.Hour).Truncate(time.Hour))
	msgs := e.smtp.WaitFor(t, 8, 10*time.Second)
	for _, m := range msgs {
		if strings.Contains(string(m.Data), "List-Unsubscribe-Post") {
			msg, _ := parseMessage(t, m.Data)
			u, _ := url.Parse(strings.Trim(msg.Header.Get("List-Unsubscribe"), "<>"))
			do(t, "POST", e.base+u.Path, "List-Unsubscribe=One-Click", nil)
		}
		if strings.Contains(string(m.Data), "nightmares") {
			t.Error("an email carries the client's note")
		}
	}
	time.Sleep(500 * time.Millisecond)
	logs := strings.ToLower(e.logs.String())
	if len(logs) < 500 {
		t.Fatalf("suspiciously little was logged:\n%s", logs)
	}
	for _, secret := range []string{"zebulon", "quintero", "zq.private", "refused.private", "nightmares", "o@example.org"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log carries %q", secret)
		}
	}
}
