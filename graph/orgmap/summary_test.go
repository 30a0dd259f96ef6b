package orgmap

import (
	"strings"
	"testing"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/stakeholder"
)

// TestSummary draws at most the limits: the deep decision maker and key
// player with their managers up to the top, then the top levels, the
// strongest influence edges among them, and a title that says what is left out.
func TestSummary(t *testing.T) {
	// A chain 1 ← 2 ← … ← 200, each with a report of their own numbered +1000.
	var people []*Node
	for i := 1; i <= 200; i++ {
		people = append(people, person(i, "chain", i-1), person(1000+i, "side", i))
	}
	people[len(people)-1].BuyingRole = stakeholder.BuyingRoleDECISION_MAKER // 1200, at depth 200
	people[21].PoliticalStatus = stakeholder.PoliticalStatusASTUTE          // 1011, at depth 11
	var influence []*Edge
	for i := 1; i < 30; i++ {
		influence = append(influence, &Edge{Kind: Influences, FromID: 1000 + i, ToID: i, Strength: 1 + i%5, InfluenceEdgeID: 5000 + i})
	}
	m := New(&ent.Account{Name: "Long"}, people, influence)
	if m.Summary(400, 400) != m {
		t.Fatal("a map within the limits is not drawn whole")
	}

	s := m.Summary(210, 5)
	drawn := map[int]bool{}
	for _, n := range s.Nodes {
		drawn[n.ID] = true
	}
	if len(s.Nodes) > 210 || !drawn[1200] || !drawn[1011] || !drawn[200] || !drawn[1] {
		t.Fatalf("drew %d people; want at most 210, with the decision maker 1200, the key player 1011 and everyone above them", len(s.Nodes))
	}
	for _, n := range s.Nodes {
		if n.ManagerID != nil && !drawn[*n.ManagerID] {
			t.Errorf("%d is drawn without their manager %d", n.ID, *n.ManagerID)
		}
	}
	lines, weakest := map[int]bool{}, 5
	for _, e := range s.Edges {
		if e.Kind != ReportsTo {
			lines[e.InfluenceEdgeID], weakest = true, min(weakest, e.Strength)
		}
	}
	if len(lines) != 5 {
		t.Errorf("drew %d influence edges; want 5", len(lines))
	}
	for _, e := range influence {
		if drawn[e.FromID] && drawn[e.ToID] && !lines[e.InfluenceEdgeID] && e.Strength > weakest {
			t.Errorf("left out edge %d of strength %d but drew one of %d", e.InfluenceEdgeID, e.Strength, weakest)
		}
	}
	if want := "210 of 400 stakeholders and 5 of 29 influence edges drawn"; !strings.Contains(s.DOT(), want) {
		t.Errorf("the title does not say %q:\n%.400s", want, s.DOT())
	}
}
