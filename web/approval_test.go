package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/booking"
)

// withApproval is the admin env with the consultation requiring approval.
func (e *pageEnv) withApproval(t *testing.T) *pageEnv {
	t.Helper()
	return e.withAdmin(t, func(d *Deps) {
		d.Config.SessionTypes = slices.Clone(d.Config.SessionTypes)
		for i := range d.Config.SessionTypes {
			d.Config.SessionTypes[i].RequiresApproval = d.Config.SessionTypes[i].ID == "consultation"
		}
	})
}

func (e *pageEnv) decide(t *testing.T, id, action, body string) (int, apiAnswer) {
	t.Helper()
	req, _ := http.NewRequest("POST", e.ts.URL+"/admin/api/bookings/"+id+"/"+action, strings.NewReader(body))
	req.SetBasicAuth(adminTestUser, adminTestPassword)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a apiAnswer
	_ = json.NewDecoder(resp.Body).Decode(&a)
	return resp.StatusCode, a
}

func (e *pageEnv) pendingAt(t *testing.T, start string) booking.Booking {
	t.Helper()
	status, a, _ := e.api(t, "POST", "/api/bookings", jsonBooking(start, "Sam Lee", "sam"+start[11:13]+start[14:16]+"@example.org"))
	if status != 201 || a.Status != "pending" || a.ManageURL == "" {
		t.Fatalf("booking a type that requires approval = %d %+v, want 201 pending", status, a)
	}
	b, err := e.store.Get(t.Context(), a.ID)
	if err != nil || b.Status != booking.StatusPending {
		t.Fatalf("stored request: %+v %v", b, err)
	}
	return b
}

func TestApprovalAPI(t *testing.T) {
	e := startPageEnv(t).withApproval(t)
	slots := e.slotsOn(t, e.daysWithSlots(t, 1)[0])
	b := e.pendingAt(t, slots[0])
	// The request holds its slot.
	if status, _, _ := e.api(t, "POST", "/api/bookings", jsonBooking(slots[0], "Alex Kim", "alex@example.org")); status != 409 {
		t.Fatalf("booking a pending request's time = %d, want 409", status)
	}
	if code, a := e.decide(t, b.ID, "approve", ""); code != 200 || a.Status != "held" || a.ID != b.ID {
		t.Fatalf("approve = %d %+v", code, a)
	}
	if code, a := e.decide(t, b.ID, "approve", "{}"); code != 200 || a.ID != b.ID {
		t.Fatalf("second approve = %d %+v, want 200", code, a)
	}
	if code, a := e.decide(t, b.ID, "decline", `{"message":"no"}`); code != 409 {
		t.Fatalf("decline of an approved request = %d %+v, want 409", code, a)
	}

	c := e.pendingAt(t, slots[1])
	if code, a := e.decide(t, c.ID, "decline", `{"message":"  I am away that week.  "}`); code != 200 || a.Status != "cancelled" {
		t.Fatalf("decline = %d %+v", code, a)
	}
	if got, _ := e.store.Get(t.Context(), c.ID); got.Reply != "I am away that week." || got.Flag != booking.FlagDeclined {
		t.Fatalf("declined request: %+v", got)
	}
	if code, _ := e.decide(t, c.ID, "decline", ""); code != 200 {
		t.Fatalf("second decline = %d, want 200", code)
	}
	if code, a := e.decide(t, c.ID, "approve", ""); code != 409 {
		t.Fatalf("approve of a declined request = %d %+v, want 409", code, a)
	}
	if code, a := e.decide(t, c.ID, "decline", `{"msg":"x"}`); code != 422 {
		t.Fatalf("unknown field = %d %+v, want 422", code, a)
	}
	if code, _ := e.decide(t, "default_aaaaaaaaaaaaaaaaaaaaaaaaaa", "approve", ""); code != 404 {
		t.Fatalf("approve of no booking = %d, want 404", code)
	}
	// The slot is free again.
	e.pendingAt(t, slots[1])
}

func TestApprovalLinks(t *testing.T) {
	e := startPageEnv(t).withApproval(t)
	slots := e.slotsOn(t, e.daysWithSlots(t, 1)[0])
	b := e.pendingAt(t, slots[0])
	exp := time.Now().Add(time.Hour)
	approve, _ := url.Parse(e.links.Approve(b.ID, exp))
	decline, _ := url.Parse(e.links.Decline(b.ID, exp))

	p := e.get(t, decline.Path)
	if p.status != 200 || !strings.Contains(p.body, "S. L.") || strings.Contains(p.body, "Sam Lee") || !strings.Contains(p.body, `name="message"`) {
		t.Fatalf("decline page = %d, want the initials only and a message field:\n%s", p.status, p.body)
	}
	csrf := csrfRe.FindStringSubmatch(p.body)
	if csrf == nil {
		t.Fatal("no form token on the decline page")
	}
	// Without the form token nothing happens.
	resp, err := e.client.PostForm(e.ts.URL+decline.Path, url.Values{"message": {"x"}})
	if err != nil {
		t.Fatal(err)
	}
	if readPage(t, resp).status != 403 {
		t.Fatal("a decline without its form token was taken")
	}
	// A decline link does not approve.
	if p := e.get(t, "/approve/"+strings.TrimPrefix(decline.Path, "/decline/")); p.status != 403 {
		t.Fatalf("a decline token on the approve route = %d, want 403", p.status)
	}
	resp, err = e.client.PostForm(e.ts.URL+decline.Path, url.Values{"csrf": {csrf[1]}, "message": {"Please try the week after."}})
	if err != nil {
		t.Fatal(err)
	}
	if p := readPage(t, resp); p.status != 200 || !strings.Contains(p.body, "declined") {
		t.Fatalf("decline = %d\n%s", p.status, p.body)
	}
	if got, _ := e.store.Get(t.Context(), b.ID); got.Status != booking.StatusCancelled || got.Reply != "Please try the week after." {
		t.Fatalf("after the decline: %+v", got)
	}
	// The approve link now says so, and its POST changes nothing.
	if p := e.get(t, approve.Path); p.status != 200 || !strings.Contains(p.body, "already been answered") || strings.Contains(p.body, "<form") {
		t.Fatalf("approve page of a declined request = %d\n%s", p.status, p.body)
	}
	resp, err = e.client.PostForm(e.ts.URL+approve.Path, url.Values{"csrf": {csrf[1]}})
	if err != nil {
		t.Fatal(err)
	}
	if p := readPage(t, resp); p.status != 409 {
		t.Fatalf("approve of a declined request = %d, want 409", p.status)
	}

	// Approve from the one-click link.
	c := e.pendingAt(t, slots[1])
	approve, _ = url.Parse(e.links.Approve(c.ID, exp))
	p = e.get(t, approve.Path)
	csrf = csrfRe.FindStringSubmatch(p.body)
	if p.status != 200 || csrf == nil {
		t.Fatalf("approve page = %d", p.status)
	}
	resp, err = e.client.PostForm(e.ts.URL+approve.Path, url.Values{"csrf": {csrf[1]}})
	if err != nil {
		t.Fatal(err)
	}
	if p := readPage(t, resp); p.status != 200 {
		t.Fatalf("approve = %d", p.status)
	}
	if got, _ := e.store.Get(t.Context(), c.ID); got.Status != booking.StatusHeld {
		t.Fatalf("after the approve: %+v", got)
	}
	// An expired link is refused.
	old := e.links.Approve(c.ID, time.Now().Add(-time.Minute))
	u, _ := url.Parse(old)
	if p := e.get(t, u.Path); p.status != 403 {
		t.Fatalf("expired approve link = %d, want 403", p.status)
	}
}

func TestAdminBookingPageApproves(t *testing.T) {
	e := startPageEnv(t).withApproval(t)
	slots := e.slotsOn(t, e.daysWithSlots(t, 1)[0])
	b := e.pendingAt(t, slots[0])
	path := e.links.AdminPath(b.ID)
	p := e.adminDo(t, "GET", path, rightCredentials, nil)
	if !strings.Contains(p.body, `action="`+path+`/approve"`) || !strings.Contains(p.body, `action="`+path+`/decline"`) {
		t.Fatalf("booking page of a request has no approve and decline forms:\n%s", p.body)
	}
	csrf := e.adminCSRF(t, path)
	p = e.adminDo(t, "POST", path+"/approve", rightCredentials, url.Values{"csrf": {csrf}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != path+"?done=approved" {
		t.Fatalf("approve = %d %q", p.status, p.header.Get("Location"))
	}
	p = e.adminDo(t, "GET", path+"?done=approved", rightCredentials, nil)
	if !strings.Contains(p.body, "The request is approved") || strings.Contains(p.body, `action="`+path+`/approve"`) {
		t.Fatalf("after the approve:\n%s", p.body)
	}
	p = e.adminDo(t, "POST", path+"/decline", rightCredentials, url.Values{"csrf": {csrf}})
	if p.header.Get("Location") != path+"?done=answered" {
		t.Fatalf("decline of an approved request = %d %q", p.status, p.header.Get("Location"))
	}
}
