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
		// reason is the client's word to the therapist when cancelling.
		reason = "my custody hearing was moved"
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
	do(t, "POST", e.base+"/api/manage/"+tok+"/cancel", fmt.Sprintf(`{"reason":%q}`, reason), nil)
	reasonSeen := false
	for _, m := range e.smtp.WaitFor(t, 7, 10*time.Second) {
		if strings.Contains(string(m.Data), "custody") {
			reasonSeen = true
			if m.To[0] == email {
				t.Error("the client's own email carries their reason")
			}
		}
	}
	if !reasonSeen {
		t.Error("the therapist's notice of the cancel lacks the client's reason")
	}
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
	for _, secret := range []string{"zebulon", "quintero", "zq.private", "refused.private", "nightmares", "o@example.org", "custody"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log carries %q", secret)
		}
	}
}

// TestNewPathsCarryNoPersonalData does the same over the practice's own
// paths: a request approved and one declined with a message, a practice
// cancel and move with messages, a standing series, and attendance; no
// email carries the note, no subject or calendar title anything clinical,
// and no log line a name, an email, a note, a message or a video room.
func TestNewPathsCarryNoPersonalData(t *testing.T) {
	const (
		note    = "panic attacks since the divorce"
		message = "private words about my own illness"
	)
	e := startEnv(t, requireApproval)
	all := firstSlots(t, e.base, "consultation")
	slots := all.Slots[slotAfter(t, all, 25*time.Hour):]
	req := func(typ, start, who, addr string) string {
		return fmt.Sprintf(`{"type":%q,"start":%q,"name":%q,"email":%q,"notes":%q,"preferred_name":"Zeb"}`, typ, start, who, addr, note)
	}
	var approved, declined bookingAnswer
	do(t, "POST", e.base+"/api/bookings", req("consultation", slots[0].Start, "Zebulon Quintero", "zq.private@example.org"), &approved)
	do(t, "POST", e.base+"/api/bookings", req("consultation", slots[3].Start, "Yolanda Ximenes", "yx.private@example.org"), &declined)
	e.smtp.WaitFor(t, 4, 10*time.Second)
	if code := adminPost(t, e, "/admin/api/bookings/"+approved.ID+"/approve", "", nil); code != 200 {
		t.Fatalf("approve = %d", code)
	}
	if code := adminPost(t, e, "/admin/api/bookings/"+declined.ID+"/decline", fmt.Sprintf(`{"message":%q}`, message), nil); code != 200 {
		t.Fatalf("decline = %d", code)
	}
	waitStatus(t, e, approved.ID, "confirmed")
	sess := firstSlots(t, e.base, "session")
	ss := sess.Slots[slotAfter(t, sess, 26*time.Hour):]
	var moved bookingAnswer
	do(t, "POST", e.base+"/api/bookings", req("session", ss[0].Start, "Zebulon Quintero", "zq.private@example.org"), &moved)
	waitStatus(t, e, moved.ID, "confirmed")
	adminPost(t, e, "/admin/api/bookings/"+moved.ID+"/reschedule", fmt.Sprintf(`{"start":%q,"message":%q}`, ss[3].Start, message), nil)
	adminPost(t, e, "/admin/api/bookings/"+moved.ID+"/cancel", fmt.Sprintf(`{"message":%q}`, message), nil)
	adminPost(t, e, "/admin/api/bookings/"+approved.ID+"/attendance", `{"status":"no_show"}`, nil) // before the start: refused
	first, _ := time.Parse(time.RFC3339, ss[5].Start)
	code := adminPost(t, e, "/admin/api/series", fmt.Sprintf(`{"type":"session","start":%q,"name":"Zebulon Quintero","email":"zq.private@example.org","notes":%q,"every_weeks":1,"count":3}`,
		first.AddDate(0, 0, 7).UTC().Format(time.RFC3339), note), nil)
	if code != 201 {
		t.Fatalf("series = %d", code)
	}
	// Thirteen: the move's update is dropped as stale by the cancel that
	// follows it at once, as every stale message is.
	msgs := e.smtp.WaitFor(t, 13, 20*time.Second)
	for _, m := range msgs {
		data := string(m.Data)
		if strings.Contains(data, "panic attacks") {
			t.Error("an email carries the client's note")
		}
		msg, _ := parseMessage(t, m.Data)
		for _, clinical := range []string{"panic", "divorce", "illness", "Zeb"} {
			if strings.Contains(msg.Header.Get("Subject"), clinical) {
				t.Errorf("a subject carries %q: %s", clinical, msg.Header.Get("Subject"))
			}
		}
		if strings.Contains(data, "SUMMARY:") && !strings.Contains(data, "SUMMARY:Appointment with") {
			t.Error("a calendar title is not the practice's")
		}
	}
	time.Sleep(500 * time.Millisecond)
	logs := strings.ToLower(e.logs.String())
	for _, secret := range []string{"zebulon", "quintero", "zq.private", "yolanda", "yx.private", "panic", "divorce", "private words", "meet.example.org", "riverside-"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log carries %q", secret)
		}
	}
}
