package apitest

// The abuse limits: each is refused with its code before any SQL runs, while
// the queries of a real client keep answering.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent/store"
	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/graph/auth"
	"github.com/accountplan/accountplan/graph/httpedge"
)

// reply is a raw HTTP answer of the endpoint.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// send posts a raw body with a content type and an Authorization header (when not empty).
func (e *env) send(contentType, auth, body string) reply {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.url, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	return e.roundTrip(req, auth)
}

// roundTrip sends a request with an Authorization header (when not empty).
func (e *env) roundTrip(req *http.Request, auth string) reply {
	e.t.Helper()
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, b}
}

// code is the first error's extensions.code of a single response.
func (r reply) code() string {
	var out struct {
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	_ = json.Unmarshal(r.body, &out)
	if len(out.Errors) == 0 {
		return ""
	}
	code, _ := out.Errors[0].Extensions["code"].(string)
	return code
}

// gqlBody is the JSON body of a request for query.
func gqlBody(query string, vars map[string]any) string {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return string(b)
}

// nested wraps leaf in n levels of field.
func nested(field string, n int, leaf string) string {
	return strings.Repeat(field+" { ", n) + leaf + strings.Repeat(" }", n)
}

// aliased is n aliased copies of a field.
func aliased(n int, field string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "a%d: %s ", i, field)
	}
	return b.String()
}

func TestLimitsDocument(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		query string
		vars  map[string]any
		code  string // "" when the query must answer
	}{
		// Depth: accounts, edges, node and name are 4 levels; parent adds one each.
		{"depth 20 is allowed", `{ accounts(first: 1) { edges { node { ` + nested("parent", 16, "name") + ` } } } }`, nil, ""},
		{"depth 21 is refused", `{ accounts(first: 1) { edges { node { ` + nested("parent", 17, "name") + ` } } } }`, nil, "QUERY_TOO_COMPLEX"},
		{"depth counts through fragments", `{ accounts(first: 1) { edges { node { ...P } } } } fragment P on Account { ` + nested("parent", 17, "name") + ` }`, nil, "QUERY_TOO_COMPLEX"},

		// Cost: first: 100 inside first: 100 inside first: 100 asks for a million plans' goals.
		{"two nested pages of 100", `{ accounts(first: 100) { edges { node { stakeholders(first: 100) { edges { node { name } } } } } } }`, nil, ""},
		{"three nested pages of 100", `{ accounts(first: 100) { edges { node { plans(first: 100) { edges { node { goals(first: 100) { edges { node { title } } } } } } } } } }`, nil, "QUERY_TOO_COMPLEX"},
		{"page sizes from variables", `query($n: Int) { accounts(first: $n) { edges { node { plans(first: $n) { edges { node { goals(first: $n) { edges { node { title } } } } } } } } } }`, map[string]any{"n": 100}, "QUERY_TOO_COMPLEX"},
		{"small pages from variables", `query($n: Int) { accounts(first: $n) { edges { node { plans(first: $n) { edges { node { goals(first: $n) { edges { node { title } } } } } } } } } }`, map[string]any{"n": 10}, ""},
		{"cost counts through fragments", `{ accounts(first: 100) { edges { node { ...Plans } } } } fragment Plans on Account { plans(first: 100) { edges { node { ... on AccountPlan { goals(first: 100) { edges { node { title } } } } } } } }`, nil, "QUERY_TOO_COMPLEX"},

		// Aliases, and fields repeated in one selection set.
		{"100 aliases are allowed", `{ ` + aliased(100, "__typename") + `}`, nil, ""},
		{"101 aliases are refused", `{ ` + aliased(101, "__typename") + `}`, nil, "QUERY_TOO_COMPLEX"},
		{"101 repeats of a field are refused", `{ ` + strings.Repeat("__typename ", 102) + `}`, nil, "QUERY_TOO_COMPLEX"},
		{"repeats through inline fragments are refused", `{ ` + strings.Repeat("... on Query { __typename } ", 102) + `}`, nil, "QUERY_TOO_COMPLEX"},

		// Tokens: 2,000 at most, counted before the document is parsed.
		{"a token flood", `{ nodes(ids: [` + strings.Repeat(`"1" `, 2000) + `]) { id } }`, nil, "QUERY_TOO_COMPLEX"},

		// Page sizes, as every connection needs.
		{"a connection without first or last", `{ accounts { totalCount } }`, nil, "BAD_USER_INPUT"},
	}
	eachDatabase(t, func(t *testing.T, e *env) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				e.t = t
				var r result
				if n := e.count(func() { r = e.do(tc.query, tc.vars) }); tc.code != "" && n != 0 {
					t.Errorf("%d SQL statements ran for a refused query", n)
				}
				errCheck(t, r)
				switch {
				case tc.code == "" && len(r.Errors) > 0:
					t.Errorf("refused: %+v", r.Errors)
				case tc.code != "" && (len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != tc.code):
					t.Errorf("errors = %+v, want code %s", r.Errors, tc.code)
				case tc.code != "" && r.HasData:
					t.Error("a refused operation has a data entry")
				}
			})
		}
	})
}

func TestLimitsMessagesNameTheLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sqliteDatabase(t), httpedge.Settings{Open: true})
	for query, want := range map[string]string{
		`{ accounts(first: 1) { edges { node { ` + nested("parent", 30, "name") + ` } } } }`:                                        "deeper than 20 levels",
		`{ accounts(first: 100) { edges { node { plans(first: 100) { edges { node { goals(first: 100) { totalCount } } } } } } } }`: "costs more than 250000",
		`{ ` + aliased(101, "__typename") + `}`:                         "more than 100 aliased or repeated fields",
		`{ nodes(ids: [` + strings.Repeat(`"1" `, 2000) + `]) { id } }`: "more than 2000 tokens",
	} {
		r := e.do(query, nil)
		if len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, want) {
			t.Errorf("errors = %+v, want a message with %q", r.Errors, want)
		}
	}
}

func TestLimitsBodySize(t *testing.T) {
	t.Parallel()
	l := testSettings()
	l.Limits.MaxBodyBytes = new(int64(1024))
	e := newEnv(t, sqliteDatabase(t), l)
	padding := func(n int) string {
		return `{"query":"{ __typename }","extensions":{"pad":"` + strings.Repeat("a", n) + `"}}`
	}
	if r := e.send("application/json", "", padding(900)); r.status != http.StatusOK || r.code() != "" {
		t.Errorf("a body under the limit: %d %s", r.status, r.body)
	}
	r := e.send("application/json", "", padding(1100))
	if r.status != http.StatusRequestEntityTooLarge || r.code() != "PAYLOAD_TOO_LARGE" || strings.Contains(string(r.body), "aaaa") {
		t.Errorf("a body over the limit: %d %s", r.status, r.body)
	}
}

func TestLimitsBatching(t *testing.T) {
	t.Parallel()
	batch := `[{"query":"{ a: __typename }"},{"query":"{ accounts(first: 1) { totalCount } }"},{"query":"{ nope }"}]`
	t.Run("off by default", func(t *testing.T) {
		e := newEnv(t, sqliteDatabase(t), httpedge.Settings{Open: true})
		var r reply
		if n := e.count(func() { r = e.send("application/json", "", batch) }); n != 0 {
			t.Errorf("%d SQL statements ran", n)
		}
		if r.status != http.StatusBadRequest || r.code() != "BAD_REQUEST" || !strings.Contains(string(r.body), "batching is off") {
			t.Errorf("got %d %s", r.status, r.body)
		}
	})
	t.Run("on", func(t *testing.T) {
		l := testSettings()
		l.Limits.MaxBatch = 3
		e := newEnv(t, sqliteDatabase(t), l)
		r := e.send("application/json", "", batch)
		var out []result
		if err := json.Unmarshal(r.body, &out); err != nil || r.status != http.StatusOK || len(out) != 3 {
			t.Fatalf("got %d %s", r.status, r.body)
		}
		if get(out[0].Data, "a") != "Query" || get(out[1].Data, "accounts", "totalCount") != float64(0) {
			t.Errorf("answers: %s", r.body)
		}
		if len(out[2].Errors) == 0 || out[2].Errors[0].Extensions["code"] != "GRAPHQL_VALIDATION_FAILED" {
			t.Errorf("the invalid operation: %s", r.body)
		}
		four := `[` + strings.Repeat(`{"query":"{ __typename }"},`, 3) + `{"query":"{ __typename }"}]`
		if r := e.send("application/json", "", four); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "1 to 3 operations") {
			t.Errorf("a batch over the limit: %d %s", r.status, r.body)
		}
	})
}

func TestLimitsIntrospectionAndGraphiQLOff(t *testing.T) {
	t.Parallel()
	l := testSettings()
	l.GraphQL.Limits.Introspection = new(false)
	l.GraphiQL = new(false)
	off := newEnv(t, sqliteDatabase(t), l)
	on := newEnv(t, sqliteDatabase(t), httpedge.Settings{Open: true})

	for _, q := range []string{`{ __schema { types { name } } }`, `{ __type(name: "Account") { fields { name } } }`} {
		if r := off.do(q, nil); len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "GRAPHQL_VALIDATION_FAILED" || r.Errors[0].Message != "introspection is off on this server" {
			t.Errorf("%s: %+v", q, r.Errors)
		}
	}
	if d := off.must(`{ __typename }`, nil); d["__typename"] != "Query" {
		t.Errorf("__typename: %v", d)
	}
	if d := on.must(`{ __schema { queryType { name } } }`, nil); get(d, "__schema", "queryType", "name") != "Query" {
		t.Errorf("introspection on: %v", d)
	}

	// Suggestions would spell out the schema that introspection hides.
	for _, q := range []string{
		`{ acounts(first: 1) { totalCount } }`,
		`{ accounts(frist: 1) { totalCount } }`,
		`{ accounts(first: 1, where: {tier: STRATEGIK}) { totalCount } }`,
		`{ accounts(first: 1, where: {nam: "Acme"}) { totalCount } }`,
	} {
		if r := on.do(q, nil); len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, "Did you mean") {
			t.Errorf("introspection on, %s: no suggestion in %+v", q, r.Errors)
		}
		if r := off.do(q, nil); len(r.Errors) == 0 || strings.Contains(r.Errors[0].Message, "Did you mean") {
			t.Errorf("introspection off, %s: %+v", q, r.Errors)
		}
	}

	for _, c := range []struct {
		url    string
		status int
	}{{on.url, http.StatusOK}, {off.url, http.StatusNotFound}} {
		resp, err := http.Get(strings.TrimSuffix(c.url, "/query") + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("GET / = %d, want %d", resp.StatusCode, c.status)
		}
	}
}

func TestLimitsRate(t *testing.T) {
	l := testSettings()
	l.Limits.RatePerSecond = new(0.001) // one request back every 1,000 s: nothing refills during the test
	l.Limits.Burst = new(3)
	e := newEnv(t, sqliteDatabase(t), l)
	one := "Bearer " + newToken(t, e, newUser(t, e, "one"), user.RoleVIEWER, false)
	two := "Bearer " + newToken(t, e, newUser(t, e, "two"), user.RoleVIEWER, false)
	query := gqlBody(`{ __typename }`, nil)
	for i := range 3 {
		if r := e.send("application/json", one, query); r.status != http.StatusOK {
			t.Fatalf("request %d of the burst: %d %s", i+1, r.status, r.body)
		}
	}
	r := e.send("application/json", one, query)
	if r.status != http.StatusTooManyRequests || r.code() != "RATE_LIMITED" || r.header.Get("Retry-After") == "" {
		t.Errorf("over the burst: %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	// Another token, and requests without one (keyed by address), have buckets
	// of their own. Without a token the answer may be 401: the server stops
	// running open once tokens exist.
	if r := e.send("application/json", two, query); r.status != http.StatusOK {
		t.Errorf("another token: %d %s", r.status, r.body)
	}
	if r := e.send("application/json", "", query); r.status == http.StatusTooManyRequests {
		t.Errorf("no token: %d %s", r.status, r.body)
	}
}

// blockingDriver holds every statement until the test releases it or the
// request's context ends, and reports which.
type blockingDriver struct {
	dialect.Driver
	entered chan struct{}
	release chan struct{}
	ended   chan error
}

func (d *blockingDriver) Query(ctx context.Context, query string, args, v any) error {
	d.entered <- struct{}{}
	select {
	case <-d.release:
		return d.Driver.Query(ctx, query, args, v)
	case <-ctx.Done():
		d.ended <- ctx.Err()
		return ctx.Err()
	}
}

func blockingServer(t *testing.T, l httpedge.Settings) (*blockingDriver, string) {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	d := &blockingDriver{Driver: entsql.OpenDB(s.Dialect, s.DB), entered: make(chan struct{}, 10), release: make(chan struct{}), ended: make(chan error, 10)}
	srv := httptest.NewServer(httpedge.NewHandler(d, l))
	t.Cleanup(func() {
		srv.Close()
		s.Close()
	})
	return d, srv.URL + "/query"
}

func TestLimitsTimeoutCancelsTheDatabaseWork(t *testing.T) {
	l := testSettings()
	l.Limits.Timeout = new(50 * time.Millisecond) // the statement waits for the deadline, however long the machine takes
	d, url := blockingServer(t, l)
	e := &env{t: t, url: url}
	r := e.do(`{ accounts(first: 1) { totalCount } }`, nil)
	if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "TIMEOUT" || !r.HasData || r.Status != http.StatusOK {
		t.Errorf("got %d %+v", r.Status, r.Errors)
	}
	errCheck(t, r)
	if err := <-d.ended; err != context.DeadlineExceeded {
		t.Errorf("the statement ended with %v, want the deadline", err)
	}
}

func TestLimitsRequestsAtOnce(t *testing.T) {
	l := testSettings()
	l.Limits.MaxInFlight = new(1)
	d, url := blockingServer(t, l)
	e := &env{t: t, url: url}
	first := make(chan result)
	go func() { first <- e.do(`{ accounts(first: 1) { totalCount } }`, nil) }()
	<-d.entered // the first request holds the only slot, waiting in the database

	r := e.send("application/json", "", gqlBody(`{ __typename }`, nil))
	if r.status != http.StatusServiceUnavailable || r.code() != "RATE_LIMITED" || r.header.Get("Retry-After") == "" {
		t.Errorf("a second request at once: %d %s", r.status, r.body)
	}
	close(d.release)
	if r := <-first; len(r.Errors) > 0 || get(r.Data, "accounts", "totalCount") != float64(0) {
		t.Errorf("the first request: %+v %v", r.Errors, r.Data)
	}
}

// TestAbuseProbes fires each probe at a server with the default limits while
// a well-behaved client keeps querying: every probe is refused with its code,
// runs no SQL and gets a short answer that echoes nothing back, and the
// client's answers stay right.
func TestAbuseProbes(t *testing.T) {
	t.Parallel()
	mutation := `mutation { deleteAccount(id: "1") }`
	probes := []struct {
		name, method, contentType, body string
		status                          int
		code                            string
	}{
		{"deep nesting", "POST", "application/json", gqlBody(`{ accounts(first: 1) { edges { node { `+nested("parent", 500, "name")+` } } } }`, nil), 200, "QUERY_TOO_COMPLEX"},
		{"5,000 aliases", "POST", "application/json", gqlBody(`{ `+aliased(5000, "accounts(first: 100) { totalCount }")+`}`, nil), 200, "QUERY_TOO_COMPLEX"},
		{"150 aliases", "POST", "application/json", gqlBody(`{ `+aliased(150, "accounts(first: 100) { totalCount }")+`}`, nil), 200, "QUERY_TOO_COMPLEX"},
		{"a field duplicated 10,000 times", "POST", "application/json", gqlBody(`{ `+strings.Repeat("tierReport { total } ", 10000)+`}`, nil), 200, "QUERY_TOO_COMPLEX"},
		{"a field duplicated 1,000 times", "POST", "application/json", gqlBody(`{ `+strings.Repeat("__typename ", 1000)+`}`, nil), 200, "QUERY_TOO_COMPLEX"},
		{"pages of 100 nested three deep", "POST", "application/json", gqlBody(`{ accounts(first: 100) { edges { node { plans(first: 100) { edges { node { goals(first: 100) { edges { node { title } } } } } } } } } }`, nil), 200, "QUERY_TOO_COMPLEX"},
		{"a token flood", "POST", "application/json", gqlBody(`{ nodes(ids: [`+strings.Repeat(`"1", `, 100000)+`]) { id } }`, nil), 200, "QUERY_TOO_COMPLEX"},
		{"a body over the default limit", "POST", "application/json", `{"query":"{ __typename }","extensions":{"pad":"` + strings.Repeat("a", httpedge.DefaultMaxBodyBytes) + `"}}`, 413, "PAYLOAD_TOO_LARGE"},
		{"a batch", "POST", "application/json", `[` + gqlBody(mutation, nil) + `,` + gqlBody(mutation, nil) + `]`, 400, "BAD_REQUEST"},
		{"a multipart form post", "POST", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"query\"\r\n\r\n" + mutation + "\r\n--x--\r\n", 415, "BAD_REQUEST"},
		{"a url-encoded form post", "POST", "application/x-www-form-urlencoded", "query=" + url.QueryEscape(mutation), 415, "BAD_REQUEST"},
		{"a text/plain post", "POST", "text/plain", gqlBody(mutation, nil), 415, "BAD_REQUEST"},
		{"a mutation by GET", "GET", "", "", 405, "BAD_REQUEST"},
	}
	l := httpedge.Settings{Open: true, Limits: httpedge.Limits{RatePerSecond: new(0.001)}} // nothing refills during the test, however slow the machine
	burst := httpedge.DefaultBurst
	for _, db := range []struct {
		name   string
		target func(*testing.T) string
	}{
		{"sqlite", sqliteDatabase},
		{"postgres", postgresDatabase},
	} {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, db.target(t), l)
			ctx := context.Background()
			for _, name := range []string{"Acme Corp", "Globex"} {
				e.client.Account.Create().SetName(name).SaveX(ctx)
			}
			// Both are signed in: the attacker is a user abusing their token.
			analyst := "Bearer " + newToken(t, e, newUser(t, e, "analyst"), user.RoleVIEWER, false)
			attacker := "Bearer " + newToken(t, e, newUser(t, e, "attacker"), user.RoleVIEWER, false)
			// Signing in notes a token's first use of the hour; note it now,
			// so that every request below costs the same to sign in.
			for _, token := range []string{analyst, attacker} {
				if _, err := auth.Authenticate(ctx, e.client, token, time.Now()); err != nil {
					t.Fatal(err)
				}
			}
			normal := gqlBody(`{ accounts(first: 10, orderBy: [{field: NAME}]) { totalCount edges { node { name } } } }`, nil)
			const want = `{"data":{"accounts":{"totalCount":2,"edges":[{"node":{"name":"Acme Corp"}},{"node":{"name":"Globex"}}]}}}`
			client := func() {
				t.Helper()
				if r := e.send("application/json", analyst, normal); r.status != http.StatusOK || string(r.body) != want {
					t.Fatalf("the normal query: %d %s", r.status, r.body)
				}
			}
			// What signing in costs: a probe may cost that, and nothing more.
			signIn := e.count(func() { e.send("application/json", analyst, gqlBody(`{ __typename }`, nil)) })
			for _, p := range probes {
				client()
				var r reply
				n := e.count(func() {
					if p.method == "GET" {
						r = e.get(attacker, url.Values{"query": {mutation}})
					} else {
						r = e.send(p.contentType, attacker, p.body)
					}
				})
				if r.status != p.status || r.code() != p.code {
					t.Errorf("%s: %d %.300s, want %d %s", p.name, r.status, r.body, p.status, p.code)
				}
				if n > signIn {
					t.Errorf("%s: %d SQL statements ran, %d of them past signing in", p.name, n, n-signIn)
				}
				if len(r.body) > 500 {
					t.Errorf("%s: a %d-byte answer: %.300s", p.name, len(r.body), r.body)
				}
			}

			// A burst: the attacker's bucket, less the probes, empties; the analyst's does not.
			refused := 0
			n := e.count(func() {
				for range burst {
					r := e.send("application/json", attacker, gqlBody(`{ __typename }`, nil))
					if r.status == http.StatusTooManyRequests && r.code() == "RATE_LIMITED" && r.header.Get("Retry-After") != "" {
						refused++
					}
				}
			})
			if refused != len(probes) || n != int64(burst-refused)*signIn {
				t.Errorf("the burst: %d of %d refused, want %d; %d SQL statements, want %d to sign in the rest", refused, burst, len(probes), n, int64(burst-refused)*signIn)
			}
			client()
		})
	}
}

// get sends a GET request with the given query parameters.
func (e *env) get(auth string, params url.Values) reply {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.url+"?"+params.Encode(), nil)
	return e.roundTrip(req, auth)
}
