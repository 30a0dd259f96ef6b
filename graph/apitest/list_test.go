package apitest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/stakeholder"
)

// accountBook is the fixture of the list tests: eight accounts, written in an
// order that is neither by name nor by revenue, so that no ordering passes by
// accident. Revenue is in cents; several amounts exceed 2^32.
//
//	name               tier       industry            annualRevenue   plans              stakeholders (influence)
//	Hooli              GENERAL    High Tech              800_000_000
//	Stark Industries   KEY        Manufacturing        4_000_000_000
//	Acme Corp          STRATEGIC  High Tech           12_000_000_000  ACTIVE             Ava 3, Ben 5, Cleo 2, Dev 4, Eli 5
//	Vandelay Imports   GENERAL    Retail                  50_000_000
//	Initech            KEY        High Tech            4_000_000_000  ARCHIVED, ACTIVE   Hal 1, Ida 3, Jo 2
//	Globex             STRATEGIC  Financial Services   7_500_000_000  DRAFT              Fay 4 (ENEMY), Gus 2
//	Wayne Enterprises  GENERAL    Manufacturing        1_200_000_000  ARCHIVED
//	Umbrella Health    KEY        Healthcare           5_500_000_000
//
// Stark Industries and Initech tie on revenue; Stark was written first.
func accountBook(t *testing.T, e *env) map[string]string {
	t.Helper()
	ctx := context.Background()
	c := e.client
	ids := map[string]string{}
	for _, a := range []struct {
		name     string
		tier     account.Tier
		industry string
		revenue  int64
		plans    []accountplan.Status
		people   []string // name:influence
	}{
		{"Hooli", account.TierGENERAL, "High Tech", 800_000_000, nil, nil},
		{"Stark Industries", account.TierKEY, "Manufacturing", 4_000_000_000, nil, nil},
		{"Acme Corp", account.TierSTRATEGIC, "High Tech", 12_000_000_000, []accountplan.Status{accountplan.StatusACTIVE},
			[]string{"Ava Chen:3", "Ben Ortiz:5", "Cleo Park:2", "Dev Patel:4", "Eli Moss:5"}},
		{"Vandelay Imports", account.TierGENERAL, "Retail", 50_000_000, nil, nil},
		{"Initech", account.TierKEY, "High Tech", 4_000_000_000, []accountplan.Status{accountplan.StatusARCHIVED, accountplan.StatusACTIVE},
			[]string{"Hal Ng:1", "Ida Ruiz:3", "Jo Kim:2"}},
		{"Globex", account.TierSTRATEGIC, "Financial Services", 7_500_000_000, []accountplan.Status{accountplan.StatusDRAFT},
			[]string{"Fay Wong:4", "Gus Lee:2"}},
		{"Wayne Enterprises", account.TierGENERAL, "Manufacturing", 1_200_000_000, []accountplan.Status{accountplan.StatusARCHIVED}, nil},
		{"Umbrella Health", account.TierKEY, "Healthcare", 5_500_000_000, nil, nil},
	} {
		acc := c.Account.Create().SetName(a.name).SetTier(a.tier).SetIndustry(a.industry).SetAnnualRevenue(a.revenue).SaveX(ctx)
		ids[a.name] = gid(acc.ID)
		for i, status := range a.plans {
			c.AccountPlan.Create().SetName(fmt.Sprintf("%s plan %d", a.name, i)).SetAccountID(acc.ID).SetStatus(status).
				SetPeriodStart(day("2027-01-01")).SetPeriodEnd(day("2027-12-31")).SaveX(ctx)
		}
		for _, p := range a.people {
			name, influence, _ := strings.Cut(p, ":")
			s := c.Stakeholder.Create().SetName(name).SetAccountID(acc.ID).SetInfluence(int(influence[0] - '0'))
			if name == "Fay Wong" {
				s.SetSupport(stakeholder.SupportENEMY)
			}
			ids[name] = gid(s.SaveX(ctx).ID)
		}
	}
	return ids
}

// TestListWhere filters accounts; results are ordered by name.
func TestListWhere(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		where string
		want  []string
	}{
		{"equality", `{industry: "High Tech"}`,
			[]string{"Acme Corp", "Hooli", "Initech"}},
		{"enum equality", `{tier: STRATEGIC}`,
			[]string{"Acme Corp", "Globex"}},
		{"tierIn", `{tierIn: [STRATEGIC, KEY]}`,
			[]string{"Acme Corp", "Globex", "Initech", "Stark Industries", "Umbrella Health"}},
		{"nameContainsFold ignores case", `{nameContainsFold: "IN"}`,
			[]string{"Initech", "Stark Industries"}},
		{"annualRevenueGTE includes the bound", `{annualRevenueGTE: 4000000000}`,
			[]string{"Acme Corp", "Globex", "Initech", "Stark Industries", "Umbrella Health"}},
		{"annualRevenueLT", `{annualRevenueLT: 1200000000}`,
			[]string{"Hooli", "Vandelay Imports"}},
		{"fields of one input are ANDed", `{tierIn: [KEY, GENERAL], annualRevenueGTE: 1000000000, industryNEQ: "Healthcare"}`,
			[]string{"Initech", "Stark Industries", "Wayne Enterprises"}},
		{"and", `{and: [{tier: KEY}, {industry: "High Tech"}]}`,
			[]string{"Initech"}},
		{"or", `{or: [{tier: STRATEGIC}, {industry: "Retail"}]}`,
			[]string{"Acme Corp", "Globex", "Vandelay Imports"}},
		{"not", `{not: {industry: "High Tech"}}`,
			[]string{"Globex", "Stark Industries", "Umbrella Health", "Vandelay Imports", "Wayne Enterprises"}},
		{"nested and/or/not", `{and: [{or: [{tier: KEY}, {tier: GENERAL}]}, {not: {nameHasPrefix: "W"}}, {annualRevenueGT: 500000000}]}`,
			[]string{"Hooli", "Initech", "Stark Industries", "Umbrella Health"}},
		{"hasPlansWith", `{hasPlansWith: {status: ACTIVE}}`,
			[]string{"Acme Corp", "Initech"}},
		{"hasPlans false", `{hasPlans: false}`,
			[]string{"Hooli", "Stark Industries", "Umbrella Health", "Vandelay Imports"}},
		{"hasStakeholdersWith", `{hasStakeholdersWith: {support: ENEMY}}`,
			[]string{"Globex"}},
		{"hasStakeholdersWith a range", `{hasStakeholdersWith: {influenceGTE: 5}}`,
			[]string{"Acme Corp"}},
		{"no match", `{name: "Nobody"}`,
			[]string{}},
	}
	eachDatabase(t, func(t *testing.T, e *env) {
		accountBook(t, e)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				e := e.forSubtest(t)
				d := e.must(fmt.Sprintf(`{ accounts(first: 100, where: %s, orderBy: [{field: NAME}]) { totalCount edges { node { name } } } }`, tc.where), nil)
				if got := nodeNames(d["accounts"]); !sameJSON(got, tc.want) {
					t.Errorf("where %s = %v, want %v", tc.where, got, tc.want)
				}
				if n := totalCount(d["accounts"]); n != len(tc.want) {
					t.Errorf("totalCount = %d, want %d", n, len(tc.want))
				}
			})
		}
	})
}

// TestListWhereVariables: Money filters also come as variables, as 64-bit integers.
func TestListWhereVariables(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		accountBook(t, e)
		d := e.must(`query($where: AccountWhereInput) { accounts(first: 10, where: $where, orderBy: [{field: NAME}]) { edges { node { name annualRevenue } } } }`,
			map[string]any{"where": map[string]any{"annualRevenueGT": 5_500_000_000, "tierIn": []string{"STRATEGIC", "KEY"}}})
		want := []any{
			map[string]any{"node": map[string]any{"name": "Acme Corp", "annualRevenue": 12_000_000_000}},
			map[string]any{"node": map[string]any{"name": "Globex", "annualRevenue": 7_500_000_000}},
		}
		if got := get(d, "accounts", "edges"); !sameJSON(got, want) {
			t.Errorf("accounts = %v, want %v", got, want)
		}
	})
}

// orderCases are orderings of the account book and the exact order each gives.
// Ties are broken by ID, ascending.
var orderCases = []struct {
	name    string
	orderBy string
	want    []string
}{
	{"no orderBy: by ID", ``,
		[]string{"Hooli", "Stark Industries", "Acme Corp", "Vandelay Imports", "Initech", "Globex", "Wayne Enterprises", "Umbrella Health"}},
	{"name", `[{field: NAME}]`,
		[]string{"Acme Corp", "Globex", "Hooli", "Initech", "Stark Industries", "Umbrella Health", "Vandelay Imports", "Wayne Enterprises"}},
	{"name descending", `[{field: NAME, direction: DESC}]`,
		[]string{"Wayne Enterprises", "Vandelay Imports", "Umbrella Health", "Stark Industries", "Initech", "Hooli", "Globex", "Acme Corp"}},
	// Tier orders by the enum's name: GENERAL < KEY < STRATEGIC.
	{"tier, then revenue descending", `[{field: TIER}, {field: ANNUAL_REVENUE, direction: DESC}]`,
		[]string{"Wayne Enterprises", "Hooli", "Vandelay Imports", "Umbrella Health", "Stark Industries", "Initech", "Acme Corp", "Globex"}},
	{"revenue descending, then name", `[{field: ANNUAL_REVENUE, direction: DESC}, {field: NAME}]`,
		[]string{"Acme Corp", "Globex", "Umbrella Health", "Initech", "Stark Industries", "Wayne Enterprises", "Hooli", "Vandelay Imports"}},
	{"revenue descending, then name descending", `[{field: ANNUAL_REVENUE, direction: DESC}, {field: NAME, direction: DESC}]`,
		[]string{"Acme Corp", "Globex", "Umbrella Health", "Stark Industries", "Initech", "Wayne Enterprises", "Hooli", "Vandelay Imports"}},
	{"industry, then name", `[{field: INDUSTRY}, {field: NAME}]`,
		[]string{"Globex", "Umbrella Health", "Acme Corp", "Hooli", "Initech", "Stark Industries", "Wayne Enterprises", "Vandelay Imports"}},
}

// TestListOrder checks each ordering in one page, then walking forward
// (first + after) and backward (last + before) three at a time: the cursors
// of a multi-field ordering must neither skip nor repeat a record.
func TestListOrder(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		accountBook(t, e)
		for _, tc := range orderCases {
			t.Run(tc.name, func(t *testing.T) {
				e := e.forSubtest(t)
				orderBy := ""
				if tc.orderBy != "" {
					orderBy = ", orderBy: " + tc.orderBy
				}
				d := e.must(fmt.Sprintf(`{ accounts(first: 100%s) { edges { node { name } } } }`, orderBy), nil)
				if got := nodeNames(d["accounts"]); !sameJSON(got, tc.want) {
					t.Errorf("one page = %v, want %v", got, tc.want)
				}
				if got := walkAccounts(e, orderBy, 3, false); !sameJSON(got, tc.want) {
					t.Errorf("forward by 3 = %v, want %v", got, tc.want)
				}
				if got := walkAccounts(e, orderBy, 3, true); !sameJSON(got, tc.want) {
					t.Errorf("backward by 3 = %v, want %v", got, tc.want)
				}
			})
		}
	})
}

// walkAccounts pages through accounts(args...) size at a time, forward with
// first/after or backward with last/before, and returns all names in list order.
func walkAccounts(e *env, args string, size int, backward bool) []string {
	e.t.Helper()
	first, after, next := "first", "after", "endCursor"
	if backward {
		first, after, next = "last", "before", "startCursor"
	}
	query := fmt.Sprintf(`query($size: Int, $cursor: Cursor) { accounts(%s: $size, %s: $cursor%s) {
		edges { node { name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, first, after, args)
	var pages [][]string
	var cursor any
	for i := 0; i < 10; i++ {
		conn := e.must(query, map[string]any{"size": size, "cursor": cursor})["accounts"]
		pages = append(pages, nodeNames(conn))
		more := get(conn, "pageInfo", "hasNextPage")
		if backward {
			more = get(conn, "pageInfo", "hasPreviousPage")
		}
		if more != true {
			break
		}
		cursor = get(conn, "pageInfo", next)
	}
	var names []string
	for i := range pages {
		page := pages[i]
		if backward {
			page = pages[len(pages)-1-i]
		}
		names = append(names, page...)
	}
	return names
}

// pageWant is what one page of a connection should hold.
type pageWant struct {
	names            []string
	hasNext, hasPrev bool
}

// TestListForwardPagination walks accounts by name with first + after.
func TestListForwardPagination(t *testing.T) {
	t.Parallel()
	pages := []pageWant{
		{[]string{"Acme Corp", "Globex", "Hooli"}, true, false},
		{[]string{"Initech", "Stark Industries", "Umbrella Health"}, true, true},
		{[]string{"Vandelay Imports", "Wayne Enterprises"}, false, true},
	}
	eachDatabase(t, func(t *testing.T, e *env) {
		accountBook(t, e)
		checkPages(e, `query($cursor: Cursor) { accounts(first: 3, after: $cursor, orderBy: [{field: NAME}]) {
			totalCount edges { cursor node { name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
			"accounts", "endCursor", 8, pages)
	})
}

// TestListBackwardPagination walks accounts by name from the end with last + before.
func TestListBackwardPagination(t *testing.T) {
	t.Parallel()
	pages := []pageWant{
		{[]string{"Umbrella Health", "Vandelay Imports", "Wayne Enterprises"}, false, true},
		{[]string{"Hooli", "Initech", "Stark Industries"}, true, true},
		{[]string{"Acme Corp", "Globex"}, true, false},
	}
	eachDatabase(t, func(t *testing.T, e *env) {
		accountBook(t, e)
		checkPages(e, `query($cursor: Cursor) { accounts(last: 3, before: $cursor, orderBy: [{field: NAME}]) {
			totalCount edges { cursor node { name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
			"accounts", "startCursor", 8, pages)
	})
}

// TestListPaginationWithFilter: totalCount counts the filtered list on every page.
func TestListPaginationWithFilter(t *testing.T) {
	t.Parallel()
	pages := []pageWant{
		{[]string{"Umbrella Health", "Stark Industries"}, true, false},
		{[]string{"Initech", "Wayne Enterprises"}, true, true},
		{[]string{"Hooli", "Vandelay Imports"}, false, true},
	}
	eachDatabase(t, func(t *testing.T, e *env) {
		accountBook(t, e)
		checkPages(e, `query($cursor: Cursor) { accounts(first: 2, after: $cursor, where: {tierIn: [KEY, GENERAL]},
			orderBy: [{field: ANNUAL_REVENUE, direction: DESC}]) {
			totalCount edges { cursor node { name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
			"accounts", "endCursor", 6, pages)
	})
}

// checkPages runs query page by page, passing the previous page's next cursor
// ("endCursor" or "startCursor") as $cursor, and checks each page, its
// pageInfo, that startCursor and endCursor are its first and last edge's
// cursors, and that totalCount stays total.
func checkPages(e *env, query, root, next string, total int, pages []pageWant) {
	e.t.Helper()
	var cursor any
	for i, want := range pages {
		conn := e.must(query, map[string]any{"cursor": cursor})[root]
		if got := nodeNames(conn); !sameJSON(got, want.names) {
			e.t.Errorf("page %d = %v, want %v", i+1, got, want.names)
		}
		info := get(conn, "pageInfo")
		if get(info, "hasNextPage") != want.hasNext || get(info, "hasPreviousPage") != want.hasPrev {
			e.t.Errorf("page %d: hasNextPage %v, hasPreviousPage %v; want %v, %v",
				i+1, get(info, "hasNextPage"), get(info, "hasPreviousPage"), want.hasNext, want.hasPrev)
		}
		if n := totalCount(conn); n != total {
			e.t.Errorf("page %d: totalCount = %d, want %d", i+1, n, total)
		}
		edges, _ := get(conn, "edges").([]any)
		if len(edges) == 0 {
			e.t.Fatalf("page %d is empty", i+1)
		}
		if get(info, "startCursor") != get(edges[0], "cursor") || get(info, "endCursor") != get(edges[len(edges)-1], "cursor") {
			e.t.Errorf("page %d: startCursor/endCursor are not the first/last edge's cursors: %v", i+1, info)
		}
		cursor = get(info, next)
	}
}

// TestListPageLimits: every connection, root or nested, needs first or last,
// at most 100, and not both.
func TestListPageLimits(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		query string
		field string // extensions.field of the BAD_USER_INPUT error
	}{
		{"first above 100", `{ accounts(first: 101) { totalCount } }`, "first"},
		{"last above 100", `{ accounts(last: 101) { totalCount } }`, "last"},
		{"neither first nor last", `{ accounts { totalCount } }`, "first"},
		{"first and last together", `{ accounts(first: 2, last: 2) { totalCount } }`, "last"},
		{"negative first", `{ accounts(first: -1) { totalCount } }`, "first"},
		{"nested: neither first nor last", `query($id: ID!) { node(id: $id) { ... on Account { stakeholders { totalCount } } } }`, "first"},
		{"nested: first above 100", `query($id: ID!) { node(id: $id) { ... on Account { stakeholders(first: 101) { totalCount } } } }`, "first"},
		{"nested in a list", `{ accounts(first: 2) { edges { node { plans(last: 101) { totalCount } } } } }`, "last"},
	}
	eachDatabase(t, func(t *testing.T, e *env) {
		ids := accountBook(t, e)
		vars := map[string]any{"id": ids["Acme Corp"]}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				e := e.forSubtest(t)
				if code, field := e.code(tc.query, vars); code != "BAD_USER_INPUT" || field != tc.field {
					t.Errorf("got %s on %q, want BAD_USER_INPUT on %q", code, field, tc.field)
				}
			})
		}
		t.Run("100 is allowed", func(t *testing.T) {
			e := e.forSubtest(t)
			d := e.must(`query($id: ID!) { accounts(first: 100) { totalCount }
				node(id: $id) { ... on Account { stakeholders(last: 100) { totalCount } } } }`, vars)
			if totalCount(d["accounts"]) != 8 || totalCount(get(d, "node", "stakeholders")) != 5 {
				t.Errorf("got %v", d)
			}
		})
	})
}

// TestListNestedConnections: connections inside a node or inside another
// list filter, order and paginate like root ones.
func TestListNestedConnections(t *testing.T) {
	t.Parallel()
	byInfluence := `orderBy: [{field: INFLUENCE, direction: DESC}, {field: NAME}]`
	eachDatabase(t, func(t *testing.T, e *env) {
		ids := accountBook(t, e)

		t.Run("paging through one account's stakeholders", func(t *testing.T) {
			e := e.forSubtest(t)
			query := fmt.Sprintf(`query($id: ID!, $cursor: Cursor) { node(id: $id) { ... on Account {
				stakeholders(first: 2, after: $cursor, %s) { totalCount edges { cursor node { name } }
				pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } }`, byInfluence)
			pages := []pageWant{
				{[]string{"Ben Ortiz", "Eli Moss"}, true, false},
				{[]string{"Dev Patel", "Ava Chen"}, true, true},
				{[]string{"Cleo Park"}, false, true},
			}
			var cursor any
			for i, want := range pages {
				conn := get(e.must(query, map[string]any{"id": ids["Acme Corp"], "cursor": cursor}), "node", "stakeholders")
				if got := nodeNames(conn); !sameJSON(got, want.names) {
					t.Errorf("page %d = %v, want %v", i+1, got, want.names)
				}
				if totalCount(conn) != 5 || get(conn, "pageInfo", "hasNextPage") != want.hasNext || get(conn, "pageInfo", "hasPreviousPage") != want.hasPrev {
					t.Errorf("page %d: totalCount %d, pageInfo %v; want 5, hasNextPage %v, hasPreviousPage %v",
						i+1, totalCount(conn), get(conn, "pageInfo"), want.hasNext, want.hasPrev)
				}
				cursor = get(conn, "pageInfo", "endCursor")
			}
		})

		t.Run("last and before", func(t *testing.T) {
			e := e.forSubtest(t)
			query := fmt.Sprintf(`query($id: ID!, $cursor: Cursor) { node(id: $id) { ... on Account {
				stakeholders(last: 2, before: $cursor, %s) { edges { node { name } } pageInfo { hasPreviousPage startCursor } } } } }`, byInfluence)
			conn := get(e.must(query, map[string]any{"id": ids["Acme Corp"]}), "node", "stakeholders")
			if got := nodeNames(conn); !sameJSON(got, []string{"Ava Chen", "Cleo Park"}) {
				t.Errorf("last 2 = %v, want [Ava Chen Cleo Park]", got)
			}
			conn = get(e.must(query, map[string]any{"id": ids["Acme Corp"], "cursor": get(conn, "pageInfo", "startCursor")}), "node", "stakeholders")
			if got := nodeNames(conn); !sameJSON(got, []string{"Eli Moss", "Dev Patel"}) || get(conn, "pageInfo", "hasPreviousPage") != true {
				t.Errorf("the 2 before = %v (hasPreviousPage %v), want [Eli Moss Dev Patel] (true)", got, get(conn, "pageInfo", "hasPreviousPage"))
			}
		})

		t.Run("a page under each account of a list", func(t *testing.T) {
			e := e.forSubtest(t)
			d := e.must(fmt.Sprintf(`{ accounts(first: 10, where: {hasStakeholders: true}, orderBy: [{field: NAME}]) { edges { node { name
				stakeholders(first: 2, %s) { totalCount edges { node { name } } pageInfo { hasNextPage } } } } } }`, byInfluence), nil)
			want := []struct {
				account string
				people  []string
				total   int
				hasNext bool
			}{
				{"Acme Corp", []string{"Ben Ortiz", "Eli Moss"}, 5, true},
				{"Globex", []string{"Fay Wong", "Gus Lee"}, 2, false},
				{"Initech", []string{"Ida Ruiz", "Jo Kim"}, 3, true},
			}
			edges, _ := get(d, "accounts", "edges").([]any)
			if len(edges) != len(want) {
				t.Fatalf("accounts = %v, want %d", nodeNames(d["accounts"]), len(want))
			}
			for i, w := range want {
				node := get(edges[i], "node")
				conn := get(node, "stakeholders")
				if get(node, "name") != w.account || !sameJSON(nodeNames(conn), w.people) ||
					totalCount(conn) != w.total || get(conn, "pageInfo", "hasNextPage") != w.hasNext {
					t.Errorf("account %d = %v %v (totalCount %d, hasNextPage %v); want %s %v (%d, %v)",
						i, get(node, "name"), nodeNames(conn), totalCount(conn), get(conn, "pageInfo", "hasNextPage"),
						w.account, w.people, w.total, w.hasNext)
				}
			}
		})

		t.Run("a filter on a nested connection", func(t *testing.T) {
			e := e.forSubtest(t)
			d := e.must(`query($id: ID!) { node(id: $id) { ... on Account {
				stakeholders(first: 10, where: {influenceGTE: 4}, orderBy: [{field: NAME, direction: DESC}]) { totalCount edges { node { name } } } } } }`,
				map[string]any{"id": ids["Acme Corp"]})
			conn := get(d, "node", "stakeholders")
			if got := nodeNames(conn); !sameJSON(got, []string{"Eli Moss", "Dev Patel", "Ben Ortiz"}) || totalCount(conn) != 3 {
				t.Errorf("influence >= 4 = %v (totalCount %d), want [Eli Moss Dev Patel Ben Ortiz] (3)", got, totalCount(conn))
			}
		})
	})
}

// TestListTextFiltersAlike: every text filter keeps the same rows on SQLite as
// on PostgreSQL: Contains, HasPrefix and HasSuffix tell case apart, the …Fold
// filters fold every letter (not only ASCII), % and _ are plain characters, and
// a NULL never matches.
func TestListTextFiltersAlike(t *testing.T) {
	t.Parallel()
	accounts := []struct {
		where string
		want  []string
	}{
		{`{nameContains: "cme"}`, []string{"acme"}},
		{`{nameContains: "CME"}`, []string{"ACME Labs"}},
		{`{nameContainsFold: "cme"}`, []string{"ACME Labs", "acme"}},
		{`{nameContainsFold: "ölwerke"}`, []string{"ÖLWERKE NORD", "Ölwerke Süd"}},
		{`{nameContainsFold: "SÜD"}`, []string{"Ölwerke Süd"}},
		{`{nameEqualFold: "ölwerke nord"}`, []string{"ÖLWERKE NORD"}},
		{`{nameEqualFold: "ACME"}`, []string{"acme"}},
		{`{nameHasPrefix: "a"}`, []string{"acme"}},
		{`{nameHasPrefix: "Öl"}`, []string{"Ölwerke Süd"}},
		{`{nameHasSuffix: "süd"}`, []string{}},
		{`{nameHasSuffix: "Süd"}`, []string{"Ölwerke Süd"}},
		{`{nameContains: "%"}`, []string{"100% Pure_Co"}},
		{`{nameContains: "_"}`, []string{"100% Pure_Co"}},
		{`{nameContainsFold: "% PURE_"}`, []string{"100% Pure_Co"}},
		{`{nameHasPrefix: "100%"}`, []string{"100% Pure_Co"}},
		{`{nameEqualFold: "100_percent"}`, []string{}},
	}
	people := []struct {
		where string
		want  []string
	}{
		{`{titleContains: "Vice"}`, []string{"Ann"}},
		{`{titleContainsFold: "VICE"}`, []string{"Ann", "Di"}},
		{`{titleContainsFold: "ÉMÉRITE"}`, []string{"Di"}},
		{`{titleHasPrefix: "v"}`, []string{"Di"}},
		{`{titleEqualFold: "vp sales"}`, []string{"Cy"}},
		{`{titleIsNil: true}`, []string{"Bob"}},
		{`{not: {titleContainsFold: "p"}}`, []string{}},
	}
	eachDatabase(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		var acme int
		for _, name := range []string{"Ölwerke Süd", "ÖLWERKE NORD", "acme", "ACME Labs", "100% Pure_Co", "100 Percent"} {
			a := e.client.Account.Create().SetName(name).SaveX(ctx)
			if name == "acme" {
				acme = a.ID
			}
		}
		for name, title := range map[string]string{"Ann": "Vice President", "Bob": "", "Cy": "VP Sales", "Di": "vice-président émérite"} {
			s := e.client.Stakeholder.Create().SetName(name).SetAccountID(acme)
			if title != "" {
				s.SetTitle(title)
			}
			s.SaveX(ctx)
		}
		for _, tc := range accounts {
			d := e.must(fmt.Sprintf(`{ accounts(first: 100, where: %s) { edges { node { name } } } }`, tc.where), nil)
			if got := sorted(nodeNames(d["accounts"])); !sameJSON(got, tc.want) {
				t.Errorf("accounts where %s = %q, want %q", tc.where, got, tc.want)
			}
		}
		for _, tc := range people {
			d := e.must(fmt.Sprintf(`{ node(id: %q) { ... on Account { stakeholders(first: 100, where: %s) { edges { node { name } } } } } }`, gid(acme), tc.where), nil)
			if got := sorted(nodeNames(get(d, "node", "stakeholders"))); !sameJSON(got, tc.want) {
				t.Errorf("stakeholders where %s = %q, want %q", tc.where, got, tc.want)
			}
		}
	})
}

// sorted sorts names by their bytes, the order of both databases' default collations we test on.
func sorted(names []string) []string {
	slices.Sort(names)
	return names
}

// TestCursorOfAnotherOrder passes each order's cursors to the same list in
// every other order, forward and backward, at the root and under a record:
// a cursor carries its order's values, so one of another order holds values
// of other types, or another number of them. The answer is a page, or
// BAD_USER_INPUT on the cursor; never an internal error, and in its own order always a page.
func TestCursorOfAnotherOrder(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		ids := accountBook(t, e)
		acme := ids["Acme Corp"]
		lists := []struct {
			order, page string // the order enum; the page, %s its arguments, asking for endCursor
			at          func(map[string]any) any
		}{
			{"AccountOrderField", `query($c: Cursor) { accounts(%s) { edges { cursor } pageInfo { endCursor } } }`,
				func(d map[string]any) any { return d["accounts"] }},
			{"StakeholderOrderField", `query($c: Cursor, $id: ID!) { node(id: $id) { ... on Account { stakeholders(%s) { edges { cursor } pageInfo { endCursor } } } } }`,
				func(d map[string]any) any { return get(d, "node", "stakeholders") }},
		}
		for _, l := range lists {
			orders := []string{""}
			for _, v := range get(e.must(`query($t: String!) { __type(name: $t) { enumValues { name } } }`, map[string]any{"t": l.order}), "__type", "enumValues").([]any) {
				orders = append(orders, fmt.Sprintf(`, orderBy: [{field: %s, direction: DESC}]`, get(v, "name")))
			}
			orders = append(orders, `, orderBy: [{field: CREATED_AT}, {field: NAME, direction: DESC}]`)
			vars := func(c any) map[string]any {
				if strings.Contains(l.page, "$id") {
					return map[string]any{"id": acme, "c": c}
				}
				return map[string]any{"c": c}
			}
			for _, from := range orders {
				cursor := get(l.at(e.must(fmt.Sprintf(l.page, "first: 2, after: $c"+from), vars(nil))), "pageInfo", "endCursor")
				for _, to := range orders {
					for _, args := range []string{"first: 2, after: $c" + to, "last: 2, before: $c" + to} {
						q := fmt.Sprintf(l.page, args)
						r := e.do(q, vars(cursor))
						errCheck(t, r)
						for _, err := range r.Errors {
							code, _ := err.Extensions["code"].(string)
							field, _ := err.Extensions["field"].(string)
							if from == to || code != "BAD_USER_INPUT" || field != "after" && field != "before" {
								t.Errorf("a cursor of%s used with %s: %s %q (%s)", from, args, code, field, err.Message)
							}
						}
					}
				}
			}
		}
	})
}

// TestNestedPageInfoWithoutEdges: a page under a record that asks for
// pageInfo and no edges tells from its count whether records come after a
// first page or before a last one, in one statement and level by level.
func TestNestedPageInfoWithoutEdges(t *testing.T) {
	t.Parallel()
	eachReader(t, func(t *testing.T, e *env, one bool) {
		accountBook(t, e)
		for _, c := range []struct {
			page       string // Acme has 5 stakeholders
			next, prev bool
		}{
			{"first: 2", true, false}, {"first: 5", false, false}, {"first: 0", true, false},
			{"last: 2", false, true}, {"last: 5", false, false}, {"last: 0", false, true},
		} {
			for _, count := range []string{"", "totalCount"} {
				q := fmt.Sprintf(`{ accounts(first: 1, orderBy: {field: NAME}) { edges { node { stakeholders(%s) { %s pageInfo { hasNextPage hasPreviousPage } } } } } }`, c.page, count)
				info := get(e.must(q, nil), "accounts", "edges", 0, "node", "stakeholders", "pageInfo")
				if get(info, "hasNextPage") != c.next || get(info, "hasPreviousPage") != c.prev {
					t.Errorf("%s %s: %v, want hasNextPage %v, hasPreviousPage %v", c.page, count, info, c.next, c.prev)
				}
			}
		}
	})
}

// TestManyToManyPagesInOrder: the pages of a many-to-many edge under a list
// come each in its own order, also where their records are shared: two
// reviews whose attendees overlap, read by name either way, both readers.
func TestManyToManyPagesInOrder(t *testing.T) {
	t.Parallel()
	eachReader(t, func(t *testing.T, e *env, one bool) {
		ctx := context.Background()
		c := e.client
		user := func(name string) int {
			return c.User.Create().SetName(name).SetEmail(strings.ToLower(name) + "@example.com").SaveX(ctx).ID
		}
		ada, bea, cy, dan := user("Ada"), user("Bea"), user("Cy"), user("Dan")
		acc := c.Account.Create().SetName("Acme Corp").SaveX(ctx)
		plan := c.AccountPlan.Create().SetName("FY27").SetAccountID(acc.ID).
			SetPeriodStart(day("2027-01-01")).SetPeriodEnd(day("2027-12-31")).SaveX(ctx)
		// Dan and Cy come first among the first review's rows, before Ada and Bea of the second.
		c.Review.Create().SetHeldAt(day("2027-04-01")).SetPlanID(plan.ID).AddAttendeeIDs(dan, cy).SaveX(ctx)
		c.Review.Create().SetHeldAt(day("2027-05-01")).SetPlanID(plan.ID).AddAttendeeIDs(ada, bea, cy, dan).SaveX(ctx)
		for _, c := range []struct {
			order string
			want  [2][]string
		}{
			{"{field: NAME}", [2][]string{{"Cy", "Dan"}, {"Ada", "Bea", "Cy"}}},
			{"{field: NAME, direction: DESC}", [2][]string{{"Dan", "Cy"}, {"Dan", "Cy", "Bea"}}},
		} {
			d := e.must(fmt.Sprintf(`{ reviews(first: 2, orderBy: {field: HELD_AT}) { edges { node { attendees(first: 3, orderBy: %s) { edges { node { name } } } } } } }`, c.order), nil)
			for i := range 2 {
				var got []string
				for _, edge := range get(d, "reviews", "edges", i, "node", "attendees", "edges").([]any) {
					got = append(got, get(edge, "node", "name").(string))
				}
				if !slices.Equal(got, c.want[i]) {
					t.Errorf("order %s, review %d: %v, want %v", c.order, i, got, c.want[i])
				}
			}
		}
	})
}
