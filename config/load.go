package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"
)

// EnvPrefix starts every environment variable the service reads:
// CONSULTD_ + the key path in upper case with _ for . (CONSULTD_REDIS_ADDR).
const EnvPrefix = "CONSULTD"

// listKeys hold lists of records; in the environment they are given whole,
// as YAML or JSON (CONSULTD_SESSION_TYPES='[{id: intro, duration: 20m}]').
var listKeys = []string{"therapists", "session_types"}

// Load reads the built-in defaults, then the YAML file at path (if path is
// not empty), then the environment, and validates the result. The error
// lists every problem found, each naming its key.
func Load(path string) (*Config, error) {
	v := viper.New()
	for key, value := range defaults() {
		v.SetDefault(key, value)
	}
	v.SetEnvPrefix(EnvPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()
	if path != "" {
		v.SetConfigFile(path)
		v.SetConfigType("yaml")
		if err := v.ReadInConfig(); err != nil {
			return nil, fmt.Errorf("config file %s: %w", path, err)
		}
	}
	builtIn := builtInLists(v)
	var problems Problems
	for _, key := range listKeys {
		if err := decodeListFromEnv(v, key); err != nil {
			problems = append(problems, Problem{Key: key, Msg: err.Error()})
		}
	}
	var cfg Config
	if err := v.UnmarshalExact(&cfg, viper.DecodeHook(decodeHooks())); err != nil {
		problems = append(problems, decodeProblems(err)...)
	}
	if err := cfg.Validate(); err != nil {
		var more Problems
		if errors.As(err, &more) {
			problems = append(problems, withoutKeys(more, problems)...)
		} else {
			return nil, err
		}
	}
	problems = append(problems, cfg.sampleProblems(builtIn)...)
	if len(problems) > 0 {
		return &cfg, problems
	}
	return &cfg, nil
}

// LoadEdited is Load for a file that has just been saved: it refuses an
// empty file, which is often an editor's first write and would otherwise
// read as all defaults.
func LoadEdited(path string) (*Config, error) {
	if info, err := os.Stat(path); err == nil && info.Size() == 0 {
		return nil, Problems{{Key: "config", Msg: path + " is empty"}}
	}
	return Load(path)
}

// decodeListFromEnv turns a list key given as one YAML/JSON string (from the
// environment) into the records it describes.
func decodeListFromEnv(v *viper.Viper, key string) error {
	raw, ok := v.Get(key).(string)
	if !ok {
		return nil
	}
	var list []any
	if err := yaml.Unmarshal([]byte(raw), &list); err != nil {
		return fmt.Errorf("%s_%s must be a YAML or JSON list: %v", EnvPrefix, strings.ToUpper(key), err)
	}
	v.Set(key, list)
	return nil
}

func decodeHooks() mapstructure.DecodeHookFunc {
	return mapstructure.ComposeDecodeHookFunc(
		dateToString,
		commaList,
		stringToDuration,
		mapstructure.TextUnmarshallerHookFunc(),
	)
}

// dateToString keeps YAML dates (time_off: 2026-12-24) as the text written.
// A YAML timestamp with a time of day keeps it, seconds and all, so that
// the key's own check refuses what it cannot read rather than losing the time.
func dateToString(from, to reflect.Type, data any) (any, error) {
	if t, ok := data.(time.Time); ok && to.Kind() == reflect.String {
		if h, m, s := t.Clock(); h != 0 || m != 0 || s != 0 {
			return t.Format(time.DateTime), nil
		}
		return t.Format(time.DateOnly), nil
	}
	return data, nil
}

// commaList reads a list given as one string (from the environment):
// CONSULTD_REMINDERS_BEFORE=24h,1h.
func commaList(from, to reflect.Type, data any) (any, error) {
	s, ok := data.(string)
	if !ok || to.Kind() != reflect.Slice {
		return data, nil
	}
	if strings.TrimSpace(s) == "" {
		return []string{}, nil
	}
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts, nil
}

var durationType = reflect.TypeOf(time.Duration(0))

// stringToDuration reads durations such as 90m, 24h, 60d or 1d12h.
func stringToDuration(from, to reflect.Type, data any) (any, error) {
	if to != durationType {
		return data, nil
	}
	switch d := data.(type) {
	case string:
		return ParseDuration(d)
	case int, int64, float64:
		if reflect.ValueOf(d).IsZero() {
			return time.Duration(0), nil
		}
		return nil, fmt.Errorf("%v has no unit: write it like 90m, 24h or 60d", d)
	}
	return data, nil
}

// ParseDuration is time.ParseDuration that also takes whole days ("60d",
// "1d12h").
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	bad := fmt.Errorf("%q is not a duration: write it like 90m, 24h or 60d", s)
	days, rest, found := strings.Cut(s, "d")
	if !found {
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, bad
		}
		return d, nil
	}
	n, err := strconv.Atoi(days)
	if err != nil || n < 0 {
		return 0, bad
	}
	d := time.Duration(n) * 24 * time.Hour
	if rest != "" {
		extra, err := time.ParseDuration(rest)
		if err != nil || extra < 0 {
			return 0, bad
		}
		d += extra
	}
	return d, nil
}

// decodeProblems turns mapstructure's errors into problems, one a key, and
// one for each unknown key. viper wraps the joined errors in one more error:
// every level is walked, never only the first decode error found in it.
func decodeProblems(err error) Problems {
	var out Problems
	var walk func(error)
	walk = func(err error) {
		if de, ok := err.(*mapstructure.DecodeError); ok {
			out = append(out, decodeProblem(de)...)
			return
		}
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range joined.Unwrap() {
				walk(e)
			}
			return
		}
		if inner := errors.Unwrap(err); inner != nil {
			walk(inner)
			return
		}
		out = append(out, Problem{Key: "config", Msg: err.Error()})
	}
	walk(err)
	return out
}

// decodeProblem is one decode error as problems: a list of unknown keys
// becomes one problem for each, named by its full key.
func decodeProblem(de *mapstructure.DecodeError) Problems {
	msg := rootCause(de.Unwrap())
	if keys, ok := strings.CutPrefix(msg, "has invalid keys: "); ok {
		return unknownKeys(de.Name(), strings.Split(keys, ", "))
	}
	return Problems{{Key: keyPath(de.Name()), Msg: msg}}
}

// keyPath writes mapstructure's "therapists[0].timezone" style unchanged and
// names the root when the error is about the whole document.
func keyPath(name string) string {
	if name == "" {
		return "config"
	}
	return name
}

func rootCause(err error) string {
	for {
		var de *mapstructure.DecodeError
		if errors.As(err, &de) && de.Unwrap() != nil {
			err = de.Unwrap()
			continue
		}
		return err.Error()
	}
}

// withoutKeys drops problems about keys that already failed to decode: their
// zero value would only repeat the same complaint.
func withoutKeys(ps, reported Problems) Problems {
	seen := map[string]bool{}
	for _, p := range reported {
		seen[p.Key] = true
	}
	var out Problems
	for _, p := range ps {
		if !seen[p.Key] {
			out = append(out, p)
		}
	}
	return out
}
