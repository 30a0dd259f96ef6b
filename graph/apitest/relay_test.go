package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/accountplan/accountplan/graph/httpedge"
)

// TestRelayCompiler compiles Relay documents (a @refetchable account list
// with @connection, each account's @refetchable stakeholder connection, and a
// @deleteEdge mutation) against api/*.graphql with Relay's own compiler, then
// runs the exact operations Relay would send against the real handler.
func TestRelayCompiler(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(filepath.Join("..", "e2e", "node_modules", "relay-compiler")); err != nil {
		need(t, "relay-compiler is not installed: run `npm ci --prefix graph/e2e`")
	}
	if _, err := exec.LookPath("node"); err != nil {
		need(t, "node is not installed")
	}
	files, err := filepath.Glob(filepath.Join("..", "..", "api", "*.graphql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no schema files: %v", err)
	}
	// Relay wants a type defined before any extension of it.
	var defs, exts []byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("extend type")) {
			exts = append(append(exts, b...), '\n')
		} else {
			defs = append(append(defs, b...), '\n')
		}
	}
	schema := append(defs, exts...)
	work := t.TempDir()
	schemaPath := filepath.Join(work, "schema.graphql")
	if err := os.WriteFile(schemaPath, schema, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join("..", "e2e", "relay.mjs"), schemaPath, filepath.Join(work, "relay"))
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("Relay could not compile against the schema: %v\n%s", err, stderr)
	}
	var ops map[string]string
	if err := json.Unmarshal(out, &ops); err != nil {
		t.Fatalf("bad compiler output %q", out)
	}

	e := newEnv(t, sqliteDatabase(t), httpedge.Settings{Open: true})
	acc := e.client.Account.Create().SetName("Relay Co").SaveX(context.Background())
	boss := e.client.Stakeholder.Create().SetName("Boss").SetRank(5).SetAccount(acc).SaveX(context.Background())
	e.client.Stakeholder.Create().SetName("Report").SetRank(2).SetAccount(acc).SetReportsTo(boss).SaveX(context.Background())
	id := strconv.Itoa(acc.ID)

	runs := []struct {
		op   string
		vars map[string]any
		want []any // a path in the data and the value expected there
	}{
		{"fragmentsAppQuery", nil, []any{"accounts", "edges", 0, "node", "stakeholders", "edges", 1, "node", "reportsTo", "name", "Boss"}},
		{"AccountListRefetchQuery", map[string]any{"first": 5, "where": map[string]any{"nameHasPrefix": "Relay"}}, []any{"accounts", "totalCount", float64(1)}},
		{"AccountStakeholdersRefetchQuery", map[string]any{"id": id, "first": 1}, []any{"node", "stakeholders", "edges", 0, "node", "name", "Boss"}},
		{"fragmentsDeleteAccountMutation", map[string]any{"id": id}, []any{"deleteAccount", id}},
	}
	for _, r := range runs {
		text, ok := ops[r.op]
		if !ok {
			t.Fatalf("Relay produced no operation %s (got %v)", r.op, ops)
		}
		data := e.must(text, r.vars)
		path, want := r.want[:len(r.want)-1], r.want[len(r.want)-1]
		if got := get(data, path...); got != want {
			t.Errorf("%s: %v = %v, want %v", r.op, path, got, want)
		}
	}
}
