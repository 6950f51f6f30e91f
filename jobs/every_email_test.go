package jobs

import (
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/booking"
	"github.com/consultd/consultd/calendar"
	"github.com/consultd/consultd/internal/testzone"
	"github.com/consultd/consultd/mailer"
)

// everyEmail builds one message of every kind the service sends, for a
// client in London who booked in lang and a therapist in New York, the
// session on the afternoon New York's clocks went back.
func everyEmail(t *testing.T, c *Composer, lang string) map[string]*mailer.Message {
	t.Helper()
	b := sampleBooking()
	b.Language = lang
	prev := b.Start.Add(-24 * time.Hour)
	note := booking.PracticeNote{Message: "I am unwell this week.", Offer: []time.Time{b.Start.Add(48 * time.Hour), b.Start.Add(72 * time.Hour)}}
	sr, occ := sampleSeries(b)
	moved := occ[1]
	moved.Original, moved.Start, moved.End = moved.Start, moved.Start.Add(time.Hour), moved.End.Add(time.Hour)
	cancelled := occ[2]
	cancelled.Original, cancelled.Status = cancelled.Start, booking.StatusCancelled
	th, _ := c.cfg.Therapist(b.TherapistID)
	video := videoBooking()
	video.ID = "default_video" // a Message-ID of its own
	video.Language = lang
	build := map[string]func() (*mailer.Message, error){
		"invite":                 func() (*mailer.Message, error) { return c.Invite(b) },
		"update":                 func() (*mailer.Message, error) { return c.Update(b, prev) },
		"cancel":                 func() (*mailer.Message, error) { return c.Cancel(b) },
		"reminder":               func() (*mailer.Message, error) { return c.Reminder(b, "24h") },
		"reflection":             func() (*mailer.Message, error) { return c.Reflection(b, false) },
		"practice_cancel":        func() (*mailer.Message, error) { return c.PracticeCancel(b, note) },
		"practice_update":        func() (*mailer.Message, error) { return c.PracticeUpdate(b, prev, note) },
		"request_received":       func() (*mailer.Message, error) { return c.RequestReceived(b) },
		"request_declined":       func() (*mailer.Message, error) { return c.RequestDeclined(b) },
		"request_expired":        func() (*mailer.Message, error) { return c.RequestExpired(b) },
		"series_invite":          func() (*mailer.Message, error) { return c.SeriesInvite(sr, occ) },
		"series_cancel_one":      func() (*mailer.Message, error) { return c.SeriesChange(sr, occ, cancelled, seriesCancelOne, nil) },
		"series_move_one":        func() (*mailer.Message, error) { return c.SeriesChange(sr, occ, moved, seriesMoveOne, nil) },
		"series_cancel_rest":     func() (*mailer.Message, error) { return c.SeriesChange(sr, occ, occ[0], seriesCancelRest, nil) },
		"therapist_booked":       func() (*mailer.Message, error) { return c.TherapistBooked(b) },
		"therapist_flagged":      func() (*mailer.Message, error) { return c.TherapistFlagged(b) },
		"therapist_released":     func() (*mailer.Message, error) { return c.TherapistReleased(b) },
		"therapist_approval":     func() (*mailer.Message, error) { return c.TherapistApproval(b) },
		"therapist_cancelled":    func() (*mailer.Message, error) { return c.TherapistCancelledBy(b, false, "I have a cold.") },
		"therapist_changed":      func() (*mailer.Message, error) { return c.TherapistChangedBy(b, prev, true) },
		"therapist_series":       func() (*mailer.Message, error) { return c.TherapistSeries(sr, occ) },
		"video_invite":           func() (*mailer.Message, error) { return c.Invite(video) },
		"video_reminder":         func() (*mailer.Message, error) { return c.Reminder(video, "1h") },
		"video_therapist_booked": func() (*mailer.Message, error) { return c.TherapistBooked(video) },
		"therapist_digest": func() (*mailer.Message, error) {
			return c.TherapistDigest(th, calendar.DateOf(b.Start.In(th.Location())), []booking.Booking{b})
		},
	}
	out := make(map[string]*mailer.Message, len(build))
	for name, f := range build {
		m, err := f()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = m
	}
	return out
}

// sampleSeries is a weekly series of four from b's time, b's client.
func sampleSeries(b booking.Booking) (booking.Series, []booking.Booking) {
	sr := booking.Series{ID: "default_series", TherapistID: b.TherapistID, Type: b.Type, EveryWeeks: 1, Count: 4,
		Name: b.Name, Email: b.Email, TimeZone: b.TimeZone, First: b.Start, Seq: 1, Language: b.Language}
	var occ []booking.Booking
	for i := range sr.Count {
		o := b
		o.ID = sr.ID + "_" + string(rune('a'+i))
		o.Start, o.End = b.Start.AddDate(0, 0, 7*i), b.End.AddDate(0, 0, 7*i)
		occ = append(occ, o)
		sr.Occurrences = append(sr.Occurrences, o.ID)
	}
	return sr, occ
}

// TestEveryEmailNamesZonesForPeople: no email says a zone by its tz ID,
// in its subject, text or HTML; each says the zones as people do.
func TestEveryEmailNamesZonesForPeople(t *testing.T) {
	for name, m := range everyEmail(t, testComposer(t), "") {
		for part, s := range map[string]string{"subject": m.Subject, "text": m.Text, "HTML": m.HTML} {
			if ids := testzone.IDs(s); len(ids) > 0 {
				t.Errorf("%s: the %s names zones by their tz ID: %q", name, part, ids)
			}
		}
	}
	// The client reads their own zone's name, the therapist theirs.
	for name, m := range everyEmail(t, testComposer(t), "") {
		want := "(UK time)"
		if strings.Contains(name, "therapist_") {
			want = "(Eastern Time)"
		}
		if name != "reflection" && name != "therapist_digest" && (!strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want)) {
			t.Errorf("%s does not say %s:\n%s", name, want, m.Text)
		}
	}
}
