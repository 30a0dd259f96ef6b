package apitest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/feedback"
	"github.com/accountplan/accountplan/ent/influenceedge"
	"github.com/accountplan/accountplan/ent/insight"
	"github.com/accountplan/accountplan/ent/swotitem"
)

// crudCase is the life of one entity type through the API: created with
// references to the shared parents, read back, updated and deleted.
type crudCase struct {
	typ     string                         // GraphQL type; the mutations are create<typ>, update<typ>, delete<typ>
	root    string                         // the root connection that lists the type
	input   func(p parents) map[string]any // the create input
	link    string                         // an edge of the new record...
	linkTo  func(p parents) string         // ...and the parent it must point at
	field   string                         // the field the update changes
	created any                            // its value after create
	update  map[string]any                 // the update input
	updated any                            // its value after update
}

// crudCases covers every type of api/mutations.graphql.
var crudCases = []crudCase{
	{
		typ: "User", root: "users",
		input: func(p parents) map[string]any {
			return map[string]any{"name": "Grace Hopper", "email": "grace@example.com", "title": "Account Executive"}
		},
		field: "title", created: "Account Executive",
		update: map[string]any{"title": "Strategic Account Manager"}, updated: "Strategic Account Manager",
	},
	{
		typ: "Account", root: "accounts",
		input: func(p parents) map[string]any {
			return map[string]any{"name": "Acme Europe", "tier": "KEY", "industry": "High Tech",
				"annualRevenue": 12_000_000_000, "parentID": p.account, "ownerID": p.user}
		},
		link: "parent", linkTo: func(p parents) string { return p.account },
		// Above 2^32 cents: Money must round-trip as a 64-bit integer.
		field: "annualRevenue", created: 12_000_000_000,
		update: map[string]any{"annualRevenue": 12_500_000_050}, updated: 12_500_000_050,
	},
	{
		typ: "AccountPlan", root: "accountPlans",
		input: func(p parents) map[string]any {
			return map[string]any{"name": "FY28 Customer Success", "type": "CUSTOMER_SUCCESS", "accountID": p.account,
				"ownerID": p.user, "periodStart": "2028-01-01T00:00:00Z", "periodEnd": "2028-12-31T00:00:00Z"}
		},
		link: "account", linkTo: func(p parents) string { return p.account },
		field: "status", created: "DRAFT",
		update: map[string]any{"status": "ACTIVE"}, updated: "ACTIVE",
	},
	{
		typ: "AccountTeamMember", root: "accountTeamMembers",
		input: func(p parents) map[string]any {
			return map[string]any{"role": "ACCOUNT_MANAGER", "accountID": p.account, "userID": p.user}
		},
		link: "user", linkTo: func(p parents) string { return p.user },
		field: "role", created: "ACCOUNT_MANAGER",
		update: map[string]any{"role": "EXECUTIVE_SPONSOR"}, updated: "EXECUTIVE_SPONSOR",
	},
	{
		typ: "ActionItem", root: "actionItems",
		input: func(p parents) map[string]any {
			return map[string]any{"title": "Send the pilot proposal", "planID": p.plan, "objectiveID": p.objective, "ownerID": p.user}
		},
		link: "objective", linkTo: func(p parents) string { return p.objective },
		field: "status", created: "OPEN",
		update: map[string]any{"status": "BLOCKED"}, updated: "BLOCKED",
	},
	{
		typ: "BusinessUnit", root: "businessUnits",
		input: func(p parents) map[string]any {
			return map[string]any{"name": "Retail Banking", "accountID": p.account}
		},
		link: "account", linkTo: func(p parents) string { return p.account },
		field: "name", created: "Retail Banking",
		update: map[string]any{"name": "Retail & Commercial Banking"}, updated: "Retail & Commercial Banking",
	},
	{
		typ: "Feedback", root: "feedback",
		input: func(p parents) map[string]any {
			return map[string]any{"kind": "PROJECT_SURVEY", "score": 7, "text": "Pilot went well",
				"accountID": p.account, "planID": p.plan, "stakeholderID": p.stakeholder}
		},
		link: "stakeholder", linkTo: func(p parents) string { return p.stakeholder },
		field: "score", created: 7,
		update: map[string]any{"score": 9}, updated: 9,
	},
	{
		typ: "Goal", root: "goals",
		input: func(p parents) map[string]any {
			return map[string]any{"title": "Reach $2M ARR", "planID": p.plan, "metric": "ARR",
				"baseline": "1500000", "target": "2000000.5", "unit": "USD"}
		},
		link: "plan", linkTo: func(p parents) string { return p.plan },
		field: "target", created: "2000000.5",
		update: map[string]any{"target": "2250000.75"}, updated: "2250000.75",
	},
	{
		typ: "InfluenceEdge", root: "influenceEdges",
		input: func(p parents) map[string]any {
			return map[string]any{"kind": "INFLUENCES", "strength": 4, "fromID": p.stakeholder, "toID": p.manager}
		},
		link: "to", linkTo: func(p parents) string { return p.manager },
		field: "strength", created: 4,
		update: map[string]any{"strength": 2}, updated: 2,
	},
	{
		typ: "Insight", root: "insights",
		input: func(p parents) map[string]any {
			return map[string]any{"kind": "PRESSURE", "text": "The board wants IT costs down 10%",
				"planID": p.plan, "stakeholderID": p.manager}
		},
		link: "stakeholder", linkTo: func(p parents) string { return p.manager },
		field: "confirmed", created: false,
		update: map[string]any{"confirmed": true}, updated: true,
	},
	{
		typ: "KPI", root: "kpis",
		input: func(p parents) map[string]any {
			return map[string]any{"name": "Dashboards published", "unit": "dashboards", "target": "40", "objectiveID": p.objective}
		},
		link: "objective", linkTo: func(p parents) string { return p.objective },
		field: "target", created: "40",
		update: map[string]any{"target": "55.5"}, updated: "55.5",
	},
	{
		typ: "KPIMeasurement", root: "kpiMeasurements",
		input: func(p parents) map[string]any {
			return map[string]any{"value": "1234.5", "measuredAt": "2027-03-01T00:00:00Z", "kpiID": p.kpi}
		},
		link: "kpi", linkTo: func(p parents) string { return p.kpi },
		field: "value", created: "1234.5",
		update: map[string]any{"value": "1300"}, updated: "1300",
	},
	{
		typ: "Objective", root: "objectives",
		input: func(p parents) map[string]any {
			return map[string]any{"title": "Win the CFO's sponsorship", "goalID": p.goal, "ownerID": p.user}
		},
		link: "goal", linkTo: func(p parents) string { return p.goal },
		field: "status", created: "NOT_STARTED",
		update: map[string]any{"status": "IN_PROGRESS"}, updated: "IN_PROGRESS",
	},
	{
		typ: "Opportunity", root: "opportunities",
		input: func(p parents) map[string]any {
			return map[string]any{"name": "Analytics upsell", "amount": 2_500_000, "accountID": p.account,
				"planID": p.plan, "productID": p.product, "ownerID": p.user}
		},
		link: "product", linkTo: func(p parents) string { return p.product },
		field: "amount", created: 2_500_000,
		update: map[string]any{"amount": 3_125_050}, updated: 3_125_050,
	},
	{
		typ: "Product", root: "products",
		input: func(p parents) map[string]any {
			return map[string]any{"name": "Forecasting", "family": "Analytics"}
		},
		field: "family", created: "Analytics",
		update: map[string]any{"family": "Planning"}, updated: "Planning",
	},
	{
		typ: "Relationship", root: "relationships",
		input: func(p parents) map[string]any {
			return map[string]any{"currentLevel": "CREDIBLE_SOURCE", "desiredLevel": "TRUSTED_ADVISOR",
				"userID": p.user, "stakeholderID": p.stakeholder}
		},
		link: "stakeholder", linkTo: func(p parents) string { return p.stakeholder },
		field: "currentLevel", created: "CREDIBLE_SOURCE",
		update: map[string]any{"currentLevel": "PROBLEM_SOLVER"}, updated: "PROBLEM_SOLVER",
	},
	{
		typ: "RevenueRecord", root: "revenueRecords",
		input: func(p parents) map[string]any {
			return map[string]any{"periodStart": "2026-01-01T00:00:00Z", "periodEnd": "2026-12-31T00:00:00Z",
				"startingRevenue": 50_000_000, "expansion": 10_000_000, "churn": 5_000_000, "accountID": p.account}
		},
		link: "account", linkTo: func(p parents) string { return p.account },
		field: "expansion", created: 10_000_000,
		update: map[string]any{"expansion": 12_000_000}, updated: 12_000_000,
	},
	{
		typ: "Review", root: "reviews",
		input: func(p parents) map[string]any {
			return map[string]any{"heldAt": "2027-04-01T15:00:00Z", "notes": "Q1 review", "planID": p.plan,
				"attendeeIDs": []string{p.user}}
		},
		link: "plan", linkTo: func(p parents) string { return p.plan },
		field: "notes", created: "Q1 review",
		update: map[string]any{"notes": "Q1 review: pilot approved"}, updated: "Q1 review: pilot approved",
	},
	{
		typ: "Stakeholder", root: "stakeholders",
		input: func(p parents) map[string]any {
			return map[string]any{"name": "Dana Kim", "title": "CFO", "rank": 5, "influence": 3, "support": "NEUTRAL",
				"accountID": p.account, "businessUnitID": p.businessUnit, "reportsToID": p.manager}
		},
		link: "reportsTo", linkTo: func(p parents) string { return p.manager },
		field: "influence", created: 3,
		update: map[string]any{"influence": 5}, updated: 5,
	},
	{
		typ: "SwotItem", root: "swotItems",
		input: func(p parents) map[string]any {
			return map[string]any{"kind": "THREAT", "text": "A competitor holds the data platform", "planID": p.plan}
		},
		link: "plan", linkTo: func(p parents) string { return p.plan },
		field: "kind", created: "THREAT",
		update: map[string]any{"kind": "WEAKNESS"}, updated: "WEAKNESS",
	},
	{
		typ: "WhitespaceCell", root: "whitespaceCells",
		input: func(p parents) map[string]any {
			return map[string]any{"status": "OPPORTUNITY", "potentialValue": 40_000_000, "accountID": p.account,
				"businessUnitID": p.businessUnit, "productID": p.product}
		},
		link: "businessUnit", linkTo: func(p parents) string { return p.businessUnit },
		field: "potentialValue", created: 40_000_000,
		update: map[string]any{"potentialValue": 45_000_000}, updated: 45_000_000,
	},
}

// TestCRUD creates, reads (node and root connection), updates and deletes one
// record of every type through the API.
func TestCRUD(t *testing.T) {
	t.Parallel()
	if len(crudCases) != 21 {
		t.Fatalf("crudCases covers %d types; api/mutations.graphql has 21", len(crudCases))
	}
	eachDatabase(t, func(t *testing.T, e *env) {
		p := newParents(t, e)
		for _, c := range crudCases {
			t.Run(c.typ, func(t *testing.T) {
				c.run(t, e.forSubtest(t), p)
			})
		}
	})
}

func (c crudCase) run(t *testing.T, e *env, p parents) {
	sel := "id __typename createdAt updatedAt " + c.field
	if c.link != "" {
		sel += " " + c.link + " { id }"
	}
	vars := func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	nodeQuery := fmt.Sprintf(`query($id: ID!) { node(id: $id) { ... on %s { %s } } }`, c.typ, sel)
	listQuery := fmt.Sprintf(`query($id: ID!) { %s(first: 10, where: {id: $id}) { totalCount edges { node { %s } } } }`, c.root, sel)

	// Create.
	created := get(e.must(fmt.Sprintf(`mutation($input: Create%[1]sInput!) { create%[1]s(input: $input) { %[2]s } }`, c.typ, sel),
		vars("input", c.input(p))), "create"+c.typ)
	id, _ := get(created, "id").(string)
	if id == "" {
		t.Fatalf("create returned no id: %v", created)
	}
	if got := get(created, "__typename"); got != c.typ {
		t.Errorf("__typename = %v, want %s", got, c.typ)
	}
	if got := get(created, c.field); !sameJSON(got, c.created) {
		t.Errorf("after create %s = %#v, want %#v", c.field, got, c.created)
	}
	if c.link != "" {
		if got, want := get(created, c.link, "id"), c.linkTo(p); got != want {
			t.Errorf("after create %s.id = %v, want %s", c.link, got, want)
		}
	}

	// Read back: node(id) and the root connection filtered by id give what
	// create returned. (Timestamps are compared to the microsecond, the
	// precision PostgreSQL stores; TestCRUDTimestamps checks them exactly.)
	read := get(e.must(nodeQuery, vars("id", id)), "node")
	if !sameJSON(withoutTimestamps(read), withoutTimestamps(created)) || !sameMicrosecond(t, read, created) {
		t.Errorf("node(id) = %v, want %v", read, created)
	}
	list := get(e.must(listQuery, vars("id", id)), c.root)
	if n := totalCount(list); n != 1 {
		t.Errorf("%s(where: {id}) totalCount = %d, want 1", c.root, n)
	}
	if got := get(list, "edges", 0, "node"); !sameJSON(got, read) {
		t.Errorf("%s(where: {id}) node = %v, want %v", c.root, got, read)
	}
	createdAt, updatedAt := parseTime(t, get(read, "createdAt")), parseTime(t, get(read, "updatedAt"))
	if updatedAt.Before(createdAt) {
		t.Errorf("updatedAt %v is before createdAt %v", updatedAt, createdAt)
	}

	// Update: the field changes, the rest stays, updatedAt does not go back.
	updated := get(e.must(fmt.Sprintf(`mutation($id: ID!, $input: Update%[1]sInput!) { update%[1]s(id: $id, input: $input) { %[2]s } }`, c.typ, sel),
		vars("id", id, "input", c.update)), "update"+c.typ)
	if got := get(updated, c.field); !sameJSON(got, c.updated) {
		t.Errorf("after update %s = %#v, want %#v", c.field, got, c.updated)
	}
	if get(updated, "id") != id || (c.link != "" && get(updated, c.link, "id") != c.linkTo(p)) {
		t.Errorf("update changed the id or %s: %v, was %v", c.link, updated, created)
	}
	reread := get(e.must(nodeQuery, vars("id", id)), "node")
	if !sameJSON(withoutTimestamps(reread), withoutTimestamps(updated)) || !sameMicrosecond(t, reread, updated) {
		t.Errorf("node(id) after update = %v, want %v", reread, updated)
	}
	if get(reread, "createdAt") != get(read, "createdAt") {
		t.Errorf("update moved createdAt from %v to %v", get(read, "createdAt"), get(reread, "createdAt"))
	}
	if after := parseTime(t, get(reread, "updatedAt")); after.Before(updatedAt) || after.Before(createdAt) {
		t.Errorf("updatedAt went back: %v after update, %v before, createdAt %v", after, updatedAt, createdAt)
	}

	// Delete: it returns the ID, then neither node(id) nor the root connection finds it.
	del := fmt.Sprintf(`mutation($id: ID!) { delete%s(id: $id) }`, c.typ)
	if got := get(e.must(del, vars("id", id)), "delete"+c.typ); got != id {
		t.Errorf("delete%s returned %v, want %s", c.typ, got, id)
	}
	r := e.do(nodeQuery, vars("id", id))
	if !r.HasData || r.Data["node"] != nil {
		t.Errorf("node(id) after delete: data = %v, want {node: null}", r.Data)
	}
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "NOT_FOUND" || !sameJSON(r.Errors[0].Path, []any{"node"}) {
		t.Errorf("node(id) after delete: errors = %+v, want one NOT_FOUND at [node]", r.Errors)
	}
	list = get(e.must(listQuery, vars("id", id)), c.root)
	if n, edges := totalCount(list), get(list, "edges").([]any); n != 0 || len(edges) != 0 {
		t.Errorf("%s(where: {id}) after delete: totalCount %d, %d edges; want none", c.root, n, len(edges))
	}
	if code, _ := e.code(del, vars("id", id)); code != "NOT_FOUND" {
		t.Errorf("deleting it again: code %s, want NOT_FOUND", code)
	}
}

// withoutTimestamps copies a decoded record without createdAt and updatedAt.
func withoutTimestamps(v any) map[string]any {
	m, _ := v.(map[string]any)
	out := map[string]any{}
	for k, x := range m {
		if k != "createdAt" && k != "updatedAt" {
			out[k] = x
		}
	}
	return out
}

// sameMicrosecond tells whether two decoded records have the same createdAt
// and updatedAt to the microsecond.
func sameMicrosecond(t *testing.T, a, b any) bool {
	t.Helper()
	for _, f := range []string{"createdAt", "updatedAt"} {
		d := parseTime(t, get(a, f)).Sub(parseTime(t, get(b, f)))
		if d <= -time.Microsecond || d >= time.Microsecond {
			return false
		}
	}
	return true
}

// TestCRUDTimestamps: the createdAt and updatedAt a mutation returns are the
// ones stored, so that a client can read them back or filter on them.
func TestCRUDTimestamps(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		created := get(e.must(`mutation { createAccount(input: {name: "Acme Corp"}) { id createdAt updatedAt } }`, nil), "createAccount")
		q := `query($id: ID!, $createdAt: Time!) {
			node(id: $id) { ... on Account { createdAt updatedAt } }
			accounts(first: 10, where: {createdAt: $createdAt}) { totalCount } }`
		d := e.must(q, map[string]any{"id": get(created, "id"), "createdAt": get(created, "createdAt")})
		for _, f := range []string{"createdAt", "updatedAt"} {
			if get(d, "node", f) != get(created, f) {
				t.Errorf("createAccount returned %s %v; node(id) reads %v", f, get(created, f), get(d, "node", f))
			}
		}
		if n := totalCount(d["accounts"]); n != 1 {
			t.Errorf("accounts(where: {createdAt} as createAccount returned it) totalCount = %d, want 1", n)
		}

		updated := get(e.must(`mutation($id: ID!) { updateAccount(id: $id, input: {name: "Acme Corporation"}) { createdAt updatedAt } }`,
			map[string]any{"id": get(created, "id")}), "updateAccount")
		d = e.must(q, map[string]any{"id": get(created, "id"), "createdAt": get(updated, "createdAt")})
		for _, f := range []string{"createdAt", "updatedAt"} {
			if get(d, "node", f) != get(updated, f) {
				t.Errorf("updateAccount returned %s %v; node(id) reads %v", f, get(updated, f), get(d, "node", f))
			}
		}
	})
}

// TestDeleteAccountPlan: deleting a plan deletes its goals, objectives, KPIs,
// KPI measurements, action items, insights, SWOT items and reviews; its
// feedback and opportunities stay, without the plan. Another plan of the same
// account keeps all of its records.
func TestDeleteAccountPlan(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := e.client
		user := c.User.Create().SetName("Ada Lovelace").SetEmail("ada@example.com").SaveX(ctx)
		acc := c.Account.Create().SetName("Acme Corp").SaveX(ctx)
		// plan writes one plan with `goals` goals, each with an objective with a
		// KPI with two measurements, and an action item per objective plus one
		// without; one insight, SWOT item, review, feedback and opportunity.
		plan := func(name string, goals int) int {
			p := c.AccountPlan.Create().SetName(name).SetAccountID(acc.ID).
				SetPeriodStart(day("2027-01-01")).SetPeriodEnd(day("2027-12-31")).SaveX(ctx)
			for i := 0; i < goals; i++ {
				g := c.Goal.Create().SetTitle(fmt.Sprintf("%s goal %d", name, i)).SetPlanID(p.ID).SaveX(ctx)
				o := c.Objective.Create().SetTitle("objective").SetGoalID(g.ID).SaveX(ctx)
				k := c.KPI.Create().SetName("kpi").SetObjectiveID(o.ID).SaveX(ctx)
				c.KPIMeasurement.Create().SetValue("10").SetMeasuredAt(day("2027-02-01")).SetKpiID(k.ID).SaveX(ctx)
				c.KPIMeasurement.Create().SetValue("12").SetMeasuredAt(day("2027-03-01")).SetKpiID(k.ID).SaveX(ctx)
				c.ActionItem.Create().SetTitle("item").SetPlanID(p.ID).SetObjectiveID(o.ID).SaveX(ctx)
			}
			c.ActionItem.Create().SetTitle("item without objective").SetPlanID(p.ID).SaveX(ctx)
			c.Insight.Create().SetKind(insight.KindGOAL).SetText("insight").SetPlanID(p.ID).SaveX(ctx)
			c.SwotItem.Create().SetKind(swotitem.KindSTRENGTH).SetText("swot").SetPlanID(p.ID).SaveX(ctx)
			c.Review.Create().SetHeldAt(day("2027-04-01")).SetPlanID(p.ID).AddAttendeeIDs(user.ID).SaveX(ctx)
			c.Feedback.Create().SetKind(feedback.KindAD_HOC).SetAccountID(acc.ID).SetPlanID(p.ID).SaveX(ctx)
			c.Opportunity.Create().SetName("deal").SetAccountID(acc.ID).SetPlanID(p.ID).SaveX(ctx)
			return p.ID
		}
		doomed := plan("FY27", 2)
		kept := plan("FY28", 1)

		counts := []struct {
			root          string
			before, after int
		}{
			{"accountPlans", 2, 1},
			{"goals", 3, 1},
			{"objectives", 3, 1},
			{"kpis", 3, 1},
			{"kpiMeasurements", 6, 2},
			{"actionItems", 5, 2},
			{"insights", 2, 1},
			{"swotItems", 2, 1},
			{"reviews", 2, 1},
			{"feedback", 2, 2},      // stays, without the plan
			{"opportunities", 2, 2}, // stays, without the plan
			{"users", 1, 1},         // review attendees are not deleted
		}
		roots := make([]string, len(counts))
		for i, c := range counts {
			roots[i] = c.root
		}
		before := rootCounts(e, roots...)
		e.must(`mutation($id: ID!) { deleteAccountPlan(id: $id) }`, map[string]any{"id": gid(doomed)})
		after := rootCounts(e, roots...)
		for _, c := range counts {
			if before[c.root] != c.before || after[c.root] != c.after {
				t.Errorf("%s: %d before, %d after; want %d, %d", c.root, before[c.root], after[c.root], c.before, c.after)
			}
		}

		// The kept plan still has all of its records.
		d := e.must(`query($id: ID!) { node(id: $id) { ... on AccountPlan {
			goals(first: 10) { totalCount edges { node { objectives(first: 10) { edges { node {
				kpis(first: 10) { edges { node { measurements(first: 10) { totalCount } } } } } } } } } }
			actionItems(first: 10) { totalCount } reviews(first: 10) { totalCount }
			feedback(first: 10) { totalCount } opportunities(first: 10) { totalCount } } } }`,
			map[string]any{"id": gid(kept)})
		plan2 := d["node"]
		for _, path := range [][]any{
			{"goals", "totalCount"}, {"actionItems", "totalCount"}, {"reviews", "totalCount"},
			{"feedback", "totalCount"}, {"opportunities", "totalCount"},
		} {
			want := 1
			if path[0] == "actionItems" {
				want = 2
			}
			if got := get(plan2, path...); !sameJSON(got, want) {
				t.Errorf("kept plan %v = %v, want %d", path, got, want)
			}
		}
		if got := get(plan2, "goals", "edges", 0, "node", "objectives", "edges", 0, "node", "kpis", "edges", 0, "node", "measurements", "totalCount"); !sameJSON(got, 2) {
			t.Errorf("kept plan's KPI has %v measurements, want 2", got)
		}

		// The doomed plan's feedback and opportunity are now without a plan.
		d = e.must(`{ feedback(first: 10, where: {hasPlan: false}) { edges { node { plan { id } account { name } } } }
			opportunities(first: 10, where: {hasPlan: false}) { edges { node { plan { id } account { name } } } } }`, nil)
		for _, root := range []string{"feedback", "opportunities"} {
			want := []any{map[string]any{"node": map[string]any{"plan": nil, "account": map[string]any{"name": "Acme Corp"}}}}
			if got := get(d, root, "edges"); !sameJSON(got, want) {
				t.Errorf("%s without a plan = %v, want %v", root, got, want)
			}
		}
	})
}

// stakeholderOrg is the org chart TestDeleteStakeholder starts from, in one account:
//
//	Cora (CEO)
//	├── Vic (VP Sales)
//	│   ├── Dina (Director)
//	│   └── Drew (Director)
//	└── Carl (CFO)
//
// Influence edges: Vic→Cora, Dina→Vic (conflict), Carl→Drew (informal), Cora→Carl.
// Relationships: Ada↔Vic, Ada↔Cora, Ned↔Vic.
type stakeholderOrg struct {
	account int
	ids     map[string]int
}

func newStakeholderOrg(t *testing.T, e *env, name string) stakeholderOrg {
	t.Helper()
	ctx := context.Background()
	c := e.client
	acc := c.Account.Create().SetName(name).SaveX(ctx)
	org := stakeholderOrg{account: acc.ID, ids: map[string]int{}}
	for _, s := range []struct{ name, manager string }{
		{"Cora", ""}, {"Vic", "Cora"}, {"Dina", "Vic"}, {"Drew", "Vic"}, {"Carl", "Cora"},
	} {
		create := c.Stakeholder.Create().SetName(s.name).SetAccountID(acc.ID)
		if s.manager != "" {
			create.SetReportsToID(org.ids[s.manager])
		}
		org.ids[s.name] = create.SaveX(ctx).ID
	}
	for _, edge := range []struct {
		from, to string
		kind     influenceedge.Kind
	}{
		{"Vic", "Cora", influenceedge.KindINFLUENCES},
		{"Dina", "Vic", influenceedge.KindCONFLICTS_WITH},
		{"Carl", "Drew", influenceedge.KindINFORMAL},
		{"Cora", "Carl", influenceedge.KindINFLUENCES},
	} {
		c.InfluenceEdge.Create().SetFromID(org.ids[edge.from]).SetToID(org.ids[edge.to]).SetKind(edge.kind).SaveX(ctx)
	}
	ada := c.User.Create().SetName("Ada").SetEmail(name + ".ada@example.com").SaveX(ctx)
	ned := c.User.Create().SetName("Ned").SetEmail(name + ".ned@example.com").SaveX(ctx)
	for _, rel := range []struct {
		user   int
		person string
	}{{ada.ID, "Vic"}, {ada.ID, "Cora"}, {ned.ID, "Vic"}} {
		c.Relationship.Create().SetUserID(rel.user).SetStakeholderID(org.ids[rel.person]).SaveX(ctx)
	}
	return org
}

// TestDeleteStakeholder: deleting a stakeholder deletes their influence edges
// and relationships and moves their direct reports up to their own manager.
func TestDeleteStakeholder(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		delete   string
		managers map[string]string // who each remaining stakeholder reports to ("" for no one)
		edges    int               // influence edges left in the account
		rels     int               // relationships left in the account
	}{
		{
			name: "middle manager: their reports move up to their manager", delete: "Vic",
			managers: map[string]string{"Cora": "", "Carl": "Cora", "Dina": "Cora", "Drew": "Cora"},
			edges:    2, rels: 1,
		},
		{
			name: "top of the tree: their reports become top-level", delete: "Cora",
			managers: map[string]string{"Vic": "", "Carl": "", "Dina": "Vic", "Drew": "Vic"},
			edges:    2, rels: 2,
		},
		{
			name: "individual contributor: nobody moves", delete: "Drew",
			managers: map[string]string{"Cora": "", "Vic": "Cora", "Carl": "Cora", "Dina": "Vic"},
			edges:    3, rels: 3,
		},
	}
	eachDatabase(t, func(t *testing.T, e *env) {
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				e := e.forSubtest(t)
				org := newStakeholderOrg(t, e, fmt.Sprintf("org%d", i))
				e.must(`mutation($id: ID!) { deleteStakeholder(id: $id) }`, map[string]any{"id": gid(org.ids[tc.delete])})
				d := e.must(`query($acc: ID!) {
					node(id: $acc) { ... on Account { stakeholders(first: 10) { edges { node { name reportsTo { name } } } } } }
					influenceEdges(first: 1, where: {hasFromWith: {hasAccountWith: {id: $acc}}}) { totalCount }
					relationships(first: 1, where: {hasStakeholderWith: {hasAccountWith: {id: $acc}}}) { totalCount } }`,
					map[string]any{"acc": gid(org.account)})
				managers := map[string]string{}
				for _, edge := range get(d, "node", "stakeholders", "edges").([]any) {
					boss, _ := get(edge, "node", "reportsTo", "name").(string)
					managers[get(edge, "node", "name").(string)] = boss
				}
				if !sameJSON(managers, tc.managers) {
					t.Errorf("reportsTo after deleting %s = %v, want %v", tc.delete, managers, tc.managers)
				}
				if n := totalCount(d["influenceEdges"]); n != tc.edges {
					t.Errorf("influence edges left = %d, want %d", n, tc.edges)
				}
				if n := totalCount(d["relationships"]); n != tc.rels {
					t.Errorf("relationships left = %d, want %d", n, tc.rels)
				}
			})
		}
	})
}

// TestDeleteUser: deleting a user removes their team memberships and
// relationships and clears them as owner elsewhere; what they owned stays.
func TestDeleteUser(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := e.client
		uma := c.User.Create().SetName("Uma").SetEmail("uma@example.com").SaveX(ctx)
		ned := c.User.Create().SetName("Ned").SetEmail("ned@example.com").SaveX(ctx)
		acc := c.Account.Create().SetName("Acme Corp").SetOwnerID(uma.ID).SaveX(ctx)
		plan := c.AccountPlan.Create().SetName("FY27").SetAccountID(acc.ID).SetOwnerID(uma.ID).
			SetPeriodStart(day("2027-01-01")).SetPeriodEnd(day("2027-12-31")).SaveX(ctx)
		goal := c.Goal.Create().SetTitle("Grow").SetPlanID(plan.ID).SaveX(ctx)
		obj := c.Objective.Create().SetTitle("Pilot").SetGoalID(goal.ID).SetOwnerID(uma.ID).SaveX(ctx)
		item := c.ActionItem.Create().SetTitle("Call").SetPlanID(plan.ID).SetOwnerID(uma.ID).SaveX(ctx)
		opp := c.Opportunity.Create().SetName("Deal").SetAccountID(acc.ID).SetOwnerID(uma.ID).SaveX(ctx)
		person := c.Stakeholder.Create().SetName("Sam").SetAccountID(acc.ID).SaveX(ctx)
		review := c.Review.Create().SetHeldAt(day("2027-04-01")).SetPlanID(plan.ID).AddAttendeeIDs(uma.ID, ned.ID).SaveX(ctx)
		for _, u := range []int{uma.ID, ned.ID} {
			c.AccountTeamMember.Create().SetRole("ACCOUNT_MANAGER").SetAccountID(acc.ID).SetUserID(u).SaveX(ctx)
			c.Relationship.Create().SetUserID(u).SetStakeholderID(person.ID).SaveX(ctx)
		}

		e.must(`mutation($id: ID!) { deleteUser(id: $id) }`, map[string]any{"id": gid(uma.ID)})

		d := e.must(`query($acc: ID!, $plan: ID!, $obj: ID!, $item: ID!, $opp: ID!, $person: ID!, $review: ID!) {
			account: node(id: $acc) { ... on Account { name owner { name } teamMembers(first: 10) { edges { node { user { name } } } } } }
			plan: node(id: $plan) { ... on AccountPlan { name owner { name } } }
			objective: node(id: $obj) { ... on Objective { title owner { name } } }
			item: node(id: $item) { ... on ActionItem { title owner { name } } }
			opportunity: node(id: $opp) { ... on Opportunity { name owner { name } } }
			person: node(id: $person) { ... on Stakeholder { relationships(first: 10) { edges { node { user { name } } } } } }
			review: node(id: $review) { ... on Review { attendees(first: 10) { edges { node { name } } } } }
			users(first: 10) { edges { node { name } } } }`,
			map[string]any{"acc": gid(acc.ID), "plan": gid(plan.ID), "obj": gid(obj.ID), "item": gid(item.ID),
				"opp": gid(opp.ID), "person": gid(person.ID), "review": gid(review.ID)})
		ned1 := []any{map[string]any{"node": map[string]any{"user": map[string]any{"name": "Ned"}}}}
		for _, check := range []struct {
			what string
			path []any
			want any
		}{
			{"the account stays", []any{"account", "name"}, "Acme Corp"},
			{"the account has no owner", []any{"account", "owner"}, nil},
			{"their team membership is gone", []any{"account", "teamMembers", "edges"}, ned1},
			{"the plan has no owner", []any{"plan", "owner"}, nil},
			{"the objective has no owner", []any{"objective", "owner"}, nil},
			{"the action item has no owner", []any{"item", "owner"}, nil},
			{"the opportunity has no owner", []any{"opportunity", "owner"}, nil},
			{"their relationship is gone", []any{"person", "relationships", "edges"}, ned1},
			{"the review stays, without them", []any{"review", "attendees", "edges"}, []any{map[string]any{"node": map[string]any{"name": "Ned"}}}},
			{"the other user stays", []any{"users", "edges"}, []any{map[string]any{"node": map[string]any{"name": "Ned"}}}},
		} {
			if got := get(d, check.path...); !sameJSON(got, check.want) {
				t.Errorf("%s: %v = %v, want %v", check.what, check.path, got, check.want)
			}
		}
	})
}

// TestDeleteAccount: deleting an account deletes everything recorded under it;
// another account keeps its records and a subsidiary becomes top-level.
func TestDeleteAccount(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := e.client
		user := c.User.Create().SetName("Ada").SetEmail("ada@example.com").SaveX(ctx)
		product := c.Product.Create().SetName("Analytics Suite").SaveX(ctx)
		// fill records one of everything under an account.
		fill := func(acc int, people int) {
			unit := c.BusinessUnit.Create().SetName("Cloud").SetAccountID(acc).SaveX(ctx)
			c.AccountTeamMember.Create().SetRole("ACCOUNT_MANAGER").SetAccountID(acc).SetUserID(user.ID).SaveX(ctx)
			plan := c.AccountPlan.Create().SetName("FY27").SetAccountID(acc).SetStatus(accountplan.StatusACTIVE).
				SetPeriodStart(day("2027-01-01")).SetPeriodEnd(day("2027-12-31")).SaveX(ctx)
			goal := c.Goal.Create().SetTitle("Grow").SetPlanID(plan.ID).SaveX(ctx)
			obj := c.Objective.Create().SetTitle("Pilot").SetGoalID(goal.ID).SaveX(ctx)
			kpi := c.KPI.Create().SetName("Users").SetObjectiveID(obj.ID).SaveX(ctx)
			c.KPIMeasurement.Create().SetValue("5").SetKpiID(kpi.ID).SaveX(ctx)
			c.ActionItem.Create().SetTitle("Call").SetPlanID(plan.ID).SetObjectiveID(obj.ID).SaveX(ctx)
			var ids []int
			for i := 0; i < people; i++ {
				s := c.Stakeholder.Create().SetName(fmt.Sprintf("Person %d", i)).SetAccountID(acc).SetBusinessUnitID(unit.ID).SaveX(ctx)
				c.Relationship.Create().SetUserID(user.ID).SetStakeholderID(s.ID).SaveX(ctx)
				ids = append(ids, s.ID)
			}
			if people > 1 {
				c.InfluenceEdge.Create().SetFromID(ids[0]).SetToID(ids[1]).SaveX(ctx)
			}
			c.Opportunity.Create().SetName("Deal").SetAccountID(acc).SetPlanID(plan.ID).SetProductID(product.ID).SaveX(ctx)
			c.RevenueRecord.Create().SetAccountID(acc).SetPeriodStart(day("2026-01-01")).SetPeriodEnd(day("2026-12-31")).
				SetStartingRevenue(1_000_000).SaveX(ctx)
			c.WhitespaceCell.Create().SetAccountID(acc).SetBusinessUnitID(unit.ID).SetProductID(product.ID).SaveX(ctx)
			c.Feedback.Create().SetKind(feedback.KindAD_HOC).SetAccountID(acc).SetPlanID(plan.ID).SetStakeholderID(ids[0]).SaveX(ctx)
		}
		parent := c.Account.Create().SetName("Acme Corp").SetOwnerID(user.ID).SaveX(ctx)
		child := c.Account.Create().SetName("Acme Europe").SetParentID(parent.ID).SaveX(ctx)
		other := c.Account.Create().SetName("Globex").SaveX(ctx)
		fill(parent.ID, 2)
		fill(child.ID, 1)
		fill(other.ID, 1)

		counts := []struct {
			root          string
			before, after int
		}{
			{"accounts", 3, 2},
			{"businessUnits", 3, 2},
			{"accountTeamMembers", 3, 2},
			{"accountPlans", 3, 2},
			{"goals", 3, 2},
			{"objectives", 3, 2},
			{"kpis", 3, 2},
			{"kpiMeasurements", 3, 2},
			{"actionItems", 3, 2},
			{"stakeholders", 4, 2},
			{"influenceEdges", 1, 0},
			{"relationships", 4, 2},
			{"opportunities", 3, 2},
			{"revenueRecords", 3, 2},
			{"whitespaceCells", 3, 2},
			{"feedback", 3, 2},
			{"users", 1, 1},    // the owner stays
			{"products", 1, 1}, // products are ours, not the account's
		}
		roots := make([]string, len(counts))
		for i, c := range counts {
			roots[i] = c.root
		}
		before := rootCounts(e, roots...)
		if got := get(e.must(`mutation($id: ID!) { deleteAccount(id: $id) }`, map[string]any{"id": gid(parent.ID)}), "deleteAccount"); got != gid(parent.ID) {
			t.Errorf("deleteAccount returned %v, want %s", got, gid(parent.ID))
		}
		after := rootCounts(e, roots...)
		for _, c := range counts {
			if before[c.root] != c.before || after[c.root] != c.after {
				t.Errorf("%s: %d before, %d after; want %d, %d", c.root, before[c.root], after[c.root], c.before, c.after)
			}
		}

		// The subsidiary stays with its own records, now top-level.
		d := e.must(`query($id: ID!) { node(id: $id) { ... on Account { name parent { id }
			stakeholders(first: 10) { totalCount } plans(first: 10) { totalCount } } } }`, map[string]any{"id": gid(child.ID)})
		want := map[string]any{"name": "Acme Europe", "parent": nil,
			"stakeholders": map[string]any{"totalCount": 1}, "plans": map[string]any{"totalCount": 1}}
		if !sameJSON(d["node"], want) {
			t.Errorf("child account after deleting its parent = %v, want %v", d["node"], want)
		}
		d = e.must(`{ accounts(first: 10, where: {hasParent: false}, orderBy: [{field: NAME}]) { edges { node { name } } } }`, nil)
		if got := nodeNames(d["accounts"]); !sameJSON(got, []string{"Acme Europe", "Globex"}) {
			t.Errorf("top-level accounts = %v, want [Acme Europe Globex]", got)
		}
	})
}

// TestDeleteOtherTypes: the other deletes the type descriptions document.
// Each row deletes one record of a fresh set and checks how the totalCount
// of each listed connection changes.
func TestDeleteOtherTypes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		typ     string         // the mutation is delete<typ>
		victim  string         // which record of the set
		changes map[string]int // connection (first: 1 is added) → change of its totalCount
	}{
		{"a business unit deletes its whitespace cells; its stakeholders stay, without it", "BusinessUnit", "businessUnit",
			map[string]int{"businessUnits": -1, "whitespaceCells": -1, "stakeholders": 0,
				"stakeholders(where: {hasBusinessUnit: false})": +1}},
		{"a product deletes its whitespace cells and is cleared from opportunities", "Product", "product",
			map[string]int{"products": -1, "whitespaceCells": -1, "opportunities": 0,
				"opportunities(where: {hasProduct: false})": +1}},
		{"a goal deletes its objectives, their KPIs and action items", "Goal", "goal",
			map[string]int{"goals": -1, "objectives": -1, "kpis": -1, "kpiMeasurements": -1, "actionItems": -1,
				"accountPlans": 0, "actionItems(where: {hasObjective: false})": 0}},
		{"an objective deletes its KPIs and action items", "Objective", "objective",
			map[string]int{"objectives": -1, "kpis": -1, "kpiMeasurements": -1, "actionItems": -1, "goals": 0}},
	}
	eachDatabase(t, func(t *testing.T, e *env) {
		for i, tc := range cases {
			t.Run(tc.typ, func(t *testing.T) {
				e := e.forSubtest(t)
				set := newDeleteSet(t, e, fmt.Sprintf("set%d", i))
				var probes []string
				for p := range tc.changes {
					probes = append(probes, p)
				}
				before := probeCounts(e, probes)
				e.must(fmt.Sprintf(`mutation($id: ID!) { delete%s(id: $id) }`, tc.typ), map[string]any{"id": set[tc.victim]})
				after := probeCounts(e, probes)
				for _, p := range probes {
					if got := after[p] - before[p]; got != tc.changes[p] {
						t.Errorf("%s: %d before, %d after: changed by %d, want %d", p, before[p], after[p], got, tc.changes[p])
					}
				}
			})
		}
	})
}

// newDeleteSet writes an account with one record of each kind under it and
// returns their IDs: businessUnit, product, plan, goal, objective, kpi (with
// a measurement), item (an action item of the objective), planItem (one
// without objective), stakeholder (in the business unit), cell (business unit
// × product) and opportunity (for the product).
func newDeleteSet(t *testing.T, e *env, tag string) map[string]string {
	t.Helper()
	ctx := context.Background()
	c := e.client
	acc := c.Account.Create().SetName(tag).SaveX(ctx)
	unit := c.BusinessUnit.Create().SetName("Cloud").SetAccountID(acc.ID).SaveX(ctx)
	product := c.Product.Create().SetName(tag + " product").SaveX(ctx)
	plan := c.AccountPlan.Create().SetName("FY27").SetAccountID(acc.ID).
		SetPeriodStart(day("2027-01-01")).SetPeriodEnd(day("2027-12-31")).SaveX(ctx)
	goal := c.Goal.Create().SetTitle("Grow").SetPlanID(plan.ID).SaveX(ctx)
	obj := c.Objective.Create().SetTitle("Pilot").SetGoalID(goal.ID).SaveX(ctx)
	kpi := c.KPI.Create().SetName("Users").SetObjectiveID(obj.ID).SaveX(ctx)
	c.KPIMeasurement.Create().SetValue("5").SetKpiID(kpi.ID).SaveX(ctx)
	item := c.ActionItem.Create().SetTitle("Call").SetPlanID(plan.ID).SetObjectiveID(obj.ID).SaveX(ctx)
	planItem := c.ActionItem.Create().SetTitle("Book the review").SetPlanID(plan.ID).SaveX(ctx)
	person := c.Stakeholder.Create().SetName("Sam").SetAccountID(acc.ID).SetBusinessUnitID(unit.ID).SaveX(ctx)
	cell := c.WhitespaceCell.Create().SetAccountID(acc.ID).SetBusinessUnitID(unit.ID).SetProductID(product.ID).SaveX(ctx)
	opp := c.Opportunity.Create().SetName("Deal").SetAccountID(acc.ID).SetPlanID(plan.ID).SetProductID(product.ID).SaveX(ctx)
	return map[string]string{
		"businessUnit": gid(unit.ID), "product": gid(product.ID), "plan": gid(plan.ID), "goal": gid(goal.ID),
		"objective": gid(obj.ID), "kpi": gid(kpi.ID), "item": gid(item.ID), "planItem": gid(planItem.ID),
		"stakeholder": gid(person.ID), "cell": gid(cell.ID), "opportunity": gid(opp.ID),
	}
}

// probeCounts returns the totalCount of each connection, such as "goals" or
// "stakeholders(where: {hasBusinessUnit: false})", asking for one node of each.
func probeCounts(e *env, probes []string) map[string]int {
	e.t.Helper()
	var q strings.Builder
	q.WriteString("{")
	for i, p := range probes {
		if name, args, ok := strings.Cut(p, "("); ok {
			p = name + "(first: 1, " + args
		} else {
			p += "(first: 1)"
		}
		fmt.Fprintf(&q, " p%d: %s { totalCount }", i, p)
	}
	q.WriteString(" }")
	d := e.must(q.String(), nil)
	counts := map[string]int{}
	for i, p := range probes {
		counts[p] = totalCount(d[fmt.Sprintf("p%d", i)])
	}
	return counts
}

// TestNodes: nodes(ids) resolves IDs of any types in the order given; an ID
// that names nothing gives null at its position and a NOT_FOUND error there.
func TestNodes(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		p := newParents(t, e)
		deleted := get(e.must(`mutation { createProduct(input: {name: "Retired"}) { id } }`, nil), "createProduct", "id").(string)
		e.must(`mutation($id: ID!) { deleteProduct(id: $id) }`, map[string]any{"id": deleted})
		unknownAccount := p.account + "000" // in the Account range, but no such row
		noType := "999999999999999"         // in no type's range

		cases := []struct {
			name     string
			ids      []string
			want     []string // __typename at each position; "" for null
			notFound []int    // positions with a NOT_FOUND error
		}{
			{"several types, in the order asked",
				[]string{p.plan, p.account, p.user, p.stakeholder, p.kpi, p.product, p.businessUnit},
				[]string{"AccountPlan", "Account", "User", "Stakeholder", "KPI", "Product", "BusinessUnit"}, nil},
			{"the same ID twice", []string{p.goal, p.goal}, []string{"Goal", "Goal"}, nil},
			{"one ID", []string{p.objective}, []string{"Objective"}, nil},
			{"no IDs", []string{}, []string{}, nil},
			{"an unknown ID of a known type", []string{p.account, unknownAccount, p.user}, []string{"Account", "", "User"}, []int{1}},
			{"an ID of no type", []string{p.user, p.account, noType}, []string{"User", "Account", ""}, []int{2}},
			{"a deleted ID", []string{deleted, p.product}, []string{"", "Product"}, []int{0}},
			{"only an unknown ID", []string{unknownAccount}, []string{""}, []int{0}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				e := e.forSubtest(t)
				r := e.do(`query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, map[string]any{"ids": tc.ids})
				got := []string{}
				nodes, ok := get(r.Data, "nodes").([]any)
				if !ok {
					t.Fatalf("nodes is not a list: data %v (null: the whole response lost its data), errors %+v", r.Data, r.Errors)
				}
				for i, n := range nodes {
					name, _ := get(n, "__typename").(string)
					got = append(got, name)
					if n != nil && get(n, "id") != tc.ids[i] {
						t.Errorf("position %d has id %v, want %s", i, get(n, "id"), tc.ids[i])
					}
				}
				if !sameJSON(got, tc.want) {
					t.Errorf("nodes = %v, want %v", got, tc.want)
				}
				var positions []int
				for _, err := range r.Errors {
					if err.Extensions["code"] != "NOT_FOUND" || len(err.Path) != 2 || err.Path[0] != "nodes" {
						t.Errorf("unexpected error %+v", err)
						continue
					}
					positions = append(positions, int(err.Path[1].(float64)))
				}
				if !sameJSON(positions, tc.notFound) {
					t.Errorf("NOT_FOUND errors at %v, want %v", positions, tc.notFound)
				}
			})
		}
	})
}
