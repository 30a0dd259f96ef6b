package graphiql_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/store"
	"github.com/accountplan/accountplan/graph/httpedge"
	"github.com/accountplan/accountplan/graph/httpedge/browsertest"
)

// TestBrowser opens GraphiQL in a real headless Chromium against the real
// handler and runs the default query: the proof that the page works offline
// under its Content-Security-Policy, which no unit test can give.
func TestBrowser(t *testing.T) {
	script := browsertest.Script(t, "graphiql.mjs")

	ctx := t.Context()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Client.Close() })
	s.Client.Account.Create().SetName("Browser Test Co").SetTier(account.TierSTRATEGIC).
		SetAnnualRevenue(125_000_00).SetCurrency("EUR").SaveX(ctx)
	srv := httptest.NewServer(httpedge.NewHandler(s.Driver, httpedge.Settings{Open: true}))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	// GRAPHIQL_SCREENSHOT, if set, reaches the script through the inherited environment.
	cmd := exec.CommandContext(ctx, "node", script, srv.URL+"/", "Browser Test Co")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	t.Logf("report:\n%s", stdout.Bytes())
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.Bytes())
	}

	var report struct {
		Requests      []string `json:"requests"`
		Result        string   `json:"result"`
		ConsoleErrors []string `json:"consoleErrors"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
		t.Fatalf("reading the report: %v", err)
	}
	if !strings.Contains(report.Result, "Browser Test Co") {
		t.Errorf("the result pane lacks the account:\n%s", report.Result)
	}
	if len(report.ConsoleErrors) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(report.ConsoleErrors, "\n"))
	}
	sawQuery := false
	for _, u := range report.Requests {
		if !strings.HasPrefix(u, srv.URL+"/") {
			t.Errorf("request left the origin %s: %s", srv.URL, u)
		}
		sawQuery = sawQuery || u == srv.URL+"/query"
	}
	if !sawQuery {
		t.Errorf("the page never called %s/query", srv.URL)
	}
}
