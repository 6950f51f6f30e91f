package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/links"
)

// sessionInviteOnly makes the 50-minute session invite_only, on a grid of
// an hour.
func sessionInviteOnly(c *config.Config) {
	for i := range c.SessionTypes {
		if c.SessionTypes[i].ID == "session" {
			c.SessionTypes[i].InviteOnly, c.SessionTypes[i].SlotStep = true, time.Hour
		}
	}
}

// An invite_only type is not on the public page nor in the public API
// (422 naming type, saying it is by invitation), and is booked through an
// invite link that names it.
func TestInviteOnlyTypeStaysOffThePublicPageAndAPI(t *testing.T) {
	e := startPageEnvWith(t, sessionInviteOnly)
	week := time.Now().Add(7 * 24 * time.Hour)
	from, to := time.Now().UTC().Format(time.DateOnly), week.UTC().Format(time.DateOnly)

	status, ans, _ := e.api(t, "GET", "/api/slots?type=session&from="+from+"&to="+to, "")
	if status != http.StatusUnprocessableEntity || !strings.Contains(ans.Fields["type"], "by invitation") || !strings.Contains(ans.Error, "by invitation") {
		t.Errorf("GET /api/slots of the invite-only type = %d %+v, want 422 naming type", status, ans)
	}
	if status, ans, _ := e.api(t, "GET", "/api/slots?type=consultation&from="+from+"&to="+to, ""); status != http.StatusOK || len(ans.Slots) == 0 {
		t.Fatalf("the public type's slots = %d, %d slots", status, len(ans.Slots))
	}
	start := e.freeStarts(t)[0]
	body := fmt.Sprintf(`{"type":"session","start":%q,"name":"Sam Lee","email":"sam@example.org"}`, start)
	if status, ans, _ := e.api(t, "POST", "/api/bookings", body); status != http.StatusUnprocessableEntity || !strings.Contains(ans.Fields["type"], "by invitation") {
		t.Errorf("POST /api/bookings of the invite-only type = %d %+v, want 422 naming type", status, ans)
	}

	for _, path := range []string{"/book", "/book?type=session"} {
		p := e.get(t, path)
		if p.status != http.StatusOK || strings.Contains(p.body, "?type=session") || strings.Contains(p.body, "Psychotherapy session") {
			t.Errorf("GET %s = %d offers the invite-only type", path, p.status)
		}
		contains(t, p, "Free consultation")
	}
	csrf, start := formOf(t, e.get(t, "/book"))
	f := validForm(csrf, start)
	f.Set("type", "session")
	refused := e.post(t, f)
	if refused.status != http.StatusUnprocessableEntity {
		t.Fatalf("POST /book of the invite-only type = %d, want 422", refused.status)
	}
	contains(t, refused, `id="type-error">The session type is by invitation only`)
	if n := e.bookings(t); n != 0 {
		t.Fatalf("%d bookings made by the public", n)
	}

	path := e.invitePath(t, links.Invite{Email: "sam@example.org", Types: []string{"session"}}, week)
	p := e.get(t, path)
	contains(t, p, `<p class="type-name">Psychotherapy session</p>`, "50 minutes")
	csrf, start = formOf(t, p)
	if at, _ := time.Parse(time.RFC3339, start); at.In(e.cfg.Therapists[0].Location()).Minute() != 0 {
		t.Errorf("the invite page offers %s, off the session's hourly grid", start)
	}
	f = validForm(csrf, start)
	f.Set("type", "session")
	f.Set("invite", strings.TrimPrefix(path, "/book/"))
	if booked := e.post(t, f); booked.status != http.StatusCreated {
		t.Fatalf("booking the invite-only type from its invite = %d:\n%s", booked.status, booked.body)
	}
}

// With every type invite_only the public page says booking is by
// invitation rather than offering nothing.
func TestBookingPageWhenEveryTypeIsInviteOnly(t *testing.T) {
	e := startPageEnvWith(t, func(c *config.Config) {
		for i := range c.SessionTypes {
			c.SessionTypes[i].InviteOnly = true
		}
	})
	p := e.get(t, "/book")
	if p.status != http.StatusOK {
		t.Fatalf("GET /book = %d", p.status)
	}
	contains(t, p, "Booking is by invitation", "contact the practice")
}

// A type's slot_step is its grid in the API: slots on the hour, and a
// posted start off it is 422 naming start.
func TestSessionTypeGridInTheAPI(t *testing.T) {
	e := startPageEnvWith(t, func(c *config.Config) {
		for i := range c.SessionTypes {
			if c.SessionTypes[i].ID == "session" {
				c.SessionTypes[i].SlotStep = time.Hour
			}
		}
	})
	loc := e.cfg.Therapists[0].Location()
	now := time.Now().In(loc)
	q := "from=" + now.Format(time.DateOnly) + "&to=" + now.AddDate(0, 0, 7).Format(time.DateOnly)
	_, ans, _ := e.api(t, "GET", "/api/slots?type=session&"+q, "")
	if len(ans.Slots) == 0 {
		t.Fatal("no session slots")
	}
	for _, sl := range ans.Slots {
		if at, _ := time.Parse(time.RFC3339, sl.Start); at.In(loc).Minute() != 0 {
			t.Errorf("a session offered at %s, off the hour", at.In(loc).Format("15:04"))
		}
	}
	first, _ := time.Parse(time.RFC3339, ans.Slots[0].Start)
	offGrid := first.Add(15 * time.Minute).UTC().Format(time.RFC3339)
	body := fmt.Sprintf(`{"type":"session","start":%q,"name":"Sam Lee","email":"sam@example.org"}`, offGrid)
	if status, ans, _ := e.api(t, "POST", "/api/bookings", body); status != http.StatusUnprocessableEntity || ans.Fields["start"] == "" {
		t.Errorf("a session at a quarter past = %d %+v, want 422 naming start", status, ans)
	}
	_, consultations, _ := e.api(t, "GET", "/api/slots?type=consultation&"+q, "")
	quarter := false
	for _, sl := range consultations.Slots {
		at, _ := time.Parse(time.RFC3339, sl.Start)
		quarter = quarter || at.In(loc).Minute() == 15
	}
	if !quarter {
		t.Error("consultations lost the 15-minute grid")
	}
}
