package apitest

// The org map through the real handler: insights and paths on a small map
// whose answers can be read off its picture and on the demo account, the
// statement bound, Graphviz and Mermaid output, and moving stakeholders.

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/influenceedge"
	"github.com/accountplan/accountplan/ent/relationship"
	"github.com/accountplan/accountplan/ent/stakeholder"
	"github.com/accountplan/accountplan/graph/demo"
	"github.com/accountplan/accountplan/graph/orgmap"
)

// boardroom writes a small account whose insights can be read off it:
//
//	Ada  CEO, ASTUTE, neutral, APPROVER, brief contact, Ruth knows her (VENDOR)
//	├ Ben  CRO, ASTUTE, supporter, DECISION_MAKER, Maya knows him (PROBLEM_SOLVER)
//	│ ├ Finn  rank 1, influence 3, NAIVE mentor; influences Ben (5)
//	│ └ Gus   OBSERVER, neutral APPROVER
//	├ Cleo EA, rank 2, influence 5, AGILE supporter, Maya knows her (CREDIBLE_SOURCE); influences Ada (5)
//	└ Dev  CFO, AGILE non-supporter, APPROVER, no contact; influences Ada (3)
//	  ├ Eve  ASTUTE enemy, brief contact, Maya knows her (VENDOR); conflicts with Ben
//	  └ Hal  neutral APPROVER, Ruth knows him (VENDOR)
//
// It returns the account's ID and every stakeholder's ID by name.
func boardroom(t *testing.T, e *env, name string) (int, map[string]int) {
	t.Helper()
	ctx := context.Background()
	c := e.client
	acc := c.Account.Create().SetName(name).SaveX(ctx)
	users := map[string]int{}
	for _, u := range []string{"Maya", "Ruth"} {
		users[u] = c.User.Create().SetName(u).SetEmail(fmt.Sprintf("%s.%d@example.com", strings.ToLower(u), acc.ID)).SaveX(ctx).ID
	}
	ids := map[string]int{}
	for _, p := range []struct {
		name, manager    string
		rank, influence  int
		status, support  string
		role, coverage   string
		knownBy, asLevel string
	}{
		{"Ada", "", 5, 4, "ASTUTE", "NEUTRAL", "APPROVER", "BRIEF_CONTACT", "Ruth", "VENDOR"},
		{"Ben", "Ada", 5, 5, "ASTUTE", "SUPPORTER", "DECISION_MAKER", "MULTIPLE_CONTACTS", "Maya", "PROBLEM_SOLVER"},
		{"Cleo", "Ada", 2, 5, "AGILE", "SUPPORTER", "", "IN_DEPTH", "Maya", "CREDIBLE_SOURCE"},
		{"Dev", "Ada", 5, 4, "AGILE", "NON_SUPPORTER", "APPROVER", "NO_CONTACT", "", ""},
		{"Eve", "Dev", 3, 4, "ASTUTE", "ENEMY", "", "BRIEF_CONTACT", "Maya", "VENDOR"},
		{"Finn", "Ben", 1, 3, "NAIVE", "MENTOR", "", "UNKNOWN", "", ""},
		{"Gus", "Ben", 3, 3, "OBSERVER", "NEUTRAL", "APPROVER", "UNKNOWN", "", ""},
		{"Hal", "Dev", 3, 2, "", "NEUTRAL", "APPROVER", "UNKNOWN", "Ruth", "VENDOR"},
	} {
		create := c.Stakeholder.Create().SetAccountID(acc.ID).SetName(p.name).SetTitle(p.name + "'s title").
			SetRank(p.rank).SetInfluence(p.influence).SetSupport(stakeholder.Support(p.support)).SetCoverage(stakeholder.Coverage(p.coverage))
		if p.manager != "" {
			create.SetReportsToID(ids[p.manager])
		}
		if p.status != "" {
			create.SetPoliticalStatus(stakeholder.PoliticalStatus(p.status))
		}
		if p.role != "" {
			create.SetBuyingRole(stakeholder.BuyingRole(p.role))
		}
		ids[p.name] = create.SaveX(ctx).ID
		if p.knownBy != "" {
			c.Relationship.Create().SetUserID(users[p.knownBy]).SetStakeholderID(ids[p.name]).
				SetCurrentLevel(relationship.CurrentLevel(p.asLevel)).SetDesiredLevel(relationship.DesiredLevelTRUSTED_ADVISOR).SaveX(ctx)
		}
	}
	for _, l := range []struct {
		from, to string
		kind     influenceedge.Kind
		strength int
	}{
		{"Cleo", "Ada", influenceedge.KindINFLUENCES, 5},
		{"Finn", "Ben", influenceedge.KindINFLUENCES, 5},
		{"Eve", "Ben", influenceedge.KindCONFLICTS_WITH, 3},
		{"Dev", "Ada", influenceedge.KindINFLUENCES, 3},
	} {
		c.InfluenceEdge.Create().SetFromID(ids[l.from]).SetToID(ids[l.to]).SetKind(l.kind).SetStrength(l.strength).SaveX(ctx)
	}
	return acc.ID, ids
}

// namesAt lists the stakeholder names at path in each element of the list at list.
func namesAt(d map[string]any, list []any, path ...any) string {
	var names []string
	items, _ := get(d, list...).([]any)
	for _, it := range items {
		names = append(names, fmt.Sprint(get(it, path...)))
	}
	return strings.Join(names, ", ")
}

const insightsQuery = `query($id: ID!) { orgMap(accountID: $id) {
	account { name }
	roots { stakeholder { name } }
	nodes { id managerID depth directReportCount indirectReportCount keyPlayer influenceRank stakeholder { name } relationships { currentLevel desiredLevel user { name } stakeholder { name } } }
	edges { kind fromID toID strength influenceEdgeID }
	hiddenInfluencers { node { stakeholder { name } } reason }
	lowBar: hiddenInfluencers(minGap: 2, minInfluence: 3) { node { stakeholder { name } } }
	keyPlayersNotSupporting { node { stakeholder { name } } reason }
	uncoveredKeyPlayers { node { stakeholder { name } } reason }
	decisionMakersWithoutSupportivePath { node { stakeholder { name } } reason }
	singleThreading { singleThreaded contacts { stakeholder { name } } supporters { stakeholder { name } } reasons }
	health { grade reasons supportiveKeyPlayers { stakeholder { name } } }
	influenceRanking(first: 3) { node { influenceScore stakeholder { name } } reason }
	decisionMakerPaths { stakeholder { name } path { status warmth hops { stakeholder { name } } relationship { user { name } } } } } }`

func TestOrgMapInsights(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		acc, ids := boardroom(t, e, "Boardroom")
		d := e.must(insightsQuery, map[string]any{"id": gid(acc)})
		m := get(d, "orgMap").(map[string]any)
		for _, c := range []struct{ what, got, want string }{
			{"nodes", namesAt(m, []any{"nodes"}, "stakeholder", "name"), "Ada, Ben, Finn, Gus, Cleo, Dev, Eve, Hal"},
			{"roots", namesAt(m, []any{"roots"}, "stakeholder", "name"), "Ada"},
			{"hidden influencers", namesAt(m, []any{"hiddenInfluencers"}, "node", "stakeholder", "name"), "Cleo"},
			{"hidden influencers, lower bar", namesAt(m, []any{"lowBar"}, "node", "stakeholder", "name"), "Cleo, Finn"},
			{"key players not supporting", namesAt(m, []any{"keyPlayersNotSupporting"}, "node", "stakeholder", "name"), "Eve, Dev, Ada"},
			{"uncovered key players", namesAt(m, []any{"uncoveredKeyPlayers"}, "node", "stakeholder", "name"), "Ada, Dev, Eve"},
			{"decision makers without a supportive path", namesAt(m, []any{"decisionMakersWithoutSupportivePath"}, "node", "stakeholder", "name"), "Dev, Hal"},
			{"contacts", namesAt(m, []any{"singleThreading", "contacts"}, "stakeholder", "name"), "Ada, Ben, Cleo, Eve, Hal"},
			{"supporters", namesAt(m, []any{"singleThreading", "supporters"}, "stakeholder", "name"), "Ben, Finn, Cleo"},
			{"health", fmt.Sprintf("%v %v", get(m, "health", "grade"), get(m, "health", "reasons")), "GREEN [Ben, an ASTUTE key player and DECISION_MAKER, is a SUPPORTER.]"},
			{"supportive key players", namesAt(m, []any{"health", "supportiveKeyPlayers"}, "stakeholder", "name"), "Ben, Cleo"},
			{"most influential", fmt.Sprint(get(m, "influenceRanking", 0, "node", "stakeholder", "name")), "Ada"},
			{"decision makers", namesAt(m, []any{"decisionMakerPaths"}, "stakeholder", "name"), "Ben, Ada, Dev, Gus, Hal"},
			{"Ada's path", namesAt(m, []any{"decisionMakerPaths", 1, "path", "hops"}, "stakeholder", "name"), "Ben, Ada"},
			{"Hal's path", namesAt(m, []any{"decisionMakerPaths", 4, "path", "hops"}, "stakeholder", "name"), "Hal"},
		} {
			if c.got != c.want {
				t.Errorf("%s: %q, want %q", c.what, c.got, c.want)
			}
		}
		if got := get(m, "uncoveredKeyPlayers", 1, "reason"); got != "AGILE key player, APPROVER: none of our users has a relationship with them, and our coverage is only NO_CONTACT." {
			t.Errorf("Dev's reason: %q", got)
		}
		if got := get(m, "singleThreading", "singleThreaded"); got != false {
			t.Errorf("single-threaded: %v", got)
		}

		// Nodes carry the tree and our relationships; edges the lines.
		var ben map[string]any
		for _, n := range get(m, "nodes").([]any) {
			if get(n, "id") == gid(ids["Ben"]) {
				ben = n.(map[string]any)
			}
		}
		if ben["managerID"] != gid(ids["Ada"]) || ben["depth"] != 1.0 || ben["directReportCount"] != 2.0 || ben["indirectReportCount"] != 0.0 || ben["keyPlayer"] != true ||
			get(ben, "relationships", 0, "user", "name") != "Maya" || get(ben, "relationships", 0, "currentLevel") != "PROBLEM_SOLVER" ||
			get(ben, "relationships", 0, "stakeholder", "name") != "Ben" {
			t.Errorf("Ben's node: %v", ben)
		}
		if got := get(m, "nodes", 0, "managerID"); got != nil {
			t.Errorf("Ada's managerID %v, want null", got)
		}
		edges := get(m, "edges").([]any)
		if len(edges) != 7+4 {
			t.Fatalf("%d edges, want 7 reporting lines and 4 influence edges", len(edges))
		}
		if e0 := edges[0].(map[string]any); e0["kind"] != "REPORTS_TO" || e0["fromID"] != gid(ids["Ben"]) || e0["toID"] != gid(ids["Ada"]) || e0["strength"] != nil || e0["influenceEdgeID"] != nil {
			t.Errorf("first edge %v, want Ben REPORTS_TO Ada", e0)
		}
		if e7 := edges[7].(map[string]any); e7["kind"] != "INFLUENCES" || e7["fromID"] != gid(ids["Cleo"]) || e7["strength"] != 5.0 || e7["influenceEdgeID"] == nil {
			t.Errorf("first influence edge %v, want Cleo INFLUENCES Ada 5", e7)
		}

		// An account with no stakeholders has an empty, RED map; an unknown ID is NOT_FOUND.
		empty := e.client.Account.Create().SetName("Empty").SaveX(context.Background())
		d = e.must(`query($id: ID!) { orgMap(accountID: $id) { nodes { id } health { grade } singleThreading { singleThreaded } dot mermaid } }`, map[string]any{"id": gid(empty.ID)})
		if len(get(d, "orgMap", "nodes").([]any)) != 0 || get(d, "orgMap", "health", "grade") != "RED" || get(d, "orgMap", "singleThreading", "singleThreaded") != true {
			t.Errorf("empty account: %v", d)
		}
		for _, q := range []string{`query($id: ID!) { orgMap(accountID: $id) { dot } }`, `query($id: ID!) { decisionMakerPaths(accountID: $id) { path { status } } }`} {
			if code, field := e.code(q, map[string]any{"id": gid(ids["Ada"])}); code != "NOT_FOUND" || field != "accountID" {
				t.Errorf("a stakeholder's ID as accountID: %s %s, want NOT_FOUND accountID", code, field)
			}
		}
		if code, field := e.code(`query($id: ID!) { orgMap(accountID: $id) { hiddenInfluencers(minGap: 0) { reason } } }`, map[string]any{"id": gid(acc)}); code != "BAD_USER_INPUT" || field != "minGap" {
			t.Errorf("minGap 0: %s %s, want BAD_USER_INPUT minGap", code, field)
		}
	})
}

const hopsQuery = `query($from: ID!, $to: ID!) { influencePath(fromID: $from, toID: $to) {
	status message warmth supportive hops { stakeholder { name } via { kind strength } reverse warmth } } }`

func TestInfluencePathAnswers(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		_, ids := boardroom(t, e, "Boardroom")
		_, other := boardroom(t, e, "Other")
		path := func(from, to int) map[string]any {
			return get(e.must(hopsQuery, map[string]any{"from": gid(from), "to": gid(to)}), "influencePath").(map[string]any)
		}
		hops := func(p map[string]any) string {
			var s []string
			for _, h := range p["hops"].([]any) {
				step := fmt.Sprint(get(h, "stakeholder", "name"))
				if v := get(h, "via", "kind"); v != nil {
					arrow := "->"
					if get(h, "reverse") == true {
						arrow = "<-"
					}
					step = fmt.Sprintf("%s%s %s", v, arrow, step)
				}
				s = append(s, step)
			}
			return strings.Join(s, " ")
		}

		// Finn (a mentor) sways Ben (a supporter), who reports to Ada: 1 × 1 × 0.9 × 0.7.
		p := path(ids["Finn"], ids["Ada"])
		if p["status"] != "FOUND" || hops(p) != "Finn INFLUENCES-> Ben REPORTS_TO-> Ada" || p["warmth"] != 0.63 || p["supportive"] != true {
			t.Errorf("Finn to Ada: %v %q %v", p["status"], hops(p), p["warmth"])
		}
		// Eve conflicts with Ben: the conflict is never walked, so the way
		// goes up to Dev and Ada (an enemy and a non-supporter passing us on).
		p = path(ids["Eve"], ids["Ben"])
		if hops(p) != "Eve REPORTS_TO-> Dev REPORTS_TO-> Ada REPORTS_TO<- Ben" || p["supportive"] != false {
			t.Errorf("Eve to Ben: %q supportive %v", hops(p), p["supportive"])
		}
		for _, c := range []struct {
			what     string
			from, to int
			status   string
			message  string
		}{
			{"someone to themselves", ids["Gus"], ids["Gus"], "FOUND", "Gus is both ends of the path."},
			{"across accounts", ids["Ada"], other["Ben"], "DIFFERENT_ACCOUNTS", "belong to different accounts; a path stays inside one account's map."},
			{"an unknown from", 999999, ids["Ada"], "UNKNOWN_STAKEHOLDER", "No stakeholder has the ID given as fromID 999999."},
			{"two unknown IDs", 999998, 999999, "UNKNOWN_STAKEHOLDER", "No stakeholder has the ID given as fromID 999998 or toID 999999."},
		} {
			p := path(c.from, c.to)
			if p["status"] != c.status || !strings.Contains(p["message"].(string), c.message) {
				t.Errorf("%s: %v %q, want %s %q", c.what, p["status"], p["message"], c.status, c.message)
			}
		}
		// Cut every line to Cleo but her influence on Ada, which a path
		// walks only from her: nothing leads to her.
		ctx := context.Background()
		e.client.Stakeholder.UpdateOneID(ids["Cleo"]).ClearReportsTo().ExecX(ctx)
		p = path(ids["Ada"], ids["Cleo"])
		if p["status"] != "NO_PATH" || len(p["hops"].([]any)) != 0 || p["warmth"] != 0.0 || !strings.HasPrefix(p["message"].(string), "No path leads from Ada to Cleo") {
			t.Errorf("Ada to Cleo: %v", p)
		}
		if p = path(ids["Cleo"], ids["Ada"]); p["status"] != "FOUND" {
			t.Errorf("Cleo to Ada: %v", p)
		}
	})
}

// demoDay is the day the demo data is loaded for.
var demoDay = time.Date(2026, time.March, 15, 0, 0, 0, 0, time.UTC)

// demoAccount loads the demo data and returns the ID of one of its accounts.
func demoAccount(t *testing.T, e *env, name string) int {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Load(ctx, e.client, demoDay); err != nil {
		t.Fatal(err)
	}
	return e.client.Account.Query().Where(account.Name(name)).OnlyIDX(ctx)
}

// TestOrgMapDemo checks the flagship demo account against a reading of its
// org chart (graph/demo/people.go).
func TestOrgMapDemo(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		acc := demoAccount(t, e, "Northwind Robotics")
		d := e.must(insightsQuery, map[string]any{"id": gid(acc)})
		m := get(d, "orgMap").(map[string]any)
		for _, c := range []struct{ what, got, want string }{
			// Rank 2, influence 5. Zoe Clarke (rank 1, influence 3) has the gap but not the influence.
			{"hidden influencers", namesAt(m, []any{"hiddenInfluencers"}, "node", "stakeholder", "name"), "Olivia Grant, Samuel Osei"},
			// AGILE or ASTUTE, and not MENTOR or SUPPORTER: the enemy, the non-supporters, the neutrals.
			{"key players not supporting", namesAt(m, []any{"keyPlayersNotSupporting"}, "node", "stakeholder", "name"),
				"Victor Hale, Samuel Osei, Ingrid Solberg, Thomas Reed, Carlos Mendes, Helen Zhao, Rafael Ortiz, Ben Carter"},
			// No relationship of ours (Rafael, Thomas, Ben Carter, Samuel, Carlos, Zoe) or brief/no contact (Helen, Ingrid, Victor too).
			{"uncovered key players", namesAt(m, []any{"uncoveredKeyPlayers"}, "node", "stakeholder", "name"),
				"Samuel Osei, Helen Zhao, Ingrid Solberg, Rafael Ortiz, Victor Hale, Ben Carter, Thomas Reed, Carlos Mendes, Zoe Clarke"},
			// Finance: Ingrid is reached only through Helen (neutral) or Victor (enemy); Thomas and Carlos only through her.
			{"decision makers without a supportive path", namesAt(m, []any{"decisionMakersWithoutSupportivePath"}, "node", "stakeholder", "name"),
				"Carlos Mendes, Ingrid Solberg, Thomas Reed"},
			{"health", fmt.Sprintf("%v %v", get(m, "health", "grade"), get(m, "health", "reasons")), "GREEN [Marcus Bell, an ASTUTE key player and DECISION_MAKER, is a SUPPORTER.]"},
			{"roots", namesAt(m, []any{"roots"}, "stakeholder", "name"), "Helen Zhao"},
			{"decision makers and approvers", namesAt(m, []any{"decisionMakerPaths"}, "stakeholder", "name"),
				"Marcus Bell, Carlos Mendes, Helen Zhao, Ingrid Solberg, Thomas Reed"},
			// The warm path of the demo: Maya's mentor Daniel Kim sways Marcus Bell (1 × 1 × 0.8)
			// more warmly than Maya's own problem-solver standing with him (0.75).
			{"path to Marcus Bell", namesAt(m, []any{"decisionMakerPaths", 0, "path", "hops"}, "stakeholder", "name"), "Daniel Kim, Marcus Bell"},
			{"starting from", fmt.Sprint(get(m, "decisionMakerPaths", 0, "path", "relationship", "user", "name")), "Maya Fischer"},
			{"path to Helen Zhao", namesAt(m, []any{"decisionMakerPaths", 2, "path", "hops"}, "stakeholder", "name"), "Daniel Kim, Marcus Bell, Helen Zhao"},
			{"path to Ingrid Solberg", namesAt(m, []any{"decisionMakerPaths", 3, "path", "hops"}, "stakeholder", "name"), "Ingrid Solberg"},
			{"most influential", namesAt(m, []any{"influenceRanking"}, "node", "stakeholder", "name"), "Helen Zhao, Marcus Bell, Olivia Grant"},
		} {
			if c.got != c.want {
				t.Errorf("%s:\n got %q\nwant %q", c.what, c.got, c.want)
			}
		}
		if len(get(m, "nodes").([]any)) != 28 || get(m, "nodes", 0, "depth") != 0.0 {
			t.Errorf("%d nodes", len(get(m, "nodes").([]any)))
		}
		maxDepth := 0.0
		for _, n := range get(m, "nodes").([]any) {
			maxDepth = max(maxDepth, get(n, "depth").(float64))
		}
		if maxDepth != 5 {
			t.Errorf("deepest level %v, want 5 (six levels)", maxDepth)
		}

		drawMap(t, e, acc)

		// Litware rests on Omar's one relationship, with Grace Liu.
		litware := e.client.Account.Query().Where(account.Name("Litware Software")).OnlyIDX(context.Background())
		d = e.must(`query($id: ID!) { orgMap(accountID: $id) { singleThreading { singleThreaded reasons } } }`, map[string]any{"id": gid(litware)})
		if get(d, "orgMap", "singleThreading", "singleThreaded") != true ||
			get(d, "orgMap", "singleThreading", "reasons", 0) != "Only one stakeholder has a relationship with our team: Grace Liu." {
			t.Errorf("Litware: %v", get(d, "orgMap", "singleThreading"))
		}

		// The demo's warm path, asked directly: Daniel Kim sways Marcus Bell.
		people := map[string]int{}
		for _, s := range e.client.Stakeholder.Query().Where(stakeholder.HasAccountWith(account.ID(acc))).AllX(context.Background()) {
			people[s.Name] = s.ID
		}
		p := get(e.must(hopsQuery, map[string]any{"from": gid(people["Daniel Kim"]), "to": gid(people["Marcus Bell"])}), "influencePath")
		if get(p, "status") != "FOUND" || get(p, "hops", 1, "via", "kind") != "INFLUENCES" || get(p, "warmth") != 0.8 {
			t.Errorf("Daniel Kim to Marcus Bell: %v", p)
		}
	})
}

// orgMapScreenWithEdges is orgMapScreen (see orgmap_bench_test.go) with
// edges of the stakeholder records selected too, which entgql must
// eager-load for the whole map at once.
const orgMapScreenWithEdges = `query($id: ID!) { orgMap(accountID: $id) {
	roots { id }
	nodes { id managerID depth directReportCount indirectReportCount keyPlayer influenceScore influenceRank
		stakeholder { name title rank influence politicalStatus support buyingRole coverage
			reportsTo { name } directReports(first: 3) { totalCount edges { node { name } } } }
		relationships { currentLevel desiredLevel user { name } } }
	edges { kind fromID toID strength influenceEdgeID }
	hiddenInfluencers { node { stakeholder { name } } }
	health { grade reasons } } }`

// The org map costs a fixed number of statements, whatever its size: the map
// version (for the answers kept), the account, the stakeholders, the influence
// edges, the relationships with their users and stakeholders (three), and the
// records, plus what entgql runs for the records' edges selected (reportsTo;
// directReports, its page read with its count). A path reads its two ends and their account's
// map version instead of the account. Asked again, before any change to the
// map, the map is not read again, and an answer from the map alone is kept
// whole: it costs the map version only.
func TestOrgMapStatements(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		small, ids := boardroom(t, e, "Boardroom")
		large, err := orgmap.Generate(ctx, e.client, orgmap.GenerateOptions{Name: "Generated", Stakeholders: 80, InfluenceEdges: 200, Relationships: 20, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		_, farther := boardroom(t, e, "Far")
		deepest := e.client.Stakeholder.Query().Where(stakeholder.HasAccountWith(account.ID(large))).Order(ent.Desc(stakeholder.FieldID)).FirstIDX(ctx)
		top := e.client.Stakeholder.Query().Where(stakeholder.HasAccountWith(account.ID(large)), stakeholder.Not(stakeholder.HasReportsTo())).OnlyIDX(ctx)
		// Renaming the accounts to what they are called changes their maps' versions.
		change := func() {
			for _, id := range []int{small, large} {
				a := e.client.Account.GetX(ctx, id)
				a.Update().SetName(a.Name).ExecX(ctx)
			}
		}
		for _, c := range []struct {
			what         string
			query        string
			small, large map[string]any
			want, again  int64
		}{
			{"orgMap", orgMapScreen, map[string]any{"id": gid(small)}, map[string]any{"id": gid(large)}, 8, 1},
			{"orgMap with the records' edges", orgMapScreenWithEdges, map[string]any{"id": gid(small)}, map[string]any{"id": gid(large)}, 9, 4},
			{"orgMap without records", `query($id: ID!) { orgMap(accountID: $id) { nodes { id depth } edges { fromID toID } dot mermaid } }`,
				map[string]any{"id": gid(small)}, map[string]any{"id": gid(large)}, 7, 1},
			{"orgMap in columns", orgMapChart, map[string]any{"id": gid(small)}, map[string]any{"id": gid(large)}, 7, 1},
			{"influencePath", pathQuery, map[string]any{"from": gid(ids["Finn"]), "to": gid(ids["Hal"])}, map[string]any{"from": gid(deepest), "to": gid(top)}, 8, 3},
			{"influencePath with the hops' managers", `query($from: ID!, $to: ID!) { influencePath(fromID: $from, toID: $to) { hops { stakeholder { name reportsTo { name } } } } }`,
				map[string]any{"from": gid(ids["Finn"]), "to": gid(ids["Hal"])}, map[string]any{"from": gid(deepest), "to": gid(top)}, 9, 4},
			{"influencePath across accounts", pathQuery, map[string]any{"from": gid(ids["Finn"]), "to": gid(farther["Hal"])}, map[string]any{"from": gid(deepest), "to": gid(farther["Hal"])}, 1, 1},
			{"decisionMakerPaths", `query($id: ID!) { decisionMakerPaths(accountID: $id) { stakeholder { name } path { hops { stakeholder { name } } relationship { user { name } } } } }`,
				map[string]any{"id": gid(small)}, map[string]any{"id": gid(large)}, 7, 2},
		} {
			change()
			var smallData, largeData map[string]any
			s := e.count(func() { smallData = e.must(c.query, c.small) })
			l := e.count(func() { largeData = e.must(c.query, c.large) })
			s2 := e.count(func() { e.must(c.query, c.small) })
			l2 := e.count(func() { e.must(c.query, c.large) })
			t.Logf("%s: %d statements on the small map, %d on the large one; asked again, %d and %d", c.what, s, l, s2, l2)
			if s != c.want || l != c.want || s2 != c.again || l2 != c.again {
				t.Errorf("%s: %d statements on the small map and %d on the large one, want %d; asked again %d and %d, want %d", c.what, s, l, c.want, s2, l2, c.again)
			}
			if strings.HasPrefix(c.what, "orgMap") && len(fmt.Sprint(largeData)) <= len(fmt.Sprint(smallData)) {
				t.Errorf("%s: the large map's answer is not larger", c.what)
			}
		}
		// The eager-loaded edges are right, not just cheap.
		d := e.must(orgMapScreenWithEdges, map[string]any{"id": gid(small)})
		for _, n := range get(d, "orgMap", "nodes").([]any) {
			name, boss := get(n, "stakeholder", "name"), get(n, "stakeholder", "reportsTo", "name")
			reports := get(n, "stakeholder", "directReports", "totalCount")
			if want := map[any][2]any{"Ada": {nil, 3.0}, "Ben": {"Ada", 2.0}, "Eve": {"Dev", 0.0}}[name]; want != [2]any{} && (boss != want[0] || reports != want[1]) {
				t.Errorf("%s: manager %v and %v reports, want %v", name, boss, reports, want)
			}
		}
	})
}

// TestOrgMapColumns checks that entry i of every column is what nodes[i] or
// edges[i] says, on a map with optional attributes missing and every kind of edge.
func TestOrgMapColumns(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		acc, _ := boardroom(t, e, "Boardroom")
		d := e.must(`query($id: ID!) { orgMap(accountID: $id) {
			nodes { id managerID depth directReportCount indirectReportCount keyPlayer influenceScore influenceRank relationships { id }
				stakeholder { name title rank influence politicalStatus support buyingRole coverage } }
			edges { kind fromID toID strength influenceEdgeID }
			nodeColumns { ids managerIDs names titles ranks influences politicalStatuses supports buyingRoles coverages
				depths directReportCounts indirectReportCounts keyPlayers influenceScores influenceRanks relationshipCounts }
			edgeColumns { kinds fromIDs toIDs strengths influenceEdgeIDs } } }`, map[string]any{"id": gid(acc)})
		check := func(list, columns string, fields map[string][]any) {
			items := get(d, "orgMap", list).([]any)
			for column, path := range fields {
				values, _ := get(d, "orgMap", columns, column).([]any)
				if len(values) != len(items) {
					t.Errorf("%s.%s: %d entries, want %d", columns, column, len(values), len(items))
					continue
				}
				for i, it := range items {
					want := get(it, path...)
					if column == "relationshipCounts" {
						want = float64(len(want.([]any)))
					}
					if values[i] != want {
						t.Errorf("%s.%s[%d] = %v, want %v as %s[%d] says", columns, column, i, values[i], want, list, i)
					}
				}
			}
		}
		check("nodes", "nodeColumns", map[string][]any{
			"ids": {"id"}, "managerIDs": {"managerID"}, "names": {"stakeholder", "name"}, "titles": {"stakeholder", "title"},
			"ranks": {"stakeholder", "rank"}, "influences": {"stakeholder", "influence"}, "politicalStatuses": {"stakeholder", "politicalStatus"},
			"supports": {"stakeholder", "support"}, "buyingRoles": {"stakeholder", "buyingRole"}, "coverages": {"stakeholder", "coverage"},
			"depths": {"depth"}, "directReportCounts": {"directReportCount"}, "indirectReportCounts": {"indirectReportCount"},
			"keyPlayers": {"keyPlayer"}, "influenceScores": {"influenceScore"}, "influenceRanks": {"influenceRank"}, "relationshipCounts": {"relationships"},
		})
		check("edges", "edgeColumns", map[string][]any{
			"kinds": {"kind"}, "fromIDs": {"fromID"}, "toIDs": {"toID"}, "strengths": {"strength"}, "influenceEdgeIDs": {"influenceEdgeID"},
		})
		if kinds := fmt.Sprint(get(d, "orgMap", "edgeColumns", "kinds")); !strings.Contains(kinds, "CONFLICTS_WITH") || !strings.Contains(kinds, "REPORTS_TO") {
			t.Errorf("edge kinds %s, want every kind of the map", kinds)
		}
	})
}

// TestOrgMapPictures renders the DOT of a map whose names need escaping with
// Graphviz, and checks its Mermaid text; TestOrgMapDemo does the same for
// the demo account.
func TestOrgMapPictures(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		odd := e.client.Account.Create().SetName(`Odd "Names", Inc.`).SaveX(ctx)
		boss := e.client.Stakeholder.Create().SetAccountID(odd.ID).SetName(`Ann "The Hammer" O\Neil; 100% sure, really`).
			SetTitle("VP R&D <b>#1</b>\nsecond line").SetPoliticalStatus(stakeholder.PoliticalStatusASTUTE).SaveX(ctx)
		report := e.client.Stakeholder.Create().SetAccountID(odd.ID).SetName("Zoë → Ω {curly} [square] `tick`").SetReportsToID(boss.ID).SaveX(ctx)
		e.client.InfluenceEdge.Create().SetFromID(report.ID).SetToID(boss.ID).SetStrength(5).SaveX(ctx)
		dot := drawMap(t, e, odd.ID)
		if !strings.Contains(dot, `label="Ann \"The Hammer\" O\\Neil; 100% sure, really\nVP R&D <b>#1</b>\nsecond line\n`) {
			t.Errorf("the names were not read back and escaped as written:\n%s", dot)
		}
	})
}

// drawMap asks for the account's DOT and Mermaid, renders the DOT with
// Graphviz, checks the Mermaid, and returns the DOT.
func drawMap(t *testing.T, e *env, account int) string {
	t.Helper()
	d := e.must(`query($id: ID!) { orgMap(accountID: $id) { nodes { id } edges { kind } dot mermaid } }`, map[string]any{"id": gid(account)})
	checkMermaid(t, get(d, "orgMap", "mermaid").(string), len(get(d, "orgMap", "nodes").([]any)), len(get(d, "orgMap", "edges").([]any)))
	dot := get(d, "orgMap", "dot").(string)
	render(t, dot)
	return dot
}

// render runs dot -Tsvg on the text and fails on any error or warning.
func render(t *testing.T, dot string) {
	t.Helper()
	if _, err := exec.LookPath("dot"); err != nil {
		need(t, "Graphviz's dot is not installed: apt-get install -y graphviz")
	}
	cmd := exec.Command("dot", "-Tsvg")
	cmd.Stdin = strings.NewReader(dot)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Fatalf("dot -Tsvg: %v\n%s\n%s", err, stderr.String(), dot)
	}
	if !bytes.Contains(out.Bytes(), []byte("<svg")) {
		t.Fatalf("dot -Tsvg wrote no SVG: %.200s", out.String())
	}
}

var (
	mermaidNode = regexp.MustCompile(`^\ts\d+(\{\{|\[/|\(\[|\[)"[^"\n]*"(\}\}|/\]|\]\)|\]):::(mentor|supporter|neutral|nonSupporter|enemy)$`)
	mermaidEdge = regexp.MustCompile(`^\ts\d+ (---|-->\|"influences \d"\||--x\|"conflicts with \d"\||-\.->\|"informal \d"\|) ?s\d+$`)
)

// checkMermaid checks that the text is a flowchart with one well-formed line
// per node and per edge, and nothing else but class definitions.
func checkMermaid(t *testing.T, text string, nodes, edges int) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if lines[0] != "flowchart TD" {
		t.Errorf("Mermaid starts with %q", lines[0])
	}
	var n, e int
	for _, l := range lines[1:] {
		switch {
		case mermaidNode.MatchString(l):
			n++
		case mermaidEdge.MatchString(l):
			e++
		case !strings.HasPrefix(l, "\tclassDef "):
			t.Errorf("Mermaid line %q is neither a node nor an edge", l)
		}
	}
	if n != nodes || e != edges {
		t.Errorf("Mermaid: %d node lines and %d edge lines, want %d and %d", n, e, nodes, edges)
	}
}

const moveMutation = `mutation($in: MoveStakeholdersInput!) { moveStakeholders(input: $in) {
	stakeholders { name reportsTo { name } } manager { name directReports(first: 10) { totalCount } } } }`

func TestMoveStakeholders(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		_, ids := boardroom(t, e, "Boardroom")
		elsewhere := e.client.Account.Create().SetName("Elsewhere").SaveX(ctx)
		stranger := e.client.Stakeholder.Create().SetAccountID(elsewhere.ID).SetName("Stranger").SaveX(ctx)
		move := func(manager string, people ...string) map[string]any {
			in := map[string]any{"managerID": gid(ids[manager])}
			var ps []string
			for _, p := range people {
				ps = append(ps, gid(ids[p]))
			}
			in["stakeholderIDs"] = ps
			return map[string]any{"in": in}
		}
		managerOf := func(name string) string {
			s := e.client.Stakeholder.GetX(ctx, ids[name])
			boss, err := s.QueryReportsTo().Only(ctx)
			if ent.IsNotFound(err) {
				return ""
			}
			return boss.Name
		}

		// Ben's and Dev's subtrees move under Cleo, their reports with them.
		d := e.must(moveMutation, move("Cleo", "Ben", "Dev"))
		if got := get(d, "moveStakeholders"); fmt.Sprint(got) != "map[manager:map[directReports:map[totalCount:2] name:Cleo] stakeholders:[map[name:Ben reportsTo:map[name:Cleo]] map[name:Dev reportsTo:map[name:Cleo]]]]" {
			t.Errorf("payload %v", got)
		}
		if managerOf("Finn") != "Ben" || managerOf("Ben") != "Cleo" || managerOf("Hal") != "Dev" {
			t.Error("the subtrees did not move whole")
		}

		for _, c := range []struct {
			what        string
			vars        map[string]any
			code, field string
		}{
			{"under one's own report", move("Finn", "Ben"), "BAD_USER_INPUT", "managerID"},
			{"under oneself", move("Gus", "Gus"), "BAD_USER_INPUT", "managerID"},
			// Gus could move under Hal, but Dev cannot: nothing moves.
			{"one of several into a cycle", move("Hal", "Gus", "Dev"), "BAD_USER_INPUT", "managerID"},
			{"under another account's stakeholder", map[string]any{"in": map[string]any{"managerID": gid(stranger.ID), "stakeholderIDs": []string{gid(ids["Gus"])}}}, "BAD_USER_INPUT", "managerID"},
			{"an unknown stakeholder", map[string]any{"in": map[string]any{"managerID": gid(ids["Ada"]), "stakeholderIDs": []string{gid(ids["Gus"]), "999999"}}}, "NOT_FOUND", "stakeholderIDs"},
			{"an unknown manager", map[string]any{"in": map[string]any{"managerID": "999999", "stakeholderIDs": []string{gid(ids["Gus"])}}}, "NOT_FOUND", "managerID"},
			{"nobody", map[string]any{"in": map[string]any{"managerID": gid(ids["Ada"]), "stakeholderIDs": []string{}}}, "BAD_USER_INPUT", "stakeholderIDs"},
		} {
			code, field := e.code(moveMutation, c.vars)
			if code != c.code || field != c.field {
				t.Errorf("%s: %s %s, want %s %s", c.what, code, field, c.code, c.field)
			}
		}
		if managerOf("Gus") != "Ben" || managerOf("Dev") != "Cleo" {
			t.Errorf("a refused move changed something: Gus under %s, Dev under %s", managerOf("Gus"), managerOf("Dev"))
		}

		// Refusing a cycle walks up from the new manager one statement per
		// level: fine for a deep chain too. PostgreSQL first finds the
		// account of the moved stakeholders and locks it: 3 statements more.
		limit := int64(40)
		if e.driver.Dialect() == dialect.Postgres {
			limit += 3
		}
		chainAccount := e.client.Account.Create().SetName("Chain").SaveX(ctx)
		chain := make([]int, 21)
		for i := range chain {
			create := e.client.Stakeholder.Create().SetAccountID(chainAccount.ID).SetName(fmt.Sprintf("Level %02d", i))
			if i > 0 {
				create.SetReportsToID(chain[i-1])
			}
			chain[i] = create.SaveX(ctx).ID
		}
		vars := func(manager int, people ...int) map[string]any {
			var ps []string
			for _, p := range people {
				ps = append(ps, gid(p))
			}
			return map[string]any{"in": map[string]any{"managerID": gid(manager), "stakeholderIDs": ps}}
		}
		start := time.Now()
		var code, field string
		n := e.count(func() { code, field = e.code(moveMutation, vars(chain[20], chain[1])) })
		t.Logf("refusing a move 20 levels deep: %d statements, %v", n, time.Since(start))
		if code != "BAD_USER_INPUT" || field != "managerID" || n > limit {
			t.Errorf("moving level 1 under level 20: %s %s in %d statements, want BAD_USER_INPUT managerID in at most %d", code, field, n, limit)
		}
		// Someone from outside the chain moves under its deepest level.
		side := e.client.Stakeholder.Create().SetAccountID(chainAccount.ID).SetName("Side").SaveX(ctx)
		start = time.Now()
		n = e.count(func() { e.must(moveMutation, vars(chain[20], side.ID)) })
		t.Logf("a move under someone 20 levels deep: %d statements, %v", n, time.Since(start))
		if n > limit {
			t.Errorf("a move under someone 20 levels deep: %d statements, want at most %d", n, limit)
		}
	})
}
