package orgmap

import (
	"fmt"
	"strings"
	"testing"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/relationship"
	"github.com/accountplan/accountplan/ent/stakeholder"
)

// person is a test stakeholder: an ID, a name and a manager (0 for none);
// with sets any other attribute.
func person(id int, name string, manager int, with ...func(*Node)) *Node {
	n := &Node{ID: id, Name: name, Support: stakeholder.SupportNEUTRAL}
	if manager != 0 {
		n.ManagerID = &manager
	}
	for _, w := range with {
		w(n)
	}
	return n
}

func ranked(rank, influence int) func(*Node) {
	return func(n *Node) { n.Rank, n.Influence = rank, influence }
}

func status(s stakeholder.PoliticalStatus) func(*Node) {
	return func(n *Node) { n.PoliticalStatus = s }
}

func supports(s stakeholder.Support) func(*Node) {
	return func(n *Node) { n.Support = s }
}

func buys(r stakeholder.BuyingRole) func(*Node) {
	return func(n *Node) { n.BuyingRole = r }
}

func covered(c stakeholder.Coverage) func(*Node) {
	return func(n *Node) { n.Coverage = c }
}

// known gives the node a relationship with one of our users at a level.
func known(user string, level relationship.CurrentLevel) func(*Node) {
	return func(n *Node) {
		n.Relationships = append(n.Relationships, &ent.Relationship{
			ID: 1000*n.ID + len(n.Relationships), CurrentLevel: level,
			Edges: ent.RelationshipEdges{User: &ent.User{Name: user}},
		})
	}
}

func line(kind EdgeKind, from, to, strength int) *Edge {
	return &Edge{Kind: kind, FromID: from, ToID: to, Strength: strength, InfluenceEdgeID: 100*from + to}
}

// names lists the nodes' names, for comparing with a want string.
func nodeNames(nodes []*Node) string {
	var s []string
	for _, n := range nodes {
		s = append(s, n.Name)
	}
	return strings.Join(s, ", ")
}

func TestNewBuildsTheTree(t *testing.T) {
	m := New(nil, []*Node{
		person(4, "Dana", 2),
		person(1, "Ada", 0),
		person(2, "Ben", 1),
		person(3, "Abe", 1),
		person(5, "Cy", 2),
		person(6, "Zed", 0),
		person(7, "Eli", 5),
	}, []*Edge{line(Influences, 7, 1, 5), line(Influences, 7, 99, 3)})

	if got, want := nodeNames(m.Nodes), "Ada, Abe, Ben, Cy, Eli, Dana, Zed"; got != want {
		t.Errorf("node order %q, want %q (managers first, colleagues by name)", got, want)
	}
	if got := nodeNames(m.Roots); got != "Ada, Zed" {
		t.Errorf("roots %q", got)
	}
	for _, c := range []struct {
		id, depth, direct, indirect int
	}{{1, 0, 2, 3}, {2, 1, 2, 1}, {3, 1, 0, 0}, {5, 2, 1, 0}, {7, 3, 0, 0}, {6, 0, 0, 0}} {
		n := m.byID[c.id]
		if n.Depth != c.depth || n.DirectReportCount != c.direct || n.IndirectReportCount != c.indirect {
			t.Errorf("%s: depth %d, reports %d direct %d indirect; want %d, %d, %d",
				n.Name, n.Depth, n.DirectReportCount, n.IndirectReportCount, c.depth, c.direct, c.indirect)
		}
	}
	var edges []string
	for _, e := range m.Edges {
		edges = append(edges, fmt.Sprintf("%d %s %d", e.FromID, e.Kind, e.ToID))
	}
	if got, want := strings.Join(edges, "; "), "3 REPORTS_TO 1; 2 REPORTS_TO 1; 5 REPORTS_TO 2; 7 REPORTS_TO 5; 4 REPORTS_TO 2; 7 INFLUENCES 1"; got != want {
		t.Errorf("edges %q, want %q (reporting lines in node order, then influence edges with both ends on the map)", got, want)
	}
}

// A reporting cycle cannot be written through the API, but if the data held
// one the map must still hold every node, once, and not loop.
func TestNewSurvivesACycle(t *testing.T) {
	m := New(nil, []*Node{person(1, "A", 2), person(2, "B", 1), person(3, "C", 0)}, nil)
	if len(m.Nodes) != 3 {
		t.Fatalf("%d nodes, want 3: %s", len(m.Nodes), nodeNames(m.Nodes))
	}
}

func TestEmptyMap(t *testing.T) {
	m := New(nil, nil, nil)
	if m.Health().Grade != Red || !m.SingleThreading().SingleThreaded || len(m.DecisionMakerPaths()) != 0 {
		t.Error("an empty map is RED and single-threaded, with no decision makers")
	}
	if r, err := m.InfluenceRanking(10); err != nil || len(r) != 0 {
		t.Errorf("ranking of an empty map: %v, %v", r, err)
	}
	if !strings.HasPrefix(m.DOT(), "digraph") || m.Mermaid() == "" {
		t.Error("an empty map still draws")
	}
}
