package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/jobs"
)

type changeAnswer struct {
	ID, Status, Start, Error string
	Fields                   map[string]string
}

func (e *pageEnv) postChange(t *testing.T, path, body string) (int, changeAnswer) {
	t.Helper()
	req, _ := http.NewRequest("POST", e.ts.URL+path, strings.NewReader(body))
	req.SetBasicAuth(adminTestUser, adminTestPassword)
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a changeAnswer
	_ = json.NewDecoder(resp.Body).Decode(&a)
	return resp.StatusCode, a
}

// practiceNote reads the practice's note from a queued task's payload.
func practiceNote(t *testing.T, e *pageEnv, taskID string) *booking.PracticeNote {
	t.Helper()
	info, err := asynq.NewInspectorFromRedisClient(e.redis.Client(t)).GetTaskInfo(jobs.Queue, taskID)
	if err != nil {
		t.Fatalf("task %s not queued: %v", taskID, err)
	}
	var p struct {
		Practice *booking.PracticeNote `json:"practice"`
	}
	if err := json.Unmarshal(info.Payload, &p); err != nil {
		t.Fatal(err)
	}
	return p.Practice
}

func TestAdminAPICancelAndReschedule(t *testing.T) {
	e := startPageEnv(t)
	b, _ := e.booked(t)
	other, _ := e.booked(t)
	a := e.withAdmin(t, func(d *Deps) {
		d.Config.Cancellation.AllowLate = false
		d.Now = func() time.Time { return b.Start.Add(-2 * time.Hour) } // too late for the client
	})
	api := "/admin/api/bookings/" + b.ID

	for _, tt := range []struct{ desc, path, body, field string }{
		{"a control character in the message", "/cancel", `{"message":"sorry\u0007"}`, "message"},
		{"a message too long", "/cancel", `{"message":"` + strings.Repeat("a", 1001) + `"}`, "message"},
		{"no start", "/reschedule", `{}`, "start"},
		{"a start that is not a time", "/reschedule", `{"start":"tomorrow"}`, "start"},
	} {
		if code, ans := a.postChange(t, api+tt.path, tt.body); code != 422 || ans.Fields[tt.field] == "" {
			t.Errorf("%s: %d %+v, want 422 naming %s", tt.desc, code, ans, tt.field)
		}
	}
	if code, _ := a.postChange(t, api+"/reschedule", `{"start":"`+other.Start.UTC().Format(time.RFC3339)+`"}`); code != 409 {
		t.Errorf("move onto another booking = %d, want 409", code)
	}
	if code, _ := a.postChange(t, "/admin/api/bookings/default_aaaaaaaaaaaaaaaaaaaaaaaaaa/cancel", `{}`); code != 404 {
		t.Errorf("cancel of an unknown booking = %d, want 404", code)
	}

	newStart := b.Start.Add(30 * time.Minute).UTC()
	code, ans := a.postChange(t, api+"/reschedule", `{"start":"`+newStart.Format(time.RFC3339)+`","message":"My morning changed."}`)
	if code != 200 || ans.ID != b.ID || ans.Start != newStart.Format(time.RFC3339) {
		t.Fatalf("reschedule inside the late window = %d %+v", code, ans)
	}
	if n := practiceNote(t, e, "update:"+b.ID+":1"); n == nil || n.Message != "My morning changed." {
		t.Fatalf("the update's task carries %+v", n)
	}

	for i := range 2 { // a repeated cancel is 200 and queues nothing new
		code, ans = a.postChange(t, api+"/cancel", `{"message":"I am unwell."}`)
		if code != 200 || ans.Status != string(booking.StatusCancelled) {
			t.Fatalf("cancel %d = %d %+v", i+1, code, ans)
		}
	}
	if got, _ := e.store.Get(t.Context(), b.ID); got.Seq != 2 {
		t.Fatalf("after two cancels the sequence is %d, want 2", got.Seq)
	}
	if n := practiceNote(t, e, "cancel:"+b.ID+":2"); n == nil || n.Message != "I am unwell." || len(n.Offer) == 0 {
		t.Fatalf("the cancel's task carries %+v, want the message and free times", n)
	}
	if code, _ := a.postChange(t, api+"/reschedule", `{"start":"`+newStart.Add(time.Hour).Format(time.RFC3339)+`"}`); code != 409 {
		t.Errorf("moving a cancelled booking = %d, want 409", code)
	}
}

var moveOptionRe = regexp.MustCompile(`<option value="([^"]+)"`)

func TestAdminPageMoveAndCancelWithMessage(t *testing.T) {
	e := startPageEnv(t)
	b, _ := e.booked(t)
	a := e.withAdmin(t, nil)
	detail := "/admin/bookings/" + b.ID
	p := a.adminDo(t, "GET", detail, rightCredentials, nil)
	contains(t, p, `action="`+detail+`/reschedule"`, `name="message"`, "Move the booking")
	csrf := csrfRe.FindStringSubmatch(p.body)[1]
	opts := moveOptionRe.FindAllStringSubmatch(p.body, -1)
	if len(opts) == 0 {
		t.Fatal("the move form offers no time")
	}
	if p := a.adminDo(t, "POST", detail+"/reschedule", rightCredentials, url.Values{"start": {opts[0][1]}}); p.status != 403 {
		t.Fatalf("move without a CSRF token = %d, want 403", p.status)
	}
	if p := a.adminDo(t, "POST", detail+"/reschedule", rightCredentials, url.Values{"csrf": {csrf}, "start": {opts[0][1]}, "message": {"bad\x00"}}); p.status != 422 {
		t.Fatalf("move with a bad message = %d, want 422", p.status)
	}
	p = a.adminDo(t, "POST", detail+"/reschedule", rightCredentials, url.Values{"csrf": {csrf}, "start": {opts[0][1]}, "message": {"A new room."}})
	if p.status != 303 || p.header.Get("Location") != detail+"?done=moved" {
		t.Fatalf("move = %d to %q", p.status, p.header.Get("Location"))
	}
	got, _ := e.store.Get(t.Context(), b.ID)
	if got.Start.UTC().Format(time.RFC3339) != opts[0][1] || got.Seq != 1 {
		t.Fatalf("after the move: %s seq %d", got.Start, got.Seq)
	}
	p = a.adminDo(t, "GET", p.header.Get("Location"), rightCredentials, nil)
	contains(t, p, "The booking has moved")

	p = a.adminDo(t, "POST", detail+"/cancel", rightCredentials, url.Values{"csrf": {csrf}, "message": {"Sorry, I am away."}})
	if p.status != 303 {
		t.Fatalf("cancel = %d", p.status)
	}
	if n := practiceNote(t, e, "cancel:"+b.ID+":2"); n == nil || n.Message != "Sorry, I am away." {
		t.Fatalf("the cancel's task carries %+v", n)
	}
}
