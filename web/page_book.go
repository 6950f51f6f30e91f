package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/links"
	"github.com/consultd/consultd/locale"
)

// windowDays is how many days the booking page lists at once; later days
// are a "later times" link away, up to the booking horizon.
const windowDays = 14

// bookForm is what a client typed, given back when the form returns with
// a problem so nothing has to be typed twice.
type bookForm struct {
	Type, Start, Name, Email, Notes, Timezone string
	PreferredName                             string
}

func (f bookForm) request() appointments.Request {
	return appointments.Request{Type: f.Type, Start: f.Start, Name: f.Name, Email: f.Email, Notes: f.Notes, Timezone: f.Timezone,
		PreferredName: f.PreferredName}
}

// bookPage is the data of templates/pages/book.html.
type bookPage struct {
	pageLang
	// Languages is the language switch (none with one language offered).
	Languages []languageChoice
	Practice  string
	// About, Contact and Emergency are the practice's own words (config
	// practice.*); Emergency is never empty.
	About, Contact, Emergency string
	// Policy is the cancellation policy and LateRule what it means for a
	// booking made now, both shown before booking.
	Policy, LateRule string
	Types            []typeChoice
	Session          typeChoice   // the chosen type
	Zone             string       // the zone the server labels times in
	Zones            []zoneChoice // offered by the zone picker (book.js)
	Days             []slotDay
	// Chosen is the time already chosen ("Thursday 3 December at 14:00")
	// when the form comes back; the summary beside the button says it.
	Chosen string
	// Earlier and Later page through the days; empty at either end.
	Earlier, Later string
	From           string // first listed date, so a returned form lists the same days
	Form           bookForm
	Errors         map[string]string // a message per field, shown next to it
	Problem        string            // a message above the form
	CSRF           string
	Invite         string // the invite token, posted back so its limits hold
	// Standing says, for an invite to a standing appointment, how it
	// repeats from the time chosen ("every week, 10 sessions").
	Standing      string
	Script, Style string
}

type typeChoice struct {
	ID, Name, Length, URL string
	// Format is how the session happens ("By video", "In person at 12
	// River Street"); Price and Description are the practice's (may be empty).
	Format, Price, Description string
	// Summary is length, format and price in one line ("50 minutes, in
	// person at 12 River Street, $180").
	Summary string
	Current bool
}

// slotDay is one day's free times, folded away (a <details>) unless it is
// the first day or holds the chosen time, so a phone shows the days at a
// glance rather than hundreds of times.
type slotDay struct {
	Date, Label, Count string
	Open               bool
	Slots              []slotChoice
}

type slotChoice struct {
	ID, Value, Label string
	Checked          bool
}

// getBook answers GET /book: the public booking page.
func (s *Server) getBook(w http.ResponseWriter, r *http.Request) {
	s.showBook(w, r, nil)
}

// getInvite answers GET /book/{token}: the booking page of a therapist's
// invite, with the email filled in and only the types it allows.
func (s *Server) getInvite(w http.ResponseWriter, r *http.Request) {
	inv, err := s.Links.VerifyInvite(r.PathValue("token"))
	if err != nil {
		s.inviteInvalid(w, r)
		return
	}
	s.showBook(w, r, inv)
}

func (s *Server) showBook(w http.ResponseWriter, r *http.Request, inv *links.Invite) {
	q := r.URL.Query()
	form := bookForm{Type: q.Get("type")}
	if inv != nil {
		form.Email = inv.Email
	}
	asked, _ := s.askedLang(r)
	s.renderBook(w, r, http.StatusOK, bookState{invite: inv, token: r.PathValue("token"), form: form, from: q.Get("from"),
		l: s.visitorLang(r), asked: asked})
}

// bookState is everything a rendering of the booking page depends on.
type bookState struct {
	invite  *links.Invite
	token   string // the invite token as received
	form    bookForm
	from    string
	errors  map[string]string
	problem string
	// l is the page's language; asked is set when the visitor chose it
	// (the switch, the form), so the page's own links keep it.
	l     *locale.Localizer
	asked string
}

// renderBook lists the free slots and renders the page with a fresh CSRF
// token; when the slots cannot be read, nothing can be booked, so it says so.
func (s *Server) renderBook(w http.ResponseWriter, r *http.Request, status int, st bookState) {
	if len(s.allowedTypes(st.invite)) == 0 {
		// Every type is invite_only: the public page has nothing to offer.
		s.errorKey(w, r, st.l, status, "page.error.invitation_only", "Practice", s.Config.Practice.Name)
		return
	}
	p, err := s.bookPageData(r.Context(), st)
	if err != nil {
		s.Logger.ErrorContext(r.Context(), "booking page: free slots", "err", err)
		s.bookUnavailable(w, r, st.l)
		return
	}
	p.CSRF = s.csrfToken(w, r)
	s.page(w, r, status, "book", p)
}

func (s *Server) bookPageData(ctx context.Context, st bookState) (bookPage, error) {
	types := s.allowedTypes(st.invite)
	session := types[0]
	if i := slices.IndexFunc(types, func(t config.SessionType) bool { return t.ID == st.form.Type }); i >= 0 {
		session = types[i]
	}
	st.form.Type = session.ID
	l := st.l
	loc := s.Config.Therapists[0].Location()
	from, to, earlier, later := s.window(st.from)
	pr := s.Config.Practice
	p := bookPage{
		pageLang: pageLang{l},
		Practice: pr.Name, About: pr.About, Contact: pr.Contact, Emergency: l.Own(pr.Emergency, config.DefaultEmergency, "page.book.emergency_default"),
		Policy: s.policyIn(l), LateRule: lateRule(l, s.Config.Cancellation),
		Zone: l.Zone(loc, s.Now()), Zones: zoneChoices(l, loc, st.form.Timezone, s.Now()),
		From: from.String(), Form: st.form, Errors: st.errors, Problem: st.problem,
		Invite: st.token, Script: assetURL("book.js"), Style: assetURL("book.css"),
	}
	if st.invite.Standing() {
		p.Standing = l.T(fmt.Sprintf("page.book.standing_rule.%d", min(max(st.invite.EveryWeeks, 1), 2)), "Count", st.invite.Count)
	}
	base := s.pagePath(st.token)
	// link is a URL of this page; it keeps a language the visitor chose.
	link := func(q url.Values) string {
		if st.asked != "" {
			q.Set("lang", st.asked)
		}
		return base + "?" + q.Encode()
	}
	for _, t := range types {
		c := typeChoice{ID: t.ID, Name: l.Configured(t.Name), Length: minutesIn(l, t.Duration), Current: t.ID == session.ID,
			URL:    link(url.Values{"type": {t.ID}}),
			Format: sessionFormat(l, t), Price: t.Price, Description: l.Configured(t.Description)}
		c.Summary = strings.Join(slices.DeleteFunc([]string{c.Length, lowerFirst(c.Format), c.Price},
			func(s string) bool { return s == "" }), ", ")
		if c.Current {
			p.Session = c
		}
		p.Types = append(p.Types, c)
	}
	if earlier != "" {
		p.Earlier = link(url.Values{"type": {session.ID}, "from": {earlier}})
	}
	if later != "" {
		p.Later = link(url.Values{"type": {session.ID}, "from": {later}})
	}
	keep := url.Values{"type": {session.ID}}
	if st.from != "" {
		keep.Set("from", st.from)
	}
	p.Languages = s.languageChoices(l, base, keep)
	slots, err := s.Appointments.FreeSlots(ctx, appointments.SlotsRequest{Type: session.ID, From: from.String(), To: to.String(),
		Invited: st.invite != nil})
	if err != nil {
		return p, err
	}
	p.Days = groupByDay(l, slots, loc, st.form.Start)
	p.Chosen = chosenLabel(l, p.Days)
	return p, nil
}

// sessionFormat says how a session of the type happens: by video, or in
// person at its location.
func sessionFormat(l *locale.Localizer, t config.SessionType) string {
	switch {
	case t.Video:
		return l.T("page.format.video")
	case t.Location != "":
		return l.T("page.format.in_person_at", "Location", l.Configured(t.Location))
	}
	return l.T("page.format.in_person")
}

// chosenLabel is the checked time, as its day and time are labelled.
func chosenLabel(l *locale.Localizer, days []slotDay) string {
	for _, d := range days {
		for _, sl := range d.Slots {
			if sl.Checked {
				return l.T("page.book.chosen", "Day", d.Label, "Time", sl.Label)
			}
		}
	}
	return ""
}

// allowedTypes is every configured type but those that are invite_only,
// or those the invite names, in the configured order.
func (s *Server) allowedTypes(inv *links.Invite) []config.SessionType {
	return slices.DeleteFunc(slices.Clone(s.Config.SessionTypes), func(t config.SessionType) bool {
		return !inv.Allows(t.ID) || (inv == nil && t.InviteOnly)
	})
}

// pagePath is the booking page the type and paging links stay on.
func (s *Server) pagePath(inviteToken string) string {
	if inviteToken != "" {
		return "/book/" + url.PathEscape(inviteToken)
	}
	return "/book"
}

// window is the run of days to list, starting at the date asked for when
// that lies between today and the horizon (today otherwise), and the first
// dates of the previous and next runs ("" when there is none). Dates are in
// the first therapist's zone; the horizon is the earliest of all.
func (s *Server) window(fromParam string) (from, to calendar.Date, earlier, later string) {
	now := s.Now()
	today := calendar.DateOf(now.In(s.Config.Therapists[0].Location()))
	last := today.AddDays(windowDays - 1)
	for i, t := range s.Config.Therapists {
		if l := calendar.LastDate(t.Schedule(), s.Config.Booking.Rules(), now); i == 0 || l.Compare(last) < 0 {
			last = l
		}
	}
	from = today
	if d, err := calendar.ParseDate(fromParam); err == nil && d.Compare(today) > 0 && d.Compare(last) <= 0 {
		from = d
	}
	to = from.AddDays(windowDays - 1)
	if to.Compare(last) > 0 {
		to = last
	}
	if from.Compare(today) > 0 {
		prev := from.AddDays(-windowDays)
		if prev.Compare(today) < 0 {
			prev = today
		}
		earlier = prev.String()
	}
	if to.Compare(last) < 0 {
		later = to.AddDays(1).String()
	}
	return from, to, earlier, later
}

// groupByDay labels each free start in loc and groups the starts by local
// date, in l. Two therapists free at one time give one choice: booking
// picks whoever is free.
func groupByDay(l *locale.Localizer, slots []calendar.Slot, loc *time.Location, checked string) []slotDay {
	var days []slotDay
	seen := map[time.Time]bool{}
	for _, sl := range slots {
		if seen[sl.Start] {
			continue
		}
		seen[sl.Start] = true
		local := sl.Start.In(loc)
		date := local.Format(time.DateOnly)
		if len(days) == 0 || days[len(days)-1].Date != date {
			days = append(days, slotDay{Date: date, Label: dayIn(l, local)})
		}
		value := sl.Start.UTC().Format(time.RFC3339)
		day := &days[len(days)-1]
		day.Slots = append(day.Slots, slotChoice{
			ID: fmt.Sprintf("slot-%d", len(seen)), Value: value, Label: l.Time(local), Checked: value == checked,
		})
		day.Open = day.Open || value == checked
	}
	anyOpen := false
	for i := range days {
		days[i].Count = l.Plural("page.book.count", len(days[i].Slots), "N", len(days[i].Slots))
		anyOpen = anyOpen || days[i].Open
	}
	if len(days) > 0 && !anyOpen {
		days[0].Open = true
	}
	return days
}

// assetURL is a static file's URL with the version that lets browsers keep
// it for good.
func assetURL(name string) string { return "/static/" + name + "?v=" + assetVersion() }
