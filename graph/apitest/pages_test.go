package apitest

// A page of a list under a list (first, no cursor) asking totalCount or
// pageInfo is read with its count in one window statement (ent/entc.go's
// countTemplate, edgecount.Page); the same connection under one node
// (node(id)) with its count in its LIMIT statement (edgecount.OnePage). Both
// must answer as the root connection filtered to the parent, which keeps
// entgql's LIMIT first+1 and count statement.

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/accountplan"
)

// pagesFixture writes 8 accounts: account i has i plans, every third one
// active, named out of order, and plan p has p%4 goals.
func pagesFixture(t *testing.T, e *env) (accounts, plans []int) {
	t.Helper()
	ctx := context.Background()
	c := e.client
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 8 {
		owner := c.User.Create().SetName(fmt.Sprintf("Owner %d", i)).SetEmail(fmt.Sprintf("pages%d@example.com", i)).SaveX(ctx)
		acc := c.Account.Create().SetName(fmt.Sprintf("Account %d", i)).SetOwner(owner).SaveX(ctx)
		accounts = append(accounts, acc.ID)
		for p := range i {
			create := c.AccountPlan.Create().SetName(fmt.Sprintf("Plan %c", "QMXBKAZD"[(p*5+i)%8])).SetAccount(acc).
				SetPeriodStart(start).SetPeriodEnd(start.AddDate(1, 0, 0))
			if p%3 == 0 {
				create.SetStatus(accountplan.StatusACTIVE)
			}
			plan := create.SaveX(ctx)
			plans = append(plans, plan.ID)
			goals := make([]*ent.GoalCreate, p%4)
			for g := range goals {
				goals[g] = c.Goal.Create().SetTitle(fmt.Sprintf("Goal %c", "TRWE"[(g+p)%4])).SetPlan(plan)
			}
			c.Goal.CreateBulk(goals...).ExecX(ctx)
		}
	}
	return accounts, plans
}

// pageCases are connections of every kind a page can be asked: pages
// smaller and larger than the parents' lists, empty lists, filters, other
// orders, counts without pageInfo and the reverse, and the cursors and last
// that keep their own statements.
var pageCases = []string{
	`(first: 2) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id name } } }`,
	`(first: 1) { totalCount edges { node { name } } }`,
	`(first: 3) { pageInfo { hasNextPage endCursor } edges { node { name } } }`,
	`(first: 20) { totalCount pageInfo { hasNextPage hasPreviousPage } edges { cursor node { name } } }`,
	`(first: 2, where: {status: ACTIVE}) { totalCount pageInfo { hasNextPage } edges { node { name status } } }`,
	`(first: 1, where: {nameContains: "Z"}) { totalCount pageInfo { hasNextPage } edges { node { name } } }`,
	`(first: 2, orderBy: {field: NAME, direction: DESC}) { totalCount pageInfo { hasNextPage startCursor endCursor } edges { cursor node { name } } }`,
	`(first: 2, orderBy: [{field: NAME, direction: DESC}]) { totalCount pageInfo { hasNextPage startCursor endCursor } edges { cursor node { name } } }`,
	`(first: 3, orderBy: [{field: STATUS}, {field: NAME}]) { totalCount pageInfo { hasNextPage } edges { node { name } } }`,
	`(first: 0) { totalCount pageInfo { hasNextPage } edges { node { name } } }`,
	`(first: 2) { totalCount pageInfo { hasNextPage } }`,
	`(first: 2) { totalCount }`,
	`(first: 2) { edges { cursor node { name } } }`,
	`(last: 2, orderBy: {field: NAME}) { edges { cursor node { name } } }`,
	`(last: 2) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { name } } }`,
	`(first: 2, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage } edges { node { name } } }`,
	`(first: 2) { totalCount pageInfo { hasNextPage } edges { node { name
		goals(first: 1, orderBy: {field: TITLE}) { totalCount pageInfo { hasNextPage endCursor } edges { node { title } } } } } }`,
}

// firstOnly matches a page asked with first and no cursor nor last.
var firstOnly = regexp.MustCompile(`^\(first: (\d+)[,)](?:[^$]*)$`)

// ofAccount is a pageCases connection's arguments with the plans of account $id alone.
func ofAccount(conn string) string {
	if args := conn[:strings.Index(conn, ")")]; strings.Contains(args, "where: {") {
		return strings.Replace(conn, "where: {", "where: {hasAccountWith: [{id: $id}], ", 1)
	}
	return "(where: {hasAccountWith: [{id: $id}]}, " + conn[1:]
}

func TestNestedPagesAnswerAsUnderOneNode(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		accounts, plans := pagesFixture(t, e)
		// A cursor after the first plan by ID: the first account with plans has it.
		after := e.must(`query($id: ID!) { node(id: $id) { ... on Account { plans(first: 1) { pageInfo { endCursor } } } } }`,
			map[string]any{"id": gid(accounts[1])})
		vars := map[string]any{"after": get(after, "node", "plans", "pageInfo", "endCursor")}
		for _, conn := range pageCases {
			afterVar, nestedVars := "", ""
			if strings.Contains(conn, "$after") {
				afterVar, nestedVars = ", $after: Cursor", "($after: Cursor)"
			}
			nested := e.must(`query`+nestedVars+` { accounts(first: 20) { edges { node { id plans`+conn+` } } } }`, vars)
			edges := get(nested, "accounts", "edges").([]any)
			if len(edges) != len(accounts) {
				t.Fatalf("%s: %d accounts, want %d", conn, len(edges), len(accounts))
			}
			for _, edge := range edges {
				node := get(edge, "node")
				one := e.must(`query($id: ID!`+afterVar+`) { node(id: $id) { ... on Account { id plans`+conn+` } } }`,
					map[string]any{"id": get(node, "id"), "after": vars["after"]})
				if !reflect.DeepEqual(node, get(one, "node")) {
					t.Fatalf("plans%s of account %v:\nunder accounts %v\nunder node     %v", conn, get(node, "id"), node, get(one, "node"))
				}
				// Without a cursor, a next page is there when the count passes first.
				if m := firstOnly.FindStringSubmatch(conn); m != nil && strings.Contains(conn, "hasNextPage") && strings.Contains(conn, "totalCount") {
					first, _ := strconv.Atoi(m[1])
					count, next := get(node, "plans", "totalCount").(float64), get(node, "plans", "pageInfo", "hasNextPage")
					if next != (int(count) > first) {
						t.Fatalf("plans%s of account %v: hasNextPage %v with %v records", conn, get(node, "id"), next, count)
					}
				}
				root := e.must(`query($id: ID!`+afterVar+`) { accountPlans`+ofAccount(conn)+` }`,
					map[string]any{"id": get(node, "id"), "after": vars["after"]})
				if !reflect.DeepEqual(get(one, "node", "plans"), get(root, "accountPlans")) {
					t.Fatalf("plans%s of account %v:\nunder node      %v\nroot, filtered %v", conn, get(node, "id"), get(one, "node", "plans"), get(root, "accountPlans"))
				}
			}
		}
		// The goals of every plan, a page under the plans, as under the plan alone.
		goals := `(first: 2, where: {titleContains: "R"}) { totalCount pageInfo { hasNextPage startCursor } edges { node { title } } }`
		nested := e.must(`{ accounts(first: 20) { edges { node { plans(first: 20) { edges { node { id goals`+goals+` } } } } } } }`, nil)
		seen := 0
		for _, account := range get(nested, "accounts", "edges").([]any) {
			for _, plan := range get(account, "node", "plans", "edges").([]any) {
				node := get(plan, "node")
				one := e.must(`query($id: ID!) { node(id: $id) { ... on AccountPlan { id goals`+goals+` } } }`, map[string]any{"id": get(node, "id")})
				if !reflect.DeepEqual(node, get(one, "node")) {
					t.Fatalf("goals of plan %v:\nunder plans %v\nunder node  %v", get(node, "id"), node, get(one, "node"))
				}
				seen++
			}
		}
		if seen != len(plans) {
			t.Fatalf("%d plans compared, want %d", seen, len(plans))
		}
	})
}

// A page with its count is one statement, and reads no row past first: the
// goals of a plan not shown are not read either. A page asking neither its
// count nor pageInfo reads no row past first either, at the root too.
func TestStatementsPageWithCount(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, levelByLevel(), func(t *testing.T, e *env) {
		accounts, _ := pagesFixture(t, e)
		const query = `{ accounts(first: 20) { edges { node { name
			plans(first: 1) { totalCount pageInfo { hasNextPage } edges { node { name goals(first: 1) { edges { node { title } } } } } } } } } }`
		var d map[string]any
		stmts, rows := e.statementsAndRows(func() { d = e.must(query, nil) })
		if len(stmts) != 3 {
			t.Errorf("%d statements, want 3 (accounts, plans with their count, goals):\n%v", len(stmts), stmts)
		}
		// 8 accounts, the first plan of the 7 that have plans, and its goals: none (p%4 = 0).
		if rows != 8+7 {
			t.Errorf("%d rows read, want %d: a row past first, or the goals of a plan not shown", rows, 8+7)
		}
		for i, edge := range get(d, "accounts", "edges").([]any) {
			plans := get(edge, "node", "plans")
			if get(plans, "totalCount") != float64(i) || get(plans, "pageInfo", "hasNextPage") != (i > 1) {
				t.Errorf("account %d: %v", i, plans)
			}
		}
		// Without pageInfo nor totalCount, no row past first either.
		stmts, rows = e.statementsAndRows(func() {
			e.must(`{ accounts(first: 20) { edges { node { plans(first: 1) { edges { node { goals(first: 1) { edges { node { title } } } } } } } } } }`, nil)
		})
		if len(stmts) != 3 || rows != 8+7 {
			t.Errorf("without pageInfo: %d statements and %d rows, want 3 and %d", len(stmts), rows, 8+7)
		}

		// A root page without pageInfo reads no account past first, nor its plans:
		// accounts 0 to 6, and the first plan of the 6 of them that have plans.
		stmts, rows = e.statementsAndRows(func() {
			d = e.must(`{ accounts(first: 7) { totalCount edges { node { name plans(first: 1) { edges { node { name } } } } } } }`, nil)
		})
		if len(stmts) != 3 || rows != 1+7+6 {
			t.Errorf("a root page without pageInfo: %d statements and %d rows, want 3 (count, accounts, plans) and %d:\n%v", len(stmts), rows, 1+7+6, stmts)
		}
		if edges := get(d, "accounts", "edges").([]any); len(edges) != 7 || get(d, "accounts", "totalCount") != 8.0 ||
			get(edges[6], "node", "name") != "Account 6" || len(get(edges[6], "node", "plans", "edges").([]any)) != 1 {
			t.Errorf("a root page without pageInfo: %v", d["accounts"])
		}

		// Under one node the same: account 7's first 2 of 7 plans with their
		// count, and their goals (plans 0 and 1: 0 and 1 goal).
		const one = `query($id: ID!) { node(id: $id) { ... on Account {
			plans(first: 2) { totalCount pageInfo { hasNextPage } edges { node { name goals(first: 5) { edges { node { title } } } } } } } } }`
		vars := map[string]any{"id": gid(accounts[7])}
		stmts, rows = e.statementsAndRows(func() { d = e.must(one, vars) })
		if len(stmts) != 3 || rows != 1+2+1 {
			t.Errorf("under one node: %d statements and %d rows, want 3 (account, plans with their count, goals) and %d:\n%v", len(stmts), rows, 1+2+1, stmts)
		}
		if plans := get(d, "node", "plans"); get(plans, "totalCount") != 7.0 || get(plans, "pageInfo", "hasNextPage") != true {
			t.Errorf("under one node: %v", plans)
		}
		stmts, rows = e.statementsAndRows(func() {
			e.must(`query($id: ID!) { node(id: $id) { ... on Account { plans(first: 2) { edges { node { goals(first: 5) { edges { node { title } } } } } } } } }`, vars)
		})
		if len(stmts) != 3 || rows != 1+2+1 {
			t.Errorf("under one node without pageInfo: %d statements and %d rows, want 3 and %d", len(stmts), rows, 1+2+1)
		}
	})
}
