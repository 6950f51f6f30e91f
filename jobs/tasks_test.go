package jobs

import (
	"errors"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/consultd/consultd/calendar"
)

// Task IDs and payloads keep their form: tools outside the service read
// the IDs, and tasks already queued must decode after an upgrade.
func TestTaskForms(t *testing.T) {
	prev := time.Unix(1790000000, 0)
	date := calendar.Date{Year: 2026, Month: 12, Day: 1}
	tests := []struct {
		desc, id, typ, body string
		task                *asynq.Task
	}{
		{"confirm", ConfirmTaskID("default_abc"), TypeConfirm, `{"booking_id":"default_abc","seq":0}`, NewConfirmTask("default_abc", 0)},
		{"reminder", ReminderTaskID("default_abc", 2, 24*time.Hour), TypeReminder, `{"booking_id":"default_abc","seq":2,"offset":"24h"}`, NewReminderTask("default_abc", 2, 24*time.Hour)},
		{"reflect", ReflectTaskID("default_abc", 2), TypeReflect, `{"booking_id":"default_abc","seq":2}`, NewReflectTask("default_abc", 2)},
		{"cancelled", CancelledTaskID("default_abc", 3), TypeCancelled, `{"booking_id":"default_abc","seq":3}`, NewCancelledTask("default_abc", 3, nil, "")},
		{"updated", UpdatedTaskID("default_abc", 3), TypeUpdated, `{"booking_id":"default_abc","seq":3,"prev_start":1790000000}`, NewUpdatedTask("default_abc", 3, prev)},
		{"digest", DigestTaskID("default", date), TypeDigest, `{"therapist":"default","date":"2026-12-01"}`, NewDigestTask("default", date)},
		{"sweep", SweepTaskID(time.Unix(600, 0)), TypeSweep, ``, NewSweepTask()},
	}
	ids := map[string]string{
		"confirm": "confirm:default_abc", "reminder": "remind:default_abc:2:24h", "reflect": "reflect:default_abc:2",
		"cancelled": "cancel:default_abc:3", "updated": "update:default_abc:3", "digest": "digest:default:2026-12-01", "sweep": "sweep:10",
	}
	for _, tt := range tests {
		if tt.id != ids[tt.desc] {
			t.Errorf("%s: task ID %q, want %q", tt.desc, tt.id, ids[tt.desc])
		}
		if tt.task.Type() != tt.typ || string(tt.task.Payload()) != tt.body {
			t.Errorf("%s: task %s %s, want %s %s", tt.desc, tt.task.Type(), tt.task.Payload(), tt.typ, tt.body)
		}
	}
}

// Each booking task's payload is checked by its own type.
func TestEveryBookingPayloadIsChecked(t *testing.T) {
	bad := []byte(`{"booking_id":""}`)
	checks := map[string]func(*asynq.Task) error{
		TypeConfirm:   func(t *asynq.Task) error { _, err := decode[ConfirmPayload](t); return err },
		TypeReminder:  func(t *asynq.Task) error { _, err := decode[ReminderPayload](t); return err },
		TypeReflect:   func(t *asynq.Task) error { _, err := decode[ReflectPayload](t); return err },
		TypeCancelled: func(t *asynq.Task) error { _, err := decode[CancelledPayload](t); return err },
		TypeUpdated:   func(t *asynq.Task) error { _, err := decode[UpdatedPayload](t); return err },
	}
	for typ, check := range checks {
		if err := check(asynq.NewTask(typ, bad)); !errors.Is(err, asynq.SkipRetry) {
			t.Errorf("%s: err = %v, want SkipRetry", typ, err)
		}
	}
	p, err := decode[UpdatedPayload](NewUpdatedTask("default_abc", 1, time.Unix(1790000000, 0)))
	if err != nil || p.BookingID != "default_abc" || p.Seq != 1 || p.PrevStart != 1790000000 {
		t.Errorf("round trip = %+v, %v", p, err)
	}
}
