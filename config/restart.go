package config

// RestartNeeded lists the settings that differ between old and new but
// are read only at start-up: the parts of the service built from them
// (listener, Redis, mail transport, link signer, worker, logger) keep
// their start-up values until a restart.
func RestartNeeded(old, new *Config) []string {
	var keys []string
	add := func(changed bool, key string) {
		if changed {
			keys = append(keys, key)
		}
	}
	add(old.Listen != new.Listen, "listen")
	add(old.Secret != new.Secret || old.SecretPrevious != new.SecretPrevious, "secret")
	add(!old.Redis.SameAs(new.Redis), "redis")
	add(old.MailMode() != new.MailMode() || old.Mail.SMTP != new.Mail.SMTP || old.Mail.OutboxDir != new.Mail.OutboxDir, "mail.smtp")
	add(old.Worker != new.Worker, "worker")
	add(old.Log != new.Log, "log")
	return keys
}
