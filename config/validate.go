package config

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/consultd/consultd/calendar"
)

// Problem is one thing wrong with the configuration, named by its key.
type Problem struct {
	Key string
	Msg string
}

func (p Problem) String() string { return p.Key + ": " + p.Msg }

// Problems is every problem Validate found; it is an error.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

type problems struct{ list Problems }

func (p *problems) add(key, format string, args ...any) {
	p.list = append(p.list, Problem{Key: key, Msg: fmt.Sprintf(format, args...)})
}

// checkIDAndName checks a record's id (well-formed, not used before in
// its list) and that it has a name.
func (p *problems) checkIDAndName(key, id, name string, seen map[string]bool) {
	if !idPattern.MatchString(id) {
		p.add(key+".id", "%q must be 1-32 lower-case letters, digits or dashes", id)
	} else if seen[id] {
		p.add(key+".id", "%q is used twice", id)
	}
	seen[id] = true
	if strings.TrimSpace(name) == "" {
		p.add(key+".name", "is empty")
	}
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

// minAdminPassword is the shortest admin.password accepted: the admin area
// shows clients' names and notes, and its sign-in is open to the internet.
const minAdminPassword = 12

// Validate checks every setting and returns all problems at once (as
// Problems). It also prepares the therapists' schedules.
func (c *Config) Validate() error {
	var p problems
	c.validateServer(&p)
	c.Redis.validate(&p)
	c.validateMail(&p)
	c.validateLanguages(&p)
	c.validatePractice(&p)
	c.validateTherapists(&p)
	c.validateSessionTypes(&p)
	c.validateTiming(&p)
	c.Feeds.validate(&p)
	if len(p.list) > 0 {
		return p.list
	}
	return nil
}

func (c *Config) validateServer(p *problems) {
	if c.Listen == "" {
		p.add("listen", "is empty: give host:port, e.g. 127.0.0.1:8080")
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.add("base_url", "%q is not an http(s) URL: links in emails point at it", c.BaseURL)
	}
	if c.Secret.IsSet() && len(c.Secret.Reveal()) < 32 {
		p.add("secret", "is too short: use at least 32 random characters (e.g. openssl rand -hex 32)")
	}
	if c.SecretPrevious.IsSet() && len(c.SecretPrevious.Reveal()) < 32 {
		p.add("secret_previous", "is too short: it must be the 32+ character secret used before")
	}
	for i, s := range c.Intake.TrustedProxies {
		if _, err := parseProxy(s); err != nil {
			p.add(fmt.Sprintf("intake.trusted_proxies[%d]", i), "%q is not an address or a CIDR range such as 10.0.0.0/8", s)
		}
	}
	if c.Intake.RateLimitPerMinute < 0 {
		p.add("intake.rate_limit_per_minute", "must be 0 (off) or more")
	}
	if c.Intake.IPv6Prefix < 16 || c.Intake.IPv6Prefix > 128 {
		p.add("intake.ipv6_prefix", "%d is out of range: use 16 to 128 (64 counts a whole home or host as one client)", c.Intake.IPv6Prefix)
	}
	if c.Intake.MaxLivePerEmail < 0 {
		p.add("intake.max_live_per_email", "must be 0 (no cap) or more")
	}
	if c.Admin.Password.IsSet() && c.Admin.User == "" {
		p.add("admin.user", "is empty while admin.password is set")
	}
	if c.Admin.Password.IsSet() && utf8.RuneCountInString(c.Admin.Password.Reveal()) < minAdminPassword {
		p.add("admin.password", "is too short: use at least %d characters (empty turns the admin area off)", minAdminPassword)
	}
	if c.Worker.Concurrency < 1 || c.Worker.Concurrency > 1000 {
		p.add("worker.concurrency", "%d is out of range: use 1 to 1000", c.Worker.Concurrency)
	}
	if c.Worker.ShutdownTimeout <= c.Mail.SMTP.Timeout {
		p.add("worker.shutdown_timeout", "must be longer than mail.smtp.timeout (%s), or a send cut off at shutdown runs twice", c.Mail.SMTP.Timeout)
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		p.add("log.format", "%q is not text or json", c.Log.Format)
	}
}

func (c *Config) validateMail(p *problems) {
	switch c.Mail.Mode {
	case "", MailSMTP, MailOutbox:
	default:
		p.add("mail.mode", "%q is not smtp or outbox", c.Mail.Mode)
	}
	if _, err := mail.ParseAddress(c.Mail.From); err != nil {
		p.add("mail.from", "%q is not an email address: %v", c.Mail.From, err)
	}
	if c.Mail.ReplyTo != "" {
		if _, err := mail.ParseAddress(c.Mail.ReplyTo); err != nil {
			p.add("mail.reply_to", "%q is not an email address: %v", c.Mail.ReplyTo, err)
		}
	}
	if c.MailMode() == MailOutbox && c.Mail.OutboxDir == "" {
		p.add("mail.outbox_dir", "is empty while mail goes to the outbox")
	}
	if c.MailMode() != MailSMTP {
		return
	}
	s := c.Mail.SMTP
	if s.Host == "" {
		p.add("mail.smtp.host", "is empty")
	}
	if s.Port < 1 || s.Port > 65535 {
		p.add("mail.smtp.port", "%d is not a port", s.Port)
	}
	switch s.TLS {
	case "starttls", "tls", "none":
	default:
		p.add("mail.smtp.tls", "%q is not starttls, tls or none", s.TLS)
	}
	if s.Timeout <= 0 {
		p.add("mail.smtp.timeout", "must be positive")
	}
}

// The longest texts the booking page shows, in characters.
const (
	maxAbout       = 1000
	maxContact     = 300
	maxEmergency   = 300
	maxDescription = 500
	maxPrice       = 40
)

// validatePractice checks what the booking page says about the practice.
func (c *Config) validatePractice(p *problems) {
	if strings.TrimSpace(c.Practice.Name) == "" {
		p.add("practice.name", "is empty: subjects and pages name the practice")
	}
	p.checkText("practice.name", c.Practice.Name, 100, false)
	p.checkText("practice.about", c.Practice.About, maxAbout, true)
	p.checkText("practice.contact", c.Practice.Contact, maxContact, true)
	p.checkText("practice.emergency", c.Practice.Emergency, maxEmergency, true)
	if strings.TrimSpace(c.Practice.Emergency) == "" {
		p.add("practice.emergency", "is empty: the booking page must say what to do in a crisis (default: %q)", DefaultEmergency)
	}
}

// checkText refuses a text for people that is too long or carries
// control characters (line breaks only where multiline).
func (p *problems) checkText(key, s string, max int, multiline bool) {
	switch {
	case !utf8.ValidString(s):
		p.add(key, "is not valid UTF-8")
	case utf8.RuneCountInString(s) > max:
		p.add(key, "is longer than %d characters", max)
	case strings.IndexFunc(s, func(r rune) bool {
		return (unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t'))) || r == '\u2028' || r == '\u2029'
	}) >= 0:
		if multiline {
			p.add(key, "contains control characters (line breaks are fine)")
		} else {
			p.add(key, "contains control characters or line breaks")
		}
	}
}

func (c *Config) validateTherapists(p *problems) {
	if len(c.Therapists) == 0 {
		p.add("therapists", "lists nobody: add at least one therapist")
	}
	seen := map[string]bool{}
	for i := range c.Therapists {
		t := &c.Therapists[i]
		key := fmt.Sprintf("therapists[%d]", i)
		p.checkIDAndName(key, t.ID, t.Name, seen)
		if _, err := mail.ParseAddress(t.Email); err != nil {
			p.add(key+".email", "%q is not an email address", t.Email)
		}
		loc, err := calendar.LoadZone(t.Timezone)
		if err != nil || t.Timezone == "" || strings.EqualFold(t.Timezone, "local") {
			p.add(key+".timezone", "unknown time zone %q (use an IANA name such as Europe/London)", t.Timezone)
			loc = nil
		}
		t.schedule = calendar.Schedule{TherapistID: t.ID, Location: loc}
		parseWeekly(p, key+".weekly", t.Weekly, &t.schedule)
		parseTimeOff(p, key+".time_off", t.TimeOff, &t.schedule)
		validateBusyICS(p, key+".busy_ics", t.BusyICS)
		validateVideoURL(p, key+".video_url", t.VideoURL)
		t.CalDAV.validate(p, key+".caldav")
		c.validateTherapistLanguage(p, key+".language", t)
	}
}

func (c *Config) validateSessionTypes(p *problems) {
	if len(c.SessionTypes) == 0 {
		p.add("session_types", "lists none: add at least one session type")
	}
	seen := map[string]bool{}
	for i, s := range c.SessionTypes {
		key := fmt.Sprintf("session_types[%d]", i)
		p.checkIDAndName(key, s.ID, s.Name, seen)
		if s.Duration < 5*time.Minute || s.Duration > 8*time.Hour {
			p.add(key+".duration", "%s is out of range: use 5m to 8h", s.Duration)
		}
		if s.Buffer < 0 || s.Buffer > 4*time.Hour {
			p.add(key+".buffer", "%s is out of range: use 0 to 4h", s.Buffer)
		}
		if s.SlotStep != 0 && !validStep(s.SlotStep) {
			p.add(key+".slot_step", "%s must be whole minutes that divide a day (5m to 24h), or left out for booking.slot_step", s.SlotStep)
		}
		p.checkText(key+".description", s.Description, maxDescription, true)
		p.checkText(key+".price", s.Price, maxPrice, false)
	}
}

// validStep is a grid step from local midnight: whole minutes that divide
// a day, from 5m to 24h.
func validStep(step time.Duration) bool {
	return step >= 5*time.Minute && step <= 24*time.Hour && (24*time.Hour)%step == 0 && step%time.Minute == 0
}

func (c *Config) validateTiming(p *problems) {
	b := c.Booking
	if !validStep(b.SlotStep) {
		p.add("booking.slot_step", "%s must be whole minutes that divide a day (5m to 24h)", b.SlotStep)
	}
	if b.MinNotice < 0 {
		p.add("booking.min_notice", "must not be negative")
	}
	if b.Horizon <= b.MinNotice || b.Horizon > 366*24*time.Hour {
		p.add("booking.horizon", "%s must be longer than booking.min_notice and at most 366d", b.Horizon)
	}
	for i, d := range c.Reminders.Before {
		if d <= 0 || d > 30*24*time.Hour {
			p.add(fmt.Sprintf("reminders.before[%d]", i), "%s is out of range: use more than 0 and at most 30d", d)
		}
	}
	if _, err := ParseHours(c.Digest.At + "-24:00"); c.Digest.Enabled && (err != nil || c.Digest.At == "24:00") {
		p.add("digest.at", "%q is not a time of day like 18:00", c.Digest.At)
	}
	if c.Reflection.Enabled && (c.Reflection.After < 0 || c.Reflection.After > 14*24*time.Hour) {
		p.add("reflection.after", "%s is out of range: use 0 to 14d", c.Reflection.After)
	}
	if c.Approval.Expires < time.Minute {
		p.add("approval.expires", "%s is too short: use at least 1m", c.Approval.Expires)
	}
	if c.Cancellation.LateWindow < 0 {
		p.add("cancellation.late_window", "must not be negative")
	}
}
