package booking

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// keys names every Redis key of one therapist. They all carry the hash tag
// {t:<therapist id>}, so they live in one Cluster slot and one script may
// touch them all. Names hold ids and hashes only, never an email.
//
//	consultd:{t:X}:b:<id>            hash: one booking record
//	consultd:{t:X}:live              zset: live booking ids by start (ms)
//	consultd:{t:X}:all               zset: every booking id by start (ms)
//	consultd:{t:X}:held              set:  ids still held
//	consultd:{t:X}:pending           zset: requests awaiting approval by creation (ms)
//	consultd:{t:X}:span              the longest occupied span (ms) seen
//	consultd:{t:X}:idem:<sha256>     idempotency key → id, 24 h
//	consultd:{t:X}:dup:<sha256>      (email, type, start) → id, 10 min
//	consultd:{t:X}:sent:<id>:<what>  sent-marker, 90 days
type keys struct{ prefix string }

func keysFor(therapistID string) keys {
	return keys{prefix: "consultd:{t:" + therapistID + "}:"}
}

// bookingPrefix is passed to scripts, which add the id: the record's name
// then derives from a key they were given, as Cluster requires.
func (k keys) bookingPrefix() string    { return k.prefix + "b:" }
func (k keys) booking(id string) string { return k.prefix + "b:" + id }
func (k keys) live() string             { return k.prefix + "live" }
func (k keys) all() string              { return k.prefix + "all" }
func (k keys) held() string             { return k.prefix + "held" }
func (k keys) pending() string          { return k.prefix + "pending" }
func (k keys) span() string             { return k.prefix + "span" }

// feedBusy is where the feeds package keeps the last good copy of each of
// the therapist's own calendars (feed key → JSON {"busy": [[ms, ms]…]}),
// read by the claim.
func (k keys) feedBusy() string { return k.prefix + "feedbusy" }

// client is the set of a client's bookings that count toward the public
// intake's cap; the email is normalised, then only hashed.
func (k keys) client(email string) string {
	return k.prefix + "client:" + sha256Hex(strings.ToLower(strings.TrimSpace(email)))
}

func (k keys) sent(id, what string) string {
	return k.prefix + "sent:" + id + ":" + what
}

func (k keys) idem(idempotencyKey string) string {
	return k.prefix + "idem:" + sha256Hex(idempotencyKey)
}

// dup names a request by who asked for what and when, so a double submit
// finds the first booking. The email is normalised, then only hashed.
func (k keys) dup(email, sessionType string, start time.Time) string {
	email = strings.ToLower(strings.TrimSpace(email))
	return k.prefix + "dup:" + sha256Hex(email+"\n"+sessionType+"\n"+strconv.FormatInt(start.UnixMilli(), 10))
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
