package jobs

import (
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/internal/testical"
	"github.com/consultd/consultd/mailer"
)

// Declining an invitation in a calendar app cancels nothing, so every
// email that asks for a reply, and its event's description, say so beside
// the manage link; a cancel does not.
func TestInvitesSayDecliningDoesNotCancel(t *testing.T) {
	c := testComposer(t)
	b := sampleBooking()
	manage := c.links.Manage(b.ID)
	const said = "Declining the invitation in your calendar app does not cancel anything: to cancel, please use the link above."
	for name, build := range map[string]func() (*mailer.Message, error){
		"invite": func() (*mailer.Message, error) { return c.Invite(b) },
		"update": func() (*mailer.Message, error) { return c.Update(b, b.Start.Add(-24*time.Hour)) },
	} {
		t.Run(name, func(t *testing.T) {
			m, err := build()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(m.Text, said) || !strings.Contains(m.HTML, said) || !strings.Contains(m.Text, manage) {
				t.Errorf("the email does not say that declining cancels nothing, with the link:\n%s", m.Text)
			}
			ev, err := testical.ParseEvent(m.Calendar)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(ev.Description, "does not cancel the appointment") || !strings.Contains(ev.Description, manage) {
				t.Errorf("DESCRIPTION = %q", ev.Description)
			}
		})
	}
	m, err := c.Cancel(b)
	if err != nil {
		t.Fatal(err)
	}
	if ev, _ := testical.ParseEvent(m.Calendar); strings.Contains(m.Text, "Declining") || strings.Contains(ev.Description, "Declining") {
		t.Error("a cancellation speaks of declining it")
	}
}

// Replies go to mail.reply_to when set; the sender and the invite's
// ORGANIZER stay mail.from, as iMIP asks.
func TestRepliesGoToReplyTo(t *testing.T) {
	c := testComposer(t)
	b := sampleBooking()
	m, err := c.Invite(b)
	if err != nil {
		t.Fatal(err)
	}
	if m.ReplyTo != nil {
		t.Errorf("Reply-To without mail.reply_to: %+v", m.ReplyTo)
	}
	c.cfg.Mail.ReplyTo = "Front desk <desk@riverside.example>"
	for name, build := range map[string]func() (*mailer.Message, error){
		"invite":              func() (*mailer.Message, error) { return c.Invite(b) },
		"therapist_cancelled": func() (*mailer.Message, error) { return c.TherapistCancelledBy(b, false, "") },
	} {
		m, err := build()
		if err != nil {
			t.Fatal(err)
		}
		if m.ReplyTo == nil || m.ReplyTo.Email != "desk@riverside.example" || m.ReplyTo.Name != "Front desk" {
			t.Errorf("%s: Reply-To = %+v, want the front desk", name, m.ReplyTo)
		}
		if m.From.Email != "appointments@example.org" {
			t.Errorf("%s: From = %+v, want mail.from", name, m.From)
		}
	}
	m, _ = c.Invite(b)
	ev, err := testical.ParseEvent(m.Calendar)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Organizer.Email != "appointments@example.org" {
		t.Errorf("ORGANIZER = %+v, want mail.from", ev.Organizer)
	}
}
