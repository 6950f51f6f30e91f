// Package jobs owns the background work: task types and their payloads, the
// helpers that enqueue them with deterministic task IDs, and the handlers
// that send the emails. Payloads carry IDs only, never the client's
// personal data; a change the practice made carries the practice's own
// note to the client (its message, free times), which is never logged.
package jobs

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
)

// Task types. Each has its payload, constructor and task ID below; the
// task IDs are read by tools outside the service, so their form stays.
const (
	TypeConfirm   = "booking:confirm"   // ConfirmPayload, NewConfirmTask, ConfirmTaskID
	TypeSeries    = "series:confirm"    // SeriesPayload, NewSeriesTask, SeriesTaskID
	TypeSeriesChg = "series:changed"    // SeriesChangePayload, NewSeriesChangeTask, SeriesChangeTaskID
	TypeReminder  = "booking:remind"    // ReminderPayload, NewReminderTask, ReminderTaskID
	TypeReflect   = "booking:reflect"   // ReflectPayload, NewReflectTask, ReflectTaskID
	TypeCancelled = "booking:cancelled" // CancelledPayload, NewCancelledTask, CancelledTaskID
	TypeUpdated   = "booking:updated"   // UpdatedPayload, NewUpdatedTask, UpdatedTaskID
	TypeDigest    = "therapist:digest"  // DigestPayload, NewDigestTask, DigestTaskID
	TypeSweep     = "maintenance:sweep" // no payload, NewSweepTask, SweepTaskID
	TypeRequest   = "booking:request"   // RequestPayload, NewRequestTask, RequestTaskID
	TypeDeclined  = "booking:declined"  // DeclinedPayload, NewDeclinedTask, DeclinedTaskID
	TypeCalendar  = "booking:caldav"    // CalendarCopyPayload, NewCalendarCopyTask, CalendarCopyTaskID
)

// BookingRef names the booking a task is about, and the booking's sequence
// when the task was made, so a task for an older version can tell.
type BookingRef struct {
	BookingID string `json:"booking_id"`
	Seq       int    `json:"seq"`
}

func (r BookingRef) ref() BookingRef { return r }

// ConfirmPayload: send the invite and the therapist's notice of a new
// booking, then confirm it.
type ConfirmPayload struct{ BookingRef }

// NewConfirmTask confirms version seq of a held booking.
func NewConfirmTask(bookingID string, seq int) *asynq.Task {
	return newTask(TypeConfirm, ConfirmPayload{BookingRef{bookingID, seq}})
}

// ConfirmTaskID is one per booking: a booking is confirmed once.
func ConfirmTaskID(bookingID string) string { return "confirm:" + bookingID }

// SeriesPayload: send the one invite and notice of a new standing series,
// then confirm its occurrences and schedule their follow-ups.
type SeriesPayload struct {
	SeriesID string `json:"series_id"`
}

// NewSeriesTask confirms a held series.
func NewSeriesTask(seriesID string) *asynq.Task {
	return newTask(TypeSeries, SeriesPayload{seriesID})
}

// SeriesTaskID is one per series: a series is confirmed once.
func SeriesTaskID(seriesID string) string { return "confirm-series:" + seriesID }

// SeriesChangePayload: tell the client and the therapist of one change to
// a series: Kind ("cancel", "move", "cancel_rest") of the occurrence
// BookingID, or of the series' rest; Seq is the series' SEQUENCE after it.
type SeriesChangePayload struct {
	SeriesID  string `json:"series_id"`
	Seq       int    `json:"seq"`
	BookingID string `json:"booking_id,omitempty"`
	Kind      string `json:"kind"`
	// Practice, when the practice made the change, is what it says.
	Practice *booking.PracticeNote `json:"practice,omitempty"`
	// Reason is what a client who cancelled tells the therapist (may be
	// empty): for the therapist's notice only, never logged.
	Reason string `json:"reason,omitempty"`
}

// NewSeriesChangeTask speaks for the change that made version seq.
func NewSeriesChangeTask(seriesID string, seq int, bookingID, kind string, note *booking.PracticeNote, reason string) *asynq.Task {
	return newTask(TypeSeriesChg, SeriesChangePayload{seriesID, seq, bookingID, kind, note, reason})
}

// SeriesChangeTaskID is "series-change:<series>:<seq>": one per change.
func SeriesChangeTaskID(seriesID string, seq int) string {
	return fmt.Sprintf("series-change:%s:%d", seriesID, seq)
}

// ReminderPayload: remind the client, Offset before the session.
type ReminderPayload struct {
	BookingRef
	// Offset is how long before the session the reminder is due ("24h").
	Offset string `json:"offset,omitempty"`
}

// NewReminderTask reminds the client of version seq, before the session.
func NewReminderTask(bookingID string, seq int, before time.Duration) *asynq.Task {
	return newTask(TypeReminder, ReminderPayload{BookingRef{bookingID, seq}, FormatOffset(before)})
}

// ReminderTaskID is "remind:<booking>:<seq>:<offset>".
func ReminderTaskID(bookingID string, seq int, before time.Duration) string {
	return fmt.Sprintf("remind:%s:%d:%s", bookingID, seq, FormatOffset(before))
}

// ReflectPayload: the reflection prompt after the session.
type ReflectPayload struct{ BookingRef }

// NewReflectTask prompts the client after version seq's session.
func NewReflectTask(bookingID string, seq int) *asynq.Task {
	return newTask(TypeReflect, ReflectPayload{BookingRef{bookingID, seq}})
}

// ReflectTaskID is "reflect:<booking>:<seq>".
func ReflectTaskID(bookingID string, seq int) string {
	return fmt.Sprintf("reflect:%s:%d", bookingID, seq)
}

// CancelledPayload: tell the client and the therapist of a cancel; Seq is
// the booking's sequence after it.
type CancelledPayload struct {
	BookingRef
	// Practice is set when the practice cancelled (nil: the client did).
	Practice *booking.PracticeNote `json:"practice,omitempty"`
	// Reason is what a client who cancelled tells the therapist (may be
	// empty): for the therapist's notice only, never logged.
	Reason string `json:"reason,omitempty"`
}

// NewCancelledTask speaks for the cancel that made version seq; note is
// the practice's when it cancelled, reason the client's when they did.
func NewCancelledTask(bookingID string, seq int, note *booking.PracticeNote, reason string) *asynq.Task {
	return newTask(TypeCancelled, CancelledPayload{BookingRef{bookingID, seq}, note, reason})
}

// CancelledTaskID is "cancel:<booking>:<seq>".
func CancelledTaskID(bookingID string, seq int) string {
	return fmt.Sprintf("cancel:%s:%d", bookingID, seq)
}

// UpdatedPayload: move the event in the client's calendar and tell the
// therapist.
type UpdatedPayload struct {
	BookingRef
	// PrevStart is where the booking used to start (unix seconds).
	PrevStart int64 `json:"prev_start,omitempty"`
	// Practice is set when the practice moved it (nil: the client did).
	Practice *booking.PracticeNote `json:"practice,omitempty"`
}

// NewUpdatedTask speaks for the move that made version seq; note is the
// practice's when it moved it.
func NewUpdatedTask(bookingID string, seq int, prevStart time.Time, note ...*booking.PracticeNote) *asynq.Task {
	return newTask(TypeUpdated, UpdatedPayload{BookingRef{bookingID, seq}, prevStart.Unix(), first(note)})
}

// first is the optional note given, or nil.
func first(note []*booking.PracticeNote) *booking.PracticeNote {
	if len(note) == 0 {
		return nil
	}
	return note[0]
}

// UpdatedTaskID is "update:<booking>:<seq>".
func UpdatedTaskID(bookingID string, seq int) string {
	return fmt.Sprintf("update:%s:%d", bookingID, seq)
}

// DigestPayload: the therapist's evening list of the next day's sessions.
type DigestPayload struct {
	Therapist string `json:"therapist"`
	Date      string `json:"date"` // the day listed, in the therapist's zone
}

// NewDigestTask lists the sessions of one therapist on date.
func NewDigestTask(therapistID string, date calendar.Date) *asynq.Task {
	return newTask(TypeDigest, DigestPayload{Therapist: therapistID, Date: date.String()})
}

// DigestTaskID is once per therapist and day, however many processes ask.
func DigestTaskID(therapistID string, date calendar.Date) string {
	return fmt.Sprintf("digest:%s:%s", therapistID, date)
}

// RequestPayload: tell the client a request for a type that requires
// approval was received, and ask the therapist to approve or decline it.
type RequestPayload struct{ BookingRef }

// NewRequestTask speaks for a new pending request.
func NewRequestTask(bookingID string, seq int) *asynq.Task {
	return newTask(TypeRequest, RequestPayload{BookingRef{bookingID, seq}})
}

// RequestTaskID is one per booking: a request is made once.
func RequestTaskID(bookingID string) string { return "request:" + bookingID }

// DeclinedPayload: tell the client a request ended unapproved (declined,
// or expired). With Expire set (from the sweep) the task first releases
// the request, if it is still pending.
type DeclinedPayload struct {
	BookingRef
	Expire bool `json:"expire,omitempty"`
}

// NewDeclinedTask speaks for a declined request, or expires one.
func NewDeclinedTask(bookingID string, seq int, expire bool) *asynq.Task {
	return newTask(TypeDeclined, DeclinedPayload{BookingRef{bookingID, seq}, expire})
}

// DeclinedTaskID is one per booking: a request ends once, either way.
func DeclinedTaskID(bookingID string) string { return "declined:" + bookingID }

// CalendarCopyPayload: make the therapist's CalDAV calendar show the
// booking as it stands (Seq is the version that asked; the task writes
// whatever version is current when it runs).
type CalendarCopyPayload struct {
	BookingRef
	Therapist string `json:"therapist"`
}

// NewCalendarCopyTask brings the therapist's calendar in line with the
// booking, after the change that made version seq.
func NewCalendarCopyTask(b booking.Booking) *asynq.Task {
	return newTask(TypeCalendar, CalendarCopyPayload{BookingRef{b.ID, b.Seq}, b.TherapistID})
}

// CalendarCopyTaskID is "caldav:<booking>:<seq>": one per version.
func CalendarCopyTaskID(bookingID string, seq int) string {
	return fmt.Sprintf("caldav:%s:%d", bookingID, seq)
}

// NewSweepTask is the periodic task that repairs held bookings and queues
// the digests.
func NewSweepTask() *asynq.Task { return asynq.NewTask(TypeSweep, nil) }

// SweepTaskID names one minute's sweep: every process's scheduler enqueues
// it, and the ID lets only the first one in.
func SweepTaskID(at time.Time) string {
	return "sweep:" + strconv.FormatInt(at.Unix()/60, 10)
}

func newTask(typ string, payload any) *asynq.Task {
	body, _ := json.Marshal(payload) // plain strings and numbers: cannot fail
	return asynq.NewTask(typ, body)
}

// decode reads the payload of a task about a booking. A payload that does
// not decode, or names no booking, is never retried.
func decode[P interface{ ref() BookingRef }](t *asynq.Task) (P, error) {
	var p P
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.ref().BookingID == "" || p.ref().Seq < 0 {
		return p, fmt.Errorf("bad %s payload: %w", t.Type(), asynq.SkipRetry)
	}
	return p, nil
}

// FormatOffset writes a reminder offset compactly: 24h, 90m, 45s.
func FormatOffset(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	}
	return strconv.FormatInt(int64(d/time.Second), 10) + "s"
}
