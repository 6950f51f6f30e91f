package app

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/internal/testsmtp"
	"github.com/consultd/consultd/jobs"
)

type seriesAnswer struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	ManageURL   string `json:"manage_url"`
	Error       string `json:"error"`
	Occurrences []struct {
		ID, Start, End, Status string
	} `json:"occurrences"`
	Conflicts []string `json:"conflicts"`
}

// calendarOf is the calendar part of a message.
func calendarOf(t *testing.T, m testsmtp.Message) string {
	t.Helper()
	_, parts := parseMessage(t, m.Data)
	cal := find(parts, "multipart/alternative/text/calendar")
	if len(cal) != 1 {
		t.Fatalf("%d calendar parts", len(cal))
	}
	return unfoldICS(string(cal[0].body))
}

func unfoldICS(s string) string { return strings.ReplaceAll(s, "\r\n ", "") }

// A standing series made in admin is one event in the client's calendar:
// one invite with a weekly RRULE and the zone's VTIMEZONE, one notice to
// the therapist, every occurrence a confirmed booking with its own
// follow-ups. Cancelling one occurrence from the manage link sends one
// CANCEL naming it by RECURRENCE-ID; cancelling the rest, one CANCEL of
// the series.
func TestSeriesFromAdminToTheClientsCalendar(t *testing.T) {
	e := startEnv(t, func(c *config.Config) { c.Admin.Password = "admin-secret" })
	ny := e.cfg.Therapists[0].Location()
	day := time.Now().In(ny).AddDate(0, 0, 3)
	for day.Weekday() != time.Monday {
		day = day.AddDate(0, 0, 1)
	}
	first := time.Date(day.Year(), day.Month(), day.Day(), 13, 0, 0, 0, ny)
	body := `{"type":"session","start":"` + first.UTC().Format(time.RFC3339) + `","name":"Sam Lee","email":"sam@example.org","timezone":"Europe/London","every_weeks":1,"count":6}`
	req, _ := http.NewRequest("POST", e.base+"/admin/api/series", strings.NewReader(body))
	req.SetBasicAuth("admin", "admin-secret")
	req.Header.Set("Content-Type", "application/json")
	var sr seriesAnswer
	if code := doRequest(t, req, &sr); code != 201 || len(sr.Occurrences) != 6 || sr.ManageURL == "" {
		t.Fatalf("POST /admin/api/series = %d %+v", code, sr)
	}
	e.smtp.WaitFor(t, 2, 15*time.Second)
	time.Sleep(500 * time.Millisecond)
	toClient := messagesTo(e.smtp.Messages(), "sam@example.org")
	if len(toClient) != 1 {
		t.Fatalf("%d emails to the client for a new series, want one", len(toClient))
	}
	if n := len(messagesTo(e.smtp.Messages(), "ada@example.org")); n != 1 {
		t.Fatalf("%d notices to the therapist, want one", n)
	}
	ics := calendarOf(t, toClient[0])
	for _, want := range []string{"METHOD:REQUEST", "RRULE:FREQ=WEEKLY;INTERVAL=1;COUNT=6", "BEGIN:VTIMEZONE", "TZID:America/New_York",
		"DTSTART;TZID=America/New_York:" + first.Format("20060102T150405"), "UID:" + sr.ID + "@book.riverside.example", "CLASS:PRIVATE"} {
		if !strings.Contains(ics, want) {
			t.Errorf("the series invite lacks %q:\n%s", want, ics)
		}
	}
	for _, o := range sr.Occurrences {
		waitStatus(t, e, o.ID, "confirmed")
		if got := scheduledFor(t, e, o.ID); len(got) != 3 {
			t.Errorf("occurrence %s: scheduled %v, want two reminders and a reflection", o.Start, got)
		}
	}
	// The public intake never gets an occurrence's time.
	var taken bookingAnswer
	if code := do(t, "POST", e.base+"/api/bookings", bookingBody("session", sr.Occurrences[0].Start, "Kim Park", "kim@example.org"), &taken); code != 409 {
		t.Fatalf("booking an occurrence's time = %d", code)
	}

	tok := tokenOf(sr.ManageURL)
	var after seriesAnswer
	if code := do(t, "POST", e.base+"/api/manage/"+tok+"/cancel", `{"occurrence":"`+sr.Occurrences[2].Start+`"}`, &after); code != 200 || after.Occurrences[2].Status != "cancelled" {
		t.Fatalf("cancel the third = %d %+v", code, after)
	}
	if code := do(t, "POST", e.base+"/api/manage/"+tok+"/cancel", `{"occurrence":"`+sr.Occurrences[2].Start+`"}`, nil); code != 409 {
		t.Fatalf("cancel the third again = %d, want 409", code)
	}
	e.smtp.WaitFor(t, 4, 15*time.Second)
	toClient = messagesTo(e.smtp.Messages(), "sam@example.org")
	if len(toClient) != 2 {
		t.Fatalf("%d emails to the client after one cancel", len(toClient))
	}
	cancel := calendarOf(t, toClient[1])
	third, _ := time.Parse(time.RFC3339, sr.Occurrences[2].Start)
	for _, want := range []string{"METHOD:CANCEL", "RECURRENCE-ID;TZID=America/New_York:" + third.In(ny).Format("20060102T150405"), "SEQUENCE:1", "UID:" + sr.ID + "@"} {
		if !strings.Contains(cancel, want) {
			t.Errorf("the cancel of one occurrence lacks %q:\n%s", want, cancel)
		}
	}
	if got := scheduledFor(t, e, sr.Occurrences[2].ID); len(got) != 0 {
		t.Errorf("the cancelled occurrence keeps %v", got)
	}
	// Move the fifth a day later: one email, the series with the moved
	// session as an override; its reminders follow it.
	fifth, _ := time.Parse(time.RFC3339, sr.Occurrences[4].Start)
	moveTo := fifth.AddDate(0, 0, 1)
	if code := do(t, "POST", e.base+"/api/manage/"+tok+"/reschedule", `{"occurrence":"`+sr.Occurrences[4].Start+`","start":"`+moveTo.UTC().Format(time.RFC3339)+`"}`, &after); code != 200 {
		t.Fatalf("move the fifth = %d %+v", code, after)
	}
	e.smtp.WaitFor(t, 6, 15*time.Second)
	toClient = messagesTo(e.smtp.Messages(), "sam@example.org")
	if len(toClient) != 3 {
		t.Fatalf("%d emails to the client after one move", len(toClient))
	}
	update := calendarOf(t, toClient[2])
	for _, want := range []string{"METHOD:REQUEST", "RRULE:FREQ=WEEKLY", "RECURRENCE-ID;TZID=America/New_York:" + fifth.In(ny).Format("20060102T150405"),
		"DTSTART;TZID=America/New_York:" + moveTo.In(ny).Format("20060102T150405"), "EXDATE;TZID=America/New_York:" + third.In(ny).Format("20060102T150405"), "SEQUENCE:2"} {
		if !strings.Contains(update, want) {
			t.Errorf("the move lacks %q:\n%s", want, update)
		}
	}
	eventually(t, 20*time.Second, "the moved session's follow-ups", func() bool { return len(scheduledFor(t, e, sr.Occurrences[4].ID+":1:")) == 2 })

	if code := do(t, "POST", e.base+"/api/manage/"+tok+"/cancel", `{}`, &after); code != 200 {
		t.Fatalf("cancel the rest = %d %+v", code, after)
	}
	for _, o := range after.Occurrences {
		if o.Status != "cancelled" {
			t.Errorf("after cancelling the rest, %s is %s", o.Start, o.Status)
		}
	}
	e.smtp.WaitFor(t, 8, 15*time.Second)
	toClient = messagesTo(e.smtp.Messages(), "sam@example.org")
	if len(toClient) != 4 {
		t.Fatalf("%d emails to the client after cancelling the rest, want 4", len(toClient))
	}
	rest := calendarOf(t, toClient[3])
	if !strings.Contains(rest, "METHOD:CANCEL") || strings.Contains(rest, "RECURRENCE-ID") || !strings.Contains(rest, "SEQUENCE:3") {
		t.Errorf("the cancel of the rest:\n%s", rest)
	}
}

// doRequest sends req and decodes a JSON answer into out.
func doRequest(t *testing.T, req *http.Request, out any) int {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

// A series' confirm stopped after the client's invite went out (here the
// therapist's address is refused for a while, as a worker killed there
// would be) runs again and sends the invite once; run again after it is
// done, it sends and schedules nothing more.
func TestSeriesConfirmRunAgainSendsNothingTwice(t *testing.T) {
	e := startEnv(t, func(c *config.Config) { c.Admin.Password = "admin-secret" })
	ny := e.cfg.Therapists[0].Location()
	day := time.Now().In(ny).AddDate(0, 0, 3)
	for day.Weekday() != time.Tuesday {
		day = day.AddDate(0, 0, 1)
	}
	first := time.Date(day.Year(), day.Month(), day.Day(), 10, 0, 0, 0, ny)
	e.smtp.RejectRecipient("ada@example.org", 451, "try again later")
	body := `{"type":"session","start":"` + first.UTC().Format(time.RFC3339) + `","name":"Sam Lee","email":"sam@example.org","every_weeks":2,"count":4}`
	req, _ := http.NewRequest("POST", e.base+"/admin/api/series", strings.NewReader(body))
	req.SetBasicAuth("admin", "admin-secret")
	req.Header.Set("Content-Type", "application/json")
	var sr seriesAnswer
	if code := doRequest(t, req, &sr); code != 201 {
		t.Fatalf("POST /admin/api/series = %d %+v", code, sr)
	}
	e.smtp.WaitFor(t, 1, 10*time.Second) // the invite, then the notice fails
	time.Sleep(500 * time.Millisecond)
	for _, o := range sr.Occurrences {
		waitStatus(t, e, o.ID, "held") // not confirmed before the notice went out
	}
	e.smtp.AcceptRecipient("ada@example.org")
	e.smtp.WaitFor(t, 2, 30*time.Second)
	for _, o := range sr.Occurrences {
		waitStatus(t, e, o.ID, "confirmed")
	}
	for range 2 {
		if err := e.app.taskSwap.ProcessTask(context.Background(), jobs.NewSeriesTask(sr.ID)); err != nil {
			t.Fatalf("the confirm run again: %v", err)
		}
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(messagesTo(e.smtp.Messages(), "sam@example.org")); n != 1 {
		t.Errorf("%d invites to the client, want 1", n)
	}
	if n := len(messagesTo(e.smtp.Messages(), "ada@example.org")); n != 1 {
		t.Errorf("%d notices to the therapist, want 1", n)
	}
	for _, o := range sr.Occurrences {
		if got := scheduledFor(t, e, o.ID); len(got) != 3 {
			t.Errorf("occurrence %s: scheduled %v, want its two reminders and prompt once", o.Start, got)
		}
	}
}

// The practice cancelling one session of a series tells the client in its
// own words, with the cancel of that occurrence alone.
func TestPracticeCancelsOneSessionOfASeries(t *testing.T) {
	e := startEnv(t, func(c *config.Config) { c.Admin.Password = "admin-secret" })
	ny := e.cfg.Therapists[0].Location()
	day := time.Now().In(ny).AddDate(0, 0, 3)
	for day.Weekday() != time.Wednesday {
		day = day.AddDate(0, 0, 1)
	}
	first := time.Date(day.Year(), day.Month(), day.Day(), 11, 0, 0, 0, ny)
	var sr seriesAnswer
	if code := adminPost(t, e, "/admin/api/series", `{"type":"session","start":"`+first.UTC().Format(time.RFC3339)+`","name":"Sam Lee","email":"sam@example.org","every_weeks":1,"count":3}`, &sr); code != 201 {
		t.Fatalf("series = %d %+v", code, sr)
	}
	e.smtp.WaitFor(t, 2, 15*time.Second)
	waitStatus(t, e, sr.Occurrences[1].ID, "confirmed")
	if code := adminPost(t, e, "/admin/api/bookings/"+sr.Occurrences[1].ID+"/cancel", `{"message":"I am away that week, I am sorry."}`, nil); code != 200 {
		t.Fatalf("practice cancel = %d", code)
	}
	msgs := e.smtp.WaitFor(t, 4, 15*time.Second)
	toClient := messagesTo(msgs, "sam@example.org")
	if len(toClient) != 2 {
		t.Fatalf("%d emails to the client", len(toClient))
	}
	if body := bodyOf(t, toClient[1]); !strings.Contains(body, "I am away that week, I am sorry.") || !strings.Contains(body, "has had to cancel") {
		t.Errorf("the client's email:\n%s", body)
	}
	second, _ := time.Parse(time.RFC3339, sr.Occurrences[1].Start)
	if cal := calendarOf(t, toClient[1]); !strings.Contains(cal, "METHOD:CANCEL") || !strings.Contains(cal, "RECURRENCE-ID;TZID=America/New_York:"+second.In(ny).Format("20060102T150405")) {
		t.Errorf("the calendar part:\n%s", cal)
	}
	notice := messagesTo(msgs, "ada@example.org")
	if body := bodyOf(t, notice[len(notice)-1]); !strings.Contains(body, "by the practice") || strings.Contains(body, "I am away") {
		t.Errorf("the therapist's notice:\n%s", body)
	}
}
