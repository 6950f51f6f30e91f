package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/links"
	"github.com/consultd/consultd/locale"
)

// adminLinksPath is the page of booking links and calendar feeds; the form
// that makes a link posts to it.
const adminLinksPath = "/admin/links"

// againLinks ends the message of a form that could not be taken.
const againLinks = "admin.again.links"

// defaultInviteDays is how long a link lasts unless the practice says.
const defaultInviteDays = 30

// adminLinksPage is the data of templates/pages/admin_links.html.
type adminLinksPage struct {
	pageLang
	Practice, Notice, Problem string
	Types                     []adminTypeChoice
	Form                      inviteForm
	Errors                    map[string]string // a message per form field
	Link, Expires             string            // the link just made, and until when it works
	Feeds                     []adminFeed
	Action, CSRF, Style       string
}

type adminTypeChoice struct {
	ID, Name, Length string
	Checked          bool
}

// adminFeed is a therapist's current private calendar address.
type adminFeed struct {
	ID, Name, URL, Rotate string
}

// inviteForm is what the practice typed, given back with the link or the
// problems, so a second link for another client needs only a new address.
type inviteForm struct {
	Email, Days string
	Types       []string
}

// adminLinks answers GET /admin/links.
func (s *Server) adminLinks(w http.ResponseWriter, r *http.Request) {
	p := adminLinksPage{pageLang: pageLang{s.adminLang()}, Form: inviteForm{Days: strconv.Itoa(defaultInviteDays)}}
	if th, ok := s.Config.Therapist(r.URL.Query().Get("rotated")); ok {
		p.Notice = p.L.T("admin.links.rotated", "Therapist", th.Name)
	}
	s.renderLinks(w, r, http.StatusOK, p)
}

// adminMakeLink answers POST /admin/links: a signed booking link for one
// client, shown to be copied into an email. Nothing is stored.
func (s *Server) adminMakeLink(w http.ResponseWriter, r *http.Request) {
	if !s.postedForm(w, r, adminFormTexts(againLinks, "Path", adminLinksPath)) {
		return
	}
	p := adminLinksPage{pageLang: pageLang{s.adminLang()}, Form: inviteForm{
		Email: strings.TrimSpace(r.PostForm.Get("email")), Days: strings.TrimSpace(r.PostForm.Get("days")),
		Types: r.PostForm["type"],
	}}
	inv, days, fields := s.checkInviteForm(p.L, p.Form)
	if len(fields) > 0 {
		p.Errors, p.Problem = fields, p.L.T("admin.links.check_marked")
		s.renderLinks(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	expires := s.Now().Add(time.Duration(days) * 24 * time.Hour)
	link, err := s.Links.Invite(inv, expires)
	if err != nil {
		s.Logger.ErrorContext(r.Context(), "booking link not made", "err", err)
		s.errorPage(w, r, p.L, http.StatusInternalServerError, p.L.T("page.error.internal.title"),
			p.L.T("admin.links.not_made")+" "+p.L.T(againLinks, "Path", adminLinksPath))
		return
	}
	s.Logger.InfoContext(r.Context(), "booking link made in the admin area", "types", inv.Types, "days", days)
	at := expires.In(s.practiceZone())
	p.Link, p.Expires = link, p.L.T("admin.format.when", "Date", p.L.Date(at), "Time", p.L.Time(at)+" "+at.Format("MST"))
	s.renderLinks(w, r, http.StatusOK, p)
}

// checkInviteForm applies the link command's rules (CheckInvite) to the
// form, with a message per field in l.
func (s *Server) checkInviteForm(l *locale.Localizer, f inviteForm) (links.Invite, int, map[string]string) {
	inv := links.Invite{Email: f.Email, Types: f.Types}
	fields := map[string]string{}
	appointments.CheckText(fields, "email", f.Email, appointments.MaxEmail, true, false)
	days, err := strconv.Atoi(f.Days)
	if err != nil {
		fields["days"] = "not a number"
	}
	for _, p := range links.CheckInvite(s.Config, inv, days) {
		if fields[p.Field] == "" {
			fields[p.Field] = p.Msg
		}
	}
	for k, msg := range fields {
		fields[k] = linkFieldMessage(l, k, msg)
	}
	return inv, days, fields
}

// linkFieldMessage says a problem of the link form's field in l, by the
// kind of check that failed (CheckText, links.CheckInvite).
func linkFieldMessage(l *locale.Localizer, field, msg string) string {
	quoted, _ := strconv.QuotedPrefix(msg)
	value, _ := strconv.Unquote(quoted)
	switch {
	case field == "email" && msg == "is required":
		return l.T("admin.links.email_required")
	case field == "email" && strings.Contains(msg, "is not a plain email address"):
		return l.T("admin.links.email_invalid", "Value", value)
	case field == "email":
		return fieldMessage(l, "client_email", msg)
	case field == "type" && strings.HasPrefix(msg, "is missing"):
		return l.T("admin.links.type_missing")
	case field == "type":
		return l.T("admin.links.type_unknown", "Value", value)
	case field == "days" && msg == "not a number":
		return l.T("admin.links.days_number")
	case field == "days":
		var n int
		_, _ = fmt.Sscanf(msg, "%d", &n)
		return l.T("admin.links.days_range", "Days", n, "Max", links.MaxInviteDays)
	}
	return sentence(msg)
}

// adminRotateFeed answers POST /admin/links/feed/{therapist}/rotate: every
// address of the therapist's feed made so far stops working.
func (s *Server) adminRotateFeed(w http.ResponseWriter, r *http.Request) {
	if !s.postedForm(w, r, adminFormTexts(againLinks, "Path", adminLinksPath)) {
		return
	}
	th, ok := s.Config.Therapist(r.PathValue("therapist"))
	if !ok {
		s.errorKey(w, r, s.adminLang(), http.StatusNotFound, "admin.error.no_therapist", "Path", adminLinksPath)
		return
	}
	if _, err := s.Store.RotateFeed(r.Context(), th.ID); err != nil {
		_ = s.unavailable(r.Context(), "rotate feed", err)
		s.adminUnavailable(w, r)
		return
	}
	s.Logger.InfoContext(r.Context(), "calendar feed address replaced from the admin area", "therapist", th.ID)
	http.Redirect(w, r, adminLinksPath+"?rotated="+url.QueryEscape(th.ID), http.StatusSeeOther)
}

// renderLinks fills in the session types and the feeds and renders the
// page with a fresh CSRF token.
func (s *Server) renderLinks(w http.ResponseWriter, r *http.Request, status int, p adminLinksPage) {
	p.Practice, p.Action, p.Style = s.Config.Practice.Name, adminLinksPath, assetURL("admin.css")
	for _, t := range s.Config.SessionTypes {
		p.Types = append(p.Types, adminTypeChoice{ID: t.ID, Name: t.Name, Length: minutesIn(p.L, t.Duration),
			Checked: slices.Contains(p.Form.Types, t.ID)})
	}
	feeds, err := s.adminFeeds(r.Context())
	if err != nil {
		_ = s.unavailable(r.Context(), "admin feeds", err)
		s.adminUnavailable(w, r)
		return
	}
	p.Feeds = feeds
	p.CSRF = s.csrfToken(w, r)
	s.page(w, r, status, "admin_links", p)
}

// adminFeeds is each therapist's current feed address.
func (s *Server) adminFeeds(ctx context.Context) ([]adminFeed, error) {
	out := make([]adminFeed, 0, len(s.Config.Therapists))
	for _, th := range s.Config.Therapists {
		gen, err := s.Store.FeedGeneration(ctx, th.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, adminFeed{
			ID: th.ID, Name: th.Name, URL: s.Links.Feed(th.ID, gen),
			Rotate: adminLinksPath + "/feed/" + url.PathEscape(th.ID) + "/rotate",
		})
	}
	return out, nil
}

// practiceZone is the first therapist's zone, the practice's own clock.
func (s *Server) practiceZone() *time.Location {
	if len(s.Config.Therapists) == 0 {
		return time.UTC
	}
	return zoneOf(s.Config.Therapists[0])
}
