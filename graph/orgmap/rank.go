package orgmap

import (
	"cmp"
	"math"
	"slices"
)

// The influence score's constants; api/orgmap.graphql documents the formula.
const (
	damping        = 0.85
	reportingVotes = 3.0  // a reporting line counts as an influence of medium strength
	rankTolerance  = 1e-8 // stop when the scores move by less than this in total
	rankIterations = 200  // at most; convergence takes about 120 at this tolerance
)

// rank computes every node's influence score and place once, on first use.
func (m *Map) rank() {
	m.ranking.Do(func() {
		scores := pageRank(m)
		for i, n := range m.Nodes {
			n.score = 100 * scores[i]
		}
		// The names only break ties: comparing them for every pair took
		// longer than the PageRank.
		m.ranked = slices.Clone(m.Nodes)
		slices.SortFunc(m.ranked, func(a, b *Node) int {
			if c := cmp.Compare(b.score, a.score); c != 0 {
				return c
			}
			return byName(a, b)
		})
		for i, n := range m.ranked {
			n.place = i + 1
		}
	})
}

// pageRank is the weighted PageRank of the nodes (in m.Nodes order) over the
// lines along which people defer: a report to their manager, the one swayed
// to whoever INFLUENCES them, the holder of an INFORMAL line to its end. The
// teleport vector is formal rank. The scores add up to 1.
func pageRank(m *Map) []float64 {
	n := len(m.Nodes)
	if n == 0 {
		return nil
	}
	type vote struct {
		from, to int
		weight   float64
	}
	votes := make([]vote, 0, len(m.Edges))
	out := make([]float64, n) // each node's total weight of votes
	for _, e := range m.Edges {
		var v vote
		switch e.Kind {
		case ReportsTo:
			v = vote{e.from.at, e.to.at, reportingVotes}
		case Influences:
			v = vote{e.to.at, e.from.at, float64(e.Strength)}
		case Informal:
			v = vote{e.from.at, e.to.at, float64(e.Strength)}
		default:
			continue
		}
		votes = append(votes, v)
		out[v.from] += v.weight
	}
	teleport := make([]float64, n)
	total := 0.0
	for i, node := range m.Nodes {
		teleport[i] = float64(max(node.Rank, 1))
		total += teleport[i]
	}
	for i := range teleport {
		teleport[i] /= total
	}
	score, next := slices.Clone(teleport), make([]float64, n)
	for range rankIterations {
		undecided := 0.0 // the score of people who defer to no one, spread like the teleport
		for i, s := range score {
			if out[i] == 0 {
				undecided += s
			}
		}
		for i := range next {
			next[i] = (1-damping)*teleport[i] + damping*undecided*teleport[i]
		}
		for _, v := range votes {
			next[v.to] += damping * score[v.from] * v.weight / out[v.from]
		}
		change := 0.0
		for i := range score {
			change += math.Abs(next[i] - score[i])
		}
		score, next = next, score
		if change < rankTolerance {
			break
		}
	}
	return score
}
