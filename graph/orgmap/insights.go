package orgmap

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/ent/stakeholder"
)

// Finding is a stakeholder an insight list names, and why.
type Finding struct {
	Node   *Node
	Reason string
}

// deciders are the decision makers, then the approvers, each by name.
func (m *Map) deciders() []*Node {
	var found []*Node
	for _, n := range m.Nodes {
		if n.decides() {
			found = append(found, n)
		}
	}
	slices.SortFunc(found, func(a, b *Node) int {
		return cmp.Or(cmp.Compare(trueFirst(a.BuyingRole == stakeholder.BuyingRoleDECISION_MAKER), trueFirst(b.BuyingRole == stakeholder.BuyingRoleDECISION_MAKER)), byName(a, b))
	})
	return found
}

// byInfluence orders the most influential (as recorded) first, then by rank and name.
func byInfluence(a, b *Node) int {
	return cmp.Or(cmp.Compare(b.Influence, a.Influence), cmp.Compare(b.Rank, a.Rank), byName(a, b))
}

// HiddenInfluencers are the people whose recorded influence is at least
// minGap above their formal rank and at least minInfluence, the widest gap first.
func (m *Map) HiddenInfluencers(minGap, minInfluence int) ([]*Finding, error) {
	if minGap < 1 {
		return nil, &clienterr.InputError{Field: "minGap", Message: "must be at least 1: influence above rank"}
	}
	var found []*Node
	for _, n := range m.Nodes {
		if n.Rank > 0 && n.Influence >= minInfluence && n.Influence-n.Rank >= minGap {
			found = append(found, n)
		}
	}
	slices.SortFunc(found, func(a, b *Node) int {
		return cmp.Or(cmp.Compare(b.Influence-b.Rank, a.Influence-a.Rank), byInfluence(a, b))
	})
	return findings(found, func(n *Node) string {
		return fmt.Sprintf("Influence %d against formal rank %d: %d above their seniority.", n.Influence, n.Rank, n.Influence-n.Rank)
	}), nil
}

// hostility orders enemies first, then non-supporters, then the rest.
var hostility = map[stakeholder.Support]int{stakeholder.SupportENEMY: 0, stakeholder.SupportNON_SUPPORTER: 1, stakeholder.SupportNEUTRAL: 2}

// KeyPlayersNotSupporting are the key players who are not a MENTOR or
// SUPPORTER, enemies first, then non-supporters, then neutrals, each by influence.
func (m *Map) KeyPlayersNotSupporting() []*Finding {
	var found []*Node
	for _, n := range m.Nodes {
		if n.KeyPlayer() && !n.supporter() {
			found = append(found, n)
		}
	}
	slices.SortFunc(found, func(a, b *Node) int {
		return cmp.Or(cmp.Compare(hostility[a.Support], hostility[b.Support]), byInfluence(a, b))
	})
	return findings(found, func(n *Node) string {
		return fmt.Sprintf("%s key player%s, whose support is %s.", n.PoliticalStatus, role(n), n.Support)
	})
}

// UncoveredKeyPlayers are the key players with no relationship of ours, or
// with coverage NO_CONTACT or BRIEF_CONTACT, the most influential first.
func (m *Map) UncoveredKeyPlayers() []*Finding {
	var found []*Node
	reasons := map[*Node][]string{}
	for _, n := range m.Nodes {
		if !n.KeyPlayer() {
			continue
		}
		if len(n.Relationships) == 0 {
			reasons[n] = append(reasons[n], "none of our users has a relationship with them")
		}
		if n.Coverage == stakeholder.CoverageNO_CONTACT || n.Coverage == stakeholder.CoverageBRIEF_CONTACT {
			reasons[n] = append(reasons[n], "our coverage is only "+string(n.Coverage))
		}
		if reasons[n] != nil {
			found = append(found, n)
		}
	}
	slices.SortFunc(found, byInfluence)
	return findings(found, func(n *Node) string {
		return fmt.Sprintf("%s key player%s: %s.", n.PoliticalStatus, role(n), strings.Join(reasons[n], ", and "))
	})
}

// DecisionMakersWithoutSupportivePath are the decision makers and approvers
// that no path from our relationships reaches through supporters only,
// decision makers first, each by name.
func (m *Map) DecisionMakersWithoutSupportivePath() []*Finding {
	arcs := m.walkable()
	// Spread from the supporters we know, and on only through supporters.
	reached := make([]bool, len(m.Nodes))
	var queue []*Node
	for _, n := range m.Nodes {
		if len(n.Relationships) > 0 && n.supporter() {
			reached[n.at] = true
			queue = append(queue, n)
		}
	}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, a := range arcs[u.at] {
			if !reached[a.to.at] {
				reached[a.to.at] = true
				if a.to.supporter() {
					queue = append(queue, a.to)
				}
			}
		}
	}
	found := slices.DeleteFunc(m.deciders(), func(n *Node) bool { return reached[n.at] })
	return findings(found, func(n *Node) string {
		if len(n.Relationships) > 0 {
			return fmt.Sprintf("%s whose support is %s: we know them directly, but no supporter of ours leads to them.", n.BuyingRole, n.Support)
		}
		return fmt.Sprintf("%s whose support is %s: no path from our relationships reaches them through MENTORs and SUPPORTERs only.", n.BuyingRole, n.Support)
	})
}

// SingleThreading is whether the account rests on a single contact.
type SingleThreading struct {
	SingleThreaded bool
	Contacts       []*Node
	Supporters     []*Node
	Reasons        []string
}

// SingleThreading tells whether at most one stakeholder has a relationship
// of ours or at most one is a MENTOR or SUPPORTER.
func (m *Map) SingleThreading() *SingleThreading {
	t := &SingleThreading{}
	for _, n := range m.Nodes {
		if len(n.Relationships) > 0 {
			t.Contacts = append(t.Contacts, n)
		}
		if n.supporter() {
			t.Supporters = append(t.Supporters, n)
		}
	}
	t.SingleThreaded = len(t.Contacts) <= 1 || len(t.Supporters) <= 1
	t.Reasons = []string{
		count(t.Contacts, "has a relationship with our team", "have a relationship with our team"),
		count(t.Supporters, "is a MENTOR or SUPPORTER", "are a MENTOR or SUPPORTER"),
	}
	return t
}

// count says how many of the nodes do something, naming the one when there is one.
func count(nodes []*Node, one, many string) string {
	switch len(nodes) {
	case 0:
		return "No stakeholder " + one + "."
	case 1:
		return "Only one stakeholder " + one + ": " + nodes[0].Name + "."
	}
	return fmt.Sprintf("%d stakeholders %s.", len(nodes), many)
}

// Grade is the map's health grade.
type Grade string

// The grades, from the best.
const (
	Green Grade = "GREEN"
	Amber Grade = "AMBER"
	Red   Grade = "RED"
)

// Health is the map's grade, why, and the key players it rests on.
type Health struct {
	Grade                Grade
	Reasons              []string
	SupportiveKeyPlayers []*Node
}

// Health grades the map: GREEN when a supportive key player decides or
// approves, AMBER when key players support us but none decides, else RED.
func (m *Map) Health() *Health {
	h := &Health{Grade: Red}
	var deciders []*Node
	for _, n := range m.Nodes {
		if n.KeyPlayer() && n.supporter() {
			h.SupportiveKeyPlayers = append(h.SupportiveKeyPlayers, n)
			if n.decides() {
				deciders = append(deciders, n)
			}
		}
	}
	slices.SortStableFunc(h.SupportiveKeyPlayers, func(a, b *Node) int { return cmp.Compare(trueFirst(a.decides()), trueFirst(b.decides())) })
	switch {
	case len(deciders) > 0:
		h.Grade = Green
		for _, n := range deciders {
			h.Reasons = append(h.Reasons, fmt.Sprintf("%s, an %s key player and %s, is a %s.", n.Name, n.PoliticalStatus, n.BuyingRole, n.Support))
		}
	case len(h.SupportiveKeyPlayers) > 0:
		h.Grade = Amber
		h.Reasons = []string{fmt.Sprintf("Key players support us (%s), but none of them is a DECISION_MAKER or APPROVER.", names(h.SupportiveKeyPlayers))}
	default:
		h.Reasons = []string{"No key player (AGILE or ASTUTE) is a MENTOR or SUPPORTER."}
	}
	return h
}

// names lists up to three names and how many more there are.
func names(nodes []*Node) string {
	var s []string
	for _, n := range nodes[:min(3, len(nodes))] {
		s = append(s, n.Name)
	}
	if len(nodes) > 3 {
		s = append(s, fmt.Sprintf("and %d more", len(nodes)-3))
	}
	return strings.Join(s, ", ")
}

// InfluenceRanking is the first most influential people by influence score,
// with what makes each of them influential.
func (m *Map) InfluenceRanking(first int) ([]*Finding, error) {
	if first < 0 {
		return nil, &clienterr.InputError{Field: "first", Message: "must not be negative"}
	}
	m.rank()
	top := m.ranked[:min(first, len(m.Nodes))]
	of := make([]struct{ influenced, strength, dotted int }, len(top)) // by place
	for _, e := range m.Edges {
		switch {
		case e.Kind == Influences && e.from.place <= len(top):
			of[e.from.place-1].influenced++
			of[e.from.place-1].strength += e.Strength
		case e.Kind == Informal && e.to.place <= len(top):
			of[e.to.place-1].dotted++
		}
	}
	return findings(top, func(n *Node) string {
		d := of[n.place-1]
		drivers := []string{"formal rank " + recorded(n.Rank)}
		if below := n.DirectReportCount + n.IndirectReportCount; below > 0 {
			drivers = append(drivers, fmt.Sprintf("%s in their reporting tree, %d directly", plural(below, "person", "people"), n.DirectReportCount))
		}
		if d.influenced > 0 {
			drivers = append(drivers, fmt.Sprintf("they influence %s (total strength %d)", plural(d.influenced, "person", "people"), d.strength))
		}
		if d.dotted > 0 {
			drivers = append(drivers, plural(d.dotted, "dotted line leads", "dotted lines lead")+" to them")
		}
		return fmt.Sprintf("%.3g%% of the account's influence: %s.", n.score, strings.Join(drivers, "; "))
	}), nil
}

// trueFirst sorts what is true before what is not.
func trueFirst(b bool) int {
	if b {
		return 0
	}
	return 1
}

// findings pairs each node with its reason.
func findings(nodes []*Node, reason func(*Node) string) []*Finding {
	f := make([]*Finding, len(nodes))
	for i, n := range nodes {
		f[i] = &Finding{Node: n, Reason: reason(n)}
	}
	return f
}

// role is ", APPROVER" for a node with a buying role, else "".
func role(n *Node) string {
	if n.BuyingRole == "" {
		return ""
	}
	return ", " + string(n.BuyingRole)
}

// plural counts n things: "1 person", "3 people".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
