package booking

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/consultd/consultd/calendar"
	"github.com/redis/go-redis/v9"
)

const (
	// idemWindow: how long a client's idempotency key returns the first booking.
	idemWindow = 24 * time.Hour
	// dupWindow: how long the same email, type and start count as a double submit.
	dupWindow = 10 * time.Minute
	// sentTTL: how long a sent-marker is kept; longer than any retry or
	// reminder horizon, short enough not to pile up.
	sentTTL = 90 * 24 * time.Hour
)

// Store keeps bookings in Redis (a single server or a Cluster).
type Store struct {
	rdb redis.UniversalClient
	now func() time.Time
}

// NewStore returns a store on rdb. now is the clock (time.Now when nil);
// the idempotency windows are measured with it.
func NewStore(rdb redis.UniversalClient, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{rdb: rdb, now: now}
}

// ErrNotSent: a claim failed before any try of it reached Redis (no
// connection could be made), so nothing was written.
var ErrNotSent = errors.New("booking: the claim never reached redis")

// runClaim runs a claim script, trying twice (a claim is safe to repeat:
// its ID makes the second a repeat of the first). It wraps ErrNotSent
// when neither try reached Redis. The client's own retries must be off
// (MaxRetries -1), as the service sets them: a client that retries by
// itself may send a claim, lose the reply, fail to reconnect, and answer
// only with the dial error.
func (s *Store) runClaim(ctx context.Context, script *redis.Script, keys []string, args ...any) (outcome, error) {
	reached := false
	var err error
	for range 2 {
		var o outcome
		o, err = run(ctx, s.rdb, script, keys, args...)
		if err == nil || !isRedisFailure(err) {
			return o, err
		}
		var op *net.OpError
		if !errors.As(err, &op) || op.Op != "dial" {
			reached = true
		}
	}
	if !reached {
		return outcome{}, fmt.Errorf("%w: %w", ErrNotSent, err)
	}
	return outcome{}, err
}

// Guard is what a claim or a move checks besides other bookings, in the
// same script: the time off added at run time and the stored copies of the
// therapist's own calendars. The zero Guard checks neither.
type Guard struct {
	// Date is the start's date in the therapist's zone; run-time time off
	// covering it, or part-day time off meeting the session (its buffer
	// left out), refuses the start with ErrTimeOff. Zero: not checked.
	Date calendar.Date
	// Feeds are the keys of the own calendars the configuration lists;
	// one busy over the occupied span refuses it with ErrBusy.
	Feeds []string
	// Cap, for a claim from the public intake, is how many upcoming
	// bookings the client's email may hold with the therapist; at the cap
	// the claim is refused with ErrCapped, else it counts toward it. Zero:
	// neither counted nor stopped (the practice's own bookings, invites).
	Cap int
}

func (g Guard) date() string {
	if g.Date == (calendar.Date{}) {
		return ""
	}
	return g.Date.String()
}

// Claim holds b's slot for a new booking with status held, in one Redis
// round trip; with b.Status StatusPending, for a request that waits for
// the practice's approval (it holds the slot the same way, but no confirm
// is due until Approve). Claim sets ID (when empty), Status, Seq and the
// timestamps.
//
// It returns the first booking instead, with created=false, when this is a
// repeat: the same idempotencyKey within 24 h (while that booking exists),
// or the same email, type and start within 10 minutes (while that booking
// is live and still at that start), or the same call retried after a lost
// reply. A caller should make sure the confirm task exists in both cases;
// task ids make that safe. ErrSlotTaken when the span
// [Start, End+Buffer) meets another live booking of the therapist, and
// ErrTimeOff or ErrBusy when g refuses it.
func (s *Store) Claim(ctx context.Context, b Booking, idempotencyKey string, g Guard) (got Booking, created bool, err error) {
	if err := checkNew(b); err != nil {
		return Booking{}, false, err
	}
	now := s.now()
	if b.ID == "" {
		b.ID = NewID(b.TherapistID)
	}
	b.Start, b.End = b.Start.UTC(), b.End.UTC()
	if b.Status != StatusPending {
		b.Status = StatusHeld
	}
	b.Seq = 0
	b.Attendance, b.LateCancel = AttendanceNone, false
	b.CreatedAt, b.UpdatedAt = now, now

	k := keysFor(b.TherapistID)
	keys := []string{k.bookingPrefix(), k.live(), k.all(), k.held(), k.span(), k.timeOff(), k.feedBusy(), k.client(b.Email), k.pending()}
	hasDup, hasIdem := "0", "0"
	if strings.TrimSpace(b.Email) != "" {
		keys, hasDup = append(keys, k.dup(b.Email, b.Type, b.Start)), "1"
	}
	if idempotencyKey != "" {
		keys, hasIdem = append(keys, k.idem(idempotencyKey)), "1"
	}
	_, occEnd := b.Occupied()
	rec := fields(b)
	args := make([]any, 0, 11+len(g.Feeds)+len(rec))
	args = append(args,
		b.ID, ms(b.Start), ms(occEnd), ms(now),
		idemWindowMS, dupWindowMS,
		hasDup, hasIdem, g.date(), strconv.Itoa(g.Cap), strconv.Itoa(len(g.Feeds)))
	for _, f := range g.Feeds {
		args = append(args, f)
	}
	args = append(args, rec...)

	o, err := s.runClaim(ctx, claimScript, keys, args...)
	if err != nil {
		return Booking{}, false, fmt.Errorf("claim for therapist %s at %s: %w", b.TherapistID, b.Start.Format(time.RFC3339), err)
	}
	if o.changed {
		// A new booking: the script wrote rec to a key that did not exist
		// and returned no copy of it.
		return stored(b), true, nil
	}
	return o.booking, false, nil
}

// The claim's windows as the script takes them, formatted once.
var (
	idemWindowMS = strconv.FormatInt(idemWindow.Milliseconds(), 10)
	dupWindowMS  = strconv.FormatInt(dupWindow.Milliseconds(), 10)
)

// Get returns a booking by id.
func (s *Store) Get(ctx context.Context, id string) (Booking, error) {
	t, err := TherapistOf(id)
	if err != nil {
		return Booking{}, err
	}
	m, err := s.rdb.HGetAll(ctx, keysFor(t).booking(id)).Result()
	if err != nil {
		return Booking{}, fmt.Errorf("get booking %s: %w", id, err)
	}
	if len(m) == 0 {
		return Booking{}, fmt.Errorf("get booking %s: %w", id, ErrNotFound)
	}
	return decode(m)
}

// Release removes a held booking (or a pending request) entirely, freeing its slot, after its
// confirm task could not be enqueued. ErrNotHeld once it is confirmed or
// cancelled.
func (s *Store) Release(ctx context.Context, id string) error {
	k, err := keysOf(id)
	if err != nil {
		return err
	}
	_, err = run(ctx, s.rdb, releaseScript, []string{k.bookingPrefix(), k.live(), k.all(), k.held(), k.pending()}, id)
	if err != nil {
		return fmt.Errorf("release booking %s: %w", id, err)
	}
	return nil
}

// Confirm moves a held booking to confirmed if seq is still its sequence.
// Confirming a confirmed booking returns it unchanged. ErrStale when seq is
// outdated, ErrNotLive when the booking was cancelled.
func (s *Store) Confirm(ctx context.Context, id string, seq int) (Booking, error) {
	k, err := keysOf(id)
	if err != nil {
		return Booking{}, err
	}
	o, err := run(ctx, s.rdb, confirmScript, []string{k.bookingPrefix(), k.held()}, id, strconv.Itoa(seq), ms(s.now()))
	if err != nil {
		return Booking{}, fmt.Errorf("confirm booking %s: %w", id, err)
	}
	return o.booking, nil
}

// Cancel frees a live booking's slot and raises its sequence. Cancelling a
// cancelled booking returns it with changed=false.
func (s *Store) Cancel(ctx context.Context, id string) (b Booking, changed bool, err error) {
	return s.cancel(ctx, id, false)
}

// CancelLate is Cancel recording a late cancel (LateCancel): the client
// cancelled inside the late-cancel window. A booking already cancelled
// keeps what it had.
func (s *Store) CancelLate(ctx context.Context, id string) (b Booking, changed bool, err error) {
	return s.cancel(ctx, id, true)
}

func (s *Store) cancel(ctx context.Context, id string, late bool) (b Booking, changed bool, err error) {
	k, err := keysOf(id)
	if err != nil {
		return Booking{}, false, err
	}
	lateArg := "0"
	if late {
		lateArg = "1"
	}
	o, err := run(ctx, s.rdb, cancelScript, []string{k.bookingPrefix(), k.live(), k.held(), k.pending()}, id, ms(s.now()), lateArg)
	if err != nil {
		return Booking{}, false, fmt.Errorf("cancel booking %s: %w", id, err)
	}
	return o.booking, o.changed, nil
}

// Flags of a request that ended without approval, set by Decline and
// Expire on the cancelled record.
const (
	FlagDeclined = "declined"
	FlagExpired  = "expired"
)

// Approve turns a pending request into a held booking, whose confirm then
// sends the invite. changed is false when it was approved before.
// ErrNotPending once it was declined or expired (or cancelled).
func (s *Store) Approve(ctx context.Context, id string) (b Booking, changed bool, err error) {
	k, err := keysOf(id)
	if err != nil {
		return Booking{}, false, err
	}
	o, err := run(ctx, s.rdb, approveScript, []string{k.bookingPrefix(), k.held(), k.pending()}, id, ms(s.now()))
	if err != nil {
		return Booking{}, false, fmt.Errorf("approve booking %s: %w", id, err)
	}
	return o.booking, o.changed, nil
}

// Decline ends a pending request: its slot is freed, it is cancelled with
// FlagDeclined and the practice's message (may be empty) kept for the
// client's email. changed is false when it had ended so before.
// ErrNotPending once it was approved (or cancelled).
func (s *Store) Decline(ctx context.Context, id, message string) (b Booking, changed bool, err error) {
	return s.decline(ctx, id, FlagDeclined, message)
}

// Expire is Decline for a request left unanswered: FlagExpired, no message.
func (s *Store) Expire(ctx context.Context, id string) (b Booking, changed bool, err error) {
	return s.decline(ctx, id, FlagExpired, "")
}

func (s *Store) decline(ctx context.Context, id, why, message string) (Booking, bool, error) {
	k, err := keysOf(id)
	if err != nil {
		return Booking{}, false, err
	}
	o, err := run(ctx, s.rdb, declineScript, []string{k.bookingPrefix(), k.live(), k.pending()}, id, ms(s.now()), why, message)
	if err != nil {
		return Booking{}, false, fmt.Errorf("%s booking %s: %w", why, id, err)
	}
	return o.booking, o.changed, nil
}

// Reschedule moves a live booking to [start, end), keeping its buffer and
// status, and raises its sequence. The new span is checked against every
// other live booking in the same script. Moving it to where it already is
// changes nothing. ErrSlotTaken when taken, ErrNotLive when cancelled,
// ErrTimeOff or ErrBusy when g refuses the new span.
func (s *Store) Reschedule(ctx context.Context, id string, start, end time.Time, g Guard) (Booking, error) {
	if err := checkSpan(start, end, 0); err != nil {
		return Booking{}, err
	}
	k, err := keysOf(id)
	if err != nil {
		return Booking{}, err
	}
	keys := []string{k.bookingPrefix(), k.live(), k.all(), k.span(), k.timeOff(), k.feedBusy()}
	args := append([]any{id, ms(start), ms(end), ms(s.now()), g.date()}, feedArgs(g.Feeds)...)
	o, err := run(ctx, s.rdb, rescheduleScript, keys, args...)
	if err != nil {
		return Booking{}, fmt.Errorf("reschedule booking %s to %s: %w", id, start.UTC().Format(time.RFC3339), err)
	}
	return o.booking, nil
}

// Attend records the client's attendance of a session that has begun (its
// start is not after now) and is not cancelled; recording the same again
// changes nothing. ErrNotStarted before the start, ErrNotLive once
// cancelled, ErrInvalid for anything but Attended or NoShow.
func (s *Store) Attend(ctx context.Context, id string, a Attendance) (Booking, error) {
	if !a.Valid() {
		return Booking{}, fmt.Errorf("%w: attendance %q", ErrInvalid, a)
	}
	k, err := keysOf(id)
	if err != nil {
		return Booking{}, err
	}
	o, err := run(ctx, s.rdb, attendScript, []string{k.bookingPrefix()}, id, string(a), ms(s.now()))
	if err != nil {
		return Booking{}, fmt.Errorf("record attendance of booking %s: %w", id, err)
	}
	return o.booking, nil
}

// SetFlag records a flag on a booking, such as "undeliverable".
func (s *Store) SetFlag(ctx context.Context, id, flag string) error {
	k, err := keysOf(id)
	if err != nil {
		return err
	}
	if _, err := run(ctx, s.rdb, setFlagScript, []string{k.bookingPrefix()}, id, flag, ms(s.now())); err != nil {
		return fmt.Errorf("flag booking %s: %w", id, err)
	}
	return nil
}

func keysOf(id string) (keys, error) {
	t, err := TherapistOf(id)
	if err != nil {
		return keys{}, err
	}
	return keysFor(t), nil
}

func feedArgs(feeds []string) []any {
	out := make([]any, len(feeds))
	for i, f := range feeds {
		out[i] = f
	}
	return out
}
