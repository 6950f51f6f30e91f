package config

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd"
	"github.com/consultd/consultd/calendar"
)

func writeFile(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "consultd.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestExampleConfigIsValid(t *testing.T) {
	path := writeFile(t, string(consultd.ExampleConfig))
	cfg, err := Load(path)
	if err != nil {
		t.Fatalf("config.example.yaml: %v", err)
	}
	sched := cfg.Therapists[0].Schedule()
	if sched.Location.String() != "America/New_York" {
		t.Errorf("location = %v", sched.Location)
	}
	want := []calendar.HoursRange{{Start: 540, End: 720}, {Start: 780, End: 1020}}
	if fmt.Sprint(sched.Weekly[time.Monday]) != fmt.Sprint(want) || len(sched.Weekly[time.Sunday]) != 0 {
		t.Errorf("weekly = %v", sched.Weekly)
	}
	if len(sched.TimeOff) != 1 || sched.TimeOff[0].From.String() != "2026-12-24" || sched.TimeOff[0].To.String() != "2026-12-26" {
		t.Errorf("time off = %v", sched.TimeOff)
	}
	if len(sched.TimeOffSpans) != 1 || !sched.TimeOffSpans[0].Start.Equal(time.Date(2027, 1, 5, 18, 0, 0, 0, time.UTC)) {
		t.Errorf("part-day time off = %v, want 13:00 New York time on 5 January 2027", sched.TimeOffSpans)
	}
	if st, _ := cfg.SessionType("session"); cfg.Booking.RulesFor(st).Step != time.Hour {
		t.Errorf("the example's session starts on the hour: step %v", cfg.Booking.RulesFor(st).Step)
	}
	if cfg.Booking.Horizon != 60*24*time.Hour {
		t.Errorf("horizon = %v", cfg.Booking.Horizon)
	}
	if st, _ := cfg.SessionType("consultation"); !st.RequiresApproval || cfg.Approval.Expires != 48*time.Hour {
		t.Errorf("the example's consultation should require approval, answered within 48h: %+v %v", st, cfg.Approval.Expires)
	}
	if !strings.Contains(cfg.Practice.Emergency, "988") || cfg.Practice.Contact == "" || cfg.Practice.About == "" {
		t.Errorf("the example should show the US crisis line, a contact and an about text: %+v", cfg.Practice)
	}
	if st, _ := cfg.SessionType("session"); st.Price == "" || st.Description == "" {
		t.Errorf("the example's session should show a price and a description: %+v", st)
	}
}

func TestApprovalExpiresAtLeastAMinute(t *testing.T) {
	_, err := Load(writeFile(t, "approval: {expires: 30s}\n"))
	if err == nil || !strings.Contains(err.Error(), "approval.expires") {
		t.Fatalf("approval.expires 30s: %v, want a problem naming the key", err)
	}
	cfg, err := Load("")
	if err != nil || cfg.Approval.Expires != 48*time.Hour {
		t.Fatalf("default approval.expires: %v %v", cfg.Approval.Expires, err)
	}
	if st, _ := cfg.SessionType("consultation"); st.RequiresApproval {
		t.Error("the built-in consultation should not require approval")
	}
}

func TestDefaultsWithoutFile(t *testing.T) {
	cfg, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Redis.Embedded() || cfg.MailMode() != MailOutbox {
		t.Errorf("defaults must run embedded with the outbox: redis %q, mail %q", cfg.Redis.Addr, cfg.MailMode())
	}
	if _, ok := cfg.SessionType("consultation"); !ok {
		t.Error("default session type consultation missing")
	}
	if got := cfg.Reminders.Before; len(got) != 2 || got[0] != 24*time.Hour || got[1] != time.Hour {
		t.Errorf("reminders = %v", got)
	}
	if cfg.Practice.Emergency != DefaultEmergency {
		t.Errorf("practice.emergency = %q, want the generic crisis line", cfg.Practice.Emergency)
	}
}

func TestProblemsNameTheirKeys(t *testing.T) {
	tests := []struct {
		desc string
		yaml string
		want []string
	}{
		{"unknown time zone", "therapists: [{id: a, name: A, email: a@example.org, timezone: Mars/Base}]",
			[]string{`therapists[0].timezone: unknown time zone "Mars/Base"`}},
		{"bad hours and day", "therapists: [{id: a, name: A, email: a@example.org, timezone: UTC, weekly: {monday: [\"09:00-25:00\", \"12:00-10:00\"], funday: [\"09:00-10:00\"]}}]",
			[]string{"therapists[0].weekly.monday[0]:", "therapists[0].weekly.monday[1]: \"12:00-10:00\" ends before", "therapists[0].weekly.funday: is not a day"}},
		{"overlapping hours", "therapists: [{id: a, name: A, email: a@example.org, timezone: UTC, weekly: {monday: [\"09:00-12:00\", \"11:00-13:00\"]}}]",
			[]string{"therapists[0].weekly.monday: has overlapping hours"}},
		{"bad duration", "booking: {horizon: 60x}", []string{`booking.horizon: "60x" is not a duration`}},
		{"duration without unit", "booking: {min_notice: 3600}", []string{"booking.min_notice: 3600 has no unit"}},
		{"time off backwards", "therapists: [{id: a, name: A, email: a@example.org, timezone: UTC, time_off: [{from: 2026-12-26, to: 2026-12-24}]}]",
			[]string{"therapists[0].time_off[0].to: 2026-12-24 is before"}},
		{"misspelt key", "mail: {smtpp: {host: x}}", []string{"mail.smtpp: is not a setting: did you mean mail.smtp?"}},
		{"several at once", "base_url: ftp://x\nmail: {mode: pigeon, from: nobody}\nsession_types: [{id: Bad Id, name: '', duration: 1m}]",
			[]string{"base_url:", "mail.mode:", "mail.from:", "session_types[0].id:", "session_types[0].name:", "session_types[0].duration:"}},
		{"step must divide a day", "booking: {slot_step: 7m}", []string{"booking.slot_step:"}},
		{"short secret", "secret: abc", []string{"secret: is too short"}},
		{"short admin password", "admin: {password: short}", []string{"admin.password: is too short: use at least 12 characters"}},
		{"admin password one short", "admin: {password: 'eleven char'}", []string{"admin.password: is too short"}},
		{"admin password counted in characters", "admin: {password: 'zwölf Zeich'}", []string{"admin.password: is too short"}},
		{"two redis modes", "redis: {addr: 127.0.0.1:6379, addrs: [127.0.0.1:7000]}",
			[]string{"redis: redis.addr and redis.addrs are set together: configure only one"}},
		{"three redis modes", "redis: {addr: 127.0.0.1:6379, addrs: [127.0.0.1:7000], sentinel: {master: main, addrs: [127.0.0.1:26379]}}",
			[]string{"redis: redis.addr, redis.addrs and redis.sentinel.master are set together"}},
		{"redis address without port", "redis: {addr: localhost}", []string{`redis.addr: "localhost" is not host:port`}},
		{"cluster seed without port", "redis: {addrs: [127.0.0.1:7000, node2]}", []string{`redis.addrs[1]: "node2" is not host:port`}},
		{"cluster has only db 0", "redis: {addrs: [127.0.0.1:7000], db: 2}", []string{"redis.db: must be 0 with redis.addrs"}},
		{"sentinel master without sentinels", "redis: {sentinel: {master: main}}",
			[]string{"redis.sentinel.addrs: is empty while redis.sentinel.master is set"}},
		{"sentinels without master", "redis: {sentinel: {addrs: [127.0.0.1:26379, 127.0.0.1:0]}}",
			[]string{"redis.sentinel.master: is empty while redis.sentinel.addrs is set", `redis.sentinel.addrs[1]: "127.0.0.1:0" is not host:port`}},
		{"misspelt sentinel key", "redis: {sentinel: {mastr: main}}", []string{"redis.sentinel.mastr: is not a setting: did you mean redis.sentinel.master?"}},
		{"practice texts", "practice: {about: \"a\\u0007b\", contact: \"Phone\\n555\", emergency: \"call\\n988\"}\nsession_types: [{id: a, name: A, duration: 20m, price: \"$180\\nor less\", description: \"x\\u001b[31m\"}]",
			[]string{"practice.about: contains control characters", "session_types[0].price: contains control characters or line breaks",
				"session_types[0].description: contains control characters"}},
		{"practice texts too long", "practice: {about: " + strings.Repeat("a", 1001) + "}\nsession_types: [{id: a, name: A, duration: 20m, price: " + strings.Repeat("9", 41) + "}]",
			[]string{"practice.about: is longer than 1000 characters", "session_types[0].price: is longer than 40 characters"}},
		{"no crisis line", "practice: {emergency: \" \"}", []string{"practice.emergency: is empty"}},
		{"smtp checked when used", "redis: {addr: 127.0.0.1:6379}\nmail: {smtp: {tls: maybe, port: 0}}", []string{"mail.smtp.tls:", "mail.smtp.port:"}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			_, err := Load(writeFile(t, tt.yaml))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("problems lack %q:\n%v", w, err)
				}
			}
		})
	}
}

// An empty admin.password turns the admin area off; one that is set has
// at least 12 characters.
func TestAdminPasswordOfTwelveCharacters(t *testing.T) {
	for _, pw := range []string{"", "twelve chars", "zwölf Zeiche"} {
		t.Setenv("CONSULTD_ADMIN_PASSWORD", pw)
		if _, err := Load(""); err != nil {
			t.Errorf("admin.password of %d characters refused: %v", len([]rune(pw)), err)
		}
	}
}

func TestEnvironmentOverrides(t *testing.T) {
	t.Setenv("CONSULTD_REDIS_ADDR", "127.0.0.1:6390")
	t.Setenv("CONSULTD_LISTEN", "127.0.0.1:9999")
	t.Setenv("CONSULTD_REMINDERS_BEFORE", "48h,30m")
	t.Setenv("CONSULTD_BOOKING_HORIZON", "14d")
	t.Setenv("CONSULTD_MAIL_SMTP_TLS", "none")
	t.Setenv("CONSULTD_SESSION_TYPES", `[{"id":"intro","name":"Intro","duration":"20m","buffer":"5m"}]`)
	t.Setenv("CONSULTD_THERAPISTS", `[{id: b, name: B, email: b@example.org, timezone: Europe/London, weekly: {saturday: ["10:00-24:00"]}}]`)
	cfg, err := Load(writeFile(t, "listen: 127.0.0.1:1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Redis.Addr != "127.0.0.1:6390" || cfg.Listen != "127.0.0.1:9999" || cfg.MailMode() != MailSMTP || cfg.Mail.SMTP.TLS != "none" {
		t.Errorf("env not applied: %+v", cfg)
	}
	if got := cfg.Reminders.Before; len(got) != 2 || got[0] != 48*time.Hour || got[1] != 30*time.Minute {
		t.Errorf("reminders = %v", got)
	}
	if cfg.Booking.Horizon != 14*24*time.Hour {
		t.Errorf("horizon = %v", cfg.Booking.Horizon)
	}
	st, ok := cfg.SessionType("intro")
	if !ok || st.Buffer != 5*time.Minute || len(cfg.SessionTypes) != 1 {
		t.Errorf("session types = %+v", cfg.SessionTypes)
	}
	th, ok := cfg.Therapist("b")
	if !ok || th.Schedule().Weekly[time.Saturday][0].End != 1440 {
		t.Errorf("therapists = %+v", cfg.Therapists)
	}
}

func TestRedisModes(t *testing.T) {
	tests := []struct {
		desc      string
		yaml      string
		env       map[string]string
		wantMode  string
		wantWhere string
	}{
		{desc: "nothing set", wantMode: RedisEmbedded, wantWhere: "in-memory"},
		{desc: "one server", yaml: "redis: {addr: 10.0.0.5:6379, db: 3}", wantMode: RedisSingle, wantWhere: "10.0.0.5:6379"},
		{desc: "cluster from the file", yaml: "redis: {addrs: [10.0.0.1:7000, 10.0.0.2:7000]}",
			wantMode: RedisCluster, wantWhere: "Cluster via 10.0.0.1:7000,10.0.0.2:7000"},
		{desc: "cluster from the environment", env: map[string]string{"CONSULTD_REDIS_ADDRS": "10.0.0.1:7000, 10.0.0.2:7000,10.0.0.3:7000"},
			wantMode: RedisCluster, wantWhere: "Cluster via 10.0.0.1:7000,10.0.0.2:7000,10.0.0.3:7000"},
		{desc: "sentinel from the file", yaml: "redis: {sentinel: {master: main, addrs: [10.0.0.1:26379, 10.0.0.2:26379]}}",
			wantMode: RedisSentinel, wantWhere: "Sentinel master main via 10.0.0.1:26379,10.0.0.2:26379"},
		{desc: "sentinel from the environment", env: map[string]string{
			"CONSULTD_REDIS_SENTINEL_MASTER": "main", "CONSULTD_REDIS_SENTINEL_ADDRS": "10.0.0.1:26379",
			"CONSULTD_REDIS_SENTINEL_PASSWORD": "sentinel-pw"},
			wantMode: RedisSentinel, wantWhere: "Sentinel master main via 10.0.0.1:26379"},
		{desc: "empty list in the environment leaves the file's server", yaml: "redis: {addr: 10.0.0.5:6379}",
			env: map[string]string{"CONSULTD_REDIS_ADDRS": ""}, wantMode: RedisSingle, wantWhere: "10.0.0.5:6379"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			ownPractice(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			cfg, err := Load(writeFile(t, tt.yaml))
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Redis.Mode(); got != tt.wantMode {
				t.Errorf("mode = %q, want %q", got, tt.wantMode)
			}
			if got := cfg.Redis.Where(); got != tt.wantWhere {
				t.Errorf("where = %q, want %q", got, tt.wantWhere)
			}
			if cfg.Redis.Embedded() != (tt.wantMode == RedisEmbedded) {
				t.Errorf("embedded = %v in mode %s", cfg.Redis.Embedded(), tt.wantMode)
			}
			if wantMail := map[bool]string{true: MailOutbox, false: MailSMTP}[tt.wantMode == RedisEmbedded]; cfg.MailMode() != wantMail {
				t.Errorf("mail mode = %q, want %q", cfg.MailMode(), wantMail)
			}
		})
	}
}

func TestRedisSameAs(t *testing.T) {
	base := Redis{Addrs: []string{"10.0.0.1:7000"}, Sentinel: Sentinel{Addrs: nil}}
	tests := []struct {
		desc   string
		change func(*Redis)
		same   bool
	}{
		{"nothing", func(*Redis) {}, true},
		{"empty list for none", func(r *Redis) { r.Sentinel.Addrs = []string{} }, true},
		{"another seed node", func(r *Redis) { r.Addrs = append(r.Addrs, "10.0.0.2:7000") }, false},
		{"a single server instead", func(r *Redis) { r.Addrs, r.Addr = nil, "10.0.0.1:6379" }, false},
		{"password", func(r *Redis) { r.Password = "new" }, false},
		{"db", func(r *Redis) { r.DB = 1 }, false},
		{"sentinel master", func(r *Redis) { r.Sentinel.Master = "main" }, false},
		{"sentinel address", func(r *Redis) { r.Sentinel.Addrs = []string{"10.0.0.9:26379"} }, false},
		{"sentinel password", func(r *Redis) { r.Sentinel.Password = "new" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			other := base
			other.Addrs = slices.Clone(base.Addrs)
			tt.change(&other)
			if got := base.SameAs(other); got != tt.same {
				t.Errorf("SameAs = %v, want %v", got, tt.same)
			}
		})
	}
}

func TestEnvironmentListMustParse(t *testing.T) {
	t.Setenv("CONSULTD_SESSION_TYPES", `[{id: x`)
	_, err := Load("")
	if err == nil || !strings.Contains(err.Error(), "CONSULTD_SESSION_TYPES must be a YAML or JSON list") {
		t.Fatalf("err = %v", err)
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	const secret = "s3cr3t-value-that-is-long-enough-0123456789"
	t.Setenv("CONSULTD_SECRET", secret)
	t.Setenv("CONSULTD_MAIL_SMTP_PASSWORD", "smtp-"+secret)
	t.Setenv("CONSULTD_ADMIN_PASSWORD", "admin-"+secret)
	t.Setenv("CONSULTD_REDIS_PASSWORD", "redis-"+secret)
	t.Setenv("CONSULTD_REDIS_SENTINEL_PASSWORD", "sentinel-"+secret)
	cfg, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Secret.Reveal() != secret || cfg.Redis.Sentinel.Password.Reveal() != "sentinel-"+secret {
		t.Fatal("secrets not loaded")
	}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "cfg", cfg, "secret", cfg.Secret)
	asJSON, _ := json.Marshal(cfg)
	for name, out := range map[string]string{
		"%v": fmt.Sprintf("%v", cfg), "%+v": fmt.Sprintf("%+v", cfg), "%#v": fmt.Sprintf("%#v", cfg),
		"json": string(asJSON), "slog": logged.String(),
	} {
		if strings.Contains(out, secret) {
			t.Errorf("%s printed a secret", name)
		}
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"60d", 60 * 24 * time.Hour, true},
		{"1d12h", 36 * time.Hour, true},
		{"90m", 90 * time.Minute, true},
		{"0s", 0, true},
		{"d", 0, false},
		{"-1d", 0, false},
		{"1d-2h", 0, false},
		{"soon", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v", tt.in, got, err)
		}
	}
}

func TestTrustedProxies(t *testing.T) {
	_, err := Load(writeFile(t, "intake: {trusted_proxies: [127.0.0.1, 10.0.0.0/8, nonsense]}"))
	if err == nil || !strings.Contains(err.Error(), `intake.trusted_proxies[2]: "nonsense"`) {
		t.Fatalf("err = %v", err)
	}
	t.Setenv("CONSULTD_INTAKE_TRUSTED_PROXIES", "127.0.0.1,::1")
	cfg, err := Load("")
	if err != nil || len(cfg.Intake.Proxies()) != 2 {
		t.Fatalf("from the environment: %v, %v", cfg.Intake.Proxies(), err)
	}
}

func TestReflectionPerSessionType(t *testing.T) {
	for _, src := range []string{"", "example"} {
		path := ""
		if src == "example" {
			path = writeFile(t, string(consultd.ExampleConfig))
		}
		cfg, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		free, _ := cfg.SessionType("consultation")
		session, _ := cfg.SessionType("session")
		if free.Reflects() || !session.Reflects() {
			t.Errorf("%s: consultation reflects %v, session %v; want false, true", cmp.Or(src, "defaults"), free.Reflects(), session.Reflects())
		}
	}
	cfg, err := Load(writeFile(t, "session_types: [{id: intro, name: Intro, duration: 20m}, {id: quiet, name: Quiet, duration: 20m, reflection: false}]"))
	if err != nil {
		t.Fatal(err)
	}
	intro, _ := cfg.SessionType("intro")
	quiet, _ := cfg.SessionType("quiet")
	if !intro.Reflects() || quiet.Reflects() {
		t.Errorf("intro reflects %v (want the default true), quiet %v", intro.Reflects(), quiet.Reflects())
	}
}
