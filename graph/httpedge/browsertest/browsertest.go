// Package browsertest finds the scripts of graph/e2e that drive a real
// headless Chromium, for the tests of the pages the HTTP edge serves.
package browsertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Script is the absolute path of the graph/e2e script name. It skips the
// test when Chromium, Playwright or node is missing, and fails it under CI,
// where the browser tests must not silently stop running.
func Script(t testing.TB, name string) string {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	e2e := filepath.Join(filepath.Dir(self), "..", "..", "e2e")
	for _, need := range []string{"/usr/bin/chromium", filepath.Join(e2e, "node_modules", "playwright-core")} {
		if _, err := os.Stat(need); err != nil {
			missing(t, need+" is missing")
		}
	}
	if _, err := exec.LookPath("node"); err != nil {
		missing(t, "node is missing")
	}
	return filepath.Join(e2e, name)
}

func missing(t testing.TB, what string) {
	t.Helper()
	const how = "install with: apt-get install -y chromium && npm ci --prefix graph/e2e"
	if os.Getenv("CI") != "" {
		t.Fatalf("%s (CI is set, so the browser test may not be skipped); %s", what, how)
	}
	t.Skipf("%s; %s", what, how)
}
