package booking

import "time"

// PracticeNote is what the practice says to the client when it cancels or
// moves a booking itself. It travels with the change's task, not in the
// record.
type PracticeNote struct {
	// Message is the practice's own words to the client (may be empty):
	// for the client's email body only, never logged, never a subject.
	Message string `json:"message,omitempty"`
	// Offer is, for a cancel, a few free times to book again (UTC).
	Offer []time.Time `json:"offer,omitempty"`
}
