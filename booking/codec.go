package booking

import (
	"fmt"
	"strconv"
	"time"
)

// Booking records are Redis hashes; times are unix milliseconds, which Lua
// numbers (doubles) hold exactly.

func ms(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// fields is the HSET argument list of a new record.
func fields(b Booking) []any {
	return []any{
		"id", b.ID,
		"therapist", b.TherapistID,
		"type", b.Type,
		"start", ms(b.Start),
		"end", ms(b.End),
		"buffer", strconv.FormatInt(b.Buffer.Milliseconds(), 10),
		"status", string(b.Status),
		"seq", strconv.Itoa(b.Seq),
		"name", b.Name,
		"email", b.Email,
		"tz", b.TimeZone,
		"notes", b.Notes,
		"flag", b.Flag,
		"series", b.Series,
		"pname", b.PreferredName,
		"lang", b.Language,
		"room", b.Room,
		"created", ms(b.CreatedAt),
		"updated", ms(b.UpdatedAt),
	}
}

// decode reads a record from HGETALL's field/value pairs.
func decode(m map[string]string) (Booking, error) {
	b := Booking{
		ID:          m["id"],
		TherapistID: m["therapist"],
		Type:        m["type"],
		Status:      Status(m["status"]),
		Name:        m["name"],
		Email:       m["email"],
		TimeZone:    m["tz"],
		Notes:       m["notes"],
		Flag:        m["flag"],
		Series:      m["series"],
		Reply:       m["reply"],
		// Written by later scripts only: a record may have none of them.
		PreferredName: m["pname"],
		Language:      m["lang"],
		Attendance:    Attendance(m["attend"]),
		LateCancel:    m["late"] == "1",
		Room:          m["room"],
	}
	var n [6]int64
	for i, f := range []string{"start", "end", "buffer", "seq", "created", "updated"} {
		v, err := strconv.ParseInt(m[f], 10, 64)
		if err != nil {
			return Booking{}, fmt.Errorf("booking %s: field %s: %w", b.ID, f, err)
		}
		n[i] = v
	}
	b.Start, b.End = time.UnixMilli(n[0]).UTC(), time.UnixMilli(n[1]).UTC()
	b.Buffer = time.Duration(n[2]) * time.Millisecond
	b.Seq = int(n[3])
	b.CreatedAt, b.UpdatedAt = time.UnixMilli(n[4]).UTC(), time.UnixMilli(n[5]).UTC()
	if v := m["orig"]; v != "" {
		orig, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return Booking{}, fmt.Errorf("booking %s: field orig: %w", b.ID, err)
		}
		b.Original = time.UnixMilli(orig).UTC()
	}
	return b, nil
}

// stored is b as decode reads it back once written with fields: the
// times and the buffer to the millisecond, the times in UTC.
func stored(b Booking) Booking {
	milli := func(t time.Time) time.Time { return time.UnixMilli(t.UnixMilli()).UTC() }
	b.Start, b.End, b.CreatedAt, b.UpdatedAt = milli(b.Start), milli(b.End), milli(b.CreatedAt), milli(b.UpdatedAt)
	b.Buffer = time.Duration(b.Buffer.Milliseconds()) * time.Millisecond
	return b
}

// decodeReply reads a record from a script's nested HGETALL reply.
func decodeReply(v any) (Booking, error) {
	pairs, ok := v.([]any)
	if !ok || len(pairs)%2 != 0 {
		return Booking{}, fmt.Errorf("booking: unexpected record reply %T", v)
	}
	m := make(map[string]string, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		k, _ := pairs[i].(string)
		val, _ := pairs[i+1].(string)
		m[k] = val
	}
	return decode(m)
}
