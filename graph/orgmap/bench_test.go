package orgmap

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/accountplan/accountplan/ent/store"
)

// BenchmarkAlgorithms times the algorithms alone, without SQL, on the map of
// a generated account of 5,000 stakeholders and 20,000 influence edges (the
// graph package's benchmarks time whole requests). Run with:
//
//	go test ./graph/orgmap/ -run '^$' -bench Algorithms -benchmem
func BenchmarkAlgorithms(b *testing.B) {
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	account, err := Generate(ctx, s.Client, GenerateOptions{Name: "Large Robotics", Stakeholders: 5000, InfluenceEdges: 20000, Relationships: 400, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	read, err := Loader{Client: s.Client}.read(ctx, account)
	if err != nil {
		b.Fatal(err)
	}
	m := read.build()
	leaf, top := m.Nodes[len(m.Nodes)-1], m.Roots[0]
	for _, c := range []struct {
		name string
		run  func()
	}{
		{"Build", func() { read.build() }},
		{"PageRank", func() { pageRank(m) }},
		{"InsightLists", func() {
			_, _ = m.HiddenInfluencers(2, 4)
			m.KeyPlayersNotSupporting()
			m.UncoveredKeyPlayers()
			m.DecisionMakersWithoutSupportivePath()
			m.SingleThreading()
			m.Health()
		}},
		{"InfluencePath", func() { m.InfluencePath(leaf, top) }},
		{"DecisionMakerPaths", func() { m.DecisionMakerPaths() }},
		{"DOTAndMermaid", func() { _, _ = m.DOT(), m.Mermaid() }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.run()
			}
		})
	}
}
