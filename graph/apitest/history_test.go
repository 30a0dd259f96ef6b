package apitest

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/graph/httpedge"
)

// TestHistory: every change through the API is recorded with who made it and
// each field's old and new value; the record's history and its account's
// activity list it; a refused change leaves no trace.
func TestHistory(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, httpedge.Settings{}, func(t *testing.T, e *env) {
		p := newParents(t, e)
		ada := e.as(newToken(t, e, intID(t, p.user), user.RoleEDITOR, false))
		start := time.Now().UTC().Add(-time.Second).Format(time.RFC3339Nano)

		goal := get(ada.must(`mutation($plan: ID!) { createGoal(input: {title: "Grow", planID: $plan, target: "500000", unit: "USD"}) { id } }`,
			map[string]any{"plan": p.plan}), "createGoal", "id")
		ada.must(`mutation($id: ID!) { updateGoal(id: $id, input: {title: "Grow by $500K", target: "600000"}) { id } }`, map[string]any{"id": goal})
		ada.must(`mutation($id: ID!, $m: ID!) { updateStakeholder(id: $id, input: {title: "VP IT", reportsToID: $m}) { id } }`,
			map[string]any{"id": p.stakeholder, "m": p.manager})
		ada.must(`mutation($id: ID!) { updateStakeholder(id: $id, input: {clearReportsTo: true}) { id } }`, map[string]any{"id": p.stakeholder})
		if code, _ := ada.code(`mutation($id: ID!) { updateGoal(id: $id, input: {title: ""}) { id } }`, map[string]any{"id": goal}); code != "BAD_USER_INPUT" {
			t.Fatalf("an empty title: %s", code)
		}
		ada.must(`mutation($id: ID!) { deleteGoal(id: $id) }`, map[string]any{"id": goal})

		const changes = `edges { node { operation subjectType subjectID accountID actor { name } fields { field old new } } }`
		got := get(ada.must(`query($id: ID!) { node(id: $id) { ... on Stakeholder { history(first: 10) { `+changes+` } } } }`,
			map[string]any{"id": p.stakeholder}), "node", "history")
		want := []any{
			map[string]any{"node": map[string]any{"operation": "UPDATE", "subjectType": "Stakeholder", "subjectID": p.stakeholder, "accountID": p.account,
				"actor": map[string]any{"name": "Ada Lovelace"}, "fields": []any{
					map[string]any{"field": "title", "old": "Director IT", "new": "VP IT"},
				}}},
			map[string]any{"node": map[string]any{"operation": "UPDATE", "subjectType": "Stakeholder", "subjectID": p.stakeholder, "accountID": p.account,
				"actor": map[string]any{"name": "Ada Lovelace"}, "fields": []any{
					map[string]any{"field": "reportsToID", "old": p.manager, "new": nil},
				}}},
		}
		if !sameJSON(get(got, "edges"), want) {
			t.Errorf("stakeholder history = %v\nwant %v", asJSON(get(got, "edges")), asJSON(want))
		}

		// The account's activity since the test began: the goal's life, then the stakeholder's.
		activity := get(ada.must(`query($id: ID!, $since: Time!) { node(id: $id) { ... on Account {
			activity(first: 20, where: {atGTE: $since}) { totalCount `+changes+` } } } }`,
			map[string]any{"id": p.account, "since": start}), "node", "activity")
		ops := []string{}
		for _, edge := range get(activity, "edges").([]any) {
			ops = append(ops, get(edge, "node", "subjectType").(string)+" "+get(edge, "node", "operation").(string))
		}
		if !sameJSON(ops, []string{"Goal CREATE", "Goal UPDATE", "Stakeholder UPDATE", "Stakeholder UPDATE", "Goal DELETE"}) {
			t.Errorf("activity = %v", ops)
		}
		edges := get(activity, "edges").([]any)
		if fields := get(edges[1], "node", "fields"); !sameJSON(fields, []any{
			map[string]any{"field": "title", "old": "Grow", "new": "Grow by $500K"},
			map[string]any{"field": "target", "old": "500000", "new": "600000"},
		}) {
			t.Errorf("goal update fields = %v", asJSON(fields))
		}
		created := get(edges[0], "node", "fields").([]any)
		if !sameJSON(created[len(created)-1], map[string]any{"field": "planID", "old": nil, "new": p.plan}) {
			t.Errorf("goal creation fields = %v, want the plan last", asJSON(created))
		}
		deleted := get(edges[4], "node", "fields").([]any)
		if !sameJSON(deleted[0], map[string]any{"field": "title", "old": "Grow by $500K", "new": nil}) {
			t.Errorf("goal deletion fields = %v", asJSON(deleted))
		}

		// Nobody edits the history; the root list filters it like any other.
		if n := totalCount(get(ada.must(`query($id: ID!) { changes(first: 10, where: {subjectID: $id}) { totalCount } }`,
			map[string]any{"id": goal}), "changes")); n != 3 {
			t.Errorf("changes of the goal: %d, want 3", n)
		}
	})
}

// TestVersions: an update may send the version it read; a stale one is
// refused with CONFLICT and the current version, and changes nothing.
func TestVersions(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		p := newParents(t, e)
		const update = `mutation($id: ID!, $in: UpdateAccountPlanInput!) { updateAccountPlan(id: $id, input: $in) { name version } }`
		plan := func() map[string]any {
			return get(e.must(`query($id: ID!) { node(id: $id) { ... on AccountPlan { name version } } }`, map[string]any{"id": p.plan}), "node").(map[string]any)
		}
		if v := plan()["version"]; !sameJSON(v, 1) {
			t.Fatalf("a new plan is at version %v, want 1", v)
		}
		got := get(e.must(update, map[string]any{"id": p.plan, "in": map[string]any{"name": "A", "version": 1}}), "updateAccountPlan")
		if !sameJSON(got, map[string]any{"name": "A", "version": 2}) {
			t.Errorf("update with the current version = %v", got)
		}
		r := e.do(update, map[string]any{"id": p.plan, "in": map[string]any{"name": "B", "version": 1}})
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "CONFLICT" || !sameJSON(r.Errors[0].Extensions["currentVersion"], 2) ||
			r.Errors[0].Extensions["field"] != "version" {
			t.Errorf("stale version: %+v", r.Errors)
		}
		if got := plan(); !sameJSON(got, map[string]any{"name": "A", "version": 2}) {
			t.Errorf("after the refused update the plan is %v", got)
		}
		// Without a version the update applies, and still makes a new version.
		e.must(update, map[string]any{"id": p.plan, "in": map[string]any{"name": "C"}})
		if got := plan(); !sameJSON(got, map[string]any{"name": "C", "version": 3}) {
			t.Errorf("after an update without version the plan is %v", got)
		}

		// Two clients that read the same version write at once: one wins, the
		// other is told, and nothing is lost.
		for round := range 5 {
			version := plan()["version"]
			var wg sync.WaitGroup
			codes := make([]string, 2)
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := e.do(update, map[string]any{"id": p.plan, "in": map[string]any{"name": []string{"left", "right"}[i], "version": version}})
					codes[i] = "OK"
					if len(r.Errors) > 0 {
						codes[i], _ = r.Errors[0].Extensions["code"].(string)
					}
				}()
			}
			wg.Wait()
			won := map[string]string{"OK": "", "CONFLICT": ""}
			if _, ok := won[codes[0]]; !ok || codes[0] == codes[1] {
				t.Fatalf("round %d: the two writers got %v, want one OK and one CONFLICT", round, codes)
			}
			winner := map[bool]string{true: "left", false: "right"}[codes[0] == "OK"]
			if got := plan(); got["name"] != winner || !sameJSON(got["version"], version.(float64)+1) {
				t.Errorf("round %d: plan %v, want %s at version %v", round, got, winner, version.(float64)+1)
			}
		}
	})
}

// TestHistoryNamesFieldsAsTheSchemaDoes: the history names every field as
// the GraphQL type or its inputs do (externalID, not externalId; accountID,
// not account), whatever the type and operation.
func TestHistoryNamesFieldsAsTheSchemaDoes(t *testing.T) {
	eachDatabaseWith(t, httpedge.Settings{}, func(t *testing.T, e *env) {
		p := newParents(t, e)
		ada := e.as(newToken(t, e, intID(t, p.user), user.RoleADMIN, false))
		ada.must(`mutation($id: ID!) { updateAccount(id: $id, input: {externalID: "crm-1", industry: "Retail"}) { id } }`, map[string]any{"id": p.account})
		ada.must(`mutation($id: ID!) { updateStakeholder(id: $id, input: {externalID: "crm-2", influence: 4}) { id } }`, map[string]any{"id": p.stakeholder})
		deal := get(ada.must(`mutation($a: ID!) { createOpportunity(input: {name: "Renewal", accountID: $a, amount: 1000, externalID: "crm-3"}) { id } }`,
			map[string]any{"a": p.account}), "createOpportunity", "id")
		ada.must(`mutation($id: ID!) { updateOpportunity(id: $id, input: {stage: CLOSED_WON}) { id } }`, map[string]any{"id": deal})
		ada.must(`mutation($id: ID!) { deleteOpportunity(id: $id) }`, map[string]any{"id": deal})

		account := mustAs[struct {
			Node struct {
				History connection[historyEntry] `json:"history"`
			} `json:"node"`
		}](ada, `query($id: ID!) { node(id: $id) { ... on Account { history(first: 10) { edges { node { fields { field new } } } } } } }`,
			map[string]any{"id": p.account}).Node.History.nodes()
		want := []fieldChange{{Field: "externalID", New: json.RawMessage(`"crm-1"`)}, {Field: "industry", New: json.RawMessage(`"Retail"`)}}
		if got := account[len(account)-1].Fields; !sameJSON(got, want) {
			t.Errorf("account update fields = %v, want %v", asJSON(got), asJSON(want))
		}

		changes := mustAs[struct {
			Changes connection[historyEntry] `json:"changes"`
		}](ada, `{ changes(first: 100) { edges { node { subjectType fields { field } } } } }`, nil).Changes.nodes()
		known := map[string]map[string]bool{}
		for _, c := range changes {
			typ := c.SubjectType
			if known[typ] == nil {
				known[typ] = map[string]bool{}
				for _, name := range []string{typ, "Create" + typ + "Input", "Update" + typ + "Input"} {
					r := ada.must(`query($n: String!) { __type(name: $n) { fields { name } inputFields { name } } }`, map[string]any{"n": name})
					for _, list := range []string{"fields", "inputFields"} {
						fs, _ := get(r, "__type", list).([]any)
						for _, f := range fs {
							known[typ][get(f, "name").(string)] = true
						}
					}
				}
			}
			for _, f := range c.Fields {
				if !known[typ][f.Field] {
					t.Errorf("the history of a %s names %q, which is no field of the type or its inputs", typ, f.Field)
				}
			}
		}
	})
}
