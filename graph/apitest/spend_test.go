package apitest

// Clients see what they spend: the rate limit's state in the RateLimit-*
// headers, and an operation's cost in extensions.cost when they ask.

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/graph"
)

// answer is a decoded response with its headers.
type answer struct {
	status int
	header http.Header
	body   struct {
		Data   map[string]any `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
		Extensions map[string]any `json:"extensions"`
	}
}

// code is the first error's code, "" when there is none.
func (a answer) code() string {
	if len(a.body.Errors) == 0 {
		return ""
	}
	code, _ := a.body.Errors[0].Extensions["code"].(string)
	return code
}

// postJSON sends a JSON body with extra headers.
func (e *env) postJSON(body map[string]any, header map[string]string) answer {
	e.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, e.url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	return e.answer(req, header)
}

// getQuery sends a GET with the parameters given.
func (e *env) getQuery(params url.Values) answer {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.url+"?"+params.Encode(), nil)
	return e.answer(req, nil)
}

func (e *env) answer(req *http.Request, header map[string]string) answer {
	e.t.Helper()
	for k, v := range header {
		req.Header.Set(k, v)
	}
	r := e.roundTrip(req, "")
	a := answer{status: r.status, header: r.header}
	if err := json.Unmarshal(r.body, &a.body); err != nil {
		e.t.Fatalf("not JSON: %s", r.body)
	}
	return a
}

// The three headers on every answer, success or refusal, follow the bucket:
// Remaining goes down by one a request, Reset up by the time one request
// takes to refill; a rate limit that is off sends none.
func TestSpendRateLimitHeaders(t *testing.T) {
	l := testSettings()
	l.Limits.RatePerSecond = new(0.001) // one request back every 1,000 s: nothing refills during the test
	l.Limits.Burst = new(3)
	e := newEnv(t, sqliteDatabase(t), l)
	auth := "Bearer " + newToken(t, e, newUser(t, e, "spender"), user.RoleVIEWER, false)
	query := gqlBody(`{ __typename }`, nil)
	for i, want := range []struct{ status, remaining, reset int }{
		{http.StatusOK, 2, 1000},
		{http.StatusOK, 1, 2000},
		{http.StatusOK, 0, 3000},
		{http.StatusTooManyRequests, 0, 3000},
	} {
		r := e.send("application/json", auth, query)
		remaining, errR := strconv.Atoi(r.header.Get("RateLimit-Remaining"))
		reset, errReset := strconv.Atoi(r.header.Get("RateLimit-Reset"))
		// What refilled between the requests takes at most a second off the reset.
		if r.status != want.status || r.header.Get("RateLimit-Limit") != "3" || errR != nil || remaining != want.remaining ||
			errReset != nil || reset > want.reset || reset <= want.reset-1000 {
			t.Errorf("request %d: %d RateLimit-Limit %q Remaining %q Reset %q, want %d, 3, %d and %d", i+1, r.status,
				r.header.Get("RateLimit-Limit"), r.header.Get("RateLimit-Remaining"), r.header.Get("RateLimit-Reset"), want.status, want.remaining, want.reset)
		}
	}
	if r := e.send("application/json", auth, query); r.header.Get("Retry-After") == "" {
		t.Errorf("a refusal lost its Retry-After: %v", r.header)
	}

	off := newEnv(t, sqliteDatabase(t), testSettings())
	r := off.send("application/json", "", query)
	for _, h := range []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} {
		if v := r.header.Get(h); r.status != http.StatusOK || v != "" {
			t.Errorf("rate limit off: %d %s %q", r.status, h, v)
		}
	}
}

// extensions.cost is the cost the document limits compute, which an operation
// over the cost limit is refused with; only a client that asks gets it. The
// cost does not depend on the database, so SQLite alone answers.
func TestSpendCost(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sqliteDatabase(t), testSettings())
	low := testSettings()
	low.GraphQL.Limits.MaxCost = new(10)
	limited := newEnv(t, sqliteDatabase(t), low)
	for _, c := range []struct {
		name, query string
		vars        map[string]any
		cost        int
	}{
		{"one field", `{ __typename }`, nil, 1},
		// accounts: 1 + 5 × (edges 1 + node 1 + name 1 + stakeholders (1 + 10 × (edges, node, name: 3)))
		{"nested connections", `{ accounts(first: 5) { edges { node { name stakeholders(first: 10) { edges { node { name } } } } } } }`, nil, 171},
		// 1 + the filter's one input field + 20 × (totalCount, edges, node, id: 4)
		{"page size and filter in variables", `query($n: Int!, $w: AccountWhereInput) { accounts(first: $n, where: $w) { totalCount edges { node { id } } } }`,
			map[string]any{"n": 20, "w": map[string]any{"nameContains": "a"}}, 82},
		// 1 + 3 IDs + 3 answers × (id, __typename: 2)
		{"one answer per ID asked", `{ nodes(ids: ["1", "2", "3"]) { id __typename } }`, nil, 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := map[string]any{"query": c.query, "variables": c.vars}
			plain := e.postJSON(body, nil)
			if plain.body.Extensions["cost"] != nil {
				t.Errorf("cost given unasked: %v", plain.body.Extensions)
			}
			want := map[string]any{"requested": float64(c.cost), "limit": float64(graph.DefaultMaxCost)}
			byHeader := e.postJSON(body, map[string]string{"X-Cost": "include"})
			body["extensions"] = map[string]any{"cost": true}
			byExtension := e.postJSON(body, nil)
			for how, a := range map[string]answer{"header": byHeader, "extension": byExtension} {
				if got, _ := a.body.Extensions["cost"].(map[string]any); !equalJSON(got, want) {
					t.Errorf("asked by %s: extensions.cost %v, want %v (errors %v)", how, a.body.Extensions["cost"], want, a.body.Errors)
				}
			}
			refused := limited.postJSON(body, nil)
			ext := map[string]any{}
			if len(refused.body.Errors) > 0 {
				ext = refused.body.Errors[0].Extensions
			}
			switch {
			case c.cost <= 10 && refused.code() == "QUERY_TOO_COMPLEX":
				t.Errorf("within the cost limit of 10: %v", refused.body.Errors)
			case c.cost > 10 && (refused.code() != "QUERY_TOO_COMPLEX" || ext["cost"] != float64(c.cost) || ext["limit"] != 10.0):
				t.Errorf("over the cost limit of 10: %v, want QUERY_TOO_COMPLEX with cost %d and limit 10", refused.body.Errors, c.cost)
			case c.cost > 10 && refused.body.Extensions["cost"] != nil:
				t.Errorf("a refused operation has extensions.cost %v: its error says it", refused.body.Extensions)
			}
		})
	}
	// A document with more fields than the limit is refused before it is
	// walked to the end: its cost is known to be above them only.
	tiny := testSettings()
	tiny.GraphQL.Limits.MaxCost = new(5)
	r := newEnv(t, sqliteDatabase(t), tiny).postJSON(map[string]any{"query": `{ accounts(first: 1) { edges { node { name stakeholders(first: 1) { edges { node { name } } } } } } }`}, nil)
	if r.code() != "QUERY_TOO_COMPLEX" || r.body.Errors[0].Extensions["costAtLeast"] != 6.0 || r.body.Errors[0].Extensions["limit"] != 5.0 || r.body.Errors[0].Extensions["cost"] != nil {
		t.Errorf("more fields than the cost limit: %v, want QUERY_TOO_COMPLEX with costAtLeast 6 and limit 5", r.body.Errors)
	}
}

// equalJSON compares decoded JSON objects.
func equalJSON(a, b map[string]any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return a != nil && bytes.Equal(x, y)
}
