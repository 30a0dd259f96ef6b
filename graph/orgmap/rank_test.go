package orgmap

import (
	"math"
	"testing"
)

func TestInfluenceScore(t *testing.T) {
	near := func(got, want float64) bool { return math.Abs(got-want) < 1e-3 }

	// Ada influences Ben, so Ben passes his score to Ada, who passes hers on
	// to no one (it spreads by formal rank, here equal). With d = 0.85:
	// a = 0.075 + 0.85(b + a/2), b = 0.075 + 0.85(a/2), a + b = 1,
	// so a = 0.925 / 1.425.
	m := New(nil, []*Node{person(1, "Ada", 0, ranked(1, 0)), person(2, "Ben", 0, ranked(1, 0))}, []*Edge{line(Influences, 1, 2, 3)})
	if a, b := m.byID[1].InfluenceScore(), m.byID[2].InfluenceScore(); !near(a, 100*0.925/1.425) || !near(b, 100*0.5/1.425) {
		t.Errorf("Ada %.4f, Ben %.4f; want %.4f and %.4f", a, b, 100*0.925/1.425, 100*0.5/1.425)
	}
	// The same holds for a reporting line (a report defers to the manager)
	// and an INFORMAL line (its holder defers to its end); a conflict counts
	// for nothing, and strength does not matter when there is one line.
	for name, e := range map[string][]*Edge{
		"informal":  {line(Informal, 2, 1, 1)},
		"conflicts": {line(Influences, 1, 2, 5), line(ConflictsWith, 1, 2, 5), line(ConflictsWith, 2, 1, 5)},
	} {
		m := New(nil, []*Node{person(1, "Ada", 0, ranked(1, 0)), person(2, "Ben", 0, ranked(1, 0))}, e)
		if a := m.byID[1].InfluenceScore(); !near(a, 100*0.925/1.425) {
			t.Errorf("%s: Ada %.4f, want %.4f", name, a, 100*0.925/1.425)
		}
	}
	m = New(nil, []*Node{person(1, "Ada", 0, ranked(1, 0)), person(2, "Ben", 1, ranked(1, 0))}, nil)
	if a := m.byID[1].InfluenceScore(); !near(a, 100*0.925/1.425) {
		t.Errorf("reporting line: Ada %.4f, want %.4f", a, 100*0.925/1.425)
	}

	// With no lines at all, influence is formal rank (an unknown one counting as 1).
	m = New(nil, []*Node{person(1, "Ada", 0, ranked(4, 0)), person(2, "Ben", 0), person(3, "Cy", 0, ranked(5, 0))}, nil)
	for id, want := range map[int]float64{1: 40, 2: 10, 3: 50} {
		if got := m.byID[id].InfluenceScore(); !near(got, want) {
			t.Errorf("%s: %.4f, want %v", m.byID[id].Name, got, want)
		}
	}
	if m.byID[3].InfluenceRank() != 1 || m.byID[1].InfluenceRank() != 2 || m.byID[2].InfluenceRank() != 3 {
		t.Error("places do not follow the scores")
	}
}
