// Package config owns the service's settings: built-in defaults, an optional
// YAML file and CONSULTD_* environment variables, read by viper into one
// typed Config. No other package touches viper.
package config

import (
	"log/slog"
	"net/netip"
	"time"

	"github.com/consultd/consultd/calendar"
)

// Config is every setting of one consultd process.
type Config struct {
	Listen  string `mapstructure:"listen"`
	BaseURL string `mapstructure:"base_url"`
	Secret  Secret `mapstructure:"secret"`
	// SecretPrevious is still accepted for links (never used to sign), so
	// rotating the secret does not break links already sent.
	SecretPrevious Secret   `mapstructure:"secret_previous"`
	Redis          Redis    `mapstructure:"redis"`
	Mail           Mail     `mapstructure:"mail"`
	Practice       Practice `mapstructure:"practice"`
	// Languages are offered to clients (BCP 47 codes, each with a message
	// catalog); the first is the default.
	Languages    []string      `mapstructure:"languages"`
	Therapists   []Therapist   `mapstructure:"therapists"`
	SessionTypes []SessionType `mapstructure:"session_types"`
	Booking      Booking       `mapstructure:"booking"`
	Reminders    Reminders     `mapstructure:"reminders"`
	Reflection   Reflection    `mapstructure:"reflection"`
	Digest       Digest        `mapstructure:"digest"`
	Feeds        Feeds         `mapstructure:"feeds"`
	Cancellation Cancellation  `mapstructure:"cancellation"`
	Approval     Approval      `mapstructure:"approval"`
	Intake       Intake        `mapstructure:"intake"`
	Admin        Admin         `mapstructure:"admin"`
	Worker       Worker        `mapstructure:"worker"`
	Templates    Templates     `mapstructure:"templates"`
	Log          Log           `mapstructure:"log"`
}

// Mail modes.
const (
	MailSMTP   = "smtp"
	MailOutbox = "outbox"
)

// Mail says how email leaves. An empty Mode means outbox with the embedded
// Redis and smtp otherwise.
type Mail struct {
	Mode      string `mapstructure:"mode"`
	OutboxDir string `mapstructure:"outbox_dir"`
	From      string `mapstructure:"from"`
	ReplyTo   string `mapstructure:"reply_to"`
	SMTP      SMTP   `mapstructure:"smtp"`
}

// SMTP is the submission server. TLS is starttls (mandatory), tls or none.
type SMTP struct {
	Host     string        `mapstructure:"host"`
	Port     int           `mapstructure:"port"`
	Username string        `mapstructure:"username"`
	Password Secret        `mapstructure:"password"`
	TLS      string        `mapstructure:"tls"`
	Timeout  time.Duration `mapstructure:"timeout"`
}

// Practice is how the practice names itself to clients, and what the
// booking page tells them before they book.
type Practice struct {
	Name string `mapstructure:"name"`
	// About says who the practice is (may be empty).
	About string `mapstructure:"about"`
	// Contact is how people reach the practice: a phone number or an
	// address (may be empty: the manage page then gives the mail address).
	Contact string `mapstructure:"contact"`
	// Emergency is the crisis line text on the booking page.
	Emergency string `mapstructure:"emergency"`
}

// DefaultEmergency is the crisis line text when practice.emergency is not
// set: true anywhere. A practice sets its own country's line.
const DefaultEmergency = "If you are in crisis or danger, call your local emergency number."

// DefaultCancellationPolicy is cancellation.policy when it is not set; the
// pages say it in the reader's language.
const DefaultCancellationPolicy = "Please cancel at least 24 hours ahead so someone else can have the time."

// Therapist is one person clients book with.
type Therapist struct {
	ID       string              `mapstructure:"id"`
	Name     string              `mapstructure:"name"`
	Email    string              `mapstructure:"email"`
	Timezone string              `mapstructure:"timezone"`
	Weekly   map[string][]string `mapstructure:"weekly"`
	TimeOff  []TimeOff           `mapstructure:"time_off"`
	// BusyICS are iCalendar feeds (http/https URLs or file paths) of the
	// therapist's own calendars; their events are busy time. A private
	// calendar's URL is a credential, so each is a Secret.
	BusyICS []Secret `mapstructure:"busy_ics"`
	// VideoURL is the therapist's video meeting address for session types
	// with video: true; "{room}" in it is replaced by each booking's own
	// unguessable room name, and without it every session uses this one
	// room. A meeting link lets anyone in, so it is a Secret: never logged.
	VideoURL Secret `mapstructure:"video_url"`
	// Language is that of the therapist's own emails and admin pages
	// ("": the first of languages).
	Language string `mapstructure:"language"`
	// CalDAV is the therapist's own calendar on a CalDAV server: every
	// booking is written into it, and its events are busy time.
	CalDAV CalDAV `mapstructure:"caldav"`

	schedule calendar.Schedule
}

// TimeOff is a run of whole days off, both ends included
// ({from: 2026-12-24, to: 2026-12-26}), or part of a day or days when both
// ends carry a time in the therapist's zone ({from: "2027-01-05 13:00",
// to: "2027-01-05 17:00"}).
type TimeOff struct {
	From string `mapstructure:"from"`
	To   string `mapstructure:"to"`
}

// Schedule is the therapist's working time, ready for the availability
// engine. It is filled in by Validate.
func (t Therapist) Schedule() calendar.Schedule { return t.schedule }

// Location is the therapist's time zone (filled in by Validate).
func (t Therapist) Location() *time.Location { return t.schedule.Location }

// SessionType is a kind of appointment a client can book.
type SessionType struct {
	ID       string        `mapstructure:"id"`
	Name     string        `mapstructure:"name"`
	Duration time.Duration `mapstructure:"duration"`
	Buffer   time.Duration `mapstructure:"buffer"`
	// Location is where or how the session happens: an address or a video link.
	Location string `mapstructure:"location"`
	// RequiresApproval makes a booking of this type a request: it holds
	// its slot, pending, until the therapist approves or declines it.
	RequiresApproval bool `mapstructure:"requires_approval"`
	// Reflection: whether the prompt follows a session of this type
	// (unset: it does, when reflection.enabled).
	Reflection *bool `mapstructure:"reflection"`
	// Video sessions happen on the therapist's video_url: the booking's
	// link is the invite's location and is in the reminders.
	Video bool `mapstructure:"video"`
	// SlotStep, when set, is this type's grid instead of booking.slot_step
	// (60m: 50-minute sessions start on the hour).
	SlotStep time.Duration `mapstructure:"slot_step"`
	// InviteOnly keeps the type off the public booking page and API: it is
	// booked through the practice's signed invite links, or by the
	// practice itself.
	InviteOnly bool `mapstructure:"invite_only"`
	// Description and Price are shown on the booking page (may be empty).
	Description string `mapstructure:"description"`
	Price       string `mapstructure:"price"`
}

// Reflects reports whether a session of this type gets the reflection
// prompt (reflection.enabled aside).
func (s SessionType) Reflects() bool { return s.Reflection == nil || *s.Reflection }

// Calendar is the session type as the availability engine sees it.
func (s SessionType) Calendar() calendar.SessionType {
	return calendar.SessionType{ID: s.ID, Duration: s.Duration, Buffer: s.Buffer}
}

// Booking bounds when clients may book.
type Booking struct {
	MinNotice time.Duration `mapstructure:"min_notice"`
	Horizon   time.Duration `mapstructure:"horizon"`
	SlotStep  time.Duration `mapstructure:"slot_step"`
}

// Rules is the booking window as the availability engine sees it.
func (b Booking) Rules() calendar.Rules {
	return calendar.Rules{MinNotice: b.MinNotice, Horizon: b.Horizon, Step: b.SlotStep}
}

// RulesFor is the booking window of one session type: its own grid when
// it has one.
func (b Booking) RulesFor(st SessionType) calendar.Rules {
	r := b.Rules()
	if st.SlotStep != 0 {
		r.Step = st.SlotStep
	}
	return r
}

// Reminders are sent this long before each session.
type Reminders struct {
	Before []time.Duration `mapstructure:"before"`
}

// Digest is the therapist's evening email listing the next day's
// sessions; At is a local time of day in the therapist's zone ("18:00").
type Digest struct {
	Enabled bool   `mapstructure:"enabled"`
	At      string `mapstructure:"at"`
}

// Minute is At as minutes after local midnight (checked by Validate).
func (d Digest) Minute() int {
	r, err := ParseHours(d.At + "-24:00")
	if err != nil {
		return 0
	}
	return r.Start
}

// Reflection is the short prompt sent after a session.
type Reflection struct {
	Enabled bool          `mapstructure:"enabled"`
	After   time.Duration `mapstructure:"after"`
}

// Cancellation is the practice's late-cancel policy.
type Cancellation struct {
	LateWindow time.Duration `mapstructure:"late_window"`
	AllowLate  bool          `mapstructure:"allow_late"`
	Policy     string        `mapstructure:"policy"`
}

// Approval is how long a request for a type that requires approval waits
// for an answer before it is released and the client told.
type Approval struct {
	Expires time.Duration `mapstructure:"expires"`
}

// Intake limits what one client address may send.
type Intake struct {
	RateLimitPerMinute int `mapstructure:"rate_limit_per_minute"`
	// MaxLivePerEmail is how many upcoming bookings one client email may
	// hold through the public intake (0: no cap). The practice's own
	// bookings and those made through a signed invite link do not count.
	MaxLivePerEmail int `mapstructure:"max_live_per_email"`
	// TrustedProxies are the reverse proxies (addresses or CIDR ranges)
	// whose X-Forwarded-For names the client; behind one, every client
	// would otherwise share the proxy's address and its limit.
	TrustedProxies []string `mapstructure:"trusted_proxies"`
	// IPv6Prefix is how many leading bits of an IPv6 client address the
	// limits count as one client: a home or a host gets a whole /64.
	IPv6Prefix int `mapstructure:"ipv6_prefix"`
}

// Proxies parses TrustedProxies (checked by Validate).
func (i Intake) Proxies() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range i.TrustedProxies {
		if p, err := parseProxy(s); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// parseProxy reads "10.0.0.0/8" or a single address.
func parseProxy(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}

// Admin is the practice's credential for /admin/. Empty: no admin at all.
type Admin struct {
	User     string `mapstructure:"user"`
	Password Secret `mapstructure:"password"`
}

// Worker sizes the job processor.
type Worker struct {
	Concurrency     int           `mapstructure:"concurrency"`
	ShutdownTimeout time.Duration `mapstructure:"shutdown_timeout"`
}

// Templates may point at a folder whose files override the built-in ones.
type Templates struct {
	Dir string `mapstructure:"dir"`
}

// Log sets the log format (text or json) and level.
type Log struct {
	Format string     `mapstructure:"format"`
	Level  slog.Level `mapstructure:"level"`
}

// Therapist returns the therapist with that id.
func (c *Config) Therapist(id string) (Therapist, bool) {
	for _, t := range c.Therapists {
		if t.ID == id {
			return t, true
		}
	}
	return Therapist{}, false
}

// SessionType returns the session type with that id.
func (c *Config) SessionType(id string) (SessionType, bool) {
	for _, s := range c.SessionTypes {
		if s.ID == id {
			return s, true
		}
	}
	return SessionType{}, false
}

// MailMode is the effective mail mode.
func (c *Config) MailMode() string {
	if c.Mail.Mode != "" {
		return c.Mail.Mode
	}
	if c.Redis.Embedded() {
		return MailOutbox
	}
	return MailSMTP
}
