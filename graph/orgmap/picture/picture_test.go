package picture_test

import (
	"context"
	"net/url"
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

func TestSignedPath(t *testing.T) {
	key, other := []byte("key one"), []byte("key two")
	now := time.Unix(1_800_000_000, 0)
	path := picture.SignedPath(key, 42, now)
	u, err := url.Parse(path)
	if err != nil || u.Path != "/accounts/42/orgmap.svg" {
		t.Fatalf("SignedPath = %q (%v)", path, err)
	}
	exp, sig := u.Query().Get("expires"), u.Query().Get("signature")
	for _, c := range []struct {
		name    string
		key     []byte
		account int
		exp     string
		sig     string
		at      time.Time
		ok      bool
	}{
		{"as signed", key, 42, exp, sig, now, true},
		{"at the last second", key, 42, exp, sig, now.Add(picture.URLLifetime), true},
		{"expired", key, 42, exp, sig, now.Add(picture.URLLifetime + time.Second), false},
		{"another account", key, 43, exp, sig, now, false},
		{"another key", other, 42, exp, sig, now, false},
		{"a later expiry", key, 42, "9999999999", sig, now, false},
		{"no signature", key, 42, exp, "", now, false},
		{"no expiry", key, 42, "", sig, now, false},
	} {
		if got := picture.Signed(c.key, c.account, c.exp, c.sig, c.at); got != c.ok {
			t.Errorf("%s: Signed = %v, want %v", c.name, got, c.ok)
		}
	}
}
