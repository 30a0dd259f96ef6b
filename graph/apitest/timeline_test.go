package apitest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// The org map, a stakeholder and the plan as a client records them as it
// edits, and as asOf rebuilds them.
const (
	mapNow    = `query($a: ID!) { orgMap(accountID: $a) { ` + mapFields + ` } }`
	mapAt     = `query($a: ID!, $t: Time) { orgMap(accountID: $a, asOf: $t) { ` + mapFields + ` } }`
	mapFields = `nodes { id managerID depth keyPlayer influenceRank relationships { id currentLevel user { id } }
		stakeholder { name title support politicalStatus buyingRole } }
		edges { kind fromID toID strength influenceEdgeID }
		keyPlayersNotSupporting { node { id } reason } uncoveredKeyPlayers { node { id } reason }
		decisionMakersWithoutSupportivePath { node { id } reason }
		health { grade reasons } decisionMakerPaths { stakeholder { id } path { warmth hops { stakeholder { id } } } } mermaid`
	personNow = `query($id: ID!) { node(id: $id) { ... on Stakeholder { id name title support reportsTo { id } } } }`
	personAt  = `query($id: ID!, $t: Time!) { nodeAsOf(id: $id, asOf: $t) { ... on Stakeholder { id name title support reportsTo { id } } } }`
	planNow   = `query($p: ID!) { node(id: $p) { ... on AccountPlan { name status
		goals(first: 20) { edges { node { id title target objectives(first: 20) { edges { node { id title status
			kpis(first: 20) { edges { node { id name currentValue target } } }
			actionItems(first: 20) { edges { node { id title status dueAt } } } } } } } } }
		actionItems(first: 20) { edges { node { id title status } } } } } }`
	planAt = `query($p: ID!, $t: Time!) { planAsOf(planID: $p, asOf: $t) { plan { name status }
		goals { goal { id title target } objectives { objective { id title status }
			kpis { id name currentValue target } actionItems { id title status dueAt } } }
		actionItems { id title status } } }`
)

// planLines flattens a plan, read either way, to comparable lines.
func planLines(t *testing.T, plan any, asOf bool) []string {
	t.Helper()
	list := func(v any, path ...any) []any {
		x := get(v, path...)
		if !asOf {
			var out []any
			for _, e := range get(x, "edges").([]any) {
				out = append(out, get(e, "node"))
			}
			return out
		}
		l, _ := x.([]any)
		return l
	}
	line := func(kind string, v any) string { return kind + " " + fmt.Sprint(asJSON(v)) }
	var out []string
	if asOf {
		out = append(out, line("plan", get(plan, "plan")))
		for _, g := range list(plan, "goals") {
			out = append(out, line("goal", get(g, "goal")))
			for _, o := range list(g, "objectives") {
				obj := get(o, "objective")
				out = append(out, line("objective", obj))
				for _, k := range list(o, "kpis") {
					out = append(out, line("kpi "+get(obj, "id").(string), k))
				}
				for _, it := range list(o, "actionItems") {
					out = append(out, line("item "+get(obj, "id").(string), it))
				}
			}
		}
	} else {
		out = append(out, line("plan", map[string]any{"name": get(plan, "name"), "status": get(plan, "status")}))
		for _, g := range list(plan, "goals") {
			out = append(out, line("goal", map[string]any{"id": get(g, "id"), "title": get(g, "title"), "target": get(g, "target")}))
			for _, o := range list(g, "objectives") {
				out = append(out, line("objective", map[string]any{"id": get(o, "id"), "title": get(o, "title"), "status": get(o, "status")}))
				for _, k := range list(o, "kpis") {
					out = append(out, line("kpi "+get(o, "id").(string), k))
				}
				for _, it := range list(o, "actionItems") {
					out = append(out, line("item "+get(o, "id").(string), it))
				}
			}
		}
	}
	for _, it := range list(plan, "actionItems") {
		out = append(out, line("plan item", it))
	}
	slices.Sort(out)
	return out
}

// TestAsOf: random timed edits of a plan and an org map (creations,
// updates, moves, deletions), with the map, a stakeholder and the plan
// recorded after each; asked asOf each of those times, the API answers what
// was recorded then.
func TestAsOf(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		p := newParents(t, e)
		rng := rand.New(rand.NewPCG(17, 4))
		people := []string{p.manager, p.stakeholder}
		var edges, goals, objectives, kpis, items []string
		related := map[string]bool{}
		id := func(r map[string]any, path ...any) string { return get(r, path...).(string) }
		pick := func(l []string) string { return l[rng.IntN(len(l))] }
		remove := func(l []string, x string) []string {
			return slices.DeleteFunc(l, func(y string) bool { return y == x })
		}
		supports := []string{"MENTOR", "SUPPORTER", "NEUTRAL", "NON_SUPPORTER", "ENEMY"}
		statuses := []string{"NAIVE", "OBSERVER", "AGILE", "ASTUTE"}

		type snapshot struct {
			at             time.Time
			orgMap, person any
			plan           []string
		}
		var snaps []snapshot
		take := func() {
			s := snapshot{
				orgMap: get(e.must(mapNow, map[string]any{"a": p.account}), "orgMap"),
				person: get(e.must(personNow, map[string]any{"id": p.stakeholder}), "node"),
				plan:   planLines(t, get(e.must(planNow, map[string]any{"p": p.plan}), "node"), false),
			}
			s.at = time.Now().UTC()
			snaps = append(snaps, s)
			time.Sleep(2 * time.Millisecond) // the next change is recorded after this time
		}
		take()
		ran := map[int]int{}
		for i := range 60 {
			op := rng.IntN(12)
			ran[op]++
			switch {
			case op == 0 || len(people) < 3:
				r := e.must(`mutation($a: ID!, $m: ID, $n: String!, $s: StakeholderSupport, $ps: StakeholderPoliticalStatus) {
					createStakeholder(input: {accountID: $a, reportsToID: $m, name: $n, support: $s, politicalStatus: $ps, buyingRole: DECISION_MAKER, influence: 4}) { id } }`,
					map[string]any{"a": p.account, "m": pick(people), "n": fmt.Sprint("Person ", i), "s": pick(supports), "ps": pick(statuses)})
				people = append(people, id(r, "createStakeholder", "id"))
			case op == 1:
				e.must(`mutation($id: ID!, $s: StakeholderSupport, $ps: StakeholderPoliticalStatus, $t: String) {
					updateStakeholder(id: $id, input: {support: $s, politicalStatus: $ps, title: $t}) { id } }`,
					map[string]any{"id": pick(people), "s": pick(supports), "ps": pick(statuses), "t": fmt.Sprint("Title ", i)})
			case op == 2:
				// A move that would make a cycle is refused and changes nothing.
				e.do(`mutation($ids: [ID!]!, $m: ID!) { moveStakeholders(input: {stakeholderIDs: $ids, managerID: $m}) { manager { id } } }`,
					map[string]any{"ids": []string{pick(people)}, "m": pick(people)})
			case op == 3:
				gone := pick(people[1:]) // the manager stays, so that the map never empties
				e.must(`mutation($id: ID!) { deleteStakeholder(id: $id) }`, map[string]any{"id": gone})
				people = remove(people, gone)
				edges = nil // an edge may have gone with them; only new ones are deleted below
			case op == 4:
				from, to := pick(people), pick(people)
				if from == to {
					continue
				}
				r := e.do(`mutation($f: ID!, $t: ID!, $s: Int) { createInfluenceEdge(input: {fromID: $f, toID: $t, kind: INFLUENCES, strength: $s}) { id } }`,
					map[string]any{"f": from, "t": to, "s": 1 + rng.IntN(5)})
				if len(r.Errors) == 0 {
					edges = append(edges, id(r.Data, "createInfluenceEdge", "id"))
				}
			case op == 5 && len(edges) > 0:
				gone := pick(edges)
				e.must(`mutation($id: ID!) { deleteInfluenceEdge(id: $id) }`, map[string]any{"id": gone})
				edges = remove(edges, gone)
			case op == 6:
				s := pick(people)
				if related[s] {
					continue
				}
				related[s] = true
				e.must(`mutation($u: ID!, $s: ID!) { createRelationship(input: {userID: $u, stakeholderID: $s, currentLevel: TRUSTED_ADVISOR}) { id } }`,
					map[string]any{"u": p.user, "s": s})
			case op == 7:
				r := e.must(`mutation($p: ID!, $t: String!) { createGoal(input: {planID: $p, title: $t, target: "100"}) { id } }`,
					map[string]any{"p": p.plan, "t": fmt.Sprint("Goal ", i)})
				goals = append(goals, id(r, "createGoal", "id"))
				r = e.must(`mutation($g: ID!, $t: String!) { createObjective(input: {goalID: $g, title: $t}) { id } }`,
					map[string]any{"g": goals[len(goals)-1], "t": fmt.Sprint("Objective ", i)})
				objectives = append(objectives, id(r, "createObjective", "id"))
			case op == 8 && len(objectives) > 0:
				o := pick(objectives)
				r := e.must(`mutation($o: ID!, $n: String!) { createKPI(input: {objectiveID: $o, name: $n, target: "10", currentValue: "1"}) { id } }`,
					map[string]any{"o": o, "n": fmt.Sprint("KPI ", i)})
				kpis = append(kpis, id(r, "createKPI", "id"))
				r = e.must(`mutation($p: ID!, $o: ID!, $t: String!, $d: Time) { createActionItem(input: {planID: $p, objectiveID: $o, title: $t, dueAt: $d}) { id } }`,
					map[string]any{"p": p.plan, "o": o, "t": fmt.Sprint("Item ", i), "d": "2027-02-01T00:00:00Z"})
				items = append(items, id(r, "createActionItem", "id"))
			case op == 9 && len(kpis) > 0:
				e.must(`mutation($id: ID!, $v: Decimal) { updateKPI(id: $id, input: {currentValue: $v}) { id } }`, map[string]any{"id": pick(kpis), "v": fmt.Sprint(i)})
				if len(items) > 0 {
					e.must(`mutation($id: ID!) { updateActionItem(id: $id, input: {status: DONE}) { id } }`, map[string]any{"id": pick(items)})
				}
			case op == 10 && len(goals) > 0:
				// Deleting a goal deletes its objectives, their KPIs and action items.
				e.must(`mutation($id: ID!) { deleteGoal(id: $id) }`, map[string]any{"id": goals[0]})
				// The objectives of the goals left are not picked again: only new ones are.
				goals, objectives, kpis, items = goals[1:], nil, nil, nil
			case op == 11:
				e.must(`mutation($id: ID!, $t: String!) { updateGoal(id: $id, input: {title: $t}) { id } }`, map[string]any{"id": p.goal, "t": fmt.Sprint("Goal title ", i)})
			default:
				continue
			}
			take()
		}
		t.Logf("operations: %v", ran)
		if len(snaps) < 20 {
			t.Fatalf("only %d snapshots", len(snaps))
		}
		for i, s := range snaps {
			at := s.at.Format(time.RFC3339Nano)
			if got := get(e.must(mapAt, map[string]any{"a": p.account, "t": at}), "orgMap"); !sameJSON(got, s.orgMap) {
				t.Fatalf("orgMap as of step %d:\n%v\nwant\n%v", i, asJSON(got), asJSON(s.orgMap))
			}
			if got := get(e.must(personAt, map[string]any{"id": p.stakeholder, "t": at}), "nodeAsOf"); !sameJSON(got, s.person) {
				t.Fatalf("node as of step %d: %v, want %v", i, asJSON(got), asJSON(s.person))
			}
			if got := planLines(t, get(e.must(planAt, map[string]any{"p": p.plan, "t": at}), "planAsOf"), true); !slices.Equal(got, s.plan) {
				t.Fatalf("plan as of step %d:\n%v\nwant\n%v", i, got, s.plan)
			}
		}
		// Before the account existed there is no history to rebuild from.
		if code, field := e.code(mapAt, map[string]any{"a": p.account, "t": "2001-01-01T00:00:00Z"}); code != "BAD_USER_INPUT" || field != "asOf" {
			t.Errorf("orgMap before the history: %s %s", code, field)
		}
	})
}

// TestNodeAsOfDeleted: a record deleted since is rebuilt by nodeAsOf from the
// values its deletion recorded, its createdAt, updatedAt and version included
// (it used to panic on the record read now, a typed nil, and then to answer
// null for its createdAt); after its deletion the ID names nothing, as for node.
func TestNodeAsOfDeleted(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		p := newParents(t, e)
		id := get(e.must(`mutation($a: ID!) { createStakeholder(input: {accountID: $a, name: "Kim Ode", title: "CFO"}) { id } }`,
			map[string]any{"a": p.account}), "createStakeholder", "id")
		e.must(`mutation($id: ID!) { updateStakeholder(id: $id, input: {title: "COO", support: MENTOR}) { id } }`, map[string]any{"id": id})
		const fields = `id ... on Stakeholder { name title support createdAt updatedAt version }`
		want := get(e.must(`query($id: ID!) { node(id: $id) { `+fields+` } }`, map[string]any{"id": id}), "node")
		before := time.Now().UTC().Format(time.RFC3339Nano)
		time.Sleep(2 * time.Millisecond)
		e.must(`mutation($id: ID!) { deleteStakeholder(id: $id) }`, map[string]any{"id": id})
		after := time.Now().UTC().Format(time.RFC3339Nano)
		const q = `query($id: ID!, $t: Time!) { nodeAsOf(id: $id, asOf: $t) { ` + fields + ` } }`
		if got := get(e.must(q, map[string]any{"id": id, "t": before}), "nodeAsOf"); !sameJSON(got, want) {
			t.Errorf("before the deletion: %v, want %v", asJSON(got), asJSON(want))
		}
		// After it, as for node, the ID names nothing.
		if code, _ := e.code(q, map[string]any{"id": id, "t": after}); code != "NOT_FOUND" {
			t.Errorf("after the deletion: %s, want NOT_FOUND", code)
		}
	})
}

// TestAsOfReviewHistory: a review's heldAt, its attendees cleared and the
// attendees of a review deleted since are in the history, so that a review
// and the tier table's rules then are as they were: the history used to
// leave out heldAt (shown by hand, not by its ent type) and the IDs of a
// cleared or deleted review's attendees, and to record as removed an
// attendee who was not there.
func TestAsOfReviewHistory(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		p := newParents(t, e)
		user := func(name, seniority string) string {
			return get(e.must(`mutation($n: String!, $e: String!, $s: UserSeniority) { createUser(input: {name: $n, email: $e, seniority: $s}) { id } }`,
				map[string]any{"n": name, "e": name + "@example.com", "s": seniority}), "createUser", "id").(string)
		}
		exec, vp := user("exec", "EXECUTIVE"), user("vp", "VP")
		e.must(`mutation($id: ID!) { updateAccountPlan(id: $id, input: {periodStart: "2026-01-01T00:00:00Z"}) { id } }`, map[string]any{"id": p.plan})
		held := time.Now().UTC().AddDate(0, 0, -10).Truncate(time.Second)
		r := get(e.must(`mutation($a: ID!, $p: ID!, $h: Time!, $u: [ID!]) { createReview(input: {accountID: $a, planID: $p, kind: QBR, status: HELD, heldAt: $h, attendeeIDs: $u}) { id } }`,
			map[string]any{"a": p.account, "p": p.plan, "h": held.Format(time.RFC3339), "u": []string{exec, vp}}), "createReview", "id").(string)
		now := func() string {
			s := time.Now().UTC().Format(time.RFC3339Nano)
			time.Sleep(2 * time.Millisecond)
			return s
		}
		kept := now()
		e.must(`mutation($id: ID!, $h: Time!) { updateReview(id: $id, input: {heldAt: $h}) { id } }`,
			map[string]any{"id": r, "h": held.AddDate(0, 0, -100).Format(time.RFC3339)})
		moved := now()
		e.must(`mutation($id: ID!) { updateReview(id: $id, input: {clearAttendees: true}) { id } }`, map[string]any{"id": r})
		e.must(`mutation($id: ID!, $u: [ID!]) { updateReview(id: $id, input: {addAttendeeIDs: $u}) { id } }`, map[string]any{"id": r, "u": []string{vp}})
		cleared := now()
		// Taking off someone who is not there, or adding someone who is, changes nothing.
		e.must(`mutation($id: ID!, $x: [ID!], $v: [ID!]) { updateReview(id: $id, input: {removeAttendeeIDs: $x, addAttendeeIDs: $v}) { id } }`,
			map[string]any{"id": r, "x": []string{exec}, "v": []string{vp}})
		e.must(`mutation($id: ID!) { deleteReview(id: $id) }`, map[string]any{"id": r})

		const heldAt = `query($id: ID!, $t: Time!) { nodeAsOf(id: $id, asOf: $t) { ... on Review { heldAt } } }`
		if got := get(e.must(heldAt, map[string]any{"id": r, "t": kept}), "nodeAsOf", "heldAt"); got != held.Format(time.RFC3339) {
			t.Errorf("heldAt before it moved: %v, want %s", got, held.Format(time.RFC3339))
		}
		const tier = `query($p: ID!, $t: Time!) { planAsOf(planID: $p, asOf: $t) { health { findings { rule message } } } }`
		rules := func(at string) []string {
			var out []string
			for _, f := range get(e.must(tier, map[string]any{"p": p.plan, "t": at}), "planAsOf", "health", "findings").([]any) {
				r := get(f, "rule").(string)
				if strings.HasPrefix(r, "TIER1") && !strings.Contains(get(f, "message").(string), "had no executive leadership among") {
					r += " (not the executive alone missing)"
				}
				if strings.HasPrefix(r, "TIER") {
					out = append(out, r)
				}
			}
			return out
		}
		for _, c := range []struct {
			at   string
			want []string
		}{
			{kept, nil},                              // a QBR 10 days ago with an executive and a VP
			{moved, []string{"TIER_REVIEW_CADENCE"}}, // held 110 days ago
			{cleared, []string{"TIER_REVIEW_CADENCE", "TIER1_REVIEW_WITHOUT_LEADERSHIP"}}, // and a VP alone
		} {
			if got := rules(c.at); !slices.Equal(got, c.want) {
				t.Errorf("tier findings at %s: %v, want %v", c.at, got, c.want)
			}
		}
	})
}

// TestHealthHeldByNow: a review recorded HELD at a time still to come counts
// for no rule until then, in the plan's health now as in planAsOf's (which
// counts the reviews held by its time): it used to satisfy the cadences and
// be judged as the latest tier review now.
func TestHealthHeldByNow(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		p := newParents(t, e)
		e.must(`mutation($id: ID!) { updateAccountPlan(id: $id, input: {periodStart: "2026-01-01T00:00:00Z"}) { id } }`, map[string]any{"id": p.plan})
		e.must(`mutation($a: ID!, $p: ID!, $h: Time!) { createReview(input: {accountID: $a, planID: $p, kind: QBR, status: HELD, heldAt: $h}) { id } }`,
			map[string]any{"a": p.account, "p": p.plan, "h": time.Now().UTC().AddDate(0, 2, 0).Format(time.RFC3339)})
		rules := func(findings any) []string {
			var out []string
			for _, f := range findings.([]any) {
				out = append(out, get(f, "rule").(string))
			}
			slices.Sort(out)
			return out
		}
		r := e.must(`query($p: ID!, $t: Time!) { node(id: $p) { ... on AccountPlan { health { findings { rule } } } }
			planAsOf(planID: $p, asOf: $t) { health { findings { rule } } } }`, map[string]any{"p": p.plan, "t": time.Now().UTC().Format(time.RFC3339Nano)})
		now, then := rules(get(r, "node", "health", "findings")), rules(get(r, "planAsOf", "health", "findings"))
		if !slices.Equal(now, then) || !slices.Contains(now, "TIER_REVIEW_CADENCE") || !slices.Contains(now, "REVIEW_OVERDUE") || slices.Contains(now, "TIER1_REVIEW_WITHOUT_LEADERSHIP") {
			t.Errorf("health now %v, planAsOf now %v; want both with the cadences missed and no tier 1 finding", now, then)
		}
	})
}

// TestAsOfLinks: the single links of a record rebuilt as it was (a
// stakeholder's manager, an action item's objective, a deleted stakeholder's
// account) answer the records then, under nodeAsOf, orgMap and planAsOf:
// they used to be read as they are now, the manager of today, and a
// deleted stakeholder's account answered NOT_FOUND, nulling the whole map.
func TestAsOfLinks(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		p := newParents(t, e)
		mk := func(name string, manager any) string {
			return get(e.must(`mutation($a: ID!, $n: String!, $m: ID) { createStakeholder(input: {accountID: $a, name: $n, reportsToID: $m}) { id } }`,
				map[string]any{"a": p.account, "n": name, "m": manager}), "createStakeholder", "id").(string)
		}
		boss, other := mk("Boss", nil), mk("Other", nil)
		report, gone := mk("Report", boss), mk("Gone", boss)
		obj2 := get(e.must(`mutation($g: ID!) { createObjective(input: {goalID: $g, title: "Second"}) { id } }`, map[string]any{"g": p.goal}), "createObjective", "id")
		item := get(e.must(`mutation($p: ID!, $o: ID!) { createActionItem(input: {planID: $p, objectiveID: $o, title: "Call"}) { id } }`,
			map[string]any{"p": p.plan, "o": p.objective}), "createActionItem", "id")
		at := time.Now().UTC().Format(time.RFC3339Nano)
		time.Sleep(2 * time.Millisecond)
		e.must(`mutation($id: ID!, $m: ID!) { updateStakeholder(id: $id, input: {reportsToID: $m}) { id } }`, map[string]any{"id": report, "m": other})
		e.must(`mutation($id: ID!) { deleteStakeholder(id: $id) }`, map[string]any{"id": gone})
		e.must(`mutation($id: ID!, $o: ID!) { updateActionItem(id: $id, input: {objectiveID: $o}) { id } }`, map[string]any{"id": item, "o": obj2})

		manager := func(v any) any { return get(v, "reportsTo", "id") }
		if got := manager(get(e.must(`query($id: ID!, $t: Time!) { nodeAsOf(id: $id, asOf: $t) { ... on Stakeholder { reportsTo { id } } } }`,
			map[string]any{"id": report, "t": at}), "nodeAsOf")); got != boss {
			t.Errorf("nodeAsOf: reported to %v, want %s", got, boss)
		}
		for _, n := range get(e.must(`query($a: ID!, $t: Time) { orgMap(accountID: $a, asOf: $t) { nodes { id stakeholder { account { id } reportsTo { id } } } } }`,
			map[string]any{"a": p.account, "t": at}), "orgMap", "nodes").([]any) {
			if id := get(n, "id"); (id == report || id == gone) && manager(get(n, "stakeholder")) != boss {
				t.Errorf("orgMap: %v reported to %v, want %s", id, manager(get(n, "stakeholder")), boss)
			}
			if got := get(n, "stakeholder", "account", "id"); got != p.account {
				t.Errorf("orgMap: %v of account %v", get(n, "id"), got)
			}
		}
		for _, it := range get(e.must(`query($p: ID!, $t: Time!) { planAsOf(planID: $p, asOf: $t) { actionItems { id objective { id } } } }`,
			map[string]any{"p": p.plan, "t": at}), "planAsOf", "actionItems").([]any) {
			if get(it, "id") == item && get(it, "objective", "id") != p.objective {
				t.Errorf("planAsOf: the item's objective %v, want %s", get(it, "objective", "id"), p.objective)
			}
		}
	})
}
