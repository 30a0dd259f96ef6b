// Package orgmap reads an account's stakeholders as a graph (reporting lines
// and influence edges) and answers what a CRM cannot: who really has
// influence, which key players we do not cover, how warm the way to a
// decision maker is, and what the map looks like. The algorithms work on
// plain values; the loader fills them with a fixed number of SQL statements.
package orgmap

import (
	"cmp"
	"slices"
	"sync"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/stakeholder"
)

// EdgeKind is what a line on the map means.
type EdgeKind string

// The kinds of line: the influence edge kinds and the reporting line.
const (
	ReportsTo     EdgeKind = "REPORTS_TO"
	Influences    EdgeKind = "INFLUENCES"
	ConflictsWith EdgeKind = "CONFLICTS_WITH"
	Informal      EdgeKind = "INFORMAL"
)

// Node is a stakeholder on the map: the attributes the algorithms read, a
// value not recorded being zero, and what the map computes.
type Node struct {
	ID              int
	ManagerID       *int // nil at the top of a tree
	Name            string
	Title           string
	Rank            int // 1–5; 0 when not recorded
	Influence       int // 1–5; 0 when not recorded
	PoliticalStatus stakeholder.PoliticalStatus
	Support         stakeholder.Support
	BuyingRole      stakeholder.BuyingRole
	Coverage        stakeholder.Coverage

	// Relationships are our users' relationships with them, users loaded.
	Relationships []*ent.Relationship
	// Stakeholder is their record, when the caller asked for records.
	Stakeholder *ent.Stakeholder

	Depth               int
	DirectReportCount   int
	IndirectReportCount int

	reports []*Node
	m       *Map
	at      int     // place in m.Nodes
	score   float64 // set by Map.rank
	place   int
}

// Edge is a reporting line or an influence edge.
type Edge struct {
	Kind            EdgeKind
	FromID          int
	ToID            int
	Strength        int // 1–5; 0 for a reporting line
	InfluenceEdgeID int // 0 for a reporting line

	from, to *Node // set by New, so that the algorithms need not look the IDs up
}

// NullableStrength is the strength, or nil for a reporting line.
func (e *Edge) NullableStrength() *int { return nonZero(e.Strength) }

// NullableInfluenceEdgeID is the InfluenceEdge's ID, or nil for a reporting line.
func (e *Edge) NullableInfluenceEdgeID() *int { return nonZero(e.InfluenceEdgeID) }

// nonZero is v, or nil for its type's zero: a value not recorded.
func nonZero[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

// Map is the stakeholder graph of one account.
type Map struct {
	Account *ent.Account
	Nodes   []*Node // each manager before their reports, tops first, colleagues by name
	Edges   []*Edge // reporting lines, then influence edges
	Roots   []*Node

	byID     map[int]*Node
	ranking  sync.Once
	ranked   []*Node // the most influential first, set by rank
	arcsOnce sync.Once
	arcs     [][]arc
	note     string // under a picture's title: what a Summary left out
}

// KeyPlayer reports whether their political status makes them a key player.
func (n *Node) KeyPlayer() bool {
	return n.PoliticalStatus == stakeholder.PoliticalStatusAGILE || n.PoliticalStatus == stakeholder.PoliticalStatusASTUTE
}

// supporter reports whether they are a MENTOR or SUPPORTER.
func (n *Node) supporter() bool {
	return n.Support == stakeholder.SupportMENTOR || n.Support == stakeholder.SupportSUPPORTER
}

// decides reports whether their buying role is DECISION_MAKER or APPROVER.
func (n *Node) decides() bool {
	return n.BuyingRole == stakeholder.BuyingRoleDECISION_MAKER || n.BuyingRole == stakeholder.BuyingRoleAPPROVER
}

// InfluenceScore is their share of the account's influence, in percent.
func (n *Node) InfluenceScore() float64 {
	n.m.rank()
	return n.score
}

// InfluenceRank is their place by InfluenceScore, 1 for the most influential.
func (n *Node) InfluenceRank() int {
	n.m.rank()
	return n.place
}

// New builds the map of people and the influence edges between them (in the
// order given): the reporting trees, each node's depth and report counts, and
// the node order. Edges with an end not on the map are left out.
func New(account *ent.Account, people []*Node, influence []*Edge) *Map {
	m := &Map{Account: account, byID: make(map[int]*Node, len(people))}
	for _, n := range people {
		n.m = m
		m.byID[n.ID] = n
	}
	sorted := slices.Clone(people)
	slices.SortFunc(sorted, byName)
	for _, n := range sorted {
		if boss := m.manager(n); boss != nil {
			boss.reports = append(boss.reports, n)
		} else {
			m.Roots = append(m.Roots, n)
		}
	}
	m.walk(append(slices.Clone(m.Roots), sorted...))
	for i := len(m.Nodes) - 1; i >= 0; i-- {
		n := m.Nodes[i]
		below := 0
		for _, r := range n.reports {
			below += 1 + r.DirectReportCount + r.IndirectReportCount
		}
		n.DirectReportCount, n.IndirectReportCount = len(n.reports), below-len(n.reports)
	}
	m.Edges = make([]*Edge, 0, len(people)+len(influence))
	reporting := make([]Edge, 0, len(people))
	for _, n := range m.Nodes {
		if boss := m.manager(n); boss != nil {
			reporting = append(reporting, Edge{Kind: ReportsTo, FromID: n.ID, ToID: boss.ID, from: n, to: boss})
			m.Edges = append(m.Edges, &reporting[len(reporting)-1])
		}
	}
	for _, e := range influence {
		if e.from, e.to = m.byID[e.FromID], m.byID[e.ToID]; e.from != nil && e.to != nil {
			m.Edges = append(m.Edges, e)
		}
	}
	return m
}

// walk puts the nodes in depth-first order from each start not yet reached,
// setting their depth. Starting again from anyone not reached from the tops
// keeps every node on the map even if the data held a reporting cycle.
func (m *Map) walk(starts []*Node) {
	m.Nodes = make([]*Node, 0, len(m.byID))
	reached := make(map[*Node]bool, len(m.byID))
	var stack []*Node
	for _, s := range starts {
		if reached[s] {
			continue
		}
		reached[s] = true
		stack = append(stack, s)
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			n.at = len(m.Nodes)
			m.Nodes = append(m.Nodes, n)
			// Pushed last to first, so that colleagues come out by name.
			for i := len(n.reports) - 1; i >= 0; i-- {
				if r := n.reports[i]; !reached[r] {
					reached[r] = true
					r.Depth = n.Depth + 1
					stack = append(stack, r)
				}
			}
		}
	}
}

// manager is n's manager, or nil at the top of a tree.
func (m *Map) manager(n *Node) *Node {
	if n.ManagerID == nil {
		return nil
	}
	return m.byID[*n.ManagerID]
}

// byName orders colleagues by name, then ID.
func byName(a, b *Node) int {
	return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
}
