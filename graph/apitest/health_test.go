package apitest

// Plan health, plan coverage, the tier report and the ICP fit through the API,
// on hand-built data whose answers are worked out by hand, and on the demo.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/actionitem"
	"github.com/accountplan/accountplan/ent/icpcriterion"
	"github.com/accountplan/accountplan/ent/objective"
	"github.com/accountplan/accountplan/graph/demo"
)

// ago is the time n days before now (after it when n is negative).
func ago(n int) time.Time { return time.Now().UTC().AddDate(0, 0, -n) }

// healthPlan is a plan built for one health rule: what it breaks, and nothing else unless said.
type healthPlan struct {
	name       string
	status     accountplan.Status
	cadence    accountplan.ReviewCadence
	goals      int
	unowned    int   // open objectives without an owner (with a KPI)
	unmeasured int   // open objectives without a KPI (with an owner)
	late       []int // days late of open action items
	reviewed   int   // days since the last review; 0 for never
	insights   int
	confirmed  int
}

// healthy is an active quarterly plan that breaks no rule.
func healthy(name string) healthPlan {
	return healthPlan{name: name, status: accountplan.StatusACTIVE, cadence: accountplan.ReviewCadenceQUARTERLY,
		goals: 4, reviewed: 10, insights: 2, confirmed: 1}
}

// create writes the plan for acc. Around what it breaks it adds what every
// plan has and the rules must not count: an owned objective with a KPI, an
// ACHIEVED objective with neither, a DONE item long past its due date, an
// open item not yet due and an older review.
func (p healthPlan) create(t *testing.T, c *ent.Client, acc *ent.Account, owner *ent.User) *ent.AccountPlan {
	t.Helper()
	ctx := context.Background()
	plan := c.AccountPlan.Create().SetName(p.name).SetAccount(acc).SetStatus(p.status).SetReviewCadence(p.cadence).
		SetPeriodStart(ago(300)).SetPeriodEnd(ago(-65)).SaveX(ctx)
	var first *ent.Goal
	for g := range p.goals {
		goal := c.Goal.Create().SetTitle(fmt.Sprintf("Goal %d", g+1)).SetPlan(plan).SaveX(ctx)
		if first == nil {
			first = goal
		}
	}
	if first != nil { // objectives need a goal: a plan without goals gets none
		ok := c.Objective.Create().SetTitle("Owned and measured").SetGoal(first).SetOwner(owner).SaveX(ctx)
		c.KPI.Create().SetName("KPI").SetObjective(ok).ExecX(ctx)
		c.Objective.Create().SetTitle("Achieved long ago").SetGoal(first).SetStatus(objective.StatusACHIEVED).ExecX(ctx)
		for i := range p.unowned {
			o := c.Objective.Create().SetTitle(fmt.Sprintf("Unowned %d", i+1)).SetGoal(first).SaveX(ctx)
			c.KPI.Create().SetName("KPI").SetObjective(o).ExecX(ctx)
		}
		for i := range p.unmeasured {
			c.Objective.Create().SetTitle(fmt.Sprintf("Unmeasured %d", i+1)).SetGoal(first).SetOwner(owner).
				SetStatus(objective.StatusIN_PROGRESS).ExecX(ctx)
		}
	}
	c.ActionItem.Create().SetTitle("Done late").SetPlan(plan).SetDueAt(ago(90)).SetStatus(actionitem.StatusDONE).ExecX(ctx)
	c.ActionItem.Create().SetTitle("Not yet due").SetPlan(plan).SetDueAt(ago(-7)).ExecX(ctx)
	for i, days := range p.late {
		c.ActionItem.Create().SetTitle(fmt.Sprintf("Late %d", i+1)).SetPlan(plan).SetDueAt(ago(days)).
			SetStatus(actionitem.StatusIN_PROGRESS).ExecX(ctx)
	}
	if p.reviewed > 0 {
		c.Review.Create().SetPlan(plan).SetHeldAt(ago(p.reviewed + 100)).ExecX(ctx)
		c.Review.Create().SetPlan(plan).SetHeldAt(ago(p.reviewed)).ExecX(ctx)
	}
	for i := range p.insights {
		c.Insight.Create().SetPlan(plan).SetKind("GOAL").SetText(fmt.Sprintf("Insight %d", i+1)).SetConfirmed(i < p.confirmed).ExecX(ctx)
	}
	return plan
}

func TestPlanHealthRules(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		owner := e.client.User.Create().SetName("Owner").SetEmail("owner@example.com").SaveX(ctx)
		acc := e.client.Account.Create().SetName("Acme").SaveX(ctx)
		with := func(name string, change func(p *healthPlan)) healthPlan {
			p := healthy(name)
			change(&p)
			return p
		}
		cases := []struct {
			plan     healthPlan
			grade    string
			findings string // rule:severity, in order
			message  string // of the first finding, when stable
		}{
			{healthy("a healthy plan"), "GREEN", "", ""},
			{with("goals too few", func(p *healthPlan) { p.goals = 2 }), "AMBER", "GOALS_OUT_OF_RANGE:WARNING",
				"The plan has 2 goals; the playbook asks for 3 to 6."},
			{with("goals too many", func(p *healthPlan) { p.goals = 7 }), "AMBER", "GOALS_OUT_OF_RANGE:WARNING", ""},
			{with("objectives without owner", func(p *healthPlan) { p.unowned = 2 }), "AMBER", "OBJECTIVE_WITHOUT_OWNER:WARNING",
				`2 objectives have no owner: "Unowned 1", "Unowned 2".`},
			{with("objective without KPI", func(p *healthPlan) { p.unmeasured = 1 }), "AMBER", "OBJECTIVE_WITHOUT_KPI:WARNING",
				`1 objective has no KPI: "Unmeasured 1".`},
			{with("items overdue", func(p *healthPlan) { p.late = []int{3} }), "AMBER", "ACTION_ITEMS_OVERDUE:WARNING", ""},
			{with("items long overdue", func(p *healthPlan) { p.late = []int{2, 45} }), "RED", "ACTION_ITEMS_OVERDUE:CRITICAL", ""},
			{with("review overdue", func(p *healthPlan) { p.cadence, p.reviewed = accountplan.ReviewCadenceMONTHLY, 40 }), "AMBER", "REVIEW_OVERDUE:WARNING", ""},
			{with("never reviewed", func(p *healthPlan) { p.reviewed = 0 }), "RED", "REVIEW_OVERDUE:CRITICAL", ""},
			{with("nothing confirmed", func(p *healthPlan) { p.confirmed = 0 }), "AMBER", "NO_CONFIRMED_INSIGHT:WARNING",
				"The customer has confirmed none of the plan's 2 insights."},
			{with("no insight", func(p *healthPlan) { p.insights, p.confirmed = 0, 0 }), "AMBER", "NO_CONFIRMED_INSIGHT:WARNING",
				"The plan records no customer insight, so the customer has confirmed none."},
			{with("a draft", func(p *healthPlan) {
				p.status, p.goals, p.late, p.reviewed, p.insights = accountplan.StatusDRAFT, 0, []int{45}, 0, 0
			}), "GREEN", "GOALS_OUT_OF_RANGE:INFO NO_CONFIRMED_INSIGHT:INFO", "The plan has 0 goals; the playbook asks for 3 to 6."},
			{with("everything wrong", func(p *healthPlan) {
				p.goals, p.unowned, p.unmeasured, p.late, p.reviewed, p.confirmed = 1, 1, 1, []int{1}, 0, 0
			}), "RED", "GOALS_OUT_OF_RANGE:WARNING OBJECTIVE_WITHOUT_OWNER:WARNING OBJECTIVE_WITHOUT_KPI:WARNING NO_CONFIRMED_INSIGHT:WARNING ACTION_ITEMS_OVERDUE:WARNING REVIEW_OVERDUE:CRITICAL", ""},
		}
		for _, c := range cases {
			c.plan.create(t, e.client, acc, owner)
		}
		data := e.must(`{ accountPlans(first: 50) { edges { node { name health { grade findings { rule severity message } } } } } }`, nil)
		got := map[string]any{}
		for _, edge := range get(data, "accountPlans", "edges").([]any) {
			got[get(edge, "node", "name").(string)] = get(edge, "node", "health")
		}
		for _, c := range cases {
			h := got[c.plan.name]
			var rules []string
			for _, f := range get(h, "findings").([]any) {
				rules = append(rules, fmt.Sprintf("%s:%s", get(f, "rule"), get(f, "severity")))
			}
			if g := get(h, "grade"); g != c.grade || strings.Join(rules, " ") != c.findings {
				t.Errorf("%s: got %v %v, want %s %s", c.plan.name, g, rules, c.grade, c.findings)
			}
			if c.message != "" && get(h, "findings", 0, "message") != c.message {
				t.Errorf("%s: message %q, want %q", c.plan.name, get(h, "findings", 0, "message"), c.message)
			}
		}
	})
}

// TestPlanHealthInMutations checks that a mutation's result is graded on the
// writes of the request so far, read inside its transaction.
func TestPlanHealthInMutations(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		owner := e.client.User.Create().SetName("Owner").SetEmail("owner@example.com").SaveX(ctx)
		acc := e.client.Account.Create().SetName("Acme").SaveX(ctx)
		p := healthy("One goal")
		p.goals = 1
		plan := p.create(t, e.client, acc, owner)
		data := e.must(`mutation($in: CreateGoalInput!) {
			first: createGoal(input: $in) { plan { health { grade findings { rule } } } }
			second: createGoal(input: $in) { plan { health { grade } } } }`,
			map[string]any{"in": map[string]any{"title": "Another goal", "planID": gid(plan.ID)}})
		if h := get(data, "first", "plan", "health"); !sameJSON(h, map[string]any{"grade": "AMBER", "findings": []any{map[string]any{"rule": "GOALS_OUT_OF_RANGE"}}}) {
			t.Errorf("after a second goal: %v", h)
		}
		// Loaders live per root field: the second mutation's plan is graded anew.
		if g := get(data, "second", "plan", "health", "grade"); g != "GREEN" {
			t.Errorf("after a third goal: %v", g)
		}
		before := get(e.must(`query($id: ID!) { node(id: $id) { ... on AccountPlan { health { grade } } } }`, map[string]any{"id": gid(plan.ID)}), "node", "health", "grade")
		if before != "GREEN" {
			t.Errorf("after the mutations: %v", before)
		}
	})
}

func TestPlanCoverage(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := e.client
		plan := func(acc *ent.Account, status accountplan.Status) {
			c.AccountPlan.Create().SetName("Plan").SetAccount(acc).SetStatus(status).
				SetPeriodStart(ago(10)).SetPeriodEnd(ago(-300)).ExecX(ctx)
		}
		c.Account.Create().SetName("1 strategic without a plan").SetTier(account.TierSTRATEGIC).ExecX(ctx)
		plan(c.Account.Create().SetName("2 key with a draft").SetTier(account.TierKEY).SaveX(ctx), accountplan.StatusDRAFT)
		plan(c.Account.Create().SetName("3 key with an active plan").SetTier(account.TierKEY).SaveX(ctx), accountplan.StatusACTIVE)
		c.Account.Create().SetName("4 general without a plan").ExecX(ctx)
		data := e.must(`{ accounts(first: 10, orderBy: [{field: NAME}]) { edges { node { planCoverage { grade findings { rule severity message } } } } } }`, nil)
		want := []any{
			map[string]any{"grade": "RED", "findings": []any{map[string]any{"rule": "REQUIRED_PLAN_MISSING", "severity": "CRITICAL",
				"message": "A STRATEGIC account requires an active plan, and this one has none."}}},
			map[string]any{"grade": "RED", "findings": []any{map[string]any{"rule": "REQUIRED_PLAN_MISSING", "severity": "CRITICAL",
				"message": "A KEY account requires an active plan, and this one has none."}}},
			map[string]any{"grade": "GREEN", "findings": []any{}},
			map[string]any{"grade": "GREEN", "findings": []any{}},
		}
		var got []any
		for _, edge := range get(data, "accounts", "edges").([]any) {
			got = append(got, get(edge, "node", "planCoverage"))
		}
		if !sameJSON(got, want) {
			t.Errorf("got  %v\nwant %v", got, want)
		}
	})
}

// healthWorld writes n accounts of mixed tiers, each with a plan that breaks
// some rules, VP stakeholders, and an ICP profile.
func healthWorld(t *testing.T, c *ent.Client, from, to int) {
	t.Helper()
	ctx := context.Background()
	owner, err := c.User.Query().First(ctx)
	if ent.IsNotFound(err) {
		owner = c.User.Create().SetName("Owner").SetEmail("owner@example.com").SaveX(ctx)
		c.IcpCriterion.Create().SetAttribute(icpcriterion.AttributeINDUSTRY).SetValue("High Tech").SetGrade(icpcriterion.GradeIDEAL).ExecX(ctx)
		c.IcpCriterion.Create().SetAttribute(icpcriterion.AttributeVP_SALES_CONTACT).SetValue("PRESENT").SetGrade(icpcriterion.GradeIDEAL).ExecX(ctx)
	}
	tiers := []account.Tier{account.TierSTRATEGIC, account.TierKEY, account.TierGENERAL}
	for i := from; i < to; i++ {
		acc := c.Account.Create().SetName(fmt.Sprintf("Account %03d", i)).SetTier(tiers[i%3]).SetIndustry("High Tech").SaveX(ctx)
		c.Stakeholder.Create().SetName("Vee").SetTitle("VP Sales").SetAccount(acc).ExecX(ctx)
		c.Stakeholder.Create().SetName("Ops").SetTitle("VP Sales Operations").SetAccount(acc).ExecX(ctx)
		p := healthy(fmt.Sprintf("Plan %03d", i))
		p.unowned, p.unmeasured, p.late = 1, 1, []int{5}
		p.create(t, c, acc, owner)
	}
}

// TestHealthStatementsConstant pins the batching: a page of plans with their
// health, their account's plan coverage and ICP fit runs as many statements
// for 5 plans as for 50, as does a page of accounts with their plans' health.
func TestHealthStatementsConstant(t *testing.T) {
	t.Parallel()
	const plans = `{ accountPlans(first: 100) { edges { node { name health { grade findings { rule message } }
		account { name planCoverage { grade findings { rule } } icpFit { grade score reasons { attribute grade criterion { id grade } } } } } } } }`
	const accounts = `{ accounts(first: 100) { edges { node { name planCoverage { grade } icpFit { score }
		plans(first: 5) { edges { node { health { grade findings { rule } } } } } } } } }`
	eachDatabase(t, func(t *testing.T, e *env) {
		// run counts the statements of query and checks the last of its n rows.
		run := func(query, root string, n int, last []any) int64 {
			var data map[string]any
			count := e.count(func() { data = e.must(query, nil) })
			edges := get(data, root, "edges").([]any)
			if len(edges) != n || get(edges[n-1], last[:len(last)-1]...) != last[len(last)-1] {
				t.Fatalf("%s: %d rows, the last %v", root, len(edges), edges[len(edges)-1])
			}
			return count
		}
		lastPlan := []any{"node", "account", "icpFit", "score", float64(100)}
		lastAccount := []any{"node", "plans", "edges", 0, "node", "health", "findings", 2, "rule", "ACTION_ITEMS_OVERDUE"}
		healthWorld(t, e.client, 0, 5)
		smallPlans, smallAccounts := run(plans, "accountPlans", 5, lastPlan), run(accounts, "accounts", 5, lastAccount)
		healthWorld(t, e.client, 5, 50)
		largePlans, largeAccounts := run(plans, "accountPlans", 50, lastPlan), run(accounts, "accounts", 50, lastAccount)
		t.Logf("plans with health, coverage and fit: %d statements for 5, %d for 50", smallPlans, largePlans)
		t.Logf("accounts with coverage, fit and their plans' health: %d statements for 5, %d for 50", smallAccounts, largeAccounts)
		// Plans and their accounts (or accounts and their plans), six for
		// health and three for its tier table (tiers, tier reviews and their
		// attendees), one for coverage, two for the fit (criteria and titles).
		const want = 14
		if smallPlans != want || largePlans != want {
			t.Errorf("plan page: %d statements for 5 plans, %d for 50; want %d", smallPlans, largePlans, want)
		}
		if smallAccounts != want || largeAccounts != want {
			t.Errorf("account page: %d statements for 5 accounts, %d for 50; want %d", smallAccounts, largeAccounts, want)
		}
	})
}

func TestTierReport(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		// Revenues in thousands of dollars, with a tie at the KEY cut-off: of
		// 12 accounts, round(1.2) = 1 is STRATEGIC and round(3) = 3 are in
		// the top 25%, and Delta ties Charlie at rank 3.
		specs := []struct {
			name   string
			tier   account.Tier
			region string
			k      int64
		}{
			{"Alpha", account.TierSTRATEGIC, "EMEA", 900}, {"Bravo", account.TierSTRATEGIC, "North America", 800},
			{"Charlie", account.TierGENERAL, "EMEA", 500}, {"Delta", account.TierKEY, "North America", 500},
			{"Echo", account.TierKEY, "EMEA", 300}, {"Foxtrot", account.TierGENERAL, "EMEA", 200},
			{"Golf", account.TierGENERAL, "North America", 150}, {"Hotel", account.TierGENERAL, "EMEA", 100},
			{"India", account.TierGENERAL, "EMEA", 90}, {"Juliett", account.TierGENERAL, "EMEA", 50},
			{"Kilo", account.TierKEY, "EMEA", 0}, {"Lima", account.TierGENERAL, "EMEA", 0},
		}
		for _, s := range specs {
			e.client.Account.Create().SetName(s.name).SetTier(s.tier).SetRegion(s.region).SetAnnualRevenue(s.k * 100_000).ExecX(ctx)
		}
		const q = `query($where: AccountWhereInput) { tierReport(where: $where) { total
			tiers { tier count share guideShare suggested }
			accounts { rank tier suggestedTier account { name } }
			mismatches { account { name } } } }`
		data := e.must(q, nil)
		report := get(data, "tierReport")
		wantTiers := []any{
			map[string]any{"tier": "STRATEGIC", "count": 2, "share": 16.7, "guideShare": 10, "suggested": 1},
			map[string]any{"tier": "KEY", "count": 3, "share": 25, "guideShare": 15, "suggested": 3},
			map[string]any{"tier": "GENERAL", "count": 7, "share": 58.3, "guideShare": 75, "suggested": 8},
		}
		if get(report, "total") != float64(12) || !sameJSON(get(report, "tiers"), wantTiers) {
			t.Errorf("total %v, tiers %v", get(report, "total"), get(report, "tiers"))
		}
		var ranks []string
		for _, a := range get(report, "accounts").([]any) {
			ranks = append(ranks, fmt.Sprintf("%v:%v:%v>%v", get(a, "account", "name"), get(a, "rank"), get(a, "tier"), get(a, "suggestedTier")))
		}
		want := "Alpha:1:STRATEGIC>STRATEGIC Bravo:2:STRATEGIC>KEY Charlie:3:GENERAL>KEY Delta:3:KEY>KEY Echo:5:KEY>GENERAL " +
			"Foxtrot:6:GENERAL>GENERAL Golf:7:GENERAL>GENERAL Hotel:8:GENERAL>GENERAL India:9:GENERAL>GENERAL Juliett:10:GENERAL>GENERAL " +
			"Kilo:11:KEY>GENERAL Lima:11:GENERAL>GENERAL"
		if got := strings.Join(ranks, " "); got != want {
			t.Errorf("accounts:\n got %s\nwant %s", got, want)
		}
		var mismatches []string
		for _, a := range get(report, "mismatches").([]any) {
			mismatches = append(mismatches, get(a, "account", "name").(string))
		}
		if got := strings.Join(mismatches, " "); got != "Bravo Charlie Echo Kilo" {
			t.Errorf("mismatches: got %s", got)
		}

		// Narrowed to North America: 3 accounts, round(0.3) = 0 STRATEGIC, round(0.75) = 1 KEY.
		data = e.must(q, map[string]any{"where": map[string]any{"region": "North America"}})
		ranks = nil
		for _, a := range get(data, "tierReport", "accounts").([]any) {
			ranks = append(ranks, fmt.Sprintf("%v>%v", get(a, "account", "name"), get(a, "suggestedTier")))
		}
		if got := strings.Join(ranks, " "); got != "Bravo>KEY Delta>GENERAL Golf>GENERAL" {
			t.Errorf("North America: got %s", got)
		}
	})
}

func TestIcpCriterionMutations(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		const create = `mutation($in: CreateIcpCriterionInput!) { createIcpCriterion(input: $in) { id attribute value minSellers maxSellers grade note } }`
		const update = `mutation($id: ID!, $in: UpdateIcpCriterionInput!) { updateIcpCriterion(id: $id, input: $in) { id value minSellers maxSellers grade note } }`
		made := map[string]string{}
		for name, in := range map[string]map[string]any{
			"tech":   {"attribute": "INDUSTRY", "value": "High Tech", "grade": "IDEAL", "note": "Our sweet spot."},
			"ideal":  {"attribute": "SELLERS", "minSellers": 100, "maxSellers": 5000, "grade": "IDEAL"},
			"big":    {"attribute": "SELLERS", "minSellers": 5001, "grade": "CAUTION"},
			"retail": {"attribute": "INDUSTRY", "value": "Retail", "grade": "OFF_STRATEGY"},
			"other":  {"attribute": "REGION", "value": "*", "grade": "OFF_STRATEGY"},
			"growth": {"attribute": "MATURITY", "value": "GROWTH", "grade": "IDEAL"},
			"vp":     {"attribute": "VP_SALES_CONTACT", "value": "PRESENT", "grade": "IDEAL"},
		} {
			made[name] = get(e.must(create, map[string]any{"in": in}), "createIcpCriterion", "id").(string)
		}
		refusals := []struct {
			name, query string
			vars        map[string]any
			code, field string
		}{
			{"a range with a value", create, map[string]any{"in": map[string]any{"attribute": "SELLERS", "value": "10", "maxSellers": 10, "grade": "IDEAL"}}, "BAD_USER_INPUT", "value"},
			{"a range without bounds", create, map[string]any{"in": map[string]any{"attribute": "SELLERS", "grade": "IDEAL"}}, "BAD_USER_INPUT", "minSellers"},
			{"a range upside down", create, map[string]any{"in": map[string]any{"attribute": "SELLERS", "minSellers": 50, "maxSellers": 10, "grade": "IDEAL"}}, "BAD_USER_INPUT", "maxSellers"},
			{"a negative bound", create, map[string]any{"in": map[string]any{"attribute": "SELLERS", "minSellers": -1, "grade": "IDEAL"}}, "BAD_USER_INPUT", "minSellers"},
			{"an overlapping range", create, map[string]any{"in": map[string]any{"attribute": "SELLERS", "minSellers": 4000, "maxSellers": 4500, "grade": "CAUTION"}}, "BAD_USER_INPUT", "minSellers"},
			{"an open range overlapping", create, map[string]any{"in": map[string]any{"attribute": "SELLERS", "maxSellers": 100, "grade": "OFF_STRATEGY"}}, "BAD_USER_INPUT", "minSellers"},
			{"a value without its attribute's range", create, map[string]any{"in": map[string]any{"attribute": "INDUSTRY", "value": "Legal", "minSellers": 1, "grade": "IDEAL"}}, "BAD_USER_INPUT", "minSellers"},
			{"no value", create, map[string]any{"in": map[string]any{"attribute": "REGION", "grade": "IDEAL"}}, "BAD_USER_INPUT", "value"},
			{"an empty value", create, map[string]any{"in": map[string]any{"attribute": "REGION", "value": "", "grade": "IDEAL"}}, "BAD_USER_INPUT", "value"},
			{"a value graded twice, in other case", create, map[string]any{"in": map[string]any{"attribute": "INDUSTRY", "value": "high TECH", "grade": "CAUTION"}}, "BAD_USER_INPUT", "value"},
			{"a second catch-all", create, map[string]any{"in": map[string]any{"attribute": "REGION", "value": "*", "grade": "CAUTION"}}, "BAD_USER_INPUT", "value"},
			{"an unknown maturity", create, map[string]any{"in": map[string]any{"attribute": "MATURITY", "value": "RIPE", "grade": "IDEAL"}}, "BAD_USER_INPUT", "value"},
			{"a catch-all maturity", create, map[string]any{"in": map[string]any{"attribute": "MATURITY", "value": "*", "grade": "IDEAL"}}, "BAD_USER_INPUT", "value"},
			{"a contact neither present nor absent", create, map[string]any{"in": map[string]any{"attribute": "VP_SALES_OPERATIONS_CONTACT", "value": "YES", "grade": "IDEAL"}}, "BAD_USER_INPUT", "value"},
			{"a range moved onto another", update, map[string]any{"id": made["big"], "in": map[string]any{"minSellers": 5000}}, "BAD_USER_INPUT", "minSellers"},
			{"a value renamed onto another", update, map[string]any{"id": made["retail"], "in": map[string]any{"value": "High tech"}}, "BAD_USER_INPUT", "value"},
			{"a value cleared", update, map[string]any{"id": made["retail"], "in": map[string]any{"clearValue": true}}, "BAD_USER_INPUT", "value"},
			{"an attribute changed under its value", update, map[string]any{"id": made["retail"], "in": map[string]any{"attribute": "SELLERS"}}, "BAD_USER_INPUT", "value"},
			{"an unknown criterion", update, map[string]any{"id": "1", "in": map[string]any{"note": "x"}}, "NOT_FOUND", "id"},
		}
		for _, r := range refusals {
			t.Run(r.name, func(t *testing.T) {
				code, field := e.forSubtest(t).code(r.query, r.vars)
				if code != r.code || field != r.field {
					t.Errorf("got %s %s, want %s %s", code, field, r.code, r.field)
				}
			})
		}

		// What is allowed: a range moved next to its neighbour, a note alone, an attribute changed with its value.
		got := get(e.must(update, map[string]any{"id": made["big"], "in": map[string]any{"minSellers": 6000, "clearMaxSellers": true, "note": "Large"}}), "updateIcpCriterion")
		if !sameJSON(got, map[string]any{"id": made["big"], "value": nil, "minSellers": 6000, "maxSellers": nil, "grade": "CAUTION", "note": "Large"}) {
			t.Errorf("update: got %v", got)
		}
		e.must(update, map[string]any{"id": made["tech"], "in": map[string]any{"grade": "CAUTION"}})
		e.must(update, map[string]any{"id": made["retail"], "in": map[string]any{"attribute": "SELLERS", "clearValue": true, "maxSellers": 99}})
		if got := get(e.must(`mutation($id: ID!) { deleteIcpCriterion(id: $id) }`, map[string]any{"id": made["vp"]}), "deleteIcpCriterion"); got != made["vp"] {
			t.Errorf("delete: got %v", got)
		}
		data := e.must(`{ icpCriteria(first: 10, where: {attribute: SELLERS}, orderBy: [{field: GRADE}]) { totalCount edges { node { grade minSellers maxSellers } } } }`, nil)
		want := map[string]any{"totalCount": 3, "edges": []any{
			map[string]any{"node": map[string]any{"grade": "CAUTION", "minSellers": 6000, "maxSellers": nil}},
			map[string]any{"node": map[string]any{"grade": "IDEAL", "minSellers": 100, "maxSellers": 5000}},
			map[string]any{"node": map[string]any{"grade": "OFF_STRATEGY", "minSellers": nil, "maxSellers": 99}},
		}}
		if !sameJSON(get(data, "icpCriteria"), want) {
			t.Errorf("criteria: got %v", get(data, "icpCriteria"))
		}
	})
}

// icpFitQuery lists each account's fit as grade, score and the grade per attribute.
const icpFitQuery = `{ accounts(first: 50, orderBy: [{field: NAME}]) { edges { node { name
	icpFit { grade score reasons { attribute value grade message criterion { id grade } } } } } } }`

// fitLines writes each account of an icpFitQuery answer as
// "name: grade score | INDUSTRY grade ... ", unknown grades as ?.
func fitLines(t *testing.T, data map[string]any) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, edge := range get(data, "accounts", "edges").([]any) {
		fit := get(edge, "node", "icpFit")
		parts := []string{fmt.Sprintf("%v %v |", orUnknown(get(fit, "grade")), orUnknown(get(fit, "score")))}
		for _, r := range get(fit, "reasons").([]any) {
			parts = append(parts, fmt.Sprintf("%v=%v", get(r, "attribute"), orUnknown(get(r, "grade"))))
			if (get(r, "grade") == nil) != (get(r, "criterion") == nil) || (get(r, "criterion") != nil && get(r, "criterion", "grade") != get(r, "grade")) {
				t.Errorf("%v: reason %v does not agree with its criterion", get(edge, "node", "name"), r)
			}
		}
		out[get(edge, "node", "name").(string)] = strings.Join(parts, " ")
	}
	return out
}

func orUnknown(v any) any {
	if v == nil {
		return "?"
	}
	return v
}

func TestIcpFit(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := e.client
		criteria := []struct {
			attr     icpcriterion.Attribute
			value    string
			min, max int
			grade    icpcriterion.Grade
		}{
			{icpcriterion.AttributeINDUSTRY, "High Tech", 0, 0, icpcriterion.GradeIDEAL},
			{icpcriterion.AttributeINDUSTRY, "Retail", 0, 0, icpcriterion.GradeOFF_STRATEGY},
			{icpcriterion.AttributeSELLERS, "", 100, 5000, icpcriterion.GradeIDEAL},
			{icpcriterion.AttributeSELLERS, "", 5001, 0, icpcriterion.GradeCAUTION},
			{icpcriterion.AttributeREGION, "GB", 0, 0, icpcriterion.GradeIDEAL},
			{icpcriterion.AttributeREGION, "EMEA", 0, 0, icpcriterion.GradeCAUTION},
			{icpcriterion.AttributeREGION, "*", 0, 0, icpcriterion.GradeOFF_STRATEGY},
			{icpcriterion.AttributeMATURITY, "GROWTH", 0, 0, icpcriterion.GradeIDEAL},
			{icpcriterion.AttributeVP_SALES_CONTACT, "PRESENT", 0, 0, icpcriterion.GradeIDEAL},
			{icpcriterion.AttributeVP_SALES_CONTACT, "ABSENT", 0, 0, icpcriterion.GradeCAUTION},
			{icpcriterion.AttributeVP_SALES_OPERATIONS_CONTACT, "PRESENT", 0, 0, icpcriterion.GradeIDEAL},
		}
		for _, cr := range criteria {
			create := c.IcpCriterion.Create().SetAttribute(cr.attr).SetGrade(cr.grade)
			if cr.value != "" {
				create.SetValue(cr.value)
			}
			if cr.min != 0 {
				create.SetMinSellers(cr.min)
			}
			if cr.max != 0 {
				create.SetMaxSellers(cr.max)
			}
			create.ExecX(ctx)
		}
		growth := account.MaturityGROWTH
		ideal := c.Account.Create().SetName("Ideal").SetIndustry("high tech").SetSellers(100).SetRegion("EMEA").SetCountry("GB").SetMaturity(growth).SaveX(ctx)
		c.Stakeholder.Create().SetName("A").SetTitle("Vice President of Sales").SetAccount(ideal).ExecX(ctx)
		c.Stakeholder.Create().SetName("B").SetTitle("VP, Sales Operations").SetAccount(ideal).ExecX(ctx)
		mixed := c.Account.Create().SetName("Mixed").SetIndustry("Retail").SetSellers(9000).SetRegion("EMEA").SetCountry("DE").SaveX(ctx)
		c.Stakeholder.Create().SetName("C").SetTitle("VP Sales Operations").SetAccount(mixed).ExecX(ctx)
		c.Account.Create().SetName("Unknown").SetIndustry("Mining").SetSellers(50).SetRegion("APAC").SetCountry("SG").ExecX(ctx)
		c.Account.Create().SetName("Unrecorded").ExecX(ctx)

		got := fitLines(t, e.must(icpFitQuery, nil))
		want := map[string]string{
			"Ideal": "IDEAL 100 | INDUSTRY=IDEAL SELLERS=IDEAL REGION=IDEAL MATURITY=IDEAL VP_SALES_CONTACT=IDEAL VP_SALES_OPERATIONS_CONTACT=IDEAL",
			// Retail 0, 9000 sellers 50, EMEA 50, no VP Sales 50, a VP Sales Operations 100: 250 / 5 = 50.
			"Mixed": "OFF_STRATEGY 50 | INDUSTRY=OFF_STRATEGY SELLERS=CAUTION REGION=CAUTION MATURITY=? VP_SALES_CONTACT=CAUTION VP_SALES_OPERATIONS_CONTACT=IDEAL",
			// The catch-all 0 and no VP Sales 50: 25.
			"Unknown":    "OFF_STRATEGY 25 | INDUSTRY=? SELLERS=? REGION=OFF_STRATEGY MATURITY=? VP_SALES_CONTACT=CAUTION VP_SALES_OPERATIONS_CONTACT=?",
			"Unrecorded": "CAUTION 50 | INDUSTRY=? SELLERS=? REGION=? MATURITY=? VP_SALES_CONTACT=CAUTION VP_SALES_OPERATIONS_CONTACT=?",
		}
		for name, w := range want {
			if got[name] != w {
				t.Errorf("%s:\n got %s\nwant %s", name, got[name], w)
			}
		}
		data := e.must(`query($id: ID!) { node(id: $id) { ... on Account { icpFit { reasons { value message } } } } }`, map[string]any{"id": gid(ideal.ID)})
		wantReasons := []any{
			map[string]any{"value": "high tech", "message": `Industry "high tech" is IDEAL.`},
			map[string]any{"value": "100", "message": "A size of 100 sellers (100 to 5000) is IDEAL."},
			map[string]any{"value": "EMEA (GB)", "message": "Country GB is IDEAL."},
			map[string]any{"value": "GROWTH", "message": `Business maturity "GROWTH" is IDEAL.`},
			map[string]any{"value": "PRESENT", "message": `The presence of a VP Sales contact ("Vice President of Sales") is IDEAL.`},
			map[string]any{"value": "PRESENT", "message": `The presence of a VP Sales Operations contact ("VP, Sales Operations") is IDEAL.`},
		}
		if got := get(data, "node", "icpFit", "reasons"); !sameJSON(got, wantReasons) {
			t.Errorf("reasons:\n got %v\nwant %v", got, wantReasons)
		}
	})
}

// TestHealthOfTheDemo applies the demo's profile (the white paper's ICP table)
// to the demo accounts. The expectations were worked out by hand from the
// tables of graph/demo: each account's industry, size, country and region,
// maturity, and whether its org chart has a VP Sales and a VP Sales Operations.
func TestHealthOfTheDemo(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		if _, err := demo.Load(context.Background(), e.client, time.Now()); err != nil {
			t.Fatal(err)
		}
		const all = "VP_SALES_CONTACT=IDEAL VP_SALES_OPERATIONS_CONTACT=IDEAL"
		const none = "VP_SALES_CONTACT=CAUTION VP_SALES_OPERATIONS_CONTACT=CAUTION"
		want := map[string]string{
			"Northwind Robotics": "IDEAL 100 | INDUSTRY=IDEAL SELLERS=IDEAL REGION=IDEAL MATURITY=IDEAL " + all,
			// Financial services and 6,500 sellers are CAUTION; GB is ideal although EMEA is not: 500 / 6.
			"Contoso Financial Group": "CAUTION 83 | INDUSTRY=CAUTION SELLERS=CAUTION REGION=IDEAL MATURITY=IDEAL " + all,
			"Fabrikam Health":         "IDEAL 100 | INDUSTRY=IDEAL SELLERS=IDEAL REGION=IDEAL MATURITY=IDEAL " + all,
			// "Manufacturing" is not the white paper's "High-end manufacturing"; Germany is EMEA; no VP Sales Operations: 400 / 5.
			"Tailspin Manufacturing": "CAUTION 80 | INDUSTRY=? SELLERS=IDEAL REGION=CAUTION MATURITY=IDEAL VP_SALES_CONTACT=IDEAL VP_SALES_OPERATIONS_CONTACT=CAUTION",
			"Litware Software":       "IDEAL 100 | INDUSTRY=IDEAL SELLERS=IDEAL REGION=IDEAL MATURITY=IDEAL " + all,
			// No org chart, so no VP on the map: 450 / 6.
			"Northwind Robotics GmbH": "CAUTION 75 | INDUSTRY=IDEAL SELLERS=IDEAL REGION=CAUTION MATURITY=IDEAL " + none,
			"Woodgrove Bank":          "CAUTION 67 | INDUSTRY=CAUTION SELLERS=CAUTION REGION=IDEAL MATURITY=IDEAL " + none,
			"Adventure Works Retail":  "OFF_STRATEGY 50 | INDUSTRY=OFF_STRATEGY SELLERS=IDEAL REGION=IDEAL MATURITY=OFF_STRATEGY " + none,
			"Proseware Labs":          "OFF_STRATEGY 50 | INDUSTRY=IDEAL SELLERS=OFF_STRATEGY REGION=IDEAL MATURITY=OFF_STRATEGY " + none,
			// Singapore falls to "all other countries".
			"Wide World Importers": "OFF_STRATEGY 50 | INDUSTRY=OFF_STRATEGY SELLERS=IDEAL REGION=OFF_STRATEGY MATURITY=IDEAL " + none,
			"Trey Research":        "CAUTION 75 | INDUSTRY=IDEAL SELLERS=IDEAL REGION=CAUTION MATURITY=IDEAL " + none,
			// "Media" is not "Communications and media": 250 / 5.
			"Lucerne Publishing": "OFF_STRATEGY 50 | INDUSTRY=? SELLERS=IDEAL REGION=CAUTION MATURITY=OFF_STRATEGY " + none,
		}
		got := fitLines(t, e.must(icpFitQuery, nil))
		if len(got) != len(want) {
			t.Errorf("%d accounts, want %d", len(got), len(want))
		}
		for name, w := range want {
			if got[name] != w {
				t.Errorf("%s:\n got %s\nwant %s", name, got[name], w)
			}
		}

		// Every tier 1 and 2 demo account has its active plan.
		data := e.must(`{ accounts(first: 50, where: {tierIn: [STRATEGIC, KEY]}) { edges { node { name planCoverage { grade } } } } }`, nil)
		for _, edge := range get(data, "accounts", "edges").([]any) {
			if g := get(edge, "node", "planCoverage", "grade"); g != "GREEN" {
				t.Errorf("%v: plan coverage %v", get(edge, "node", "name"), g)
			}
		}
	})
}
