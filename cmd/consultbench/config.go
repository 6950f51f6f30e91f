package main

import (
	"fmt"
	"time"

	"github.com/consultd/consultd/config"
	"github.com/consultd/consultd/mailer"
)

// benchSecret signs links alike in every process of one run.
const benchSecret = "consultbench-link-secret-0123456789abcdef"

// benchDomain is the host of base_url, which ends every Message-ID.
const benchDomain = "book.riverside.example"

// benchConfig is the built-in configuration aimed at the run's Redis and
// SMTP sink: no rate limit, no minimum notice, and the therapist working
// every day around the clock on a 5-minute grid a year ahead, so there are
// tens of thousands of distinct free slots, and a 5-minute session type
// for the intake's many bookings. Everything else (worker
// concurrency, reminders, reflection, timeouts) stays as shipped, and
// CONSULTD_* variables still apply.
func benchConfig(redisAddr string, smtpPort int) (*config.Config, error) {
	cfg, err := config.Load("")
	if err != nil {
		return nil, fmt.Errorf("built-in configuration: %w", err)
	}
	cfg.Listen = "127.0.0.1:0"
	cfg.BaseURL = "https://" + benchDomain
	cfg.Secret = benchSecret
	cfg.Redis.Addr = redisAddr
	cfg.Mail.Mode = config.MailSMTP
	cfg.Mail.SMTP.Host, cfg.Mail.SMTP.Port, cfg.Mail.SMTP.TLS = "127.0.0.1", smtpPort, mailer.TLSNone
	cfg.Mail.SMTP.Username, cfg.Mail.SMTP.Password = "", ""
	cfg.Intake.RateLimitPerMinute = 0
	cfg.Booking.MinNotice = 0
	cfg.Booking.SlotStep = 5 * time.Minute
	cfg.Booking.Horizon = 365 * 24 * time.Hour
	week := map[string][]string{}
	for _, day := range []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"} {
		week[day] = []string{"00:00-24:00"}
	}
	cfg.SessionTypes = append(cfg.SessionTypes, config.SessionType{
		ID: intakeType, Name: "Brief call", Duration: 5 * time.Minute, Location: "Telephone"})
	cfg.Therapists = cfg.Therapists[:1]
	cfg.Therapists[0].Weekly = week
	cfg.Therapists[0].TimeOff = nil
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("bench configuration:\n%w", err)
	}
	return cfg, nil
}
