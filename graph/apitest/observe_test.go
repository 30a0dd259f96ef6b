package apitest

// What the server tells its operators: one access-log line per request,
// refusals included; the Prometheus metrics; the spans of a trace.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/accountplan/accountplan/ent/store"
	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/graph/httpedge"
)

// logBuffer collects the JSON log lines of a handler.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lines are the log's request lines, by request ID.
func (b *logBuffer) lines(t *testing.T) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	sc := bufio.NewScanner(strings.NewReader(b.String()))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("a log line is not JSON: %q", sc.Text())
		}
		if line["msg"] == "request" {
			out[line["id"].(string)] = line
		}
	}
	return out
}

func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// postWithID sends a GraphQL request with a request ID and an Authorization header (when not empty).
func (e *env) postWithID(id, auth, body string) reply {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-ID", id)
	return e.roundTrip(req, auth)
}

// TestAccessLog checks the log line of a success, a GraphQL error, a rate
// limit refusal and a failed sign-in: each carries the request ID the answer
// echoes, and no line carries a token.
func TestAccessLog(t *testing.T) {
	t.Parallel()
	for _, db := range []struct {
		name   string
		target func(*testing.T) string
	}{{"sqlite", sqliteDatabase}, {"postgres", postgresDatabase}} {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			var logs logBuffer
			e := newEnv(t, db.target(t), httpedge.Settings{Log: logs.logger(), Limits: httpedge.Limits{RatePerSecond: new(0.001), Burst: new(2)}})
			secret := newToken(t, e, newUser(t, e, "ops"), user.RoleADMIN, false)
			tokenID := e.client.APIToken.Query().OnlyIDX(context.Background())
			bearer := "Bearer " + secret

			ok := e.postWithID("req-ok", bearer, `{"query":"query Accounts { accounts(first: 5) { totalCount } }"}`)
			failed := e.postWithID("req-failed", bearer, `{"query":"query Missing { orgMap(accountID: \"424242\") { dot } }"}`)
			limited := e.postWithID("req-limited", bearer, `{"query":"{ accounts(first: 5) { totalCount } }"}`)
			refused := e.postWithID("a made-up id with spaces", "Bearer not-a-token", `{"query":"{ __typename }"}`)
			if ok.status != 200 || failed.code() != "NOT_FOUND" || limited.status != 429 || refused.status != 401 {
				t.Fatalf("answers: %d, %q, %d, %d", ok.status, failed.code(), limited.status, refused.status)
			}
			for _, r := range []reply{ok, failed, limited} {
				if r.header.Get("X-Request-ID") == "" || !strings.HasPrefix(r.header.Get("X-Request-ID"), "req-") {
					t.Errorf("the request ID sent was not echoed: %q", r.header.Get("X-Request-ID"))
				}
			}
			madeID := refused.header.Get("X-Request-ID")
			if madeID == "" || strings.Contains(madeID, " ") {
				t.Errorf("a request ID with spaces was taken, or none made: %q", madeID)
			}

			lines := logs.lines(t)
			client := "token:" + strconv.Itoa(tokenID)
			want := map[string]map[string]any{
				"req-ok":      {"method": "POST", "path": "/query", "operation": "Accounts", "type": "query", "status": 200.0, "client": client},
				"req-failed":  {"operation": "Missing", "type": "query", "status": 200.0, "codes": []any{"NOT_FOUND"}, "client": client},
				"req-limited": {"status": 429.0, "codes": []any{"RATE_LIMITED"}, "refused": "rate_limit", "sql": 0.0},
				madeID:        {"status": 401.0, "codes": []any{"UNAUTHENTICATED"}, "refused": "unauthenticated"},
			}
			for id, fields := range want {
				line, found := lines[id]
				if !found {
					t.Errorf("no log line for request %q in:\n%s", id, logs.String())
					continue
				}
				for k, v := range fields {
					if !sameJSON(line[k], v) {
						t.Errorf("request %q: %s is %v, want %v", id, k, line[k], v)
					}
				}
				if _, ok := line["duration_ms"].(float64); !ok {
					t.Errorf("request %q: no duration", id)
				}
			}
			if sql, _ := lines["req-ok"]["sql"].(float64); sql < 2 {
				// signing in reads the token, the query counts the accounts
				t.Errorf("the success ran %v SQL statements, want the sign-in's and the query's", lines["req-ok"]["sql"])
			}
			if out := logs.String(); strings.Contains(out, secret) || strings.Contains(out, "not-a-token") || strings.Contains(out, "Bearer") {
				t.Errorf("the log holds a credential:\n%s", out)
			}
		})
	}
}

// scrape reads the metrics of the server e runs on.
func (e *env) scrape(auth string) reply {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, strings.TrimSuffix(e.url, "/query")+"/metrics", nil)
	return e.roundTrip(req, auth)
}

// TestMetrics scrapes /metrics after a few requests: each is counted under
// its operation's name (anonymous when it has none), its type, status and
// code, and the database pool, the org-map cache and the runtime are there.
func TestMetrics(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, httpedge.Settings{Open: true, Metrics: true}, func(t *testing.T, e *env) {
		acc, _ := boardroom(t, e, "Boardroom")
		for range 3 {
			e.postWithID("a", "", `{"query":"query Accounts { accounts(first: 5) { totalCount } }"}`)
		}
		e.postWithID("b", "", `{"query":"{ accounts(first: 5) { totalCount } }"}`)
		e.postWithID("c", "", `{"query":"query Missing { orgMap(accountID: \"424242\") { dot } }"}`)
		for range 2 {
			e.postWithID("d", "", gqlBody(`query Map($acc: ID!) { orgMap(accountID: $acc) { dot } }`, map[string]any{"acc": gid(acc)}))
		}
		e.postWithID("e", "", `{"query":"mutation Nothing { deleteStakeholder(id: \"424242\") }"}`)
		got := e.scrape("")
		if got.status != 200 {
			t.Fatalf("scrape: %d %s", got.status, got.body)
		}
		body := string(got.body)
		for _, line := range []string{
			`accountplan_requests_total{code="",operation="Accounts",route="/query",status="200",type="query"} 3`,
			`accountplan_requests_total{code="",operation="anonymous",route="/query",status="200",type="query"} 1`,
			`accountplan_requests_total{code="NOT_FOUND",operation="Missing",route="/query",status="200",type="query"} 1`,
			`accountplan_requests_total{code="NOT_FOUND",operation="Nothing",route="/query",status="200",type="mutation"} 1`,
			`accountplan_request_duration_seconds_count{operation="Accounts",route="/query",type="query"} 3`,
			`accountplan_graphql_errors_total{code="NOT_FOUND"} 2`,
			`accountplan_requests_in_flight 1`, // the scrape itself
			`accountplan_streams_open 0`,
			`accountplan_orgmap_cache_lookups_total{kind="map",result="miss"} 1`,
			`go_sql_max_open_connections{db_name="accountplan"}`,
			`go_goroutines`,
		} {
			if !strings.Contains(body, line) {
				t.Errorf("the metrics lack %s", line)
			}
		}
		if !strings.Contains(body, `accountplan_orgmap_cache_lookups_total{kind="answer",result="hit"} 1`) &&
			!strings.Contains(body, `accountplan_orgmap_cache_lookups_total{kind="map",result="hit"} 1`) {
			t.Errorf("the second read of a map was no cache hit:\n%s", grepLines(body, "orgmap"))
		}
	})
}

// grepLines are the lines of s that hold word.
func grepLines(s, word string) string {
	var out []string
	for line := range strings.Lines(s) {
		if strings.Contains(line, word) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "")
}

// TestMetricsRefusals counts the edge's refusals by reason.
func TestMetricsRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sqliteDatabase(t), httpedge.Settings{Metrics: true, Limits: httpedge.Limits{RatePerSecond: new(0.001), Burst: new(1)}})
	newToken(t, e, newUser(t, e, "ops"), user.RoleADMIN, false)
	e.postWithID("a", "Bearer nobody", `{"query":"{ __typename }"}`)
	e.postWithID("b", "Bearer nobody", `{"query":"{ __typename }"}`)
	body := string(e.scrape("").body)
	for _, line := range []string{
		`accountplan_refusals_total{reason="rate_limit"} 1`,
		`accountplan_refusals_total{reason="unauthenticated"} 1`,
		`accountplan_requests_total{code="RATE_LIMITED",operation="",route="/query",status="429",type=""} 1`,
	} {
		if !strings.Contains(body, line) {
			t.Errorf("the metrics lack %s:\n%s", line, grepLines(body, "accountplan_re"))
		}
	}
}

// TestMetricsToken: with a token set, /metrics answers only its bearer;
// with metrics off, there are none to read.
func TestMetricsToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sqliteDatabase(t), httpedge.Settings{Open: true, Metrics: true, MetricsToken: "scrape-me"})
	for _, auth := range []string{"", "Bearer wrong", "scrape-me", "Bearer scrape-me2"} {
		if got := e.scrape(auth); got.status != http.StatusUnauthorized || strings.Contains(string(got.body), "accountplan_") {
			t.Errorf("scrape with %q: %d, want 401 and no metrics", auth, got.status)
		}
	}
	if got := e.scrape("Bearer scrape-me"); got.status != 200 || !strings.Contains(string(got.body), "accountplan_requests_total") {
		t.Errorf("scrape with the token: %d %.200s", got.status, got.body)
	}
	off := newEnv(t, sqliteDatabase(t), httpedge.Settings{Open: true})
	if got := off.scrape(""); got.status != http.StatusNotFound || strings.Contains(string(got.body), "go_goroutines") {
		t.Errorf("metrics served while off: %d %.200s", got.status, got.body)
	}
}

// TestTracing: a request is a server span, each root field a child of it,
// and each SQL statement of a field a child of the field's span, with the
// statement's text but none of its arguments; with tracing off nothing is
// recorded, not even by a global tracer provider.
func TestTracing(t *testing.T) {
	t.Parallel()
	spans := tracetest.NewInMemoryExporter()
	provider := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	// Level by level each root field has its span and its statements'; in one
	// statement the request has that statement's span alone.
	perLevel := levelByLevel()
	perLevel.Tracing = provider
	eachDatabaseWith(t, perLevel, func(t *testing.T, e *env) {
		request := tracedTwo(t, e, spans)
		if request.Name() != "POST /query" || !hasAttribute(request, "graphql.operation.name", "Two") {
			t.Errorf("request span %q, attributes %v", request.Name(), request.Attributes())
		}
		children := func(parent sdktrace.ReadOnlySpan) []sdktrace.ReadOnlySpan {
			var out []sdktrace.ReadOnlySpan
			for _, s := range spans.GetSpans().Snapshots() {
				if s.Parent().SpanID() == parent.SpanContext().SpanID() && s.SpanContext().TraceID() == parent.SpanContext().TraceID() {
					out = append(out, s)
				}
			}
			return out
		}
		fields := map[string]sdktrace.ReadOnlySpan{}
		for _, s := range children(request) {
			fields[s.Name()] = s
		}
		for _, name := range []string{"Query.accounts", "Query.node"} {
			field := fields[name]
			if field == nil {
				t.Errorf("no span %s under the request; its children: %v", name, names(children(request)))
				continue
			}
			statements := children(field)
			if len(statements) == 0 {
				t.Errorf("no SQL span under %s", name)
			}
			for _, s := range statements {
				text := attribute(s, "db.query.text")
				if s.Name() != "sql" || !strings.Contains(strings.ToUpper(text), "SELECT") || strings.Contains(text, "Boardroom") {
					t.Errorf("SQL span %q under %s: %q", s.Name(), name, text)
				}
			}
		}
	})

	eachDatabaseWith(t, httpedge.Settings{Open: true, Tracing: provider}, func(t *testing.T, e *env) {
		request := tracedTwo(t, e, spans)
		var children []string
		for _, s := range spans.GetSpans().Snapshots() {
			if s.Parent().SpanID() == request.SpanContext().SpanID() && s.SpanContext().TraceID() == request.SpanContext().TraceID() {
				children = append(children, s.Name())
				if text := attribute(s, "db.query.text"); s.Name() != "sql" || !strings.HasPrefix(text, "SELECT") && !strings.HasPrefix(text, "WITH") || strings.Contains(text, "Boardroom") {
					t.Errorf("span %q under the request: %q", s.Name(), text)
				}
			}
		}
		if len(children) != 1 {
			t.Errorf("spans under a request answered in one statement: %v, want one sql span", children)
		}
	})

	t.Run("off", func(t *testing.T) {
		global := tracetest.NewInMemoryExporter()
		otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSyncer(global)))
		e := newEnv(t, sqliteDatabase(t), httpedge.Settings{Open: true})
		if r := e.postWithID("untraced", "", `{"query":"{ accounts(first: 5) { totalCount } }"}`); r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		if got := global.GetSpans(); len(got) != 0 {
			t.Errorf("tracing off, yet %d spans were recorded: %v", len(got), names(got.Snapshots()))
		}
	})
}

// tracedTwo sends query Two (a page of accounts and a node) under a request
// ID of the test's name, and finds the request's span.
func tracedTwo(t *testing.T, e *env, spans *tracetest.InMemoryExporter) sdktrace.ReadOnlySpan {
	t.Helper()
	acc, _ := boardroom(t, e, "Boardroom "+t.Name())
	r := e.postWithID("trace-"+t.Name(), "", gqlBody(`query Two($acc: ID!) { accounts(first: 5) { totalCount } node(id: $acc) { id } }`, map[string]any{"acc": gid(acc)}))
	if r.status != 200 || r.code() != "" {
		t.Fatalf("%d %s", r.status, r.body)
	}
	for _, s := range spans.GetSpans().Snapshots() {
		for _, a := range s.Attributes() {
			if a.Key == "request.id" && a.Value.AsString() == "trace-"+t.Name() {
				return s
			}
		}
	}
	t.Fatal("no span for the request")
	return nil
}

func names(spans []sdktrace.ReadOnlySpan) []string {
	out := make([]string, len(spans))
	for i, s := range spans {
		out[i] = s.Name()
	}
	return out
}

func attribute(s sdktrace.ReadOnlySpan, key string) string {
	for _, a := range s.Attributes() {
		if string(a.Key) == key {
			return a.Value.String()
		}
	}
	return ""
}

func hasAttribute(s sdktrace.ReadOnlySpan, key, value string) bool {
	return attribute(s, key) == value
}

// BenchmarkObservability is the cost of the access log and the metrics on a
// small query through the handler, on SQLite:
//
//	go test ./graph/apitest -run '^$' -bench BenchmarkObservability -benchmem
func BenchmarkObservability(b *testing.B) {
	for _, c := range []struct {
		name     string
		settings httpedge.Settings
	}{
		{"bare", httpedge.Settings{Open: true, Limits: httpedge.Limits{RatePerSecond: new(0.0)}, Log: slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError}))}},
		{"log+metrics", httpedge.Settings{Open: true, Limits: httpedge.Limits{RatePerSecond: new(0.0)}, Metrics: true, Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}},
	} {
		b.Run(c.name, func(b *testing.B) {
			s, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			h := httpedge.NewHandler(s.Driver, c.settings)
			body := `{"query":"query Accounts { accounts(first: 5) { totalCount } }"}`
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != 200 {
					b.Fatal(w.Code, w.Body)
				}
			}
		})
	}
}
