package apitest

import (
	"slices"
	"testing"
	"time"
)

// TestDiffs: between a review and now, planDiff lists the records added,
// removed and changed, the KPI that moved toward its target, the action item
// completed and the one whose due date slipped, and the finding opened;
// orgMapDiff lists who joined, left and moved, the support and
// political-status changes, the key player gained and the decision makers'
// path warmth then and now.
func TestDiffs(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		p := newParents(t, e)
		id := func(r map[string]any, path ...any) string { return get(r, path...).(string) }
		// The state at the review.
		kpi := id(e.must(`mutation($o: ID!) { createKPI(input: {objectiveID: $o, name: "Pipeline", target: "10", currentValue: "2"}) { id } }`,
			map[string]any{"o": p.objective}), "createKPI", "id")
		done := id(e.must(`mutation($p: ID!) { createActionItem(input: {planID: $p, title: "Send the proposal", dueAt: "2030-01-01T00:00:00Z"}) { id } }`,
			map[string]any{"p": p.plan}), "createActionItem", "id")
		slipped := id(e.must(`mutation($p: ID!) { createActionItem(input: {planID: $p, title: "Book the workshop", dueAt: "2030-01-01T00:00:00Z"}) { id } }`,
			map[string]any{"p": p.plan}), "createActionItem", "id")
		leaver := id(e.must(`mutation($a: ID!, $m: ID!) { createStakeholder(input: {accountID: $a, reportsToID: $m, name: "Lee Park"}) { id } }`,
			map[string]any{"a": p.account, "m": p.manager}), "createStakeholder", "id")
		e.must(`mutation($u: ID!, $s: ID!) { createRelationship(input: {userID: $u, stakeholderID: $s, currentLevel: TRUSTED_ADVISOR}) { id } }`,
			map[string]any{"u": p.user, "s": p.stakeholder})
		e.must(`mutation($id: ID!) { updateStakeholder(id: $id, input: {buyingRole: DECISION_MAKER}) { id } }`, map[string]any{"id": p.manager})
		time.Sleep(2 * time.Millisecond)
		heldAt := time.Now().UTC().Format(time.RFC3339Nano)
		review := id(e.must(`mutation($p: ID!, $t: Time!) { createReview(input: {planID: $p, heldAt: $t}) { id } }`,
			map[string]any{"p": p.plan, "t": heldAt}), "createReview", "id")
		time.Sleep(2 * time.Millisecond)

		// What happens until now.
		goal := id(e.must(`mutation($p: ID!) { createGoal(input: {planID: $p, title: "Win the renewal"}) { id } }`, map[string]any{"p": p.plan}), "createGoal", "id")
		e.must(`mutation($g: ID!) { createObjective(input: {goalID: $g, title: "Map the buying committee"}) { id } }`, map[string]any{"g": goal})
		e.must(`mutation($id: ID!) { updateGoal(id: $id, input: {title: "Grow by $600K"}) { id } }`, map[string]any{"id": p.goal})
		e.must(`mutation($id: ID!) { updateKPI(id: $id, input: {currentValue: "7"}) { id } }`, map[string]any{"id": kpi})
		e.must(`mutation($id: ID!) { updateActionItem(id: $id, input: {status: DONE}) { id } }`, map[string]any{"id": done})
		e.must(`mutation($id: ID!) { updateActionItem(id: $id, input: {dueAt: "2030-03-01T00:00:00Z"}) { id } }`, map[string]any{"id": slipped})
		joiner := id(e.must(`mutation($a: ID!) { createStakeholder(input: {accountID: $a, name: "Kim Doe", politicalStatus: ASTUTE}) { id } }`,
			map[string]any{"a": p.account}), "createStakeholder", "id")
		e.must(`mutation($id: ID!) { deleteStakeholder(id: $id) }`, map[string]any{"id": leaver})
		e.must(`mutation($ids: [ID!]!, $m: ID!) { moveStakeholders(input: {stakeholderIDs: $ids, managerID: $m}) { manager { id } } }`,
			map[string]any{"ids": []string{p.stakeholder}, "m": joiner})
		e.must(`mutation($id: ID!) { updateStakeholder(id: $id, input: {support: MENTOR, politicalStatus: AGILE}) { id } }`, map[string]any{"id": p.manager})
		now := time.Now().UTC().Format(time.RFC3339Nano)

		plan := get(e.must(`query($p: ID!, $r: ID!, $t: Time!) { planDiff(planID: $p, from: {reviewID: $r}, to: {at: $t}) {
			added { type title } removed { type title } changed { type title fields { field old new } }
			kpis { kpi { id } from to target towardTarget } actionItemsCompleted { id } actionItemsSlipped { actionItem { id } reason }
			healthFrom healthTo findingsOpened { rule } findingsResolved { rule } } }`,
			map[string]any{"p": p.plan, "r": review, "t": now}), "planDiff")
		want := map[string]any{
			"added":   []any{map[string]any{"type": "Goal", "title": "Win the renewal"}, map[string]any{"type": "Objective", "title": "Map the buying committee"}},
			"removed": []any{},
			"changed": []any{
				map[string]any{"type": "Goal", "title": "Grow by $600K", "fields": []any{map[string]any{"field": "title", "old": "Grow the account by $500K in 12 months", "new": "Grow by $600K"}}},
				map[string]any{"type": "KPI", "title": "Pipeline", "fields": []any{map[string]any{"field": "currentValue", "old": "2", "new": "7"}}},
				map[string]any{"type": "ActionItem", "title": "Send the proposal", "fields": get(plan, "changed", 2, "fields")},
				map[string]any{"type": "ActionItem", "title": "Book the workshop", "fields": []any{map[string]any{"field": "dueAt", "old": "2030-01-01T00:00:00Z", "new": "2030-03-01T00:00:00Z"}}},
			},
			"kpis":                 []any{map[string]any{"kpi": map[string]any{"id": kpi}, "from": "2", "to": "7", "target": "10", "towardTarget": true}},
			"actionItemsCompleted": []any{map[string]any{"id": done}},
			"actionItemsSlipped":   []any{map[string]any{"actionItem": map[string]any{"id": slipped}, "reason": "its due date moved from 2030-01-01 to 2030-03-01"}},
			"healthFrom":           get(plan, "healthFrom"), "healthTo": get(plan, "healthTo"),
			// The review, recorded after its heldAt, is there at to only: the STRATEGIC account's QBR had no executive or VP.
			"findingsOpened":   []any{map[string]any{"rule": "OBJECTIVE_WITHOUT_KPI"}, map[string]any{"rule": "TIER1_REVIEW_WITHOUT_LEADERSHIP"}},
			"findingsResolved": []any{},
		}
		if !sameJSON(plan, want) {
			t.Errorf("planDiff = %v\nwant %v", asJSON(plan), asJSON(want))
		}

		m := get(e.must(`query($a: ID!, $r: ID!, $t: Time!) { orgMapDiff(accountID: $a, from: {reviewID: $r}, to: {at: $t}) {
			joined { id } left { id } moved { node { id } managerFrom { id } managerTo { id } }
			supportChanges { node { id } from to } politicalStatusChanges { node { id } from to }
			keyPlayersGained { id } keyPlayersLost { id } healthFrom { grade } healthTo { grade }
			decisionMakers { node { id } from to } } }`,
			map[string]any{"a": p.account, "r": review, "t": now}), "orgMapDiff")
		node := func(id string) map[string]any { return map[string]any{"id": id} }
		wantMap := map[string]any{
			"joined": []any{node(joiner)}, "left": []any{node(leaver)},
			"moved":                  []any{map[string]any{"node": node(p.stakeholder), "managerFrom": node(p.manager), "managerTo": node(joiner)}},
			"supportChanges":         []any{map[string]any{"node": node(p.manager), "from": "NEUTRAL", "to": "MENTOR"}},
			"politicalStatusChanges": []any{map[string]any{"node": node(p.manager), "from": "", "to": "AGILE"}},
			"keyPlayersGained":       []any{node(joiner), node(p.manager)},
			"keyPlayersLost":         []any{},
			"healthFrom":             map[string]any{"grade": "RED"}, "healthTo": map[string]any{"grade": "GREEN"},
			"decisionMakers": []any{map[string]any{"node": node(p.manager), "from": get(m, "decisionMakers", 0, "from"), "to": get(m, "decisionMakers", 0, "to")}},
		}
		if !sameJSON(m, wantMap) {
			t.Errorf("orgMapDiff = %v\nwant %v", asJSON(m), asJSON(wantMap))
		}
		if w, _ := get(m, "decisionMakers", 0, "from").(float64); w <= 0 {
			t.Errorf("the decision maker's path warmth: %v", asJSON(get(m, "decisionMakers")))
		}

		// Refusals: to before from, a point naming both or neither, an unknown review.
		for _, c := range []struct {
			from, to    map[string]any
			code, field string
		}{
			{map[string]any{"at": now}, map[string]any{"at": heldAt}, "BAD_USER_INPUT", "to"},
			{map[string]any{"at": now, "reviewID": review}, map[string]any{"at": now}, "BAD_USER_INPUT", "from"},
			{map[string]any{}, map[string]any{"at": now}, "BAD_USER_INPUT", "from"},
			{map[string]any{"reviewID": gid(1)}, map[string]any{"at": now}, "NOT_FOUND", "from.reviewID"},
			{map[string]any{"at": "2001-01-01T00:00:00Z"}, map[string]any{"at": now}, "BAD_USER_INPUT", "from"},
		} {
			if code, field := e.code(`query($p: ID!, $f: PointInTime!, $t: PointInTime!) { planDiff(planID: $p, from: $f, to: $t) { from } }`,
				map[string]any{"p": p.plan, "f": c.from, "t": c.to}); code != c.code || field != c.field {
				t.Errorf("planDiff(%v, %v): %s %s, want %s %s", c.from, c.to, code, field, c.code, c.field)
			}
		}
	})
}

// TestAsOfStatements: the statements of orgMap(asOf:) and planAsOf do not
// grow with the number of changes made since the time asked.
func TestAsOfStatements(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, withoutMapCache(testSettings()), func(t *testing.T, e *env) {
		p := newParents(t, e)
		// Our users on the map and at a review: their changes are read by ID, outside the account's history.
		e.must(`mutation($u: ID!, $s: ID!) { createRelationship(input: {userID: $u, stakeholderID: $s, currentLevel: VENDOR}) { id } }`,
			map[string]any{"u": p.user, "s": p.stakeholder})
		e.must(`mutation($p: ID!, $u: ID!) { createReview(input: {planID: $p, kind: QBR, status: HELD, heldAt: "2026-11-01T10:00:00Z", attendeeIDs: [$u]}) { id } }`,
			map[string]any{"p": p.plan, "u": p.user})
		time.Sleep(2 * time.Millisecond)
		at := time.Now().UTC().Format(time.RFC3339Nano)
		measure := func() (int64, int64) {
			m := e.count(func() { e.must(mapAt, map[string]any{"a": p.account, "t": at}) })
			pl := e.count(func() { e.must(planAt, map[string]any{"p": p.plan, "t": at}) })
			return m, pl
		}
		edit := func(n int) {
			for i := range n {
				e.must(`mutation($id: ID!, $t: String!) { updateStakeholder(id: $id, input: {title: $t}) { id } }`, map[string]any{"id": p.stakeholder, "t": gid(i)})
				e.must(`mutation($id: ID!, $t: String!) { updateGoal(id: $id, input: {title: $t}) { id } }`, map[string]any{"id": p.goal, "t": gid(i)})
				e.must(`mutation($id: ID!, $t: String!) { updateUser(id: $id, input: {title: $t}) { id } }`, map[string]any{"id": p.user, "t": gid(i)})
			}
		}
		edit(1)
		m1, p1 := measure()
		edit(30)
		m2, p2 := measure()
		if m1 != m2 || p1 != p2 {
			t.Errorf("statements after 1 and 31 changes per record: orgMap %d then %d, planAsOf %d then %d", m1, m2, p1, p2)
		}
		t.Logf("statements: orgMap(asOf:) %d, orgMap %d, planAsOf %d", m1, e.count(func() { e.must(mapNow, map[string]any{"a": p.account}) }), p1)
		if p1 > 13 {
			t.Errorf("planAsOf ran %d statements, documented as thirteen at most", p1)
		}
	})
}

// TestAsOfOurUsersAsTheyWere: the map and the plan as of a time show our users
// as they were then, renamed, re-ranked or deleted since: a relationship of a
// user deleted since keeps its user, and the tier table judges a past review
// by its attendees' seniority then.
func TestAsOfOurUsersAsTheyWere(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, withoutMapCache(testSettings()), func(t *testing.T, e *env) {
		p := newParents(t, e)
		newUser := func(name, email, seniority string) string {
			d := e.must(`mutation($n: String!, $m: String!, $s: UserSeniority!) { createUser(input: {name: $n, email: $m, seniority: $s}) { id } }`,
				map[string]any{"n": name, "m": email, "s": seniority})
			return get(d, "createUser", "id").(string)
		}
		exec, vp := newUser("Eve Exec", "eve@example.com", "EXECUTIVE"), newUser("Vic Original", "vic@example.com", "VP")
		e.must(`mutation($u: ID!, $s: ID!) { createRelationship(input: {userID: $u, stakeholderID: $s, currentLevel: TRUSTED_ADVISOR}) { id } }`,
			map[string]any{"u": vp, "s": p.stakeholder})
		e.must(`mutation($p: ID!, $a: [ID!]) { createReview(input: {planID: $p, kind: QBR, status: HELD, heldAt: "2026-11-01T10:00:00Z", attendeeIDs: $a}) { id } }`,
			map[string]any{"p": p.plan, "a": []string{exec, vp}})
		stamp := func() string {
			time.Sleep(2 * time.Millisecond)
			s := time.Now().UTC().Format(time.RFC3339Nano)
			time.Sleep(2 * time.Millisecond)
			return s
		}
		t1 := stamp()
		e.must(`mutation($id: ID!) { updateUser(id: $id, input: {name: "Vic Renamed"}) { id } }`, map[string]any{"id": vp})
		e.must(`mutation($id: ID!) { updateUser(id: $id, input: {seniority: INDIVIDUAL}) { id } }`, map[string]any{"id": exec})
		t2 := stamp()
		e.must(`mutation($a: ID!, $b: ID!) { a: deleteUser(id: $a) b: deleteUser(id: $b) }`, map[string]any{"a": exec, "b": vp})

		ours := func(at any) []string {
			d := e.must(`query($a: ID!, $t: Time) { orgMap(accountID: $a, asOf: $t) { nodes { relationships { user { id name } } } } }`,
				map[string]any{"a": p.account, "t": at})
			names := []string{}
			for _, n := range get(d, "orgMap", "nodes").([]any) {
				for _, r := range get(n, "relationships").([]any) {
					names = append(names, get(r, "user", "name").(string))
				}
			}
			return names
		}
		for at, want := range map[string][]string{t1: {"Vic Original"}, t2: {"Vic Renamed"}} {
			if got := ours(at); !slices.Equal(got, want) {
				t.Errorf("orgMap(asOf: %s) relationships' users = %q, want %q", at, got, want)
			}
		}
		if got := ours(nil); len(got) != 0 {
			t.Errorf("orgMap now: relationships' users = %q, want none (both deleted)", got)
		}

		leaderless := func(at string) bool {
			d := e.must(`query($p: ID!, $t: Time!) { planAsOf(planID: $p, asOf: $t) { health { findings { rule } } } }`, map[string]any{"p": p.plan, "t": at})
			for _, f := range get(d, "planAsOf", "health", "findings").([]any) {
				if get(f, "rule") == "TIER1_REVIEW_WITHOUT_LEADERSHIP" {
					return true
				}
			}
			return false
		}
		for at, want := range map[string]bool{t1: false, t2: true, time.Now().UTC().Format(time.RFC3339Nano): true} {
			if got := leaderless(at); got != want {
				t.Errorf("planAsOf(%s): TIER1_REVIEW_WITHOUT_LEADERSHIP = %v, want %v", at, got, want)
			}
		}
	})
}
