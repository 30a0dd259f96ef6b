package apitest

// Nested counts: every totalCount asked under the nodes of one level is one
// statement (ent/schema/edgecount), whatever the number of parents, aliases,
// edges and filters, and each count equals a direct recount.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/apitoken"
	"github.com/accountplan/accountplan/ent/opportunity"
	"github.com/accountplan/accountplan/ent/stakeholder"
	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/graph/benchdata"
)

// countsFixture writes accounts from to to-1 whose plans, stakeholders and
// deals vary with the account's number; every fifth account has none.
func countsFixture(t *testing.T, e *env, from, to int) {
	t.Helper()
	ctx := context.Background()
	c := e.client
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	statuses := []accountplan.Status{accountplan.StatusDRAFT, accountplan.StatusACTIVE, accountplan.StatusARCHIVED}
	political := []stakeholder.PoliticalStatus{stakeholder.PoliticalStatusNAIVE, stakeholder.PoliticalStatusOBSERVER, stakeholder.PoliticalStatusAGILE, stakeholder.PoliticalStatusASTUTE}
	support := []stakeholder.Support{stakeholder.SupportMENTOR, stakeholder.SupportSUPPORTER, stakeholder.SupportNEUTRAL, stakeholder.SupportNON_SUPPORTER, stakeholder.SupportENEMY}
	roles := []stakeholder.BuyingRole{stakeholder.BuyingRoleDECISION_MAKER, stakeholder.BuyingRoleAPPROVER, stakeholder.BuyingRoleEVALUATOR, stakeholder.BuyingRoleINFLUENCER, stakeholder.BuyingRoleUSER}
	stages := []opportunity.Stage{opportunity.StagePROSPECTING, opportunity.StageQUALIFICATION, opportunity.StagePROPOSAL, opportunity.StageNEGOTIATION, opportunity.StageCLOSED_WON, opportunity.StageCLOSED_LOST}
	for i := from; i < to; i++ {
		acc := c.Account.Create().SetName(fmt.Sprintf("Counted %02d", i)).SaveX(ctx)
		if i%5 == 4 {
			continue
		}
		for p := range i % 4 {
			c.AccountPlan.Create().SetName(fmt.Sprintf("Plan %d", p)).SetAccount(acc).SetStatus(statuses[(i+p)%len(statuses)]).
				SetPeriodStart(start).SetPeriodEnd(start.AddDate(1, 0, 0)).ExecX(ctx)
		}
		var manager *ent.Stakeholder
		for s := range i%7 + 1 {
			create := c.Stakeholder.Create().SetName(fmt.Sprintf("Person %d", s)).SetAccount(acc).
				SetSupport(support[(i+s)%len(support)])
			if (i+s)%3 != 0 {
				create.SetPoliticalStatus(political[(i+s)%len(political)])
			}
			if (i*s)%4 != 1 {
				create.SetBuyingRole(roles[(i+2*s)%len(roles)])
			}
			if manager != nil && s%2 == 1 {
				create.SetReportsTo(manager)
			}
			manager = create.SaveX(ctx)
		}
		for o := range i % 6 {
			stage := stages[(i+o)%len(stages)]
			create := c.Opportunity.Create().SetName(fmt.Sprintf("Deal %d", o)).SetAccount(acc).SetStage(stage)
			if stage == opportunity.StageCLOSED_WON || stage == opportunity.StageCLOSED_LOST {
				create.SetOpenedAt(start).SetClosedAt(start.AddDate(0, 1, 0))
			}
			create.ExecX(ctx)
		}
	}
}

// countAliases are the counts of the counts screen with their direct recount:
// enum IN and NOT IN, equality, a nested has-edge filter, not and or.
var countAliases = []struct {
	alias, field string
	recount      func(*ent.Client, int) int
}{
	{"plans", `plans(first: 1)`, func(c *ent.Client, id int) int {
		return c.AccountPlan.Query().Where(accountplan.HasAccountWith(account.ID(id))).CountX(context.Background())
	}},
	{"activePlans", `plans(first: 1, where: {status: ACTIVE})`, func(c *ent.Client, id int) int {
		return c.AccountPlan.Query().Where(accountplan.HasAccountWith(account.ID(id)), accountplan.StatusEQ(accountplan.StatusACTIVE)).CountX(context.Background())
	}},
	{"keyPlayers", `stakeholders(first: 1, where: {politicalStatusIn: [AGILE, ASTUTE]})`, func(c *ent.Client, id int) int {
		return c.Stakeholder.Query().Where(stakeholder.HasAccountWith(account.ID(id)), stakeholder.PoliticalStatusIn(stakeholder.PoliticalStatusAGILE, stakeholder.PoliticalStatusASTUTE)).CountX(context.Background())
	}},
	{"openOpportunities", `opportunities(first: 1, where: {stageNotIn: [CLOSED_WON, CLOSED_LOST]})`, func(c *ent.Client, id int) int {
		return c.Opportunity.Query().Where(opportunity.HasAccountWith(account.ID(id)), opportunity.StageNotIn(opportunity.StageCLOSED_WON, opportunity.StageCLOSED_LOST)).CountX(context.Background())
	}},
	{"stakeholders", `stakeholders(first: 1)`, func(c *ent.Client, id int) int {
		return c.Stakeholder.Query().Where(stakeholder.HasAccountWith(account.ID(id))).CountX(context.Background())
	}},
	{"decisionMakers", `stakeholders(first: 1, where: {buyingRole: DECISION_MAKER})`, func(c *ent.Client, id int) int {
		return c.Stakeholder.Query().Where(stakeholder.HasAccountWith(account.ID(id)), stakeholder.BuyingRoleEQ(stakeholder.BuyingRoleDECISION_MAKER)).CountX(context.Background())
	}},
	{"managedByDecisionMakers", `stakeholders(first: 1, where: {hasReportsToWith: {buyingRole: DECISION_MAKER}})`, func(c *ent.Client, id int) int {
		return c.Stakeholder.Query().Where(stakeholder.HasAccountWith(account.ID(id)), stakeholder.HasReportsToWith(stakeholder.BuyingRoleEQ(stakeholder.BuyingRoleDECISION_MAKER))).CountX(context.Background())
	}},
	{"managers", `stakeholders(first: 1, where: {hasDirectReports: true})`, func(c *ent.Client, id int) int {
		return c.Stakeholder.Query().Where(stakeholder.HasAccountWith(account.ID(id)), stakeholder.HasDirectReports()).CountX(context.Background())
	}},
	{"notSupporters", `stakeholders(first: 1, where: {not: {supportIn: [MENTOR, SUPPORTER]}})`, func(c *ent.Client, id int) int {
		return c.Stakeholder.Query().Where(stakeholder.HasAccountWith(account.ID(id)), stakeholder.Not(stakeholder.SupportIn(stakeholder.SupportMENTOR, stakeholder.SupportSUPPORTER))).CountX(context.Background())
	}},
	{"lateOrWon", `opportunities(first: 1, where: {or: [{stage: NEGOTIATION}, {stage: CLOSED_WON}]})`, func(c *ent.Client, id int) int {
		return c.Opportunity.Query().Where(opportunity.HasAccountWith(account.ID(id)), opportunity.Or(opportunity.StageEQ(opportunity.StageNEGOTIATION), opportunity.StageEQ(opportunity.StageCLOSED_WON))).CountX(context.Background())
	}},
}

// countsQuery is the counts screen with the first n aliases of countAliases.
func countsQuery(n int) string {
	var b strings.Builder
	b.WriteString(`{ accounts(first: 100, orderBy: {field: NAME}, where: {nameHasPrefix: "Counted"}) { edges { node { id`)
	for _, a := range countAliases[:n] {
		fmt.Fprintf(&b, "\n\t%s: %s { totalCount }", a.alias, a.field)
	}
	b.WriteString(" } } } }")
	return b.String()
}

func TestNestedCountsOneStatementPerLevel(t *testing.T) {
	t.Parallel()
	eachReader(t, func(t *testing.T, e *env, one bool) {
		check := func(accounts, aliases int) {
			t.Helper()
			var d map[string]any
			n := e.count(func() { d = e.must(countsQuery(aliases), nil) })
			edges, _ := get(d, "accounts", "edges").([]any)
			if len(edges) != accounts {
				t.Fatalf("%d accounts returned, want %d", len(edges), accounts)
			}
			zeros := 0
			for _, edge := range edges {
				node := get(edge, "node")
				id := intID(t, get(node, "id").(string))
				for _, a := range countAliases[:aliases] {
					want := a.recount(e.client, id)
					if got := get(node, a.alias, "totalCount"); got != float64(want) {
						t.Errorf("%d accounts, %d aliases: account %d %s.totalCount = %v, a recount finds %d", accounts, aliases, id, a.alias, got, want)
					}
					if want == 0 {
						zeros++
					}
				}
			}
			if zeros == 0 {
				t.Errorf("%d accounts, %d aliases: no count is zero, so zero-count parents go untested", accounts, aliases)
			}
			t.Logf("%d accounts, %d aliases: %d statements", accounts, aliases, n)
			if want := levels(one, int64(2)); n != want {
				t.Errorf("%d accounts, %d aliases: %d statements, want %d (the accounts, then all their counts; or one)", accounts, aliases, n, want)
			}
		}
		countsFixture(t, e, 0, 3)
		check(3, 2)
		check(3, len(countAliases))
		countsFixture(t, e, 3, 30)
		check(30, 2)
		check(30, len(countAliases))
	})
}

// The benchmark's counts screen is two statements too (or one), on the data the
// fixture writes (benchdata's own query, unchanged).
func TestNestedCountsBenchScreen(t *testing.T) {
	t.Parallel()
	eachReader(t, func(t *testing.T, e *env, one bool) {
		countsFixture(t, e, 0, 12)
		if n, want := e.count(func() { e.must(benchdata.NestedCounts, nil) }), levels(one, int64(2)); n != want {
			t.Errorf("benchdata.NestedCounts: %d statements, want %d", n, want)
		}
	})
}

// A count obeys the privacy rules of the records it counts, also when it
// shares its statement with others: below admin, a user counts only their
// own API tokens, and every other user has none.
func TestNestedCountsKeepPrivacy(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, testSettings(), func(t *testing.T, e *env) {
		ctx := context.Background()
		ada, bob := newUser(t, e, "ada"), newUser(t, e, "bob")
		asAda := e.as(newToken(t, e, ada, user.RoleVIEWER, false))
		newToken(t, e, bob, user.RoleEDITOR, true)
		newToken(t, e, bob, user.RoleEDITOR, false)
		asAdmin := e.as(newToken(t, e, newUser(t, e, "root"), user.RoleADMIN, false))
		const q = `{ users(first: 10, orderBy: {field: NAME}) { edges { node { name
			apiTokens(first: 1) { totalCount }
			readOnly: apiTokens(first: 1, where: {readOnly: true}) { totalCount } } } } }`
		counts := func(as *env) map[string][2]any {
			m := map[string][2]any{}
			for _, edge := range get(as.must(q, nil), "users", "edges").([]any) {
				node := get(edge, "node")
				m[get(node, "name").(string)] = [2]any{get(node, "apiTokens", "totalCount"), get(node, "readOnly", "totalCount")}
			}
			return m
		}
		all := func(id int, readOnly bool) float64 {
			q := e.client.APIToken.Query().Where(apitoken.HasUserWith(user.ID(id)))
			if readOnly {
				q.Where(apitoken.ReadOnly(true))
			}
			return float64(q.CountX(ctx))
		}
		if got, want := counts(asAda), map[string][2]any{"ada": {1.0, 0.0}, "bob": {0.0, 0.0}, "root": {0.0, 0.0}}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("ada (viewer) counts %v, want %v", got, want)
		}
		if got, want := counts(asAdmin), map[string][2]any{"ada": {all(ada, false), 0.0}, "bob": {all(bob, false), all(bob, true)}, "root": {1.0, 0.0}}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("an admin counts %v, want %v", got, want)
		}
	})
}

// A filtered count whose filter is an OR counts what the filter keeps under
// each parent: level by level, AND once split it from the parent's key, so
// that it counted other parents' rows, or failed on a nullable key.
func TestNestedCountsOrFilter(t *testing.T) {
	t.Parallel()
	eachReader(t, func(t *testing.T, e *env, _ bool) {
		ctx := context.Background()
		countsFixture(t, e, 0, 8)
		// Accounts without a parent that the children's filter keeps: a NULL key to group by, split off.
		e.client.Account.Update().Where(account.NameIn("Counted 01", "Counted 02")).SetCountry("US").ExecX(ctx)
		const q = `{ accounts(first: 20, orderBy: {field: NAME}) { edges { node { id
			stakeholders(first: 1, where: {or: [{supportNEQ: NEUTRAL}, {nameHasPrefix: "Person 0"}]}) { totalCount }
			children(first: 1, where: {or: [{tierNEQ: GENERAL}, {countryHasPrefix: "US"}]}) { totalCount } } } } }`
		edges := get(e.must(q, nil), "accounts", "edges").([]any)
		if len(edges) != 8 {
			t.Fatalf("%d accounts, want 8", len(edges))
		}
		for _, edge := range edges {
			id := intID(t, get(edge, "node", "id").(string))
			want := e.client.Stakeholder.Query().Where(stakeholder.AccountID(id),
				stakeholder.Or(stakeholder.SupportNEQ(stakeholder.SupportNEUTRAL), stakeholder.NameHasPrefix("Person 0"))).CountX(ctx)
			if got := get(edge, "node", "stakeholders", "totalCount"); got != float64(want) {
				t.Errorf("account %d: %v stakeholders kept by the OR filter, a recount finds %d", id, got, want)
			}
			if got := get(edge, "node", "children", "totalCount"); got != 0.0 {
				t.Errorf("account %d: %v children, want 0", id, got)
			}
		}
	})
}
