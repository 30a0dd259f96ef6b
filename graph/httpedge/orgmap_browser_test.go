package httpedge_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/stakeholder"
	"github.com/accountplan/accountplan/ent/store"
	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/graph/auth"
	"github.com/accountplan/accountplan/graph/demo"
	"github.com/accountplan/accountplan/graph/httpedge"
	"github.com/accountplan/accountplan/graph/httpedge/browsertest"
)

// TestOrgMapPictureInBrowser opens the demo flagship's org-map picture in a
// real headless Chromium, signed in with a token on a closed server, and
// checks that the browser draws every stakeholder's name.
func TestOrgMapPictureInBrowser(t *testing.T) {
	script := browsertest.Script(t, "orgmap.mjs")

	ctx := t.Context()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Client.Close() })
	if _, err := demo.Load(ctx, s.Client, time.Now()); err != nil {
		t.Fatal(err)
	}
	flagship := s.Client.Account.Query().Where(account.Name("Northwind Robotics")).OnlyX(ctx)
	names := flagship.QueryStakeholders().Select(stakeholder.FieldName).StringsX(ctx)
	viewer := s.Client.User.Create().SetName("Vera").SetEmail("vera@example.com").SetRole(user.RoleVIEWER).SaveX(ctx)
	token, err := auth.CreateToken(ctx, s.Client, auth.TokenInput{Name: "browser", ReadOnly: true, UserID: &viewer.ID}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpedge.NewHandler(s.Driver, httpedge.Settings{}))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", script, fmt.Sprintf("%s/accounts/%d/orgmap.svg", srv.URL, flagship.ID), token.Secret)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if err != nil {
		t.Fatalf("%s: %v\n%s\n%s", script, err, stdout.Bytes(), stderr.Bytes())
	}
	var report struct {
		Status        int      `json:"status"`
		ContentType   string   `json:"contentType"`
		Texts         []string `json:"texts"`
		ConsoleErrors []string `json:"consoleErrors"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
		t.Fatalf("reading the report: %v\n%s", err, stdout.Bytes())
	}
	if report.Status != 200 || report.ContentType != "image/svg+xml" {
		t.Fatalf("the browser got %d %q; want 200 image/svg+xml", report.Status, report.ContentType)
	}
	if len(names) < 20 {
		t.Fatalf("the flagship has %d stakeholders; the demo has 28", len(names))
	}
	for _, name := range names {
		if !slices.Contains(report.Texts, name) {
			t.Errorf("the browser did not draw %q; it drew %q", name, report.Texts)
		}
	}
	if len(report.ConsoleErrors) > 0 {
		t.Errorf("console errors: %q", report.ConsoleErrors)
	}
}
