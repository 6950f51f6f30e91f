package config

// defaults are the built-in settings: a sample practice with one therapist
// working weekdays and both sample session types, so the service runs and
// shows slots with no file at all. config.example.yaml documents the same.
func defaults() map[string]any {
	weekday := []any{"09:00-12:00", "13:00-17:00"}
	return map[string]any{
		"listen":             "127.0.0.1:8080",
		"base_url":           "http://127.0.0.1:8080",
		"secret":             "",
		"secret_previous":    "",
		"redis.addr":         "",
		"redis.password":     "",
		"redis.db":           0,
		"mail.mode":          "",
		"mail.outbox_dir":    "./outbox",
		"mail.from":          "Riverside Practice <appointments@example.org>",
		"mail.reply_to":      "",
		"mail.smtp.host":     "localhost",
		"mail.smtp.port":     587,
		"mail.smtp.username": "",
		"mail.smtp.password": "",
		"mail.smtp.tls":      "starttls",
		"mail.smtp.timeout":  "15s",
		"practice.name":      "Riverside Practice",
		"therapists": []any{map[string]any{
			"id":       "default",
			"name":     "Dr. Ada Rivers",
			"email":    "ada@example.org",
			"timezone": "America/New_York",
			"weekly": map[string]any{
				"monday": weekday, "tuesday": weekday, "wednesday": weekday,
				"thursday": weekday, "friday": weekday,
			},
			"time_off": []any{},
			"busy_ics": []any{},
		}},
		"session_types": []any{
			map[string]any{"id": "consultation", "name": "Free consultation", "duration": "15m", "buffer": "0s", "location": "Video call: the link follows by email"},
			map[string]any{"id": "session", "name": "Psychotherapy session", "duration": "50m", "buffer": "10m", "location": "Riverside Practice, 12 River Street"},
		},
		"booking.min_notice":           "24h",
		"booking.horizon":              "60d",
		"booking.slot_step":            "15m",
		"reminders.before":             []any{"24h", "1h"},
		"reflection.enabled":           true,
		"reflection.after":             "2h",
		"digest.enabled":               true,
		"digest.at":                    "18:00",
		"feeds.refresh":                "15m",
		"feeds.timeout":                "10s",
		"cancellation.late_window":     "24h",
		"cancellation.allow_late":      true,
		"cancellation.policy":          "Please cancel at least 24 hours ahead so someone else can have the time.",
		"intake.rate_limit_per_minute": 30,
		"admin.user":                   "admin",
		"admin.password":               "",
		"worker.concurrency":           10,
		"worker.shutdown_timeout":      "30s",
		"templates.dir":                "",
		"log.format":                   "text",
		"log.level":                    "info",
		"redis.addrs":                  []any{},
		"redis.sentinel.master":        "",
		"redis.sentinel.addrs":         []any{},
		"redis.sentinel.password":      "",
	}
}
