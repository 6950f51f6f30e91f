// Package consultd holds files that ship inside the binary.
package consultd

import _ "embed"

// ExampleConfig is config.example.yaml: every key, documented.
//
//go:embed config.example.yaml
var ExampleConfig []byte
