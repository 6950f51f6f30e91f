package booking

import (
	"reflect"
	"testing"
	"time"
)

// The claim answers a new booking with stored(b) instead of reading the
// record back: both must agree to the last field.
func TestStoredIsWhatDecodeReads(t *testing.T) {
	at := time.Date(2026, 12, 1, 14, 0, 0, 123456789, time.FixedZone("x", 3600))
	b := Booking{
		ID: "default_abc", TherapistID: "default", Type: "consultation",
		Start: at, End: at.Add(15*time.Minute + 999*time.Microsecond), Buffer: 10*time.Minute + 1500*time.Microsecond,
		Status: StatusHeld, Seq: 3, Name: "Ann", Email: "ann@example.org", TimeZone: "Europe/London",
		Notes: "n", Flag: "f", CreatedAt: at.Add(-time.Hour), UpdatedAt: at.Add(-time.Minute),
	}
	f := fields(b)
	m := map[string]string{}
	for i := 0; i < len(f); i += 2 {
		m[f[i].(string)] = f[i+1].(string)
	}
	want, err := decode(m)
	if err != nil {
		t.Fatal(err)
	}
	if got := stored(b); !reflect.DeepEqual(got, want) {
		t.Fatalf("stored(b) = %+v\ndecode(fields(b)) = %+v", got, want)
	}
}
