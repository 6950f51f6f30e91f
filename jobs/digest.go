package jobs

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/locale"
	"github.com/consultd/consultd/mailer"
	"github.com/consultd/consultd/templates"
)

// queueDigests runs with every sweep: once a therapist's local clock has
// passed digest.at, tomorrow's digest is queued (a no-op after the first).
func (h *Handlers) queueDigests(ctx context.Context) error {
	if !h.Config.Digest.Enabled {
		return nil
	}
	for _, th := range h.Config.Therapists {
		local := h.Now().In(th.Location())
		if local.Hour()*60+local.Minute() < h.Config.Digest.Minute() {
			continue
		}
		if err := h.Queue.Digest(ctx, th.ID, calendar.DateOf(local).AddDays(1)); err != nil {
			return err
		}
	}
	return nil
}

// handleDigest lists the day's live sessions, and its late cancels, to
// the therapist; a day with none sends nothing.
func (h *Handlers) handleDigest(ctx context.Context, t *asynq.Task) error {
	var p DigestPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("bad digest payload: %w", asynq.SkipRetry)
	}
	th, ok := h.Config.Therapist(p.Therapist)
	date, err := calendar.ParseDate(p.Date)
	if !ok || err != nil {
		return fmt.Errorf("digest for unknown therapist or date: %w", asynq.SkipRetry)
	}
	day, err := h.sessionsOn(ctx, th, date)
	if err != nil || len(day) == 0 {
		return err
	}
	return h.deliver(ctx, therapistMarker(th.ID, "digest:"+p.Date), func() (*mailer.Message, error) {
		return h.Compose.TherapistDigest(th, date, day)
	})
}

func (h *Handlers) sessionsOn(ctx context.Context, th config.Therapist, date calendar.Date) ([]booking.Booking, error) {
	loc := th.Location()
	list, err := h.Store.List(ctx, th.ID, date.Midnight(loc), date.AddDays(1).Midnight(loc))
	if err != nil {
		return nil, err
	}
	live := list[:0]
	for _, b := range list {
		if b.Status.Live() || b.LateCancel {
			live = append(live, b)
		}
	}
	return live, nil
}

// TherapistDigest lists a day's sessions to the therapist, in their
// language: times in their zone, session type, client initials,
// attendance or a late cancel, a link to each.
func (c *Composer) TherapistDigest(th config.Therapist, date calendar.Date, day []booking.Booking) (*mailer.Message, error) {
	loc := th.Location()
	l := c.therapist(th)
	data := templates.EmailData{
		L: l, Practice: c.cfg.Practice.Name, TherapistName: th.Name,
		When:      l.Date(date.Midnight(loc)),
		WhenShort: l.Day(date.Midnight(loc)),
	}
	for _, b := range day {
		st, _ := c.cfg.SessionType(b.Type)
		data.Sessions = append(data.Sessions, templates.DigestLine{
			Time:    l.T("when.span", "Start", l.Time(b.Start.In(loc)), "End", l.Time(b.End.In(loc))),
			Session: l.Configured(st.Name), Client: calendar.Initials(b.Name), AdminURL: c.links.Admin(b.ID),
			Attendance: attendanceIn(l, b.Attendance), LateCancel: b.LateCancel,
		})
	}
	e, err := c.templates.Email(templates.EmailTherapistDigest, data)
	if err != nil {
		return nil, err
	}
	return &mailer.Message{
		MessageID: fmt.Sprintf("digest.%s.%s@%s", th.ID, date, c.host),
		From:      c.from, To: mailer.Address{Name: th.Name, Email: th.Email},
		Subject: e.Subject, Text: e.Text, HTML: e.HTML, Date: c.now(),
	}, nil
}

// attendanceIn is attendance in l's language ("" when none is recorded).
func attendanceIn(l *locale.Localizer, a booking.Attendance) string {
	switch a {
	case booking.Attended:
		return l.T("email.therapist_digest.attended")
	case booking.NoShow:
		return l.T("email.therapist_digest.no_show")
	}
	return ""
}
