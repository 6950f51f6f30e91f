package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/internal/testredis"
	"github.com/consultd/consultd/internal/testsmtp"
)

// reloadConfig is a whole configuration file: London hours, no notice.
func reloadConfig(rdb *testredis.Server, smtp *testsmtp.Server, hours, zone, tplDir string) string {
	return fmt.Sprintf(`listen: 127.0.0.1:0
base_url: https://book.riverside.example
secret: test-secret-0123456789abcdef0123456789
redis: {addr: %q}
mail: {mode: smtp, smtp: {host: %q, port: %d, tls: none, timeout: 5s}}
templates: {dir: %q}
practice: {name: Riverside Practice}
therapists:
  - {id: default, name: Ada, email: ada@riverside.example, timezone: %q,
     weekly: {monday: [%q], tuesday: [%q], wednesday: [%q], thursday: [%q], friday: [%q], saturday: [%q], sunday: [%q]}}
session_types: [{id: consultation, name: Free consultation, duration: 15m}]
booking: {min_notice: 0s, horizon: 30d, slot_step: 15m}
intake: {rate_limit_per_minute: 0}
`, rdb.Addr(), smtp.Host(), smtp.Port(), tplDir, zone, hours, hours, hours, hours, hours, hours, hours)
}

// firstLocalStart is the local clock time of the first free consultation
// two days from now.
func firstLocalStart(t *testing.T, base string) string {
	t.Helper()
	day := time.Now().AddDate(0, 0, 2).Format(time.DateOnly)
	var got slotsAnswer
	if code := do(t, "GET", base+"/api/slots?type=consultation&from="+day+"&to="+day, "", &got); code != 200 || len(got.Slots) == 0 {
		return ""
	}
	start, _ := time.Parse(time.RFC3339, got.Slots[0].Start)
	london, _ := time.LoadLocation("Europe/London")
	return start.In(london).Format("15:04")
}

func TestConfigAndTemplateChangesApplyWithoutRestart(t *testing.T) {
	rdb, smtp := testredis.Start(t), testsmtp.Start(t)
	dir := t.TempDir()
	tplDir := filepath.Join(dir, "templates")
	if err := os.MkdirAll(filepath.Join(tplDir, "pages"), 0o755); err != nil {
		t.Fatal(err)
	}
	errorPage := func(words string) {
		page := `{{define "title"}}{{.Title}}{{end}}{{define "content"}}<h1>{{.Title}}</h1><p>` + words + `</p>{{end}}`
		if err := os.WriteFile(filepath.Join(tplDir, "pages", "error.html"), []byte(page), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	errorPage("first words")
	path := filepath.Join(dir, "consultd.yaml")
	write := func(body string) {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(reloadConfig(rdb, smtp, "09:00-10:00", "Europe/London", tplDir))
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	a, base := runApp(t, cfg, AllRoles, logs, path)
	_ = a
	if got := firstLocalStart(t, base); got != "09:00" {
		t.Fatalf("first slot at %q, want 09:00", got)
	}

	write(reloadConfig(rdb, smtp, "13:00-14:00", "Europe/London", tplDir))
	eventually(t, 10*time.Second, "new hours in force", func() bool { return firstLocalStart(t, base) == "13:00" })

	// A bad edit is refused with its key named; the hours in force stay.
	write(reloadConfig(rdb, smtp, "15:00-16:00", "Mars/Base", tplDir))
	eventually(t, 10*time.Second, "the refusal logged", func() bool { return strings.Contains(logs.String(), "therapists[0].timezone") })
	if got := firstLocalStart(t, base); got != "13:00" {
		t.Fatalf("after a bad edit the first slot is %q, want 13:00 still", got)
	}
	// An emptied file (an editor's first write) is refused too, not read as
	// all defaults.
	write("")
	eventually(t, 10*time.Second, "the empty file refused", func() bool { return strings.Contains(logs.String(), "is empty") })
	if got := firstLocalStart(t, base); got != "13:00" {
		t.Fatalf("after emptying the file the first slot is %q, want 13:00 still", got)
	}

	// A template edit in templates.dir applies too.
	fetch := func() string {
		resp, err := httpGet(base + "/m/not-a-token")
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if !strings.Contains(fetch(), "first words") {
		t.Fatal("the template override is not in use")
	}
	errorPage("second words")
	eventually(t, 10*time.Second, "the edited template in use", func() bool { return strings.Contains(fetch(), "second words") })
}

// TestCalendarFeedChangesApplyWithoutRestart: a busy_ics feed added by an
// edit is read at once and takes its time out of the slots; removed again,
// it blocks nothing.
func TestCalendarFeedChangesApplyWithoutRestart(t *testing.T) {
	rdb, smtp := testredis.Start(t), testsmtp.Start(t)
	dir := t.TempDir()
	day := time.Now().AddDate(0, 0, 2).Format("20060102")
	feed := filepath.Join(dir, "own.ics")
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:own-1\r\n" +
		"DTSTART;TZID=Europe/London:" + day + "T090000\r\nDTEND;TZID=Europe/London:" + day + "T093000\r\n" +
		"END:VEVENT\r\nEND:VCALENDAR\r\n"
	if err := os.WriteFile(feed, []byte(ics), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "consultd.yaml")
	write := func(withFeed bool) {
		body := reloadConfig(rdb, smtp, "09:00-10:00", "Europe/London", "")
		if withFeed {
			body = strings.Replace(body, "email: ada@riverside.example,", fmt.Sprintf("email: ada@riverside.example, busy_ics: [%q],", feed), 1)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(false)
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	_, base := runApp(t, cfg, AllRoles, logs, path)
	if got := firstLocalStart(t, base); got != "09:00" {
		t.Fatalf("first slot at %q, want 09:00", got)
	}

	write(true)
	eventually(t, 10*time.Second, "the added feed in force", func() bool { return firstLocalStart(t, base) == "09:30" })
	if strings.Contains(logs.String(), "after a restart") {
		t.Errorf("a feed change is announced as needing a restart:\n%s", logs)
	}

	write(false)
	eventually(t, 10*time.Second, "the removed feed out of force", func() bool { return firstLocalStart(t, base) == "09:00" })
}
