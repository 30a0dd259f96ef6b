package orgmap

import (
	"cmp"
	"fmt"
	"slices"
)

// Summary is a map of at most stakeholders people and influence edges
// lines, for a picture that stays quick to lay out: the decision makers and
// approvers, then the key players, each with their managers up to the top,
// then the top levels of the reporting trees, level by level, and among them
// the strongest influence edges. Everyone drawn has their manager drawn, so
// the reporting lines stay true. The map itself is returned when it fits; a
// summary's title says how many people and edges were left out.
func (m *Map) Summary(stakeholders, edges int) *Map {
	influence := slices.DeleteFunc(slices.Clone(m.Edges), func(e *Edge) bool { return e.Kind == ReportsTo })
	if len(m.Nodes) <= stakeholders && len(influence) <= edges {
		return m
	}
	drawn := make(map[int]bool, stakeholders)
	var order []*Node
	// add draws n with every manager above them not drawn yet, if all fit.
	add := func(n *Node) bool {
		var chain []*Node
		for at := n; at != nil && !drawn[at.ID] && !slices.Contains(chain, at); at = m.manager(at) {
			chain = append(chain, at)
		}
		if len(order)+len(chain) > stakeholders {
			return false
		}
		for _, c := range chain {
			drawn[c.ID] = true
			order = append(order, c)
		}
		return true
	}
	for _, first := range []func(*Node) bool{(*Node).decides, (*Node).KeyPlayer} {
		for _, n := range m.Nodes {
			if first(n) {
				add(n)
			}
		}
	}
	byLevel := slices.Clone(m.Nodes)
	slices.SortStableFunc(byLevel, func(a, b *Node) int { return cmp.Compare(a.Depth, b.Depth) })
	for _, n := range byLevel {
		if !drawn[n.ID] && !add(n) {
			break
		}
	}
	people := make([]*Node, 0, len(order))
	for _, n := range order {
		people = append(people, &Node{ID: n.ID, ManagerID: n.ManagerID, Name: n.Name, Title: n.Title, Rank: n.Rank, Influence: n.Influence,
			PoliticalStatus: n.PoliticalStatus, Support: n.Support, BuyingRole: n.BuyingRole, Coverage: n.Coverage})
	}
	among := slices.DeleteFunc(influence, func(e *Edge) bool { return !drawn[e.FromID] || !drawn[e.ToID] })
	slices.SortStableFunc(among, func(a, b *Edge) int { return cmp.Compare(b.Strength, a.Strength) })
	var lines []*Edge
	for _, e := range among[:min(len(among), edges)] {
		lines = append(lines, &Edge{Kind: e.Kind, FromID: e.FromID, ToID: e.ToID, Strength: e.Strength, InfluenceEdgeID: e.InfluenceEdgeID})
	}
	s := New(m.Account, people, lines)
	s.note = fmt.Sprintf("%d of %d stakeholders and %d of %d influence edges drawn: decision makers, key players and the top levels; the full map is in OrgMap.nodeColumns and edgeColumns",
		len(people), len(m.Nodes), len(lines), len(influence))
	return s
}
