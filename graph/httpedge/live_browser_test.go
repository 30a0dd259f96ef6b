package httpedge_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent/store"
	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/graph/auth"
	"github.com/accountplan/accountplan/graph/httpedge"
	"github.com/accountplan/accountplan/graph/httpedge/browsertest"
	"net/http/httptest"
)

// TestLiveUpdatesInBrowser: a page in a real headless Chromium, subscribed
// over Server-Sent Events to one server, sees a change that another client
// made through another server on the same database, as behind a load
// balancer: the event comes from the change history. The latency is logged,
// a figure for the README, not a limit: wall-clock limits fail on busy machines.
func TestLiveUpdatesInBrowser(t *testing.T) {
	script := browsertest.Script(t, "live.mjs")
	ctx := t.Context()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Client.Close() })
	editor := s.Client.User.Create().SetName("Eve").SetEmail("eve@example.com").SetRole(user.RoleEDITOR).SaveX(ctx)
	acc := s.Client.Account.Create().SetName("Live Co").SetOwnerID(editor.ID).SaveX(ctx)
	token, err := auth.CreateToken(ctx, s.Client, auth.TokenInput{Name: "browser", UserID: &editor.ID}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	page := httptest.NewServer(httpedge.NewHandler(s.Driver, httpedge.Settings{}))
	defer page.Close()
	other := httptest.NewServer(httpedge.NewHandler(s.Driver, httpedge.Settings{}))
	defer other.Close()

	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", script, page.URL, other.URL, token.Secret, strconv.Itoa(acc.ID))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s\n%s", script, err, stdout.Bytes(), stderr.Bytes())
	}
	var report struct {
		Event struct {
			Data struct {
				AccountChanged struct {
					Node struct {
						Operation string
						Fields    []struct{ Field, New any }
					}
				}
			}
		}
		LatencyMs     float64
		ConsoleErrors []string
	}
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
		t.Fatalf("reading the report: %v\n%s", err, stdout.Bytes())
	}
	node := report.Event.Data.AccountChanged.Node
	if node.Operation != "UPDATE" || len(node.Fields) != 1 || node.Fields[0].New != "Renamed Live" {
		t.Fatalf("the page saw %s", stdout.Bytes())
	}
	t.Logf("the page saw the change %.0f ms after the other client sent it", report.LatencyMs)
	if len(report.ConsoleErrors) > 0 {
		t.Errorf("console errors: %q", report.ConsoleErrors)
	}
}
