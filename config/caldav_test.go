package config

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func therapistWithCalDAV(caldav string) string {
	return fmt.Sprintf("therapists: [{id: ada, name: Ada, email: ada@example.org, timezone: America/New_York, caldav: %s}]\n", caldav)
}

func TestCalDAVLoad(t *testing.T) {
	cfg, err := Load(writeFile(t, therapistWithCalDAV(`{url: "https://dav.example.org/calendars/ada/practice/", username: ada, password: "app-pass-7c1e", busy_urls: ["https://dav.example.org/calendars/ada/personal/"]}`)))
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.Therapists[0].CalDAV
	if !c.IsSet() || c.Username != "ada" || c.Password.Reveal() != "app-pass-7c1e" || len(c.BusyURLs) != 1 || c.Host() != "dav.example.org" {
		t.Errorf("caldav = %+v", c)
	}
	if cfg.Feeds.CalDAVRefresh != time.Minute {
		t.Errorf("feeds.caldav_refresh = %v, want the default 1m", cfg.Feeds.CalDAVRefresh)
	}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "cfg", cfg)
	fmt.Fprintf(&logged, "%v %+v %#v", cfg, cfg, cfg)
	if strings.Contains(logged.String(), "app-pass-7c1e") {
		t.Error("the CalDAV password was printed")
	}
}

func TestCalDAVProblems(t *testing.T) {
	const url = `url: "https://dav.example.org/calendars/ada/practice/"`
	tests := []struct {
		desc, caldav string
		want         string
	}{
		{"no password", `{` + url + `, username: ada}`, "therapists[0].caldav.password: is empty"},
		{"no user", `{` + url + `, password: p}`, "therapists[0].caldav.username: is empty"},
		{"user with a colon", `{` + url + `, username: "a:b", password: p}`, "therapists[0].caldav.username: contains a control character or a colon"},
		{"one event, not a collection", `{url: "https://dav.example.org/calendars/ada/practice/x.ics", username: ada, password: p}`, "therapists[0].caldav.url: must end with /"},
		{"not http", `{url: "ftp://dav.example.org/ada/", username: ada, password: p}`, "therapists[0].caldav.url: is not an http(s) URL"},
		{"credentials in the URL", `{url: "https://ada:secret-in-url@dav.example.org/ada/", username: ada, password: p}`, "therapists[0].caldav.url: carries a user name or password"},
		{"account without a URL", `{username: ada, password: p}`, "therapists[0].caldav.url: is empty"},
		{"busy calendar elsewhere", `{` + url + `, username: ada, password: p, busy_urls: ["https://other.example.org/ada/"]}`, "therapists[0].caldav.busy_urls[0]: is on another server"},
		{"misspelt key", `{` + url + `, username: ada, pasword: p}`, "pasword"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			_, err := Load(writeFile(t, therapistWithCalDAV(tt.caldav)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "secret-in-url") || strings.Contains(err.Error(), "/calendars/ada") {
				t.Errorf("the problem repeats the address or a secret: %v", err)
			}
		})
	}
	if _, err := Load(writeFile(t, "feeds: {caldav_refresh: 1h}")); err == nil || !strings.Contains(err.Error(), "feeds.caldav_refresh: 1h0m0s is out of range") {
		t.Errorf("caldav_refresh 1h: %v", err)
	}
}
