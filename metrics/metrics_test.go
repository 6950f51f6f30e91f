package metrics

import (
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
)

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler(slog.New(slog.NewTextHandler(io.Discard, nil))).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("scrape = %d: %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

func TestNilMetricsRecordNothing(t *testing.T) {
	var m *Metrics
	m.Request("GET /healthz", 200, time.Millisecond)
	m.Booking(BookingCreated)
	m.Email(EmailInvite, EmailSent)
}

func TestSeriesStartAtZeroAndCount(t *testing.T) {
	m := New()
	m.Handler(nil) // a second handler on one registry is fine
	out := scrape(t, m)
	for _, want := range []string{
		`consultd_bookings_total{outcome="unavailable"} 0`,
		`consultd_emails_total{kind="digest",result="refused"} 0`,
		`go_goroutines `,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("fresh registry lacks %q", want)
		}
	}
	m.Booking(BookingTaken)
	m.Email(EmailReminder, EmailRetry)
	m.Request("", 404, time.Millisecond)
	m.Request("GET /m/{token}", 200, 2*time.Second)
	out = scrape(t, m)
	for _, want := range []string{
		`consultd_bookings_total{outcome="taken"} 1`,
		`consultd_emails_total{kind="reminder",result="retry"} 1`,
		`consultd_http_request_duration_seconds_count{code="404",route="unmatched"} 1`,
		`consultd_http_request_duration_seconds_bucket{code="200",route="GET /m/{token}",le="1"} 0`,
		`consultd_http_request_duration_seconds_bucket{code="200",route="GET /m/{token}",le="2.5"} 1`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
}

type fakeInspector struct {
	queues []string
	info   map[string]*asynq.QueueInfo
	err    error
}

func (f fakeInspector) Queues() ([]string, error) { return f.queues, f.err }

func (f fakeInspector) GetQueueInfo(q string) (*asynq.QueueInfo, error) {
	if info, ok := f.info[q]; ok {
		return info, nil
	}
	return nil, errors.New("queue not found")
}

func TestQueueStateIsReadAtScrape(t *testing.T) {
	tests := []struct {
		desc      string
		inspector fakeInspector
		want      []string
		absent    []string
	}{
		{"a queue in use", fakeInspector{queues: []string{"default"}, info: map[string]*asynq.QueueInfo{"default": {
			Queue: "default", Size: 7, Pending: 2, Scheduled: 4, Archived: 1, Latency: 1500 * time.Millisecond, Paused: true,
		}}}, []string{
			`consultd_queue_size{queue="default"} 7`,
			`consultd_queue_latency_seconds{queue="default"} 1.5`,
			`consultd_queue_tasks{queue="default",state="archived"} 1`,
			`consultd_queue_tasks{queue="default",state="scheduled"} 4`,
			`consultd_queue_paused{queue="default"} 1`,
		}, nil},
		{"a queue not made yet is empty", fakeInspector{}, []string{
			`consultd_queue_size{queue="default"} 0`,
			`consultd_queue_paused{queue="default"} 0`,
		}, nil},
		{"Redis down: the other series stay", fakeInspector{err: errors.New("connection refused")},
			[]string{`consultd_bookings_total{outcome="created"} 0`}, []string{"consultd_queue_size{"}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			m := New()
			if err := m.WatchQueues(tt.inspector, "default"); err != nil {
				t.Fatal(err)
			}
			out := scrape(t, m)
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("scrape lacks %q", w)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(out, a) {
					t.Errorf("scrape has %q", a)
				}
			}
		})
	}
}
