package picture_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/store"
	"github.com/accountplan/accountplan/graph/demo"
	"github.com/accountplan/accountplan/graph/orgmap"
	"github.com/accountplan/accountplan/graph/orgmap/picture"
)

// TestSVG draws a small graph with every shape the org map uses.
func TestSVG(t *testing.T) {
	svg, err := picture.SVG(t.Context(), []byte(`digraph { a [shape=hexagon]; b [shape=parallelogram]; c [shape=ellipse]; d [shape=box]; a -> b -> c -> d }`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(svg), "<svg") || strings.Count(string(svg), `class="node"`) != 4 {
		t.Errorf("not an SVG of four nodes:\n%s", svg)
	}
}

// BenchmarkOrgMap draws the demo flagship (28 stakeholders) and the generated
// account of 5,000 stakeholders and 20,000 influence edges (drawn as its
// Summary), from maps already read. Run with:
//
//	go test ./graph/orgmap/picture/ -run '^$' -bench OrgMap -benchtime 3x
func BenchmarkOrgMap(b *testing.B) {
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := demo.Load(ctx, s.Client, time.Now()); err != nil {
		b.Fatal(err)
	}
	large, err := orgmap.Generate(ctx, s.Client, orgmap.GenerateOptions{Name: "Large Robotics", Stakeholders: 5000, InfluenceEdges: 20000, Relationships: 400, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	for name, id := range map[string]int{"Flagship28": s.Client.Account.Query().Where(account.Name("Northwind Robotics")).OnlyIDX(ctx), "Generated5000": large} {
		m, err := orgmap.Loader{Client: s.Client}.OrgMap(ctx, id)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := picture.OrgMap(ctx, m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
