package graph_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/accountplan/accountplan"

// layers are the layers of the house, top down, as the README's "How the
// code is laid out" draws them; a package may import its own layer and those
// below it, never one above.
// ent/runtime and ent/enttest are generated but sit with the data layer:
// they hand the schema's hooks and policies to the client.
var layers = []struct {
	name     string
	packages []string // paths in the module; a trailing /... takes the folder's packages too
}{
	{"server", []string{"", "graph/apitest", "graph/execgen", "graph/loadtest"}},
	{"HTTP edge", []string{"graph/dispatch", "graph/httpedge/..."}},
	{"GraphQL layer", []string{"graph", "graph/generated", "graph/onestatement", "graph/scalar", "graph/selection"}},
	{"domain", []string{"graph/auth", "graph/batch", "graph/benchdata", "graph/demo", "graph/icp", "graph/live", "graph/metrics/...", "graph/orgmap", "graph/orgmap/picture", "graph/planhealth", "graph/reviewpack", "graph/reviews", "graph/tiering", "graph/timeline", "graph/upsert", "graph/webhook"}},
	{"data layer", []string{"ent/store/...", "ent/runtime", "ent/enttest", "ent/schema", "ent/schema/bulk", "ent/schema/calendar", "ent/schema/history", "ent/schema/history/replay", "ent/schema/invariant",
		"ent/schema/lookup", "ent/schema/mapversion", "ent/schema/outbox", "ent/schema/rule", "ent/schema/scope", "ent/schema/totals"}},
	{"generated ent", []string{"ent/..."}},
	{"leaf types", []string{"ent/schema/clienterr", "ent/schema/edgecount", "ent/schema/schematype", "ent/schema/viewer"}},
}

// layer is the index in layers of a package path relative to the module.
func layer(path string) int {
	best, bestLen := -1, -1
	for i, l := range layers {
		for _, p := range l.packages {
			folder, all := strings.CutSuffix(p, "/...")
			if (path == folder || (all && strings.HasPrefix(path, folder+"/"))) && len(folder) > bestLen {
				best, bestLen = i, len(folder)
			}
		}
	}
	return best
}

// TestImportsPointDown reads the import graph with go list and fails on any
// upward import, on a package no layer holds, on gqlgen in a hand-written
// package of the data layer, and on GraphQL or HTTP in a domain package.
func TestImportsPointDown(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}|{{join .Imports ","}}|{{join .TestImports ","}}|{{join .XTestImports ","}}|{{join .Deps ","}}`, module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "|")
		path := strings.TrimPrefix(strings.TrimPrefix(f[0], module), "/")
		imports, testImports, deps := split(f[1]), append(split(f[2]), split(f[3])...), split(f[4])
		from := layer(path)
		if from < 0 {
			t.Errorf("package %q is in no layer: add it to layers and to the README's drawing", path)
			continue
		}
		for _, imp := range imports {
			if rel, ok := strings.CutPrefix(imp, module+"/"); ok && layer(rel) < from {
				t.Errorf("%s (%s) imports %s (%s), a layer above it", path, layers[from].name, rel, layers[layer(rel)].name)
			}
		}
		if strings.HasPrefix(path, "ent/") || path == "ent" {
			for _, dep := range deps {
				if strings.HasPrefix(dep, module+"/graph") {
					t.Errorf("%s depends on %s: nothing under ent/ may reach into graph/", path, dep)
				}
			}
		}
		generated := path == "ent/runtime" || path == "ent/enttest"
		handWritten := (layers[from].name == "data layer" || layers[from].name == "leaf types") && !generated
		for _, imp := range append(imports, testImports...) {
			gql := strings.Contains(imp, "99designs/gqlgen") || strings.Contains(imp, "vektah/gqlparser")
			switch {
			case handWritten && gql:
				t.Errorf("%s imports %s: hand-written packages under ent/ know nothing of gqlgen", path, imp)
			case layers[from].name == "domain" && slices.Contains(imports, imp) && (gql || imp == "net/http"):
				t.Errorf("%s imports %s: domain packages take and return plain Go values and ent entities", path, imp)
			}
		}
	}
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
