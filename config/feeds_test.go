package config

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// privatePath stands for the secret part of a private calendar's address.
const privatePath = "/calendar/ical/ada%40example.org/private-0f3c9a7e51d24b68/basic.ics"

func therapistWithFeeds(feeds ...string) string {
	return fmt.Sprintf("therapists: [{id: ada, name: Ada, email: ada@example.org, timezone: America/New_York, busy_ics: [%s]}]\n",
		strings.Join(feeds, ", "))
}

func TestFeedsLoad(t *testing.T) {
	cfg, err := Load(writeFile(t, therapistWithFeeds("'https://calendar.example.org"+privatePath+"'", "/var/lib/consultd/ada.ics")))
	if err != nil {
		t.Fatal(err)
	}
	got := cfg.Therapists[0].BusyICS
	if len(got) != 2 || got[0].Reveal() != "https://calendar.example.org"+privatePath || got[1].Reveal() != "/var/lib/consultd/ada.ics" {
		t.Errorf("busy_ics = %q", []string{got[0].Reveal(), got[1].Reveal()})
	}
	if cfg.Feeds.Refresh != 15*time.Minute || cfg.Feeds.Timeout != 10*time.Second {
		t.Errorf("feeds = %+v, want the defaults 15m and 10s", cfg.Feeds)
	}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "cfg", cfg)
	if strings.Contains(logged.String(), "private-0f3c9a7e51d24b68") {
		t.Errorf("a busy_ics address was logged: %s", logged.String())
	}
	t.Setenv("CONSULTD_FEEDS_REFRESH", "1h")
	if cfg, err = Load(""); err != nil || cfg.Feeds.Refresh != time.Hour {
		t.Errorf("CONSULTD_FEEDS_REFRESH=1h: refresh %v, err %v", cfg.Feeds.Refresh, err)
	}
}

func TestFeedsProblems(t *testing.T) {
	tests := []struct {
		desc string
		yaml string
		want []string
	}{
		{"subscription link", therapistWithFeeds("'webcal://calendar.example.org" + privatePath + "'"),
			[]string{"therapists[0].busy_ics[0]: webcal:// is a subscription link: write the same address with https:// instead"}},
		{"other scheme", therapistWithFeeds("'ftp://files.example.org" + privatePath + "'"),
			[]string{"therapists[0].busy_ics[0]: ftp:// is neither http(s) nor a file path"}},
		{"URL without host", therapistWithFeeds("'https://" + privatePath + "'"),
			[]string{"therapists[0].busy_ics[0]: is not a valid http(s) URL"}},
		{"empty and twice", therapistWithFeeds("''", "/srv/a.ics", "/srv/a.ics"),
			[]string{"therapists[0].busy_ics[0]: is empty", "therapists[0].busy_ics[2]: is listed twice"}},
		{"refresh too often", "feeds: {refresh: 30s}", []string{"feeds.refresh: 30s is out of range"}},
		{"no timeout", "feeds: {timeout: 0s}", []string{"feeds.timeout: 0s is out of range"}},
		{"timeout longer than refresh", "feeds: {refresh: 1m, timeout: 90s}", []string{"feeds.timeout: must be shorter than feeds.refresh (1m0s)"}},
		{"misspelt key", "feeds: {refesh: 5m}", []string{"feeds.refesh: is not a setting: did you mean feeds.refresh?"}},
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
			if strings.Contains(err.Error(), "private-0f3c9a7e51d24b68") {
				t.Errorf("a problem repeats the secret path:\n%v", err)
			}
		})
	}
}
