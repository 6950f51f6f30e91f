package booking

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// GetSent is Get and Sent of each of whats for the same booking, in one
// round trip: sent[i] reports whether whats[i] was recorded as sent.
func (s *Store) GetSent(ctx context.Context, id string, whats ...string) (b Booking, sent []bool, err error) {
	k, err := keysOf(id)
	if err != nil {
		return Booking{}, nil, err
	}
	pipe := s.rdb.Pipeline()
	rec := pipe.HGetAll(ctx, k.booking(id))
	exists := make([]*redis.IntCmd, len(whats))
	for i, what := range whats {
		exists[i] = pipe.Exists(ctx, k.sent(id, what))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return Booking{}, nil, fmt.Errorf("get booking %s and its sent-markers: %w", id, err)
	}
	if len(rec.Val()) == 0 {
		return Booking{}, nil, fmt.Errorf("get booking %s: %w", id, ErrNotFound)
	}
	if b, err = decode(rec.Val()); err != nil {
		return Booking{}, nil, err
	}
	sent = make([]bool, len(whats))
	for i, c := range exists {
		sent[i] = c.Val() == 1
	}
	return b, sent, nil
}

// MarkSentConfirm is MarkSent of what, then Confirm, in one round trip
// (the marker is written first, as two calls would). markErr is the
// marker's error, err the confirm's, as Confirm returns it.
func (s *Store) MarkSentConfirm(ctx context.Context, id, what string, seq int) (b Booking, markErr, err error) {
	k, err := keysOf(id)
	if err != nil {
		return Booking{}, err, err
	}
	now := s.now()
	keys := []string{k.bookingPrefix(), k.held()}
	args := []any{id, strconv.Itoa(seq), ms(now)}
	pipe := s.rdb.Pipeline()
	mark := pipe.SetNX(ctx, k.sent(id, what), ms(now), sentTTL)
	confirm := confirmScript.EvalSha(ctx, pipe, keys, args...)
	_, _ = pipe.Exec(ctx)
	if err := mark.Err(); err != nil {
		markErr = fmt.Errorf("mark %s sent for booking %s: %w", what, id, err)
	}
	var o outcome
	if err := confirm.Err(); err != nil && isNoScript(err) {
		// Redis has not seen the script yet: once more, loading it.
		o, err = run(ctx, s.rdb, confirmScript, keys, args...)
		if err != nil {
			return Booking{}, markErr, fmt.Errorf("confirm booking %s: %w", id, err)
		}
		return o.booking, markErr, nil
	}
	if o, err = outcomeOf(confirm.Val(), confirm.Err()); err != nil {
		return Booking{}, markErr, fmt.Errorf("confirm booking %s: %w", id, err)
	}
	return o.booking, markErr, nil
}

func isNoScript(err error) bool {
	var rerr redis.Error
	return errors.As(err, &rerr) && strings.HasPrefix(rerr.Error(), "NOSCRIPT")
}
