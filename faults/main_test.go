//go:build faults

package faults

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// consultdBin is the binary under test, built once by TestMain.
var consultdBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "consultd-faults-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		os.Exit(1)
	}
	consultdBin = filepath.Join(dir, "consultd")
	build := exec.Command("go", "build", "-o", consultdBin, "github.com/consultd/consultd/cmd/consultd")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "faults: build consultd:", err)
		_ = os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	printSummary(os.Stdout)
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// figure is one measured result of a scenario, for the summary.
type figure struct {
	scenario, name, value string
}

var figures struct {
	sync.Mutex
	list []figure
}

// report logs a figure and keeps it for the summary printed at the end.
func report(t *testing.T, name, format string, args ...any) {
	t.Helper()
	value := fmt.Sprintf(format, args...)
	t.Logf("%s: %s", name, value)
	scenario, _, _ := strings.Cut(t.Name(), "/")
	figures.Lock()
	defer figures.Unlock()
	figures.list = append(figures.list, figure{scenario, name, value})
}

// scenarioOrder is the order of the summary; the scenarios run in
// parallel, so their figures arrive interleaved.
var scenarioOrder = []string{"TestWorkerCrashes", "TestRedisRestart", "TestSMTPOutage"}

// printSummary writes every figure, one a line, grouped by scenario.
func printSummary(w io.Writer) {
	figures.Lock()
	defer figures.Unlock()
	if len(figures.list) == 0 {
		return
	}
	rank := func(s string) int {
		if i := slices.Index(scenarioOrder, s); i >= 0 {
			return i
		}
		return len(scenarioOrder)
	}
	list := slices.Clone(figures.list)
	slices.SortStableFunc(list, func(a, b figure) int { return rank(a.scenario) - rank(b.scenario) })
	fmt.Fprintln(w, "=== fault suite figures")
	for _, f := range list {
		fmt.Fprintf(w, "%-18s %-40s %s\n", f.scenario, f.name, f.value)
	}
}
