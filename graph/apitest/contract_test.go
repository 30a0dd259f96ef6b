package apitest

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSchemaContract: the schema the server serves is the committed contract,
// graph/e2e/schema.graphql, and no change to it breaks clients unless the
// contract first marked what goes @deprecated with a reason. GraphQL
// Inspector judges what breaks. After a change that breaks nothing, update the
// contract with UPDATE_SCHEMA=1 go test ./graph/apitest -run TestSchemaContract
// and commit it beside the change.
func TestSchemaContract(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(filepath.Join("..", "e2e", "node_modules", "@graphql-inspector", "core")); err != nil {
		need(t, "@graphql-inspector/core is not installed: run `npm ci --prefix graph/e2e`")
	}
	if _, err := exec.LookPath("node"); err != nil {
		need(t, "node is not installed")
	}
	e := newEnv(t, sqliteDatabase(t), testSettings())
	args := []string{filepath.Join("..", "e2e", "contract.mjs"), e.url, filepath.Join("..", "e2e", "schema.graphql")}
	if os.Getenv("UPDATE_SCHEMA") == "1" {
		args = append(args, "--update")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "node", args...).Output()
	var result struct {
		Breaking, Other []string
		Same, Updated   bool
	}
	if jerr := json.Unmarshal(out, &result); jerr != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("contract.mjs: %v %v\n%s%s", err, jerr, out, stderr)
	}
	switch {
	case len(result.Breaking) > 0:
		t.Errorf("these changes break clients of the committed schema; deprecate with a reason first, and remove in a later change:\n%s", strings.Join(result.Breaking, "\n"))
	case result.Updated:
		t.Logf("graph/e2e/schema.graphql updated: %s", strings.Join(result.Other, "; "))
	case !result.Same:
		t.Errorf("the served schema differs from graph/e2e/schema.graphql without breaking clients (%s): run UPDATE_SCHEMA=1 go test ./graph/apitest -run TestSchemaContract and commit the file", strings.Join(result.Other, "; "))
	}
}
