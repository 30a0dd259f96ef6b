package orgmap

import (
	"strings"
	"testing"

	"github.com/accountplan/accountplan/ent/relationship"
	"github.com/accountplan/accountplan/ent/stakeholder"
)

const (
	astute   = stakeholder.PoliticalStatusASTUTE
	agile    = stakeholder.PoliticalStatusAGILE
	observer = stakeholder.PoliticalStatusOBSERVER
	naive    = stakeholder.PoliticalStatusNAIVE

	mentor       = stakeholder.SupportMENTOR
	supporter    = stakeholder.SupportSUPPORTER
	nonSupporter = stakeholder.SupportNON_SUPPORTER
	enemy        = stakeholder.SupportENEMY

	decisionMaker = stakeholder.BuyingRoleDECISION_MAKER
	approver      = stakeholder.BuyingRoleAPPROVER

	vendor         = relationship.CurrentLevelVENDOR
	credibleSource = relationship.CurrentLevelCREDIBLE_SOURCE
	problemSolver  = relationship.CurrentLevelPROBLEM_SOLVER
	trustedAdvisor = relationship.CurrentLevelTRUSTED_ADVISOR
)

// boardroom is a small account whose insights a reader can check by eye:
//
//	Ada  CEO, ASTUTE, neutral, APPROVER, brief contact, Ruth knows her (VENDOR)
//	├ Ben  CRO, ASTUTE, supporter, DECISION_MAKER, Maya knows him
//	│ ├ Finn  rank 1, influence 3, NAIVE mentor, influences Ben
//	│ └ Gus   OBSERVER, neutral APPROVER
//	├ Cleo EA, rank 2, influence 5, AGILE supporter, Maya knows her; influences Ada
//	└ Dev  CFO, AGILE non-supporter, APPROVER, no contact; influences Ada
//	  ├ Eve  ASTUTE enemy, brief contact, Maya knows her (VENDOR); conflicts with Ben
//	  └ Hal  neutral APPROVER, Ruth knows him (VENDOR)
func boardroom(changes ...func(map[string]*Node)) *Map {
	people := map[string]*Node{
		"Ada":  person(1, "Ada", 0, ranked(5, 4), status(astute), buys(approver), covered(stakeholder.CoverageBRIEF_CONTACT), known("Ruth", vendor)),
		"Ben":  person(2, "Ben", 1, ranked(5, 5), status(astute), supports(supporter), buys(decisionMaker), covered(stakeholder.CoverageMULTIPLE_CONTACTS), known("Maya", problemSolver)),
		"Cleo": person(3, "Cleo", 1, ranked(2, 5), status(agile), supports(supporter), covered(stakeholder.CoverageIN_DEPTH), known("Maya", credibleSource)),
		"Dev":  person(4, "Dev", 1, ranked(5, 4), status(agile), supports(nonSupporter), buys(approver), covered(stakeholder.CoverageNO_CONTACT)),
		"Eve":  person(5, "Eve", 4, ranked(3, 4), status(astute), supports(enemy), covered(stakeholder.CoverageBRIEF_CONTACT), known("Maya", vendor)),
		"Finn": person(6, "Finn", 2, ranked(1, 3), status(naive), supports(mentor)),
		"Gus":  person(7, "Gus", 2, ranked(3, 3), status(observer), buys(approver)),
		"Hal":  person(8, "Hal", 4, ranked(3, 2), buys(approver), known("Ruth", vendor)),
	}
	for _, c := range changes {
		c(people)
	}
	var nodes []*Node
	for _, n := range people {
		nodes = append(nodes, n)
	}
	return New(nil, nodes, []*Edge{
		line(Influences, 3, 1, 5),
		line(Influences, 6, 2, 4),
		line(ConflictsWith, 5, 2, 3),
		line(Influences, 4, 1, 3),
	})
}

// findingNames lists the findings' names, for comparing with a want string.
func findingNames(f []*Finding) string {
	var s []string
	for _, x := range f {
		s = append(s, x.Node.Name)
	}
	return strings.Join(s, ", ")
}

func TestHiddenInfluencers(t *testing.T) {
	m := boardroom()
	for _, c := range []struct {
		gap, influence int
		want           string
	}{
		{2, 4, "Cleo"},       // the defaults: Finn's influence 3 is not high
		{2, 3, "Cleo, Finn"}, // the widest gap first
		{4, 1, ""},
		{1, 4, "Cleo, Eve"},
	} {
		got, err := m.HiddenInfluencers(c.gap, c.influence)
		if err != nil {
			t.Fatal(err)
		}
		if findingNames(got) != c.want {
			t.Errorf("minGap %d, minInfluence %d: %q, want %q", c.gap, c.influence, findingNames(got), c.want)
		}
	}
	got, _ := m.HiddenInfluencers(2, 4)
	if want := "Influence 5 against formal rank 2: 3 above their seniority."; got[0].Reason != want {
		t.Errorf("reason %q, want %q", got[0].Reason, want)
	}
	if _, err := m.HiddenInfluencers(0, 4); err == nil || !strings.Contains(err.Error(), "minGap") {
		t.Errorf("minGap 0: %v, want an error naming minGap", err)
	}
}

func TestKeyPlayersNotSupporting(t *testing.T) {
	got := boardroom().KeyPlayersNotSupporting()
	if want := "Eve, Dev, Ada"; findingNames(got) != want {
		t.Errorf("%q, want %q (enemies, then non-supporters, then neutrals)", findingNames(got), want)
	}
	if want := "AGILE key player, APPROVER, whose support is NON_SUPPORTER."; got[1].Reason != want {
		t.Errorf("reason %q, want %q", got[1].Reason, want)
	}
}

func TestUncoveredKeyPlayers(t *testing.T) {
	got := boardroom().UncoveredKeyPlayers()
	if want := "Ada, Dev, Eve"; findingNames(got) != want {
		t.Errorf("%q, want %q", findingNames(got), want)
	}
	reasons := map[string]string{}
	for _, f := range got {
		reasons[f.Node.Name] = f.Reason
	}
	if want := "ASTUTE key player, APPROVER: our coverage is only BRIEF_CONTACT."; reasons["Ada"] != want {
		t.Errorf("Ada: %q, want %q", reasons["Ada"], want)
	}
	if want := "AGILE key player, APPROVER: none of our users has a relationship with them, and our coverage is only NO_CONTACT."; reasons["Dev"] != want {
		t.Errorf("Dev: %q, want %q", reasons["Dev"], want)
	}
}

func TestDecisionMakersWithoutSupportivePath(t *testing.T) {
	// Ben is a supporter we know; Gus is one reporting line from him, Ada
	// one from Ben and Cleo. Dev and Hal are reached only through Ada (a
	// neutral) or Eve (an enemy), and knowing Hal directly is not enough.
	got := boardroom().DecisionMakersWithoutSupportivePath()
	if want := "Dev, Hal"; findingNames(got) != want {
		t.Fatalf("%q, want %q", findingNames(got), want)
	}
	if !strings.Contains(got[0].Reason, "no path from our relationships") || !strings.Contains(got[1].Reason, "we know them directly") {
		t.Errorf("reasons %q and %q", got[0].Reason, got[1].Reason)
	}

	// Once Eve supports us, Dev is a reporting line from her, but Hal is
	// still only reached through Dev.
	got = boardroom(func(p map[string]*Node) { p["Eve"].Support = supporter }).DecisionMakersWithoutSupportivePath()
	if want := "Hal"; findingNames(got) != want {
		t.Errorf("with Eve supporting: %q, want %q", findingNames(got), want)
	}
	// A CONFLICTS_WITH edge is no way in: knowing only Eve, a supporter who
	// conflicts with Ben, reaches Dev but not Ben.
	onlyEve := func(p map[string]*Node) {
		for _, n := range p {
			n.Relationships = nil
		}
		p["Eve"].Support = supporter
		known("Maya", trustedAdvisor)(p["Eve"])
	}
	got = boardroom(onlyEve).DecisionMakersWithoutSupportivePath()
	if want := "Ben, Ada, Gus, Hal"; findingNames(got) != want {
		t.Errorf("knowing only Eve: %q, want %q (decision makers first)", findingNames(got), want)
	}
	// INFLUENCES is walked in its direction only: Cleo sways Ada, so from
	// Ada there is no way to Cleo once she reports to no one.
	got = boardroom(func(p map[string]*Node) {
		for _, n := range p {
			n.Relationships = nil
		}
		p["Ada"].Support = supporter
		known("Ruth", trustedAdvisor)(p["Ada"])
		p["Cleo"].ManagerID, p["Cleo"].BuyingRole = nil, approver
	}).DecisionMakersWithoutSupportivePath()
	if !strings.Contains(findingNames(got), "Cleo") {
		t.Errorf("knowing only Ada: %q, want Cleo among them", findingNames(got))
	}
}

func TestSingleThreading(t *testing.T) {
	if got := boardroom().SingleThreading(); got.SingleThreaded || len(got.Contacts) != 5 || len(got.Supporters) != 3 {
		t.Errorf("boardroom: %+v, want 5 contacts, 3 supporters, not single-threaded", got)
	}
	onlyBen := boardroom(func(p map[string]*Node) {
		for name, n := range p {
			if name != "Ben" {
				n.Relationships = nil
			}
		}
	}).SingleThreading()
	if !onlyBen.SingleThreaded || onlyBen.Reasons[0] != "Only one stakeholder has a relationship with our team: Ben." {
		t.Errorf("only Ben known: %+v", onlyBen)
	}
	oneSupporter := boardroom(func(p map[string]*Node) {
		p["Cleo"].Support, p["Finn"].Support = stakeholder.SupportNEUTRAL, stakeholder.SupportNEUTRAL
	}).SingleThreading()
	if !oneSupporter.SingleThreaded || oneSupporter.Reasons[1] != "Only one stakeholder is a MENTOR or SUPPORTER: Ben." {
		t.Errorf("only Ben supports: %+v", oneSupporter)
	}
	nobody := New(nil, []*Node{person(1, "Ada", 0)}, nil).SingleThreading()
	if !nobody.SingleThreaded || nobody.Reasons[0] != "No stakeholder has a relationship with our team." {
		t.Errorf("no contact: %+v", nobody)
	}
}

func TestHealth(t *testing.T) {
	h := boardroom().Health()
	if h.Grade != Green || nodeNames(h.SupportiveKeyPlayers) != "Ben, Cleo" ||
		strings.Join(h.Reasons, " ") != "Ben, an ASTUTE key player and DECISION_MAKER, is a SUPPORTER." {
		t.Errorf("boardroom: %s %q %q, want GREEN because of Ben", h.Grade, h.Reasons, nodeNames(h.SupportiveKeyPlayers))
	}
	h = boardroom(func(p map[string]*Node) { p["Ben"].BuyingRole = "" }).Health()
	if h.Grade != Amber || !strings.Contains(h.Reasons[0], "(Ben, Cleo)") {
		t.Errorf("Ben not deciding: %s %q, want AMBER naming Ben and Cleo", h.Grade, h.Reasons)
	}
	h = boardroom(func(p map[string]*Node) {
		p["Ben"].Support, p["Cleo"].PoliticalStatus = stakeholder.SupportNEUTRAL, observer
	}).Health()
	if h.Grade != Red || len(h.SupportiveKeyPlayers) != 0 {
		t.Errorf("no supporting key player: %s %q, want RED", h.Grade, h.Reasons)
	}
}

func TestInfluenceRanking(t *testing.T) {
	m := boardroom()
	top, err := m.InfluenceRanking(3)
	if err != nil {
		t.Fatal(err)
	}
	if len(top) != 3 || top[0].Node.InfluenceRank() != 1 || top[2].Node.InfluenceRank() != 3 {
		t.Fatalf("top 3: %q", findingNames(top))
	}
	// Ada is where every reporting line and two influence edges lead.
	if top[0].Node.Name != "Ada" || !strings.Contains(top[0].Reason, "formal rank 5; 7 people in their reporting tree, 3 directly") {
		t.Errorf("first %s: %q", top[0].Node.Name, top[0].Reason)
	}
	total := 0.0
	for _, n := range m.Nodes {
		total += n.InfluenceScore()
	}
	if total < 99.999 || total > 100.001 {
		t.Errorf("scores add up to %v, want 100", total)
	}
	if all, _ := m.InfluenceRanking(100); len(all) != len(m.Nodes) {
		t.Errorf("first beyond the map's size: %d, want every node", len(all))
	}
	if _, err := m.InfluenceRanking(-1); err == nil {
		t.Error("first -1: no error")
	}
}
