package calendar

// For the external tests (ics_roundtrip_test.go).
var (
	SampleInvite       = sampleInvite
	CheckPhysicalLines = checkPhysicalLines
)
