package orgmap

import (
	"fmt"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/relationship"
	"github.com/accountplan/accountplan/ent/stakeholder"
)

// PathStatus says whether a path was found, and if not, why.
type PathStatus string

// The answers a path query can give.
const (
	Found              PathStatus = "FOUND"
	NoPath             PathStatus = "NO_PATH"
	DifferentAccounts  PathStatus = "DIFFERENT_ACCOUNTS"
	UnknownStakeholder PathStatus = "UNKNOWN_STAKEHOLDER"
)

// Path is the answer to a path query; api/orgmap.graphql documents warmth.
type Path struct {
	Status  PathStatus
	Message string
	Hops    []*Hop
	Warmth  float64
	// Relationship is, on a path from us, our relationship it starts from.
	Relationship *ent.Relationship
	Supportive   bool
}

// Hop is one stakeholder on a path and the line walked to reach them.
type Hop struct {
	Node    *Node
	Via     *Edge // nil for the first hop
	Reverse bool
	Warmth  float64
}

// Stakeholder is the hop's stakeholder record.
func (h *Hop) Stakeholder() *ent.Stakeholder { return h.Node.Stakeholder }

// DecisionMakerPath is the warmest path from us to one decision maker or approver.
type DecisionMakerPath struct {
	Node *Node
	Path *Path
}

// Stakeholder is the decision maker's record.
func (d *DecisionMakerPath) Stakeholder() *ent.Stakeholder { return d.Node.Stakeholder }

// reportingWarmth is how strong a reporting line is as a channel, on the scale of strength ÷ 5.
const reportingWarmth = 0.7

// supportWarmth is how willingly someone of this stance passes us on.
func supportWarmth(s stakeholder.Support) float64 {
	switch s {
	case stakeholder.SupportMENTOR:
		return 1
	case stakeholder.SupportSUPPORTER:
		return 0.9
	case stakeholder.SupportNON_SUPPORTER:
		return 0.3
	case stakeholder.SupportENEMY:
		return 0.1
	}
	return 0.6
}

// levelWarmth is how warm a start our relationship of this level gives.
func levelWarmth(l relationship.CurrentLevel) float64 {
	switch l {
	case relationship.CurrentLevelTRUSTED_ADVISOR:
		return 1
	case relationship.CurrentLevelPROBLEM_SOLVER:
		return 0.75
	case relationship.CurrentLevelCREDIBLE_SOURCE:
		return 0.5
	}
	return 0.25
}

// arc is a line a path may walk, from the node whose list holds it.
type arc struct {
	to      *Node
	edge    *Edge
	reverse bool
	warmth  float64 // the line's strength as a channel
}

// walkable is every node's outgoing arcs, by the node's place in m.Nodes:
// reporting lines both ways, INFLUENCES edges forward, INFORMAL lines both
// ways; never CONFLICTS_WITH. The arcs share one array, counted first.
func (m *Map) walkable() [][]arc {
	m.arcsOnce.Do(func() {
		each := func(visit func(from *Node, a arc)) {
			for _, e := range m.Edges {
				from, to := e.from, e.to
				switch e.Kind {
				case ReportsTo:
					visit(from, arc{to, e, false, reportingWarmth})
					visit(to, arc{from, e, true, reportingWarmth})
				case Influences:
					visit(from, arc{to, e, false, float64(e.Strength) / 5})
				case Informal:
					visit(from, arc{to, e, false, float64(e.Strength) / 5})
					visit(to, arc{from, e, true, float64(e.Strength) / 5})
				}
			}
		}
		count, total := make([]int, len(m.Nodes)), 0
		each(func(from *Node, _ arc) { count[from.at]++; total++ })
		// Each node gets an empty slice of the shared array with room for its arcs.
		all, start := make([]arc, total), 0
		m.arcs = make([][]arc, len(m.Nodes))
		for i, c := range count {
			m.arcs[i] = all[start : start : start+c]
			start += c
		}
		each(func(from *Node, a arc) { m.arcs[from.at] = append(m.arcs[from.at], a) })
	})
	return m.arcs
}

// reached is what a search knows of a node, by its place in m.Nodes.
type reached struct {
	warmth float64 // of the whole path so far
	step   float64 // what the last step multiplied it by
	hops   int
	prev   *Node // nil at a start
	via    arc
	seen   bool
	done   bool // its warmest path is known
}

// search finds the warmest path from the starts (each with its starting
// warmth) to every node, or to target only when it is not nil. It is
// Dijkstra's algorithm on warmth, a product of factors of at most 1 that
// only falls along a path; of equally warm paths the shorter wins.
func (m *Map) search(starts map[*Node]float64, target *Node) []reached {
	arcs := m.walkable()
	best := make([]reached, len(m.Nodes))
	var q queue
	for n, w := range starts {
		best[n.at] = reached{warmth: w, step: w, seen: true}
		q.push(item{n, w, 0})
	}
	for len(q) > 0 {
		it := q.pop()
		u := &best[it.node.at]
		if u.done {
			continue
		}
		u.done = true
		if it.node == target {
			break
		}
		pass := supportWarmth(it.node.Support)
		for _, a := range arcs[it.node.at] {
			step := pass * a.warmth
			w, hops := u.warmth*step, u.hops+1
			if v := &best[a.to.at]; !v.done && (!v.seen || w > v.warmth || w == v.warmth && hops < v.hops) {
				*v = reached{warmth: w, step: step, hops: hops, prev: it.node, via: a, seen: true}
				q.push(item{a.to, w, hops})
			}
		}
	}
	return best
}

// path reads the path to n out of a search, or nil when none reached it.
func path(best []reached, n *Node) *Path {
	r := best[n.at]
	if !r.done {
		return nil
	}
	// Whoever passes us on must support us; on a path of one, that is its only stakeholder.
	p := &Path{Status: Found, Warmth: r.warmth, Supportive: r.hops > 0 || n.supporter(), Hops: make([]*Hop, r.hops+1)}
	for i := r.hops; i >= 0; i-- {
		step := best[n.at]
		hop := &Hop{Node: n, Warmth: step.step}
		if step.prev != nil {
			hop.Via, hop.Reverse = step.via.edge, step.via.reverse
			p.Supportive = p.Supportive && step.prev.supporter()
		}
		p.Hops[i] = hop
		n = step.prev
	}
	return p
}

// InfluencePath is the warmest path from one stakeholder of the map to another.
func (m *Map) InfluencePath(from, to *Node) *Path {
	p := path(m.search(map[*Node]float64{from: 1}, to), to)
	switch {
	case p == nil:
		return &Path{Status: NoPath, Message: fmt.Sprintf("No path leads from %s to %s: %s.", from.Name, to.Name, walkableLines)}
	case from == to:
		p.Message = fmt.Sprintf("%s is both ends of the path.", from.Name)
	default:
		p.Message = fmt.Sprintf("The warmest path from %s to %s takes %s; warmth %.2f.", from.Name, to.Name, plural(len(p.Hops)-1, "step", "steps"), p.Warmth)
	}
	return p
}

// walkableLines says, for NO_PATH messages, which lines a path may walk.
const walkableLines = "a path walks reporting lines, INFLUENCES edges in their direction and INFORMAL lines, never CONFLICTS_WITH"

// DecisionMakerPaths is, for every decision maker and then every approver
// (each by name), the warmest path from a stakeholder one of our users has a
// relationship with, starting with our strongest relationship with them.
func (m *Map) DecisionMakerPaths() []*DecisionMakerPath {
	starts := map[*Node]float64{}
	for _, n := range m.Nodes {
		if r := strongest(n.Relationships); r != nil {
			starts[n] = levelWarmth(r.CurrentLevel)
		}
	}
	best := m.search(starts, nil)
	var paths []*DecisionMakerPath
	for _, n := range m.deciders() {
		p := path(best, n)
		switch {
		case len(starts) == 0:
			p = &Path{Status: NoPath, Message: fmt.Sprintf("No path leads to %s: no stakeholder of the account has a relationship with our team.", n.Name)}
		case p == nil:
			p = &Path{Status: NoPath, Message: fmt.Sprintf("None of our relationships leads to %s: %s.", n.Name, walkableLines)}
		default:
			first := p.Hops[0].Node
			p.Relationship = strongest(first.Relationships)
			p.Message = fmt.Sprintf("The warmest way to %s starts from %s's relationship with %s (%s) and takes %s; warmth %.2f.",
				n.Name, p.Relationship.Edges.User.Name, first.Name, p.Relationship.CurrentLevel, plural(len(p.Hops)-1, "step", "steps"), p.Warmth)
			if first == n {
				p.Message = fmt.Sprintf("We reach %s directly: %s's relationship with them is %s; warmth %.2f.",
					n.Name, p.Relationship.Edges.User.Name, p.Relationship.CurrentLevel, p.Warmth)
			}
		}
		paths = append(paths, &DecisionMakerPath{Node: n, Path: p})
	}
	return paths
}

// strongest is the relationship with the highest current level, the oldest of equals; nil for none.
func strongest(rs []*ent.Relationship) *ent.Relationship {
	var best *ent.Relationship
	for _, r := range rs {
		if best == nil || levelWarmth(r.CurrentLevel) > levelWarmth(best.CurrentLevel) {
			best = r
		}
	}
	return best
}

// item is a node waiting in the search's queue with the warmth it was reached with.
type item struct {
	node   *Node
	warmth float64
	hops   int
}

// before orders the queue: the warmest first, then the fewest hops, then
// the lowest ID, so that a search always takes the same path.
func (a item) before(b item) bool {
	if a.warmth != b.warmth {
		return a.warmth > b.warmth
	}
	if a.hops != b.hops {
		return a.hops < b.hops
	}
	return a.node.ID < b.node.ID
}

// queue is a binary heap of items; container/heap would box every item.
type queue []item

func (q *queue) push(it item) {
	*q = append(*q, it)
	h := *q
	for i := len(h) - 1; i > 0; {
		parent := (i - 1) / 2
		if !h[i].before(h[parent]) {
			break
		}
		h[i], h[parent] = h[parent], h[i]
		i = parent
	}
}

func (q *queue) pop() item {
	h := *q
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	for i := 0; ; {
		least, l, r := i, 2*i+1, 2*i+2
		if l < len(h) && h[l].before(h[least]) {
			least = l
		}
		if r < len(h) && h[r].before(h[least]) {
			least = r
		}
		if least == i {
			break
		}
		h[i], h[least] = h[least], h[i]
		i = least
	}
	*q = h
	return top
}
