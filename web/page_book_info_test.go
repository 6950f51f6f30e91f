package web

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// The booking page says, before anything is booked, who the practice is,
// how to reach it, what to do in a crisis, what each kind of session is,
// costs and how it happens, and the cancellation policy.
func TestBookPageTellsBeforeBooking(t *testing.T) {
	e := startPageEnv(t)
	p := e.get(t, "/book")
	contains(t, p, `<h2 id="crisis-heading">In a crisis?</h2>`, e.cfg.Practice.Emergency,
		"Free consultation", "15 minutes · By video", "50 minutes · In person at Riverside Practice, 12 River Street",
		e.cfg.Cancellation.Policy, "A cancel less than 24 hours before the session counts as late.",
		`<span id="summary-time">not chosen yet: please choose a time above</span>`)
	if strings.Contains(p.body, `class="practice"`) {
		t.Error("the page has an about section with nothing in it")
	}

	e.cfg.Practice.About = "Therapy by the river.\nSince 2010."
	e.cfg.Practice.Contact = "Phone <555> 010"
	e.cfg.Practice.Emergency = "In the US, call or text 988."
	e.cfg.SessionTypes[1].Price = "$180"
	e.cfg.SessionTypes[1].Description = "An individual session."
	e.cfg.Cancellation.AllowLate = false
	p = e.get(t, "/book?type=session")
	contains(t, p, "Therapy by the river.\nSince 2010.", "Phone &lt;555&gt; 010", "In the US, call or text 988.",
		`50 minutes · In person at Riverside Practice, 12 River Street · <span class="price">$180</span>`, "An individual session.",
		"<strong>Psychotherapy session</strong> · 50 minutes, in person at Riverside Practice, 12 River Street, $180</p>",
		"Less than 24 hours before the session, it can no longer be cancelled or moved online.")

	// A form that comes back with a problem says the time already chosen.
	csrf, start := formOf(t, p)
	f := validForm(csrf, start)
	f.Set("type", "session")
	f.Set("email", "not an address")
	back := e.post(t, f)
	if back.status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad email = %d, want 422", back.status)
	}
	th, _ := e.cfg.Therapist("default")
	at, _ := time.Parse(time.RFC3339, start)
	local := at.In(th.Location())
	contains(t, back, `<span id="summary-time">`+local.Format("Monday 2 January")+" at "+local.Format("15:04")+`</span>`)
}

func TestRootAndFavicon(t *testing.T) {
	e := startPageEnv(t)
	root := e.get(t, "/")
	if root.status != http.StatusSeeOther || root.header.Get("Location") != "/book" {
		t.Errorf("GET / = %d to %q, want 303 to /book", root.status, root.header.Get("Location"))
	}
	if other := e.get(t, "/nothing-here"); other.status != http.StatusNotFound {
		t.Errorf("GET /nothing-here = %d, want 404", other.status)
	}
	icon := e.get(t, "/favicon.ico")
	if icon.status != http.StatusOK || icon.header.Get("Content-Type") != "image/x-icon" || !strings.HasPrefix(icon.body, "\x00\x00\x01\x00") {
		t.Errorf("GET /favicon.ico = %d %q, %d bytes: want an icon", icon.status, icon.header.Get("Content-Type"), len(icon.body))
	}
	contains(t, e.get(t, "/book"), `<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">`)
	if svg := e.get(t, "/static/favicon.svg"); svg.status != http.StatusOK || !strings.HasPrefix(svg.header.Get("Content-Type"), "image/svg+xml") {
		t.Errorf("GET /static/favicon.svg = %d %q", svg.status, svg.header.Get("Content-Type"))
	}
}
