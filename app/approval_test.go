package app

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/internal/testsmtp"
)

func requireApproval(c *config.Config) {
	for i := range c.SessionTypes {
		c.SessionTypes[i].RequiresApproval = c.SessionTypes[i].ID == "consultation"
	}
	c.Admin.Password = "admin-secret"
}

// textOf is the plain-text body of a message, and its subject.
func textOf(t *testing.T, m testsmtp.Message) (subject, text string) {
	t.Helper()
	msg, parts := parseMessage(t, m.Data)
	plain := find(parts, "text/plain")
	if len(plain) != 1 {
		t.Fatalf("%d text parts", len(plain))
	}
	return msg.Header.Get("Subject"), string(plain[0].body)
}

func hasCalendar(t *testing.T, m testsmtp.Message) bool {
	t.Helper()
	_, parts := parseMessage(t, m.Data)
	return len(find(parts, "text/calendar")) > 0
}

var (
	approveLinkRe = regexp.MustCompile(`https://book\.riverside\.example(/approve/[A-Za-z0-9._-]+)`)
	declineLinkRe = regexp.MustCompile(`https://book\.riverside\.example(/decline/[A-Za-z0-9._-]+)`)
	formTokenRe   = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
)

// followLink opens a one-click link as a browser would, then posts its
// confirmation form with fields.
func followLink(t *testing.T, e *env, path string, fields url.Values) int {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(e.base + path)
	if err != nil {
		t.Fatal(err)
	}
	var body strings.Builder
	_, _ = readAll(&body, resp)
	m := formTokenRe.FindStringSubmatch(body.String())
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("GET %s = %d without a form", path, resp.StatusCode)
	}
	if strings.Contains(body.String(), "Sam Lee") || strings.Contains(body.String(), secretNote) {
		t.Fatal("the confirmation page shows more than initials")
	}
	if fields == nil {
		fields = url.Values{}
	}
	fields.Set("csrf", m[1])
	resp, err = c.PostForm(e.base+path, fields)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func readAll(sb *strings.Builder, resp *http.Response) (int64, error) {
	defer resp.Body.Close()
	buf := make([]byte, 32<<10)
	var n int64
	for {
		k, err := resp.Body.Read(buf)
		sb.Write(buf[:k])
		n += int64(k)
		if err != nil {
			return n, nil
		}
	}
}

// A type that requires approval: the client hears "request received" with
// no calendar, the therapist gets a notice with initials and the links;
// the approve link sends the invite and schedules the follow-ups. A second
// request declined with a message tells the client so and frees the time.
func TestApprovalFromRequestToInvite(t *testing.T) {
	e := startEnv(t, requireApproval)
	slots := firstSlots(t, e.base, "consultation").Slots
	got := book(t, e, "consultation", slots[0].Start, "sam@example.org")
	if got.Status != "pending" || got.ManageURL == "" {
		t.Fatalf("booking a type that requires approval: %+v, want pending", got)
	}
	msgs := e.smtp.WaitFor(t, 2, 15*time.Second)
	toClient, toTherapist := messagesTo(msgs, "sam@example.org"), messagesTo(msgs, "ada@example.org")
	if len(toClient) != 1 || len(toTherapist) != 1 {
		t.Fatalf("%d to the client, %d to the therapist, want one each", len(toClient), len(toTherapist))
	}
	subject, text := textOf(t, toClient[0])
	if hasCalendar(t, toClient[0]) || !strings.Contains(subject, "Request received") || !strings.Contains(text, "not confirmed yet") {
		t.Fatalf("request received: calendar=%v %q\n%s", hasCalendar(t, toClient[0]), subject, text)
	}
	subject, notice := textOf(t, toTherapist[0])
	if strings.Contains(subject, "consultation") || strings.Contains(subject, "Sam") {
		t.Errorf("the notice's subject names the client or the type: %q", subject)
	}
	if !strings.Contains(notice, "Client: S. L.") || strings.Contains(notice, "Sam Lee") || strings.Contains(notice, secretNote) {
		t.Errorf("the notice should carry initials only:\n%s", notice)
	}
	approve := approveLinkRe.FindStringSubmatch(notice)
	if approve == nil || declineLinkRe.FindStringSubmatch(notice) == nil {
		t.Fatalf("the notice lacks its links:\n%s", notice)
	}
	if got := scheduledFor(t, e, got.ID); len(got) != 0 {
		t.Fatalf("follow-ups scheduled before the approval: %v", got)
	}
	if code := followLink(t, e, approve[1], nil); code != 200 {
		t.Fatalf("approve = %d", code)
	}
	waitStatus(t, e, got.ID, booking.StatusConfirmed)
	msgs = e.smtp.WaitFor(t, 3, 15*time.Second)
	toClient = messagesTo(msgs, "sam@example.org")
	if len(toClient) != 2 || !hasCalendar(t, toClient[1]) {
		t.Fatalf("after the approval: %d to the client, want the invite with its calendar", len(toClient))
	}
	// The free consultation has no reflection prompt: its reminders still
	// ahead are scheduled.
	if s := scheduledFor(t, e, got.ID); len(s) == 0 || !strings.HasPrefix(s[0], "remind:") {
		t.Errorf("scheduled %v, want the reminders still ahead", s)
	}
	// A repeated approve, from the API, sends nothing.
	req, _ := http.NewRequest("POST", e.base+"/admin/api/bookings/"+got.ID+"/approve", nil)
	req.SetBasicAuth("admin", "admin-secret")
	var again bookingAnswer
	if code := doRequest(t, req, &again); code != 200 || again.Status != "confirmed" {
		t.Fatalf("second approve = %d %+v", code, again)
	}

	// A second request, declined with a message.
	other := book(t, e, "consultation", slots[1].Start, "kim@example.org")
	before := len(e.smtp.Messages())
	msgs = e.smtp.WaitFor(t, before+2, 15*time.Second)
	_, notice = textOf(t, messagesTo(msgs, "ada@example.org")[len(messagesTo(msgs, "ada@example.org"))-1])
	decline := declineLinkRe.FindStringSubmatch(notice)
	if decline == nil || !strings.Contains(notice, other.ID) {
		t.Fatalf("the second notice:\n%s", notice)
	}
	if code := followLink(t, e, decline[1], url.Values{"message": {"I am away that week; the week after is open."}}); code != 200 {
		t.Fatalf("decline = %d", code)
	}
	waitStatus(t, e, other.ID, booking.StatusCancelled)
	msgs = e.smtp.WaitFor(t, before+3, 15*time.Second)
	toKim := messagesTo(msgs, "kim@example.org")
	if len(toKim) != 2 || hasCalendar(t, toKim[1]) {
		t.Fatalf("%d to the declined client, want the request received and the decline", len(toKim))
	}
	if _, text := textOf(t, toKim[1]); !strings.Contains(text, "I am away that week; the week after is open.") || !strings.Contains(text, "/book") {
		t.Fatalf("the decline should carry the message and the booking link:\n%s", text)
	}
	free := false
	for _, s := range firstSlots(t, e.base, "consultation").Slots {
		free = free || s.Start == slots[1].Start
	}
	if !free {
		t.Fatal("the declined time is not offered again")
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(e.smtp.Messages()); n != before+3 {
		t.Fatalf("%d messages, want %d: a repeat sent something", n, before+3)
	}
}

// A request left unanswered past approval.expires is released by the
// sweep and the client told, once.
func TestApprovalExpires(t *testing.T) {
	e := startEnv(t, func(c *config.Config) {
		requireApproval(c)
		c.Approval.Expires = time.Minute
	})
	start, _ := time.Parse(time.RFC3339, firstSlots(t, e.base, "consultation").Slots[0].Start)
	past := booking.NewStore(e.rdb.Client(t), func() time.Time { return time.Now().Add(-2 * time.Minute) })
	b, _, err := past.Claim(context.Background(), booking.Booking{
		TherapistID: "default", Type: "consultation", Start: start, End: start.Add(15 * time.Minute),
		Name: "Sam Lee", Email: "sam@example.org", Status: booking.StatusPending,
	}, "", booking.Guard{})
	if err != nil || b.Status != booking.StatusPending {
		t.Fatalf("claim: %+v %v", b, err)
	}
	runSweep(t, e)
	got := waitStatus(t, e, b.ID, booking.StatusCancelled)
	if got.Flag != booking.FlagExpired {
		t.Fatalf("released request: %+v", got)
	}
	msgs := e.smtp.WaitFor(t, 1, 15*time.Second)
	toClient := messagesTo(msgs, "sam@example.org")
	if len(toClient) != 1 {
		t.Fatalf("%d to the client, want the expiry", len(toClient))
	}
	if _, text := textOf(t, toClient[0]); !strings.Contains(text, "could not be answered in time") {
		t.Fatalf("expiry email:\n%s", text)
	}
	runSweep(t, e)
	time.Sleep(time.Second)
	if n := len(messagesTo(e.smtp.Messages(), "sam@example.org")); n != 1 {
		t.Fatalf("%d emails to the client after a second sweep, want one", n)
	}
}
