// Package booking owns the booking records in Redis and the one rule that
// must never break: two live bookings of a therapist never overlap, their
// buffers included. Every check-and-write runs as a single Lua script.
package booking

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Status is where a booking stands.
type Status string

const (
	// StatusHeld: the slot is taken, the invite not yet sent.
	StatusHeld Status = "held"
	// StatusConfirmed: the invite went out.
	StatusConfirmed Status = "confirmed"
	// StatusCancelled: the slot is free again; the record is kept.
	StatusCancelled Status = "cancelled"
	// StatusPending: a request for a type that requires approval; it
	// holds its slot until the practice approves (then held), declines it
	// or lets it expire (then cancelled).
	StatusPending Status = "pending"
)

// Attendance is what the practice recorded of a session once it began.
type Attendance string

const (
	// AttendanceNone: nothing recorded (yet).
	AttendanceNone Attendance = ""
	// Attended: the client came.
	Attended Attendance = "attended"
	// NoShow: the client did not come, nor cancel.
	NoShow Attendance = "no_show"
)

// Valid reports whether a is one the practice may record.
func (a Attendance) Valid() bool { return a == Attended || a == NoShow }

// Live reports whether the booking occupies its slot.
func (s Status) Live() bool { return s == StatusHeld || s == StatusConfirmed || s == StatusPending }

// Booking is one appointment. It occupies [Start, End+Buffer) while live.
type Booking struct {
	ID, TherapistID, Type        string
	Start, End                   time.Time     // the session, UTC, millisecond precision
	Buffer                       time.Duration // kept free after End
	Status                       Status
	Seq                          int    // iCalendar SEQUENCE: 0 at creation, +1 on every reschedule or cancel
	Name, Email, TimeZone, Notes string // personal: never logged, never in a key
	Flag                         string // e.g. "undeliverable": shown to the therapist
	// Reply is the practice's message to the client when it declined the
	// request (personal: never logged).
	Reply string
	// PreferredName is what the client would like to be called ("": the
	// first word of Name). Personal, like Name.
	PreferredName string
	// Attendance is recorded by the practice from the session's start.
	Attendance Attendance
	// LateCancel: the client cancelled inside the late-cancel window.
	LateCancel bool
	// Series is the standing series the booking is an occurrence of ("":
	// a single appointment).
	Series string
	// Original is an occurrence's start as its series' RRULE places it
	// (its RECURRENCE-ID), however it has been moved since.
	Original time.Time
	// Language is the client's, of every message to them ("": the
	// default language, for records made before languages).
	Language string
	// Room is the video room name of a video session ("" otherwise): in
	// the therapist's video_url, so a secret; kept when the session moves.
	Room                 string
	CreatedAt, UpdatedAt time.Time
}

// Occupied is the span the booking keeps from other bookings.
func (b Booking) Occupied() (start, end time.Time) { return b.Start, b.End.Add(b.Buffer) }

var (
	// ErrSlotTaken: the span meets another live booking of the therapist.
	ErrSlotTaken = errors.New("booking: slot taken")
	// ErrTimeOff: run-time time off covers the start's date, or part-day
	// time off meets the session.
	ErrTimeOff = errors.New("booking: on time off")
	// ErrBusy: the therapist's own calendar is busy then.
	ErrBusy = errors.New("booking: busy in the therapist's own calendar")
	// ErrKeyReused: the idempotency key was made with another email.
	ErrKeyReused = errors.New("booking: idempotency key used by another client")
	// ErrCapped: the client holds as many upcoming bookings as the public
	// intake allows.
	ErrCapped = errors.New("booking: the client's cap of upcoming bookings is reached")
	// ErrNotFound: no booking with that id.
	ErrNotFound = errors.New("booking: not found")
	// ErrNotLive: the booking is cancelled and cannot change any more.
	ErrNotLive = errors.New("booking: not live")
	// ErrNotHeld: Release refuses a booking whose invite may have gone out.
	ErrNotHeld = errors.New("booking: not held")
	// ErrNotPending: an approve or decline of a request that was already
	// answered the other way (or was never a request).
	ErrNotPending = errors.New("booking: not a pending request")
	// ErrStale: a confirm carried an older sequence than the booking has;
	// the task that sent it is outdated and should be dropped.
	ErrStale = errors.New("booking: sequence outdated")
	// ErrNotStarted: attendance is recorded only from the session's start.
	ErrNotStarted = errors.New("booking: the session has not started")
	// ErrInvalid: the arguments cannot make a booking (a caller's bug: the
	// web intake validates before it claims).
	ErrInvalid = errors.New("booking: invalid")
)

// randLen is the length of the random part of an id: crypto/rand.Text
// gives 26 base32 characters, 128 bits.
const randLen = 26

// NewID returns "<therapist id>_<26 random base32 characters>". The
// therapist is part of the id so that a signed link carrying only the id
// leads to the therapist's keys.
func NewID(therapistID string) string {
	return therapistID + "_" + strings.ToLower(rand.Text())
}

// TherapistOf returns the therapist part of an id made by NewID.
func TherapistOf(id string) (string, error) {
	i := strings.LastIndexByte(id, '_')
	if i < 0 || len(id)-i-1 != randLen || !isBase32Lower(id[i+1:]) {
		return "", fmt.Errorf("%w: malformed booking id", ErrNotFound)
	}
	t := id[:i]
	if err := checkTherapistID(t); err != nil {
		return "", fmt.Errorf("%w: malformed booking id", ErrNotFound)
	}
	return t, nil
}

func isBase32Lower(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// checkTherapistID keeps therapist ids to characters that cannot break the
// key layout: a brace would change the Cluster hash tag, a colon the key
// structure.
func checkTherapistID(id string) error {
	if id == "" || len(id) > 64 {
		return fmt.Errorf("%w: therapist id must have 1 to 64 characters", ErrInvalid)
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("%w: therapist id may hold only letters, digits, '-', '_' and '.'", ErrInvalid)
		}
	}
	return nil
}

// checkNew validates what Claim needs to write a sound record.
func checkNew(b Booking) error {
	if err := checkTherapistID(b.TherapistID); err != nil {
		return err
	}
	if b.ID != "" {
		if t, err := TherapistOf(b.ID); err != nil || t != b.TherapistID {
			return fmt.Errorf("%w: id does not belong to the therapist", ErrInvalid)
		}
	}
	if b.Type == "" {
		return fmt.Errorf("%w: session type is empty", ErrInvalid)
	}
	return checkSpan(b.Start, b.End, b.Buffer)
}

func checkSpan(start, end time.Time, buffer time.Duration) error {
	switch {
	case start.IsZero():
		return fmt.Errorf("%w: start is missing", ErrInvalid)
	case end.UnixMilli() <= start.UnixMilli():
		return fmt.Errorf("%w: end must come after start", ErrInvalid)
	case buffer < 0:
		return fmt.Errorf("%w: buffer is negative", ErrInvalid)
	}
	return nil
}
