package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/consultd/consultd/appointments"
	"github.com/consultd/consultd/links"
)

// adminLinksPath is the page of booking links and calendar feeds; the form
// that makes a link posts to it.
const adminLinksPath = "/admin/links"

// againLinks ends the message of a form that could not be taken.
const againLinks = "Please open the links page again and retry: " + adminLinksPath

// defaultInviteDays is how long a link lasts unless the practice says.
const defaultInviteDays = 30

// adminLinksPage is the data of templates/pages/admin_links.html.
type adminLinksPage struct {
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

// linkLabels name each field in a message that starts with a verb.
var linkLabels = map[string]string{
	"email": "The client's email address", "type": "The session type", "days": "The number of days",
}

// adminLinks answers GET /admin/links.
func (s *Server) adminLinks(w http.ResponseWriter, r *http.Request) {
	p := adminLinksPage{Form: inviteForm{Days: strconv.Itoa(defaultInviteDays)}}
	if th, ok := s.Config.Therapist(r.URL.Query().Get("rotated")); ok {
		p.Notice = "The calendar address of " + th.Name + " is new and the old one no longer works. " +
			"Subscribe to the new one in the calendar app."
	}
	s.renderLinks(w, r, http.StatusOK, p)
}

// adminMakeLink answers POST /admin/links: a signed booking link for one
// client, shown to be copied into an email. Nothing is stored.
func (s *Server) adminMakeLink(w http.ResponseWriter, r *http.Request) {
	if !s.postedForm(w, r, adminFormTexts(againLinks)) {
		return
	}
	p := adminLinksPage{Form: inviteForm{
		Email: strings.TrimSpace(r.PostForm.Get("email")), Days: strings.TrimSpace(r.PostForm.Get("days")),
		Types: r.PostForm["type"],
	}}
	inv, days, fields := s.checkInviteForm(p.Form)
	if len(fields) > 0 {
		p.Errors, p.Problem = fields, "No link was made: please check what is marked below."
		s.renderLinks(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	expires := s.Now().Add(time.Duration(days) * 24 * time.Hour)
	link, err := s.Links.Invite(inv, expires)
	if err != nil {
		s.Logger.ErrorContext(r.Context(), "booking link not made", "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "Something went wrong",
			"The link could not be made. "+againLinks)
		return
	}
	s.Logger.InfoContext(r.Context(), "booking link made in the admin area", "types", inv.Types, "days", days)
	p.Link, p.Expires = link, expires.In(s.practiceZone()).Format("Monday 2 January 2006, 15:04 MST")
	s.renderLinks(w, r, http.StatusOK, p)
}

// checkInviteForm applies the link command's rules (CheckInvite) to the
// form, with a message per field.
func (s *Server) checkInviteForm(f inviteForm) (links.Invite, int, map[string]string) {
	inv := links.Invite{Email: f.Email, Types: f.Types}
	fields := map[string]string{}
	appointments.CheckText(fields, "email", f.Email, appointments.MaxEmail, true, false)
	days, err := strconv.Atoi(f.Days)
	if err != nil {
		fields["days"] = "Please give a whole number of days, such as 30."
	}
	for _, p := range links.CheckInvite(s.Config, inv, days) {
		if fields[p.Field] == "" {
			fields[p.Field] = p.Msg
		}
	}
	for k, msg := range fields {
		if strings.HasPrefix(msg, "is ") || strings.HasPrefix(msg, "contains ") {
			msg = linkLabels[k] + " " + msg
		}
		fields[k] = sentence(msg)
	}
	return inv, days, fields
}

// adminRotateFeed answers POST /admin/links/feed/{therapist}/rotate: every
// address of the therapist's feed made so far stops working.
func (s *Server) adminRotateFeed(w http.ResponseWriter, r *http.Request) {
	if !s.postedForm(w, r, adminFormTexts(againLinks)) {
		return
	}
	th, ok := s.Config.Therapist(r.PathValue("therapist"))
	if !ok {
		s.errorPage(w, r, http.StatusNotFound, "There is no such therapist",
			"No therapist in the configuration has this id. The calendar feeds are listed at "+adminLinksPath+".")
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
		p.Types = append(p.Types, adminTypeChoice{ID: t.ID, Name: t.Name, Length: minutes(t.Duration),
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
