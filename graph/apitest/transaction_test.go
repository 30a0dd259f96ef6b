package apitest

// All mutations of one request run in one transaction: when one fails, none
// changes anything, the response has the errors and "data": null.

import (
	"context"
	"testing"
)

func TestTransactionRollsBackEveryMutation(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		w := newInvWorld(t, e)
		cases := []struct {
			name        string
			query       string
			vars        map[string]any
			code, field string // of the first error
		}{
			{"create, then an invalid rank",
				`mutation($a: ID!) { createAccount(input: {name: "Tx Co"}) { id }
				createStakeholder(input: {name: "Tx Person", accountID: $a, rank: 9}) { id } }`,
				map[string]any{"a": invID(w.accA.ID)}, "BAD_USER_INPUT", "rank"},
			{"create, then a missing account",
				`mutation { createAccount(input: {name: "Tx Co"}) { id }
				createStakeholder(input: {name: "Tx Person", accountID: "424242"}) { id } }`,
				nil, "NOT_FOUND", "accountID"},
			{"update and create, then an invariant",
				`mutation($a: ID!, $s: ID!, $t: ID!) { updateAccount(id: $a, input: {name: "Renamed", annualRevenue: 5}) { id }
				createUser(input: {name: "Tx User", email: "tx@example.com"}) { id }
				updateStakeholder(id: $s, input: {reportsToID: $t}) { id } }`,
				map[string]any{"a": invID(w.accA.ID), "s": invID(w.sA3.ID), "t": invID(w.sA1.ID)}, "BAD_USER_INPUT", "reportsToID"},
			{"hooks' own writes, then a failure",
				// The measurement updates its KPI; deleting a manager moves their reports up.
				`mutation($k: ID!, $s: ID!) { createKPIMeasurement(input: {kpiID: $k, value: "42"}) { id }
				deleteStakeholder(id: $s)
				deleteAccount(id: "424242") }`,
				map[string]any{"k": invID(w.kpiA.ID), "s": invID(w.sA2.ID)}, "NOT_FOUND", "id"},
			{"delete, then a duplicate",
				`mutation($a: ID!) { deleteAccount(id: $a)
				createUser(input: {name: "Ada Again", email: "ada@example.com"}) { id } }`,
				map[string]any{"a": invID(w.accA.ID)}, "CONFLICT", "email"},
			{"a duplicate of a record made earlier in the request",
				`mutation { a: createUser(input: {name: "Tx 1", email: "tx@example.com"}) { id }
				b: createUser(input: {name: "Tx 2", email: "tx@example.com"}) { id } }`,
				nil, "CONFLICT", "email"},
			{"the first fails, the second is valid",
				`mutation($a: ID!) { createStakeholder(input: {name: "Tx Person", accountID: $a, influence: 0}) { id }
				createAccount(input: {name: "Tx Co"}) { id } }`,
				map[string]any{"a": invID(w.accA.ID)}, "BAD_USER_INPUT", "influence"},
			// On PostgreSQL the failed insert aborts the transaction and the
			// second mutation fails as well; on SQLite it runs and is rolled back.
			{"the first fails in the database, the second is valid",
				`mutation { createUser(input: {name: "Ada Again", email: "ada@example.com"}) { id }
				createAccount(input: {name: "Tx Co"}) { id } }`,
				nil, "CONFLICT", "email"},
		}
		for _, tc := range cases {
			invRun(t, e, tc.name, func(t *testing.T) {
				before := invSnapshot(t, e)
				r := e.do(tc.query, tc.vars)
				if len(r.Errors) == 0 {
					t.Fatalf("expected errors, got data %v", r.Data)
				}
				errCheck(t, r)
				code, _ := r.Errors[0].Extensions["code"].(string)
				field, _ := r.Errors[0].Extensions["field"].(string)
				if code != tc.code || field != tc.field {
					t.Errorf("first error %s %q (%q), want %s %q", code, field, r.Errors[0].Message, tc.code, tc.field)
				}
				if !r.HasData || r.Data != nil {
					t.Errorf("want \"data\": null, got HasData=%v data=%v", r.HasData, r.Data)
				}
				if after := invSnapshot(t, e); after != before {
					t.Errorf("the request changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
				}
			})
		}
		// Read back through the API: nothing of the refused requests is visible.
		d := e.must(`query($a: ID!, $s: ID!, $k: ID!) {
			accounts(first: 10, where: {name: "Tx Co"}) { totalCount }
			users(first: 10, where: {emailHasPrefix: "tx"}) { totalCount }
			stakeholders(first: 10, where: {name: "Tx Person"}) { totalCount }
			a: node(id: $a) { ... on Account { name annualRevenue } }
			s: node(id: $s) { ... on Stakeholder { directReports(first: 5) { totalCount } } }
			k: node(id: $k) { ... on KPI { currentValue measurements(first: 5) { totalCount } } } }`,
			map[string]any{"a": invID(w.accA.ID), "s": invID(w.sA2.ID), "k": invID(w.kpiA.ID)})
		for _, c := range []struct {
			path []any
			want any
		}{
			{[]any{"accounts", "totalCount"}, float64(0)},
			{[]any{"users", "totalCount"}, float64(0)},
			{[]any{"stakeholders", "totalCount"}, float64(0)},
			{[]any{"a", "name"}, "Acme"},
			{[]any{"a", "annualRevenue"}, float64(0)},
			{[]any{"s", "directReports", "totalCount"}, float64(1)},
			{[]any{"k", "currentValue"}, nil},
			{[]any{"k", "measurements", "totalCount"}, float64(0)},
		} {
			if got := get(d, c.path...); got != c.want {
				t.Errorf("%v = %v, want %v", c.path, got, c.want)
			}
		}
	})
}

func TestTransactionCommitsAll(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		d := e.must(`mutation { a: createAccount(input: {name: "Tx Co", tier: KEY}) { id name }
			u: createUser(input: {name: "Tx User", email: "tx@example.com"}) { id email } }`, nil)
		if get(d, "a", "name") != "Tx Co" || get(d, "u", "email") != "tx@example.com" {
			t.Fatalf("data %v", d)
		}
		if n := e.client.Account.Query().CountX(ctx); n != 1 {
			t.Errorf("%d accounts, want 1", n)
		}
		if n := e.client.User.Query().CountX(ctx); n != 1 {
			t.Errorf("%d users, want 1", n)
		}

		// Later mutations see what earlier ones wrote, and hooks' writes commit with them.
		w := newInvWorld(t, e)
		d = e.must(`mutation($k: ID!, $s: ID!, $a: ID!) {
			m: createKPIMeasurement(input: {kpiID: $k, value: "7.5"}) { kpi { currentValue } }
			d: deleteStakeholder(id: $s)
			r: updateAccount(id: $a, input: {name: "Acme Renamed"}) { name } }`,
			map[string]any{"k": invID(w.kpiA.ID), "s": invID(w.sA2.ID), "a": invID(w.accA.ID)})
		if get(d, "m", "kpi", "currentValue") != "7.5" || get(d, "d") != invID(w.sA2.ID) || get(d, "r", "name") != "Acme Renamed" {
			t.Fatalf("data %v", d)
		}
		kpi := e.client.KPI.GetX(ctx, w.kpiA.ID)
		if kpi.CurrentValue == nil || *kpi.CurrentValue != "7.5" {
			t.Errorf("KPI currentValue %v, want 7.5", kpi.CurrentValue)
		}
		// sA1 reported to the deleted sA2 and now reports to sA2's manager, sA3.
		if got := e.client.Stakeholder.GetX(ctx, w.sA1.ID).QueryReportsTo().OnlyX(ctx).ID; got != w.sA3.ID {
			t.Errorf("sA1 reports to %d, want %d", got, w.sA3.ID)
		}
		if got := e.client.Account.GetX(ctx, w.accA.ID).Name; got != "Acme Renamed" {
			t.Errorf("account name %q", got)
		}
	})
}

// TestTransactionStopsAfterFailure: after a mutation fails in the database
// (a duplicate e-mail), the later mutations do not run, so the only error is
// the one the client caused.
func TestTransactionStopsAfterFailure(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		e.must(`mutation { createUser(input: {name: "Ada", email: "ada@example.com"}) { id } }`, nil)
		r := e.do(`mutation {
			a: createUser(input: {name: "Ada again", email: "ada@example.com"}) { id }
			b: createAccount(input: {name: "Never written"}) { id }
			c: createAccount(input: {name: "Never written either"}) { id }
		}`, nil)
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "CONFLICT" {
			t.Fatalf("errors = %+v, want exactly one CONFLICT", r.Errors)
		}
		if n := e.client.Account.Query().CountX(context.Background()); n != 0 {
			t.Fatalf("%d accounts written", n)
		}
	})
}
