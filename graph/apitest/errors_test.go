package apitest

// Errors carry a code from the closed list in graph/errors.go and never the
// words of the database driver, ent or Go's parsers.

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"entgo.io/contrib/entgql"
)

// errCodes is the closed list of extensions.code values (graph/errors.go).
var errCodes = map[string]bool{
	"BAD_REQUEST": true, "PAYLOAD_TOO_LARGE": true, "GRAPHQL_PARSE_FAILED": true, "GRAPHQL_VALIDATION_FAILED": true,
	"BAD_USER_INPUT": true, "NOT_FOUND": true, "CONFLICT": true, "INTERNAL_SERVER_ERROR": true,
	"QUERY_TOO_COMPLEX": true, "RATE_LIMITED": true, "TIMEOUT": true,
	"PERSISTED_QUERY_NOT_FOUND": true, "PERSISTED_QUERY_NOT_ALLOWED": true,
}

// errExtensions are the extensions an error may carry besides its code.
var errExtensions = map[string]bool{"field": true, "cost": true, "costAtLeast": true, "limit": true, "index": true, "externalID": true}

// errLeaks are words that only the database, ent or Go would write.
var errLeaks = []string{
	"sql", "SQL", "ent:", "constraint failed", "pq:", "sqlite", "UNIQUE", "violates",
	"strconv", "ParseInt", "Atoi", "invalid syntax", "goroutine", "panic", ".go:", "EOF", "pgx", "pgconn",
}

// errCheck fails the test for every error without a listed code or with leaked internals.
func errCheck(t *testing.T, r result) {
	t.Helper()
	for _, err := range r.Errors {
		code, _ := err.Extensions["code"].(string)
		if !errCodes[code] {
			t.Errorf("error %q has code %q, not one of the closed list", err.Message, code)
		}
		for _, w := range errLeaks {
			if strings.Contains(err.Message, w) {
				t.Errorf("error %q leaks %q", err.Message, w)
			}
		}
		for k, v := range err.Extensions {
			if k != "code" && !errExtensions[k] {
				t.Errorf("error %q has extension %s=%v", err.Message, k, v)
			}
		}
	}
}

func TestErrorsNeverLeakInternals(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		w := newInvWorld(t, e)
		ctx := context.Background()
		e.client.Account.UpdateOne(w.accB).SetExternalID("crm-1").ExecX(ctx)
		cases := []struct {
			name, query string
			vars        map[string]any
			code, field string
			message     string // a part of the message the client needs, when it matters
		}{
			{"duplicate email", `mutation { createUser(input: {name: "A", email: "ada@example.com"}) { id } }`, nil,
				"CONFLICT", "email", "email"},
			{"duplicate external ID", `mutation($id: ID!) { updateAccount(id: $id, input: {externalID: "crm-1"}) { id } }`, map[string]any{"id": invID(w.accA.ID)},
				"CONFLICT", "externalID", "externalID"},
			{"duplicate product name", `mutation { createProduct(input: {name: "Analytics"}) { id } }`, nil,
				"CONFLICT", "name", "name"},
			{"duplicate revenue period", `mutation($a: ID!) { createRevenueRecord(input: {accountID: $a, periodStart: "2026-01-01T00:00:00Z", periodEnd: "2026-03-31T00:00:00Z"}) { id } }`,
				map[string]any{"a": invID(w.accA.ID)}, "CONFLICT", "periodStart,accountID", "periodStart"},
			{"duplicate team member", `mutation($a: ID!, $u: ID!) { x: createAccountTeamMember(input: {accountID: $a, userID: $u, role: BDR}) { id }
				y: createAccountTeamMember(input: {accountID: $a, userID: $u, role: OTHER}) { id } }`,
				map[string]any{"a": invID(w.accA.ID), "u": invID(w.userB.ID)}, "CONFLICT", "accountID,userID", "accountID"},
			{"duplicate relationship", `mutation($u: ID!, $s: ID!) { x: createRelationship(input: {userID: $u, stakeholderID: $s}) { id }
				y: createRelationship(input: {userID: $u, stakeholderID: $s}) { id } }`,
				map[string]any{"u": invID(w.userA.ID), "s": invID(w.sA1.ID)}, "CONFLICT", "userID,stakeholderID", "userID"},
			{"value out of range", `mutation($a: ID!) { createStakeholder(input: {name: "X", accountID: $a, rank: 9}) { id } }`, map[string]any{"a": invID(w.accA.ID)},
				"BAD_USER_INPUT", "rank", "rank: must be 1–5"},
			{"score out of range", `mutation($a: ID!) { createFeedback(input: {accountID: $a, kind: AD_HOC, score: 11}) { id } }`, map[string]any{"a": invID(w.accA.ID)},
				"BAD_USER_INPUT", "score", "score: must be 0–10"},
			{"name too long", `mutation($n: String!) { createAccount(input: {name: $n}) { id } }`, map[string]any{"n": strings.Repeat("n", 201)},
				"BAD_USER_INPUT", "name", "name: must be at most 200 characters"},
			{"empty name", `mutation { createAccount(input: {name: ""}) { id } }`, nil,
				"BAD_USER_INPUT", "name", "name"},
			{"e-mail without @", `mutation { createUser(input: {name: "A", email: "nobody"}) { id } }`, nil,
				"BAD_USER_INPUT", "email", "invalid format"},
			{"lower-case currency", `mutation { createAccount(input: {name: "A", currency: "usd"}) { id } }`, nil,
				"BAD_USER_INPUT", "currency", "invalid format"},
			{"Money as a float", `mutation($in: CreateAccountInput!) { createAccount(input: $in) { id } }`, map[string]any{"in": map[string]any{"name": "X", "annualRevenue": 1250.5}},
				"BAD_USER_INPUT", "annualRevenue", "not a whole number"},
			{"Money beyond int64", `mutation($in: CreateAccountInput!) { createAccount(input: $in) { id } }`, map[string]any{"in": map[string]any{"name": "X", "annualRevenue": 1e30}},
				"BAD_USER_INPUT", "annualRevenue", "annualRevenue"},
			{"ID beyond int", `mutation { createAccount(input: {name: "X", ownerID: "99999999999999999999"}) { id } }`, nil,
				"BAD_USER_INPUT", "ownerID", "out of range"},
			{"ID not a number", `{ node(id: "abc") { id } }`, nil,
				"BAD_USER_INPUT", "id", "not a whole number"},
			{"Decimal not a number", `mutation($p: ID!) { createGoal(input: {title: "G", planID: $p, baseline: "1,5"}) { id } }`, map[string]any{"p": invID(w.planA.ID)},
				"BAD_USER_INPUT", "baseline", "Decimal"},
			{"Time not RFC 3339", `mutation($a: ID!) { createAccountPlan(input: {name: "P", accountID: $a, periodStart: "yesterday", periodEnd: "2026-01-01T00:00:00Z"}) { id } }`,
				map[string]any{"a": invID(w.accA.ID)}, "BAD_USER_INPUT", "periodStart", "periodStart"},
			{"garbage cursor", `{ accounts(first: 5, after: "garbage") { totalCount } }`, nil,
				"BAD_USER_INPUT", "after", "cursor"},
			{"pages apart under records asked twice", `{ accounts(first: 2) { a: edges { node { plans(first: 1) { totalCount } } } b: edges { node { plans(first: 2) { totalCount } } } } }`, nil,
				"GRAPHQL_VALIDATION_FAILED", "", "different names"},
			{"first and last together", `{ accounts(first: 5, last: 5) { totalCount } }`, nil,
				"BAD_USER_INPUT", "last", "first"},
			{"negative first", `{ accounts(first: -1) { totalCount } }`, nil,
				"BAD_USER_INPUT", "first", "first"},
			{"nested page too large", `{ accounts(first: 5) { edges { node { plans(first: 500) { totalCount } } } } }`, nil,
				"BAD_USER_INPUT", "first", "100"},
			{"unknown node", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": invID(w.accA.ID + 1000)},
				"NOT_FOUND", "id", ""},
			{"unknown nodes", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": []string{invID(w.accA.ID), invID(w.accA.ID + 1000)}},
				"NOT_FOUND", "ids", ""},
			{"unknown reference", `mutation { createAccountPlan(input: {name: "P", accountID: "424242", periodStart: "2026-01-01T00:00:00Z", periodEnd: "2026-02-01T00:00:00Z"}) { id } }`, nil,
				"NOT_FOUND", "accountID", "accountID"},
			{"update of an unknown plan", `mutation($id: ID!) { updateAccountPlan(id: $id, input: {periodEnd: "2027-01-01T00:00:00Z"}) { id } }`, map[string]any{"id": invID(w.planB.ID + 1000)},
				"NOT_FOUND", "id", "AccountPlan"},
			{"delete of an unknown stakeholder", `mutation($id: ID!) { deleteStakeholder(id: $id) }`, map[string]any{"id": invID(w.sB1.ID + 1000)},
				"NOT_FOUND", "id", "Stakeholder"},
			{"invariant", `mutation($id: ID!) { updateStakeholder(id: $id, input: {reportsToID: $id}) { id } }`, map[string]any{"id": invID(w.sA1.ID)},
				"BAD_USER_INPUT", "reportsToID", "cycle"},
			// On PostgreSQL the failed insert aborts the transaction, so the
			// second mutation fails too; neither error may say so in SQL terms.
			{"mutation after a failed insert", `mutation { a: createUser(input: {name: "A", email: "ada@example.com"}) { id }
				b: createAccount(input: {name: "After"}) { id } }`, nil, "CONFLICT", "email", "email"},
		}
		for _, tc := range cases {
			invRun(t, e, tc.name, func(t *testing.T) {
				r := e.do(tc.query, tc.vars)
				if len(r.Errors) == 0 {
					t.Fatalf("expected an error, got %v", r.Data)
				}
				errCheck(t, r)
				code, _ := r.Errors[0].Extensions["code"].(string)
				field, _ := r.Errors[0].Extensions["field"].(string)
				if code != tc.code || field != tc.field {
					t.Errorf("got %s %q (%q), want %s %q", code, field, r.Errors[0].Message, tc.code, tc.field)
				}
				if !strings.Contains(r.Errors[0].Message, tc.message) {
					t.Errorf("message %q does not mention %q", r.Errors[0].Message, tc.message)
				}
			})
		}
	})
}

func TestErrorsOfTheDocument(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		cases := []struct {
			name, query string
			vars        map[string]any
			code        string
		}{
			{"syntax error", `{ accounts(first: 5 { totalCount } }`, nil, "GRAPHQL_PARSE_FAILED"},
			{"unterminated string", `{ node(id: "1) { id } }`, nil, "GRAPHQL_PARSE_FAILED"},
			{"unknown field", `{ accounts(first: 5) { totalCount revenue } }`, nil, "GRAPHQL_VALIDATION_FAILED"},
			{"unknown argument", `{ accounts(first: 5, limit: 5) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED"},
			{"unknown enum value", `mutation { createAccount(input: {name: "X", tier: PLATINUM}) { id } }`, nil, "GRAPHQL_VALIDATION_FAILED"},
			{"missing required input field", `mutation { createAccount(input: {tier: KEY}) { id } }`, nil, "GRAPHQL_VALIDATION_FAILED"},
			{"variable of the wrong type", `query($n: Int!) { accounts(first: $n) { totalCount } }`, map[string]any{"n": "five"}, "GRAPHQL_VALIDATION_FAILED"},
			{"missing variable", `query($n: Int!) { accounts(first: $n) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED"},
			{"input variable of the wrong shape", `mutation($in: CreateAccountInput!) { createAccount(input: $in) { id } }`,
				map[string]any{"in": map[string]any{"name": true}}, "GRAPHQL_VALIDATION_FAILED"},
			{"input variable that is not an object", `mutation($in: CreateAccountInput!) { createAccount(input: $in) { id } }`,
				map[string]any{"in": "Acme"}, "GRAPHQL_VALIDATION_FAILED"},
			{"unknown input field", `mutation($in: CreateAccountInput!) { createAccount(input: $in) { id } }`,
				map[string]any{"in": map[string]any{"name": "Acme", "revenue": 5}}, "GRAPHQL_VALIDATION_FAILED"},
		}
		for _, tc := range cases {
			invRun(t, e, tc.name, func(t *testing.T) {
				var r result
				if n := e.count(func() { r = e.do(tc.query, tc.vars) }); n != 0 {
					t.Errorf("a request that never executes ran %d statements", n)
				}
				if len(r.Errors) == 0 {
					t.Fatalf("expected an error, got %v", r.Data)
				}
				errCheck(t, r)
				if code := r.Errors[0].Extensions["code"]; code != tc.code {
					t.Errorf("code %v (%q), want %s", code, r.Errors[0].Message, tc.code)
				}
				if r.HasData {
					t.Errorf("a request that never executes has a data entry: %v", r.Data)
				}
			})
		}
		// None of them wrote anything.
		if n := e.client.Account.Query().CountX(context.Background()); n != 0 {
			t.Errorf("%d accounts written", n)
		}
	})
}

func TestErrorsInternalWithoutDetails(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		e.must(`mutation { createAccount(input: {name: "Acme"}) { id } }`, nil)
		// The handler shares the database handle with the fixture client:
		// closing it makes every statement fail with the driver's words.
		if err := e.client.Close(); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			`{ accounts(first: 5) { totalCount edges { node { name } } } }`,
			`mutation { createAccount(input: {name: "Beta"}) { id } }`,
		} {
			r := e.do(q, nil)
			if len(r.Errors) != 1 {
				t.Fatalf("%s: want one error, got %+v", q, r.Errors)
			}
			errCheck(t, r)
			got := r.Errors[0]
			if got.Extensions["code"] != "INTERNAL_SERVER_ERROR" || got.Message != "internal server error" || len(got.Extensions) != 1 {
				t.Errorf("%s: got %q %v, want a bare internal server error", q, got.Message, got.Extensions)
			}
			if strings.Contains(got.Message, "closed") {
				t.Errorf("%s: the message tells the database's state: %q", q, got.Message)
			}
		}
	})
}

// TestOperationNameMessages: a document with several operations, or an
// operationName the document lacks, is refused naming what it has.
func TestOperationNameMessages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sqliteDatabase(t), testSettings())
	two := `query A { __typename } query B { __typename }`
	for _, c := range []struct {
		name, want string
	}{
		{"", "the document has 2 operations: name the one to run in operationName (it has A, B)"},
		{"C", `the document has no operation named "C" (it has A, B)`},
	} {
		body, _ := json.Marshal(map[string]any{"query": two, "operationName": c.name})
		r := e.send("application/json", "", string(body))
		var out struct{ Errors []struct{ Message string } }
		_ = json.Unmarshal(r.body, &out)
		if r.code() != "GRAPHQL_VALIDATION_FAILED" || len(out.Errors) != 1 || out.Errors[0].Message != c.want {
			t.Errorf("operationName %q: %s, want %q", c.name, r.body, c.want)
		}
	}
	body, _ := json.Marshal(map[string]any{"query": two, "operationName": "B"})
	if r := e.send("application/json", "", string(body)); string(r.body) != `{"data":{"__typename":"Query"}}` {
		t.Errorf("operationName B: %s", r.body)
	}
}

// A part of a filter that filters nothing is the client's mistake, said as
// such, at the root and under a parent, whichever way the query is answered.
func TestErrorsEmptyFilterPart(t *testing.T) {
	t.Parallel()
	eachReader(t, func(t *testing.T, e *env, _ bool) {
		for _, q := range []string{
			`{ accounts(first: 2, where: {or: [{industryIsNil: false}]}) { totalCount } }`,
			`{ accounts(first: 2, where: {not: {}}) { edges { node { name } } } }`,
			`{ accounts(first: 2) { edges { node { stakeholders(first: 2, where: {hasReportsToWith: [{or: [{titleIsNil: false}]}]}) { totalCount } } } } }`,
		} {
			if e.client.Account.Query().CountX(context.Background()) == 0 {
				e.client.Account.Create().SetName("Filtered").ExecX(context.Background())
			}
			r := e.do(q, nil)
			if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "where" {
				t.Errorf("%s: %+v, want BAD_USER_INPUT on where", q, r.Errors)
			}
		}
	})
}

// idCursor is the cursor of a record in a list without orderBy, as the pager writes it.
func idCursor(id int) string {
	var b strings.Builder
	entgql.Cursor[int]{ID: id}.MarshalGQL(&b)
	s, _ := strconv.Unquote(b.String())
	return s
}
