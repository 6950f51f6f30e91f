package jobs

import (
	"fmt"
	"net/mail"
	"net/url"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/links"
	"github.com/consultd/consultd/locale"
	"github.com/consultd/consultd/mailer"
	"github.com/consultd/consultd/templates"
)

// Composer turns a booking into the emails about it. It holds no state
// beyond the configuration, templates and links.
type Composer struct {
	cfg       *config.Config
	templates *templates.Set
	links     *links.Links
	now       func() time.Time
	from      mailer.Address
	host      string
}

// NewComposer checks the sender address and base URL once.
func NewComposer(cfg *config.Config, set *templates.Set, l *links.Links, now func() time.Time) (*Composer, error) {
	from, err := mail.ParseAddress(cfg.Mail.From)
	if err != nil {
		return nil, fmt.Errorf("mail.from: %w", err)
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("base_url: %w", err)
	}
	return &Composer{cfg: cfg, templates: set, links: l, now: now,
		from: mailer.Address{Name: from.Name, Email: from.Address}, host: u.Hostname()}, nil
}

// client is the localizer of the client's language: that of the booking,
// or the default for a booking made before languages were kept.
func (c *Composer) client(b booking.Booking) *locale.Localizer {
	return c.templates.Catalogs().For(b.Language)
}

// therapist is the localizer of the therapist's own emails and calendar.
func (c *Composer) therapist(th config.Therapist) *locale.Localizer {
	return c.templates.Catalogs().For(c.cfg.TherapistLanguage(th))
}

// facts gathers what every email of a booking says, in the client's
// language and zone.
func (c *Composer) facts(b booking.Booking) (templates.EmailData, config.Therapist, config.SessionType) {
	return c.factsIn(b, c.client(b))
}

// therapistFacts is what a notice to the therapist says: in their
// language, the times in their zone.
func (c *Composer) therapistFacts(b booking.Booking) (templates.EmailData, config.Therapist) {
	th, _ := c.cfg.Therapist(b.TherapistID)
	l := c.therapist(th)
	data, _, _ := c.factsIn(b, l)
	data.When = l.When(b.Start, b.End, th.Location())
	data.WhenShort = l.Short(b.Start.In(th.Location()))
	data.WhenTherapist = ""
	return data, th
}

func (c *Composer) factsIn(b booking.Booking, l *locale.Localizer) (templates.EmailData, config.Therapist, config.SessionType) {
	th, _ := c.cfg.Therapist(b.TherapistID)
	st, _ := c.cfg.SessionType(b.Type)
	clientLoc := calendar.ZoneOr(b.TimeZone, th.Location())
	d := templates.EmailData{
		L:             l,
		Practice:      c.cfg.Practice.Name,
		ClientName:    b.Name,
		TherapistName: th.Name,
		SessionName:   l.Configured(st.Name),
		When:          l.When(b.Start, b.End, clientLoc),
		WhenShort:     l.Short(b.Start.In(clientLoc)),
		Location:      l.Configured(st.Location),
		ManageURL:     c.links.Manage(b.ID),
		BookURL:       c.links.Book(),
		AdminURL:      c.links.Admin(b.ID),
		Policy:        l.Own(c.cfg.Cancellation.Policy, config.DefaultCancellationPolicy, "policy.default"),
	}
	if st.Video && th.VideoURL.IsSet() {
		d.VideoURL = th.VideoLink(b.Room)
		d.Location = d.VideoURL
	}
	if th.Location() != nil && th.Location().String() != clientLoc.String() {
		d.WhenTherapist = l.When(b.Start, b.End, th.Location())
	}
	return d, th, st
}

func (c *Composer) withEvent(b booking.Booking, name string, data templates.EmailData, method calendar.Method) (*mailer.Message, error) {
	m, err := c.plain(b, name, data, mailer.Address{Name: b.Name, Email: b.Email})
	if err != nil {
		return nil, err
	}
	ev := c.event(b, data, method)
	if m.Calendar, err = ev.ICS(); err != nil {
		return nil, fmt.Errorf("%s calendar of %s: %w", name, b.ID, err)
	}
	m.CalendarMethod = string(method)
	return m, nil
}

// event is the booking as a calendar event: the same UID for its whole
// life, so the client's calendar updates one entry; SEQUENCE is the
// booking's, raised by every change.
func (c *Composer) event(b booking.Booking, data templates.EmailData, method calendar.Method) calendar.Event {
	return calendar.Event{
		UID:         c.UID(b.ID),
		Sequence:    b.Seq,
		Method:      method,
		Start:       b.Start,
		End:         b.End,
		Stamp:       c.now(),
		Summary:     data.L.T("event.summary", "Practice", c.cfg.Practice.Name),
		Description: description(data, method),
		Location:    data.Location,
		URL:         data.ManageURL,
		Organizer:   calendar.Address{Name: c.from.Name, Email: c.from.Email},
		Attendee:    calendar.Address{Name: b.Name, Email: b.Email},
	}
}

func (c *Composer) plain(b booking.Booking, name string, data templates.EmailData, to mailer.Address) (*mailer.Message, error) {
	e, err := c.templates.Email(name, data)
	if err != nil {
		return nil, err
	}
	m := &mailer.Message{
		MessageID: fmt.Sprintf("%s.%s.%d@%s", name, b.ID, b.Seq, c.host),
		From:      c.from,
		To:        to,
		Subject:   e.Subject,
		Text:      e.Text,
		HTML:      e.HTML,
		Date:      c.now(),
	}
	if c.cfg.Mail.ReplyTo != "" {
		if rt, err := mail.ParseAddress(c.cfg.Mail.ReplyTo); err == nil {
			m.ReplyTo = &mailer.Address{Name: rt.Name, Email: rt.Address}
		}
	}
	return m, nil
}

// toTherapist is a notice to the therapist: times in their zone, and the
// old time of a moved session when prevStart is set.
func (c *Composer) toTherapist(b booking.Booking, name string, prevStart time.Time) (*mailer.Message, error) {
	data, th := c.therapistFacts(b)
	if !prevStart.IsZero() {
		data.PreviousWhen = c.previous(b, prevStart, "", data.L)
	}
	return c.plain(b, name, data, mailer.Address{Name: th.Name, Email: th.Email})
}

// description is the event's text, in the email's language: the video
// link first when there is one and the event stands. A calendar app offers
// to decline the invitation (it asks for a reply, RSVP), which cancels
// nothing here, so the text says so beside the link that does.
func description(data templates.EmailData, method calendar.Method) string {
	d := data.L.T("event.manage", "URL", data.ManageURL)
	if method == calendar.MethodCancel {
		return d
	}
	d = data.L.T("event.declining") + " " + d
	if data.VideoURL != "" {
		d = data.L.T("event.join", "URL", data.VideoURL) + "\n\n" + d
	}
	return d
}
