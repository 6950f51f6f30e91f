package jobs

import (
	"context"
	"fmt"
	"strings"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/mailer"
)

// handleReminder sends one reminder, unless the booking moved, was
// cancelled or has already begun.
func (h *Handlers) handleReminder(ctx context.Context, t *asynq.Task) error {
	p, err := decode[ReminderPayload](t)
	if err != nil {
		return err
	}
	b, ok, err := h.current(ctx, t.Type(), p.BookingRef, booking.StatusConfirmed)
	if !ok || err != nil {
		return err
	}
	if !h.Now().Before(b.Start) {
		h.Logger.Warn("reminder dropped: the session has begun", "booking", b.ID, "offset", p.Offset)
		return nil
	}
	return h.send(ctx, b, fmt.Sprintf("remind:%d:%s", b.Seq, p.Offset), func(b booking.Booking) (*mailer.Message, error) {
		return h.Compose.Reminder(b, p.Offset)
	})
}

// handleReflect sends the reflection prompt after a session, unless the
// client opted out, did not come, or the session type has no prompt.
func (h *Handlers) handleReflect(ctx context.Context, t *asynq.Task) error {
	p, err := decode[ReflectPayload](t)
	if err != nil {
		return err
	}
	b, ok, err := h.current(ctx, t.Type(), p.BookingRef, booking.StatusConfirmed)
	if !ok || err != nil {
		return err
	}
	if b.Attendance == booking.NoShow {
		h.Logger.Info("reflection prompt dropped: the client did not come", "booking", b.ID)
		return nil
	}
	if st, _ := h.Config.SessionType(b.Type); !st.Reflects() {
		h.Logger.Info("reflection prompt dropped: the session type has none", "booking", b.ID)
		return nil
	}
	out, err := h.Store.OptedOut(ctx, b.Email)
	if err != nil || out {
		return err
	}
	next, err := h.Store.HasUpcoming(ctx, b, h.Config.Booking.Horizon)
	if err != nil {
		return err
	}
	return h.send(ctx, b, fmt.Sprintf("reflect:%d", b.Seq), func(b booking.Booking) (*mailer.Message, error) {
		return h.Compose.Reflection(b, next)
	})
}

// Reminder is the client's reminder, offset before a session; the offset
// is part of its Message-ID, since each reminder is its own message.
func (c *Composer) Reminder(b booking.Booking, offset string) (*mailer.Message, error) {
	data, _, _ := c.facts(b)
	m, err := c.plain(b, "reminder", data, mailer.Address{Name: b.Name, Email: b.Email})
	if err != nil {
		return nil, err
	}
	m.MessageID = fmt.Sprintf("reminder-%s.%s.%d@%s", offset, b.ID, b.Seq, c.host)
	return m, nil
}

// Reflection is the prompt after a session. It carries a one-click
// opt-out (RFC 8058) that mail clients show as "unsubscribe".
func (c *Composer) Reflection(b booking.Booking, nextBooked bool) (*mailer.Message, error) {
	data, _, _ := c.facts(b)
	data.ClientName = greeting(b) // the prompt greets as a person would
	data.NextBooked = nextBooked
	data.UnsubscribeURL = c.links.Unsubscribe(b.ID)
	m, err := c.plain(b, "reflection", data, mailer.Address{Name: b.Name, Email: b.Email})
	if err != nil {
		return nil, err
	}
	m.Headers = map[string]string{
		"List-Unsubscribe":      "<" + data.UnsubscribeURL + ">",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
	}
	return m, nil
}

// greeting is how the reflection prompt addresses the client: the
// preferred name they gave, else the first word of their name.
func greeting(b booking.Booking) string {
	if b.PreferredName != "" {
		return b.PreferredName
	}
	if words := strings.Fields(b.Name); len(words) > 0 {
		return words[0]
	}
	return ""
}
