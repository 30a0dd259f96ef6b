package orgmap

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// hops describes a path: each stakeholder, and the line that led there.
func hops(p *Path) string {
	var s []string
	for _, h := range p.Hops {
		switch {
		case h.Via == nil:
			s = append(s, h.Node.Name)
		case h.Reverse:
			s = append(s, fmt.Sprintf("<%s- %s", h.Via.Kind, h.Node.Name))
		default:
			s = append(s, fmt.Sprintf("-%s> %s", h.Via.Kind, h.Node.Name))
		}
	}
	return strings.Join(s, " ")
}

func TestInfluencePath(t *testing.T) {
	// S is a mentor, A a supporter, B an enemy, T the one we want to reach.
	people := func() []*Node {
		return []*Node{
			person(1, "S", 0, supports(mentor)), person(2, "A", 0, supports(supporter)),
			person(3, "B", 0, supports(enemy)), person(4, "T", 0),
		}
	}
	tReportsToS := map[int]int{4: 1}
	for _, c := range []struct {
		name     string
		managers map[int]int // person → manager
		edges    []*Edge
		from, to int
		want     string
		warmth   float64
	}{
		{"through the friendlier person", nil, []*Edge{line(Influences, 1, 2, 5), line(Influences, 2, 4, 5), line(Influences, 1, 3, 5), line(Influences, 3, 4, 5)},
			1, 4, "S -INFLUENCES> A -INFLUENCES> T", 1 * 1 * 0.9 * 1},
		{"a weak direct edge loses", nil, []*Edge{line(Influences, 1, 4, 1), line(Influences, 1, 2, 5), line(Influences, 2, 4, 4)},
			1, 4, "S -INFLUENCES> A -INFLUENCES> T", 0.9 * 0.8},
		{"of equally warm paths the shorter", nil, []*Edge{line(Influences, 1, 2, 5), line(Influences, 2, 4, 5), line(Influences, 1, 4, 5)},
			1, 4, "S -INFLUENCES> T", 1},
		{"down a reporting line", tReportsToS, nil, 1, 4, "S <REPORTS_TO- T", 0.7},
		{"up a reporting line, from a neutral", tReportsToS, nil, 4, 1, "T -REPORTS_TO> S", 0.6 * 0.7},
		{"back along an informal line", nil, []*Edge{line(Informal, 4, 1, 3)}, 1, 4, "S <INFORMAL- T", 0.6},
		{"a conflict is no way", nil, []*Edge{line(ConflictsWith, 1, 4, 5)}, 1, 4, "", 0},
		{"influence only in its direction", nil, []*Edge{line(Influences, 4, 1, 5)}, 1, 4, "", 0},
		{"influence in its direction", nil, []*Edge{line(Influences, 4, 1, 5)}, 4, 1, "T -INFLUENCES> S", 0.6},
		{"to oneself", nil, nil, 4, 4, "T", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			nodes := people()
			for _, n := range nodes {
				if boss, ok := c.managers[n.ID]; ok {
					n.ManagerID = &boss
				}
			}
			m := New(nil, nodes, c.edges)
			p := m.InfluencePath(m.byID[c.from], m.byID[c.to])
			if c.want == "" {
				if p.Status != NoPath || len(p.Hops) != 0 || !strings.Contains(p.Message, "never CONFLICTS_WITH") {
					t.Errorf("%s %q %q, want NO_PATH", p.Status, hops(p), p.Message)
				}
				return
			}
			if p.Status != Found || hops(p) != c.want || math.Abs(p.Warmth-c.warmth) > 1e-9 {
				t.Errorf("%s %q warmth %v, want %q warmth %v", p.Status, hops(p), p.Warmth, c.want, c.warmth)
			}
			product := 1.0
			for _, h := range p.Hops {
				product *= h.Warmth
			}
			if math.Abs(product-p.Warmth) > 1e-9 {
				t.Errorf("the hops' warmth multiplies to %v, not the path's %v", product, p.Warmth)
			}
		})
	}
}

func TestSupportivePath(t *testing.T) {
	m := New(nil, []*Node{person(1, "S", 0, supports(mentor)), person(2, "A", 0), person(3, "T", 0, supports(enemy))},
		[]*Edge{line(Influences, 1, 2, 5), line(Influences, 2, 3, 5)})
	if p := m.InfluencePath(m.byID[1], m.byID[3]); p.Supportive {
		t.Error("a path through a neutral is not supportive")
	}
	if p := m.InfluencePath(m.byID[1], m.byID[2]); !p.Supportive {
		t.Error("a mentor passing us on to a neutral is supportive")
	}
	if p := m.InfluencePath(m.byID[3], m.byID[3]); p.Supportive {
		t.Error("a path of one enemy is not supportive")
	}
}

func TestDecisionMakerPaths(t *testing.T) {
	// In the boardroom (see insights_test.go) Maya is Ben's problem solver
	// (0.75), Cleo's credible source (0.5) and Eve's vendor; Ruth is Ada's
	// and Hal's vendor (0.25).
	paths := boardroom().DecisionMakerPaths()
	var got []string
	for _, d := range paths {
		got = append(got, fmt.Sprintf("%s: %s %.4f", d.Node.Name, hops(d.Path), d.Path.Warmth))
	}
	want := []string{
		"Ben: Ben 0.7500", // knowing him directly beats anything through others
		// Through Ben, a supporter, up a reporting line: 0.75 × 0.9 × 0.7;
		// Cleo's influence (0.5 × 0.9 × 1) and Ruth's vendor relationship
		// (0.25) are colder.
		"Ada: Ben -REPORTS_TO> Ada 0.4725",
		"Dev: Ben -REPORTS_TO> Ada <REPORTS_TO- Dev 0.1985", // then down from Ada, a neutral: × 0.6 × 0.7
		"Gus: Ben <REPORTS_TO- Gus 0.4725",
		"Hal: Hal 0.2500", // via Dev, a non-supporter, it would be 0.1985 × 0.3 × 0.7
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if r := paths[1].Path.Relationship; r == nil || r.Edges.User.Name != "Maya" || r.CurrentLevel != problemSolver {
		t.Errorf("Ada's path starts from %v, want Maya's relationship with Ben", r)
	}
	if msg := paths[1].Path.Message; msg != "The warmest way to Ada starts from Maya's relationship with Ben (PROBLEM_SOLVER) and takes 1 step; warmth 0.47." {
		t.Errorf("message %q", msg)
	}
	if msg := paths[4].Path.Message; msg != "We reach Hal directly: Ruth's relationship with them is VENDOR; warmth 0.25." {
		t.Errorf("message %q", msg)
	}

	// Nobody known: every decision maker gets NO_PATH, saying why.
	m := New(nil, []*Node{person(1, "Ada", 0, buys(decisionMaker)), person(2, "Bo", 0, buys(approver), known("Maya", trustedAdvisor))}, nil)
	for _, d := range m.DecisionMakerPaths() {
		if d.Path.Status == Found && d.Node.Name != "Bo" || d.Node.Name == "Ada" && !strings.Contains(d.Path.Message, "None of our relationships leads to Ada") {
			t.Errorf("%s: %s %q", d.Node.Name, d.Path.Status, d.Path.Message)
		}
	}
	m = New(nil, []*Node{person(1, "Ada", 0, buys(decisionMaker))}, nil)
	if p := m.DecisionMakerPaths()[0].Path; p.Status != NoPath || !strings.Contains(p.Message, "no stakeholder of the account has a relationship with our team") {
		t.Errorf("no relationship at all: %s %q", p.Status, p.Message)
	}
}
