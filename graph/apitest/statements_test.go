package apitest

// The N+1 bound: a nested query runs a number of SQL statements fixed by its
// depth, whatever the number of rows. entgql eager-loads every edge the
// selection names (ent/gql_collection.go), one statement per edge and one per
// totalCount, when the generated edge methods (ent/gql_edge.go) resolve them.

import (
	"context"
	"fmt"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/influenceedge"
	"github.com/accountplan/accountplan/ent/stakeholder"
	"github.com/accountplan/accountplan/graph/benchdata"
)

// stmtFixture writes accounts from to to-1, each with an owner, 3 plans of 4
// goals of 2 objectives, and 4 stakeholders in a reporting chain.
func stmtFixture(t *testing.T, e *env, from, to int) {
	t.Helper()
	ctx := context.Background()
	c := e.client
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := from; i < to; i++ {
		owner, err := c.User.Create().SetName(fmt.Sprintf("Owner %d", i)).SetEmail(fmt.Sprintf("owner%d@example.com", i)).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		acc, err := c.Account.Create().SetName(fmt.Sprintf("Account %02d", i)).SetOwner(owner).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		plans := make([]*ent.AccountPlanCreate, 3)
		for p := range plans {
			plans[p] = c.AccountPlan.Create().SetName(fmt.Sprintf("Plan %d", p)).SetAccount(acc).
				SetPeriodStart(start).SetPeriodEnd(start.AddDate(1, 0, 0))
		}
		for _, plan := range c.AccountPlan.CreateBulk(plans...).SaveX(ctx) {
			goals := make([]*ent.GoalCreate, 4)
			for g := range goals {
				goals[g] = c.Goal.Create().SetTitle(fmt.Sprintf("Goal %d", g)).SetPlan(plan)
			}
			for _, goal := range c.Goal.CreateBulk(goals...).SaveX(ctx) {
				c.Objective.CreateBulk(
					c.Objective.Create().SetTitle("Objective 1").SetGoal(goal),
					c.Objective.Create().SetTitle("Objective 2").SetGoal(goal),
				).ExecX(ctx)
			}
		}
		var manager *ent.Stakeholder
		for s := range 4 {
			create := c.Stakeholder.Create().SetName(fmt.Sprintf("Person %d", s)).SetAccount(acc)
			if manager != nil {
				create.SetReportsTo(manager)
			}
			manager = create.SaveX(ctx)
		}
	}
}

// stmtQuery is a screen's worth of nesting: accounts, their owner, plans,
// goals and objectives, and stakeholders with their managers.
const stmtQuery = `{ accounts(first: 50) { totalCount edges { node { name owner { name }
	plans(first: 10) { totalCount edges { node { name
		goals(first: 10) { edges { node { title
			objectives(first: 5) { totalCount edges { node { title } } } } } } } } }
	stakeholders(first: 50) { edges { node { name reportsTo { name } } } } } } } }`

// stmtMaxNested is the most statements stmtQuery may run: one per level and
// edge (accounts, owner, plans, goals, objectives, stakeholders, reportsTo)
// and the accounts' totalCount; the plans' and objectives' counts are read
// with their pages (edgecount.Page). Measured: 8 on SQLite and PostgreSQL,
// for 3 accounts as for 12.
const stmtMaxNested = 8

func TestStatementsNestedQueryBoundedByDepth(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		run := func(accounts int) int64 {
			var d map[string]any
			n := e.count(func() { d = e.must(stmtQuery, nil) })
			// The eager-loaded answer is complete and right, not just cheap.
			if got := get(d, "accounts", "totalCount"); got != float64(accounts) {
				t.Fatalf("totalCount %v, want %d", got, accounts)
			}
			edges, _ := get(d, "accounts", "edges").([]any)
			if len(edges) != accounts {
				t.Fatalf("%d accounts returned, want %d", len(edges), accounts)
			}
			for i := range edges {
				node := get(edges[i], "node")
				if get(node, "owner", "name") == nil || get(node, "plans", "totalCount") != float64(3) ||
					len(get(node, "plans", "edges").([]any)) != 3 ||
					len(get(node, "plans", "edges", 2, "node", "goals", "edges").([]any)) != 4 ||
					get(node, "plans", "edges", 2, "node", "goals", "edges", 3, "node", "objectives", "totalCount") != float64(2) ||
					len(get(node, "stakeholders", "edges").([]any)) != 4 {
					t.Fatalf("account %d is incomplete: %v", i, node)
				}
				managers := 0
				for _, s := range get(node, "stakeholders", "edges").([]any) {
					if get(s, "node", "reportsTo", "name") != nil {
						managers++
					}
				}
				if managers != 3 {
					t.Fatalf("account %d: %d stakeholders with a manager, want 3", i, managers)
				}
			}
			return n
		}
		stmtFixture(t, e, 0, 3)
		small := run(3)
		stmtFixture(t, e, 3, 12)
		large := run(12)
		t.Logf("nested query: %d statements for 3 accounts, %d for 12", small, large)
		if small != large {
			t.Errorf("statements grow with rows: %d for 3 accounts, %d for 12", small, large)
		}
		if large > stmtMaxNested {
			t.Errorf("%d statements, want at most %d", large, stmtMaxNested)
		}
	})
}

func TestStatementsNodeAndMutationSelections(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		stmtFixture(t, e, 0, 2)
		ctx := context.Background()
		acc := e.client.Account.Query().FirstX(ctx)
		boss := e.client.Stakeholder.Query().Order(ent.Asc("id")).FirstX(ctx)

		// A node query is eager-loaded like a list.
		q := `query($id: ID!) { node(id: $id) { ... on Account { name owner { name }
			plans(first: 10) { totalCount edges { node { goals(first: 10) { edges { node { objectives(first: 5) { totalCount } } } } } } } } } }`
		n := e.count(func() { e.must(q, map[string]any{"id": invID(acc.ID)}) })
		t.Logf("node query: %d statements", n)
		if n > 6 {
			t.Errorf("node query: %d statements, want at most 6", n)
		}

		// A mutation checks its references without loading the returned
		// selection onto them: 7 statements for the bare write (two reference
		// lookups, the same-account check, the insert, the change history's
		// insert, the account's map version, the webhook outbox's insert at
		// commit), and on PostgreSQL the account's
		// lock, plus what the selection itself needs.
		in := map[string]any{"in": map[string]any{"name": "New", "accountID": invID(acc.ID), "reportsToID": invID(boss.ID)}}
		bare := e.count(func() {
			e.must(`mutation($in: CreateStakeholderInput!) { createStakeholder(input: $in) { id } }`, in)
		})
		rich := e.count(func() {
			e.must(`mutation($in: CreateStakeholderInput!) { createStakeholder(input: $in) { id
				directReports(first: 10) { totalCount edges { node { name relationships(first: 5) { totalCount } } } }
				insights(first: 5) { totalCount } } }`, in)
		})
		t.Logf("createStakeholder: %d statements bare, %d with a nested selection", bare, rich)
		limit := int64(7)
		if e.driver.Dialect() == dialect.Postgres {
			limit++
		}
		if bare > limit || rich > bare+3 {
			t.Errorf("createStakeholder: %d statements bare (want ≤ %d), %d with the selection (want ≤ %d)", bare, limit, rich, bare+3)
		}
	})
}

// stmtCounts asks, per account, for counts under aliases with and without
// where: arguments, and for a filtered list with counts one and two levels
// down. Every count of a level is one statement for all parents and aliases
// (ent/schema/edgecount): the accounts (1); their five counts (1); the named
// plans with their count (1, edgecount.Page); their goals with theirs (1);
// the goals' objective counts (1).
const stmtCounts = `{ accounts(first: 50) { edges { node { name
	all: plans(first: 1) { totalCount }
	drafts: plans(first: 1, where: {status: DRAFT}) { totalCount }
	active: plans(first: 1, where: {status: ACTIVE}) { totalCount }
	stakeholders(first: 1) { totalCount }
	managed: stakeholders(first: 1, where: {hasReportsTo: true}) { totalCount }
	named: plans(first: 2, where: {nameContains: "Plan"}) { totalCount edges { node { name
		goals(first: 2, where: {titleContains: "Goal"}) { totalCount edges { node { title
			objectives(first: 1) { totalCount } } } } } } } } } } }`

const stmtCountsExact = 5

func TestStatementsNestedCountsOnePerLevelAndAlias(t *testing.T) {
	t.Parallel()
	eachReader(t, func(t *testing.T, e *env, one bool) {
		run := func(accounts int) int64 {
			var d map[string]any
			n := e.count(func() { d = e.must(stmtCounts, nil) })
			edges, _ := get(d, "accounts", "edges").([]any)
			if len(edges) != accounts {
				t.Fatalf("%d accounts returned, want %d", len(edges), accounts)
			}
			for i := range edges {
				node := get(edges[i], "node")
				want := map[string]any{"all": 3.0, "drafts": 3.0, "active": 0.0, "stakeholders": 4.0, "managed": 3.0, "named": 3.0}
				for alias, count := range want {
					if got := get(node, alias, "totalCount"); got != count {
						t.Fatalf("account %d: %s.totalCount %v, want %v", i, alias, got, count)
					}
				}
				plans := get(node, "named", "edges").([]any)
				if len(plans) != 2 || get(plans[1], "node", "goals", "totalCount") != 4.0 ||
					len(get(plans[1], "node", "goals", "edges").([]any)) != 2 ||
					get(plans[1], "node", "goals", "edges", 1, "node", "objectives", "totalCount") != 2.0 {
					t.Fatalf("account %d: the filtered plans are incomplete: %v", i, plans)
				}
			}
			return n
		}
		stmtFixture(t, e, 0, 3)
		small := run(3)
		stmtFixture(t, e, 3, 12)
		large := run(12)
		t.Logf("nested counts: %d statements for 3 accounts, %d for 12", small, large)
		if want := levels(one, int64(stmtCountsExact)); small != want || large != want {
			t.Errorf("%d statements for 3 accounts and %d for 12, want %d for both: one per level, or one", small, large, want)
		}
	})
}

// screenStatements are the statements each benchmarked screen (graph/benchdata)
// runs, one per level whatever the rows: nested, the accounts and one window
// query per nested list (plans, goals, objectives); relay, the account, its
// stakeholders, their influenceOut pages with their totalCounts and the
// edges' to; nested20, the accounts, their plans with their totalCounts and
// the shown plans' goals; relayin, the account, its stakeholders with their
// totalCount, their influenceIn pages with theirs and the edges' from.
var screenStatements = map[string]int64{"nested": 4, "relay": 4, "nested20": 3, "relayin": 4}

// levels is the statements a query of so many levels runs: one in one statement.
func levels[N int | int64](one bool, n N) N {
	if one {
		return 1
	}
	return n
}

func TestStatementsScreensOnePerLevel(t *testing.T) {
	t.Parallel()
	eachReader(t, func(t *testing.T, e *env, one bool) {
		ctx := context.Background()
		run := func(size benchdata.Size) {
			t.Helper()
			ids, err := benchdata.Generate(ctx, e.client, size)
			if err != nil {
				t.Fatal(err)
			}
			accounts := e.client.Account.Query().CountX(ctx)
			var d map[string]any
			n := e.count(func() { d = e.must(benchdata.NestedLists, nil) })
			edges, _ := get(d, "accounts", "edges").([]any)
			if len(edges) != accounts {
				t.Fatalf("nested: %d accounts, want %d", len(edges), accounts)
			}
			for i := range edges {
				plans := get(edges[i], "node", "plans", "edges").([]any)
				if len(plans) != 2 || len(get(plans[1], "node", "goals", "edges").([]any)) != 2 ||
					len(get(plans[1], "node", "goals", "edges", 0, "node", "objectives", "edges").([]any)) != 3 {
					t.Fatalf("nested: account %d is incomplete: %v", i, get(edges[i], "node"))
				}
			}
			if want := levels(one, screenStatements["nested"]); n != want {
				t.Errorf("nested, %d accounts: %d statements, want %d", accounts, n, want)
			}

			n = e.count(func() { d = e.must(benchdata.Nested20, nil) })
			edges, _ = get(d, "accounts", "edges").([]any)
			if len(edges) != min(accounts, 20) {
				t.Fatalf("nested20: %d accounts, want %d", len(edges), min(accounts, 20))
			}
			for i := range edges {
				plans := get(edges[i], "node", "plans")
				if get(plans, "totalCount") != 2.0 || len(get(plans, "edges").([]any)) != 1 ||
					len(get(plans, "edges", 0, "node", "goals", "edges").([]any)) != 1 {
					t.Fatalf("nested20: account %d is incomplete: %v", i, plans)
				}
			}
			if want := levels(one, screenStatements["nested20"]); n != want {
				t.Errorf("nested20, %d accounts: %d statements, want %d", accounts, n, want)
			}

			last := ids[len(ids)-1]
			n = e.count(func() { d = e.must(benchdata.Influence, map[string]any{"id": gid(last)}) })
			people, _ := get(d, "node", "stakeholders", "edges").([]any)
			if len(people) != size.Stakeholders {
				t.Fatalf("relay: %d stakeholders, want %d", len(people), size.Stakeholders)
			}
			total, shown := 0.0, 0
			for _, p := range people {
				out := get(p, "node", "influenceOut")
				total += get(out, "totalCount").(float64)
				for _, edge := range get(out, "edges").([]any) {
					if get(edge, "node", "to", "name") == nil {
						t.Fatalf("relay: an influence edge without its target: %v", edge)
					}
					shown++
				}
			}
			want := e.client.InfluenceEdge.Query().Where(influenceedge.HasFromWith(stakeholder.AccountID(last))).CountX(ctx)
			if int(total) != want || shown != want {
				t.Fatalf("relay: totalCount %v and %d edges shown, want %d", total, shown, want)
			}
			if want := levels(one, screenStatements["relay"]); n != want {
				t.Errorf("relay, %d stakeholders: %d statements, want %d", size.Stakeholders, n, want)
			}

			n = e.count(func() { d = e.must(benchdata.RelayIn, map[string]any{"id": gid(last)}) })
			people, _ = get(d, "node", "stakeholders", "edges").([]any)
			if len(people) != size.Stakeholders || get(d, "node", "stakeholders", "totalCount") != float64(size.Stakeholders) {
				t.Fatalf("relayin: %d stakeholders of %v, want %d", len(people), get(d, "node", "stakeholders", "totalCount"), size.Stakeholders)
			}
			if want := levels(one, screenStatements["relayin"]); n != want {
				t.Errorf("relayin, %d stakeholders: %d statements, want %d", size.Stakeholders, n, want)
			}
			t.Logf("%d accounts, %d stakeholders each: nested, nested20, relay and relayin in the statements expected", accounts, size.Stakeholders)
		}
		run(benchdata.Size{Accounts: 2, Stakeholders: 5, InfluenceEdges: 6, Seed: 1})
		run(benchdata.Size{Accounts: 6, Stakeholders: 15, InfluenceEdges: 30, Seed: 7})
	})
}
