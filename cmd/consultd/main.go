// Command consultd runs the booking service for a therapy practice.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:]))
}
