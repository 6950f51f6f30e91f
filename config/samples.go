package config

import (
	"fmt"
	"net/mail"
	"strings"

	"github.com/spf13/viper"
)

// sampleTherapistEmail is the built-in sample therapist's address, which
// config.example.yaml shows too.
const sampleTherapistEmail = "ada@example.org"

// builtInLists reports, for each list of records, whether it is still the
// built-in sample: given neither in the file nor in the environment. Only
// Load knows this, so the check of samples is Load's, not Validate's.
func builtInLists(v *viper.Viper) map[string]bool {
	out := map[string]bool{}
	for _, key := range listKeys {
		_, fromEnv := v.Get(key).(string)
		out[key] = !fromEnv && !v.InConfig(key)
	}
	return out
}

// sampleProblems refuses the built-in samples once mail goes over SMTP:
// the therapist's notices carry clients' names, and a real client would
// be offered the sample session types. The outbox keeps them, so the
// first run works with no file.
func (c *Config) sampleProblems(builtIn map[string]bool) Problems {
	if c.MailMode() != MailSMTP {
		return nil
	}
	var p problems
	if builtIn["therapists"] {
		p.add("therapists", "the built-in sample therapist %s is still in force while mail goes over SMTP; set therapists: with your own (see config.example.yaml)", sampleTherapistEmail)
	} else {
		for i, t := range c.Therapists {
			if a, err := mail.ParseAddress(t.Email); err == nil && strings.EqualFold(a.Address, sampleTherapistEmail) {
				p.add(fmt.Sprintf("therapists[%d].email", i), "%s is the sample address while mail goes over SMTP: set the therapist's own", sampleTherapistEmail)
			}
		}
	}
	if builtIn["session_types"] {
		p.add("session_types", "the built-in sample session types are still in force while mail goes over SMTP; set session_types: with your own (see config.example.yaml)")
	}
	return p.list
}
