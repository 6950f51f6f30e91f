package config

import (
	"slices"
	"strings"
	"testing"
)

// Every unknown key is reported in one run, by its full key, wherever it
// is: one misspelling must not hide the next.
func TestEveryUnknownKeyInOneRun(t *testing.T) {
	t.Setenv("CONSULTD_SESSION_TYPES", `[{id: intro, name: Intro, duration: 20m, bufer: 5m}]`)
	_, err := Load(writeFile(t, `
mail: {smtp: {hots: mail.example.org}}
practice: {nmae: Riverside}
lisen: 127.0.0.1:1
therapists:
  - {id: a, name: A, email: a@example.org, timezone: UTC}
  - {id: b, nmae: B, name: B, email: b@example.org, timezone: UTC, time_off: [{from: 2026-12-24, ot: 2026-12-26}]}
booking: {horizon: soon}
`))
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{
		"mail.smtp.hots: is not a setting: did you mean mail.smtp.host?",
		"practice.nmae: is not a setting: did you mean practice.name?",
		"lisen: is not a setting: did you mean listen?",
		"therapists[1].nmae: is not a setting: did you mean therapists[1].name?",
		"therapists[1].time_off[0].ot: is not a setting",
		"session_types[0].bufer: is not a setting: did you mean session_types[0].buffer?",
		`booking.horizon: "soon" is not a duration`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("problems lack %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "booking.horizon: 0s") {
		t.Errorf("a duration that failed to decode is reported again as its zero value:\n%v", err)
	}
}

func TestUnknownKeySuggestsOnlyAClearMatch(t *testing.T) {
	tests := []struct {
		key   string
		known []string
		want  string
	}{
		{"nmae", []string{"id", "name", "email"}, "name"},
		{"hots", []string{"host", "port"}, "host"},
		{"emial", []string{"name", "email"}, "email"},
		{"colour", []string{"name", "email"}, ""},
		{"x", []string{"id", "db"}, ""},
		{"adr", []string{"addr", "addrs"}, "addr"},
		{"adrs", []string{"addr", "addrs"}, "addrs"},
	}
	for _, tt := range tests {
		if got := nearest(tt.key, tt.known); got != tt.want {
			t.Errorf("nearest(%q, %v) = %q, want %q", tt.key, tt.known, got, tt.want)
		}
	}
}

func TestKnownKeysFollowTheConfig(t *testing.T) {
	for path, want := range map[string]string{
		"":                          "listen",
		"mail.smtp":                 "host",
		"therapists[3]":             "timezone",
		"therapists[0].time_off[1]": "from",
		"redis.sentinel":            "master",
	} {
		if got := knownKeys(path); !slices.Contains(got, want) {
			t.Errorf("knownKeys(%q) = %v, want it to hold %q", path, got, want)
		}
	}
	if got := knownKeys("listen"); got != nil {
		t.Errorf("a plain setting has no keys under it: %v", got)
	}
}
