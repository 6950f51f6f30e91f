// Package faults is the fault suite: it runs the real consultd binary as
// separate web and worker processes on a real redis-server and a real SMTP
// server, breaks one of them (a killed worker, a restarted Redis, an SMTP
// outage or refusal) and checks that the invariants still hold: nothing
// lost, at most a rare duplicate, clear 503s and recovery on its own.
//
// The tests carry the build tag "faults", so `go test ./...` skips them;
// run them with `make test-faults`. Each prints its figures, and TestMain
// prints a summary of all of them at the end.
package faults
