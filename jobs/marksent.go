package jobs

import (
	"context"
	"time"
)

// markSentPauses are the waits between attempts to write a sent-marker
// while Redis does not answer: about 15 s in all, which covers a Redis
// restart. Once the SMTP server has accepted a message, a marker that is
// not written makes the task's retry send it a second time.
var markSentPauses = []time.Duration{
	250 * time.Millisecond, 500 * time.Millisecond, time.Second,
	2 * time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second, 3 * time.Second,
}

// markSent records that message what of booking id went out, trying again
// while Redis is away; the error is the last attempt's.
func (h *Handlers) markSent(ctx context.Context, id, what string) error {
	_, err := h.Store.MarkSent(ctx, id, what)
	for _, pause := range markSentPauses {
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
		_, err = h.Store.MarkSent(ctx, id, what)
	}
	return err
}
