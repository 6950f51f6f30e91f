package booking

import (
	"context"
	_ "embed"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// The scripts are the only writers of booking records and indexes. Each is
// run with EVALSHA, falling back to EVAL when Redis has not seen it yet.
var (
	//go:embed lua/overlap.lua
	overlapLua string
	//go:embed lua/guard.lua
	guardLua string
	//go:embed lua/claim.lua
	claimLua string
	//go:embed lua/claim_series.lua
	claimSeriesLua string
	//go:embed lua/reschedule.lua
	rescheduleLua string
	//go:embed lua/release.lua
	releaseLua string
	//go:embed lua/confirm.lua
	confirmLua string
	//go:embed lua/cancel.lua
	cancelLua string
	//go:embed lua/approve.lua
	approveLua string
	//go:embed lua/decline.lua
	declineLua string
	//go:embed lua/setflag.lua
	setFlagLua string
	//go:embed lua/busy.lua
	busyLua string
	//go:embed lua/fetch.lua
	fetchLua string
	//go:embed lua/attend.lua
	attendLua string

	claimScript       = redis.NewScript(overlapLua + guardLua + claimLua)
	rescheduleScript  = redis.NewScript(overlapLua + guardLua + rescheduleLua)
	claimSeriesScript = redis.NewScript(overlapLua + guardLua + claimSeriesLua)
	releaseScript     = redis.NewScript(releaseLua)
	confirmScript     = redis.NewScript(confirmLua)
	cancelScript      = redis.NewScript(cancelLua)
	approveScript     = redis.NewScript(approveLua)
	declineScript     = redis.NewScript(declineLua)
	setFlagScript     = redis.NewScript(setFlagLua)
	busyScript        = redis.NewScript(busyLua)
	fetchScript       = redis.NewScript(fetchLua)
	attendScript      = redis.NewScript(attendLua)
	upcomingScript    = redis.NewScript(guardLua + "return upcoming(KEYS[1], KEYS[2], tonumber(ARGV[1]), false)")
)

// codeErrors maps the refusals scripts return to the package's errors.
var codeErrors = map[string]error{
	"taken":      ErrSlotTaken,
	"off":        ErrTimeOff,
	"busy":       ErrBusy,
	"keyreused":  ErrKeyReused,
	"capped":     ErrCapped,
	"notfound":   ErrNotFound,
	"notlive":    ErrNotLive,
	"notheld":    ErrNotHeld,
	"notpending": ErrNotPending,
	"stale":      ErrStale,
	"early":      ErrNotStarted,
}

// isRedisFailure tells a failure to reach or hear from Redis from a
// refusal the script returned.
func isRedisFailure(err error) bool { return errors.Is(err, errRedis) }

// errRedis marks errors from Redis itself rather than a script's refusal.
var errRedis = errors.New("booking: redis")

// outcome is a writing script's reply {'ok', changed, record}, {'ok',
// changed} (a record the caller knows) or {code}.
type outcome struct {
	changed bool
	booking Booking
}

// run executes a writing script and turns its reply into an outcome or
// one of the package's errors.
func run(ctx context.Context, rdb redis.Scripter, s *redis.Script, keys []string, args ...any) (outcome, error) {
	return outcomeOf(s.Run(ctx, rdb, keys, args...).Result())
}

// outcomeOf reads a writing script's reply, or its error.
func outcomeOf(v any, err error) (outcome, error) {
	if err != nil {
		return outcome{}, fmt.Errorf("%w: %w", errRedis, err)
	}
	reply, ok := v.([]any)
	if !ok || len(reply) == 0 {
		return outcome{}, fmt.Errorf("booking: unexpected script reply %T", v)
	}
	code, _ := reply[0].(string)
	if code != "ok" {
		if e, known := codeErrors[code]; known {
			return outcome{}, e
		}
		return outcome{}, fmt.Errorf("booking: unexpected script reply %q", code)
	}
	var o outcome
	if len(reply) >= 2 {
		n, _ := reply[1].(int64)
		o.changed = n == 1
	}
	if len(reply) == 3 {
		if o.booking, err = decodeReply(reply[2]); err != nil {
			return outcome{}, err
		}
	}
	return o, nil
}
