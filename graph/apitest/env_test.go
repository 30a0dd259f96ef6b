package apitest

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/store/storetest"
	"github.com/accountplan/accountplan/graph/httpedge"
)

// TestMain runs the tests, more at once than there are CPUs unless -parallel
// says how many, and then removes what they shared.
func TestMain(m *testing.M) {
	flag.Parse()
	if !flagGiven("test.parallel") {
		// The tests wait on PostgreSQL, child processes and timers more than they compute.
		_ = flag.Set("test.parallel", strconv.Itoa(max(4, runtime.GOMAXPROCS(0))))
	}
	code := storetest.Run(m)
	removeServer()
	os.Exit(code)
}

// flagGiven tells whether the command line set the flag.
func flagGiven(name string) bool {
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// env is one test's server: a fresh database behind the real HTTP handler.
type env struct {
	t      *testing.T
	client *ent.Client    // writes fixtures directly, bypassing the API
	driver dialect.Driver // the client's, for another handler on the same database
	url    string         // the GraphQL endpoint
	stmts  *atomic.Int64
	log    *statementLog
	token  string // sent as a bearer token when set
}

// eachDatabase runs the test on SQLite, and on PostgreSQL when one is
// reachable, with the server running open (no tokens needed).
func eachDatabase(t *testing.T, test func(t *testing.T, e *env)) {
	eachDatabaseWith(t, httpedge.Settings{Open: true}, test)
}

// eachDatabaseWith runs the test on both databases with the given handler options.
func eachDatabaseWith(t *testing.T, opts httpedge.Settings, test func(t *testing.T, e *env)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		test(t, newEnv(t, sqliteDatabase(t), opts))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		test(t, newEnv(t, postgresDatabase(t), opts))
	})
}

// eachReader runs the test on both databases twice: with queries answered
// level by level (the resolvers, a statement per level) and, where it can, in
// one statement (graph/onestatement), which one tells.
func eachReader(t *testing.T, test func(t *testing.T, e *env, one bool)) {
	for _, one := range []bool{false, true} {
		name := "level-by-level"
		if one {
			name = "one-statement"
		}
		t.Run(name, func(t *testing.T) {
			s := httpedge.Settings{Open: true}
			s.GraphQL.LevelByLevel = !one
			eachDatabaseWith(t, s, func(t *testing.T, e *env) { test(t, e, one) })
		})
	}
}

// levelByLevel is an open server that answers every query through the resolvers.
func levelByLevel() httpedge.Settings {
	s := httpedge.Settings{Open: true}
	s.GraphQL.LevelByLevel = true
	return s
}

// as is the same server, called with a bearer token.
func (e *env) as(token string) *env {
	c := *e
	c.token = token
	return &c
}

// sqliteDatabase and postgresDatabase are fresh, migrated databases for one test.
var (
	sqliteDatabase   = func(t *testing.T) string { return storetest.SQLiteFile(t) }
	postgresDatabase = func(t *testing.T) string { return storetest.PostgresDatabase(t) }
)

// newEnv is a server with the given settings. The rate limit is off unless
// they set it, since a test sends many requests from one address.
func newEnv(t *testing.T, target string, settings httpedge.Settings) *env {
	t.Helper()
	s, err := storetest.Open(target)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, client: s.Client, driver: s.Driver, stmts: new(atomic.Int64), log: &statementLog{}}
	counted := &countingDriver{Driver: s.Driver, n: e.stmts, log: e.log} // the server's driver, IN lists rewritten on PostgreSQL
	settings.Ready, settings.DB = s.Ping, s.DB
	if settings.Log == nil {
		settings.Log = slog.New(slog.DiscardHandler)
	}
	if settings.Limits.RatePerSecond == nil {
		settings.Limits.RatePerSecond = new(0.0)
	}
	srv := httptest.NewServer(httpedge.NewHandler(counted, settings))
	t.Cleanup(func() {
		srv.Close()
		s.Close()
	})
	e.url = srv.URL + "/query"
	return e
}

// testSettings are an open server's, with the default limits but no rate limit.
func testSettings() httpedge.Settings {
	return httpedge.Settings{Open: true, Limits: httpedge.Limits{RatePerSecond: new(0.0)}}
}

func withReady(s httpedge.Settings, ready func(context.Context) error) httpedge.Settings {
	s.Ready = ready
	return s
}

func withoutMapCache(s httpedge.Settings) httpedge.Settings {
	s.GraphQL.MapCacheMB = new(0)
	return s
}

// countingDriver counts the SQL statements the API runs, as ent's todo
// example does, and keeps their text while a test asks (log).
type countingDriver struct {
	dialect.Driver
	n   *atomic.Int64
	log *statementLog
}

// statementLog keeps the text of the statements run while it is on, and
// counts the rows they read.
type statementLog struct {
	mu   sync.Mutex
	on   bool
	text []string
	rows atomic.Int64
}

func (l *statementLog) add(query string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	if l.on {
		l.text = append(l.text, query)
	}
	l.mu.Unlock()
}

// count makes the rows of a query count while the log is on.
func (l *statementLog) count(v any) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if rows, ok := v.(*entsql.Rows); ok && l.on && rows.ColumnScanner != nil {
		rows.ColumnScanner = &countedRows{ColumnScanner: rows.ColumnScanner, n: &l.rows}
	}
}

// countedRows counts the rows read through it.
type countedRows struct {
	entsql.ColumnScanner
	n *atomic.Int64
}

func (r *countedRows) Next() bool {
	next := r.ColumnScanner.Next()
	if next {
		r.n.Add(1)
	}
	return next
}

// statements are the SQL statements fn makes the server run.
func (e *env) statements(fn func()) []string {
	text, _ := e.statementsAndRows(fn)
	return text
}

// statementsAndRows are the SQL statements fn makes the server run and the
// number of rows they read.
func (e *env) statementsAndRows(fn func()) ([]string, int64) {
	e.log.mu.Lock()
	e.log.on, e.log.text = true, nil
	e.log.rows.Store(0)
	e.log.mu.Unlock()
	fn()
	e.log.mu.Lock()
	defer e.log.mu.Unlock()
	e.log.on = false
	return e.log.text, e.log.rows.Load()
}

func (d *countingDriver) Query(ctx context.Context, query string, args, v any) error {
	d.n.Add(1)
	d.log.add(query)
	if err := d.Driver.Query(ctx, query, args, v); err != nil {
		return err
	}
	d.log.count(v)
	return nil
}

func (d *countingDriver) Exec(ctx context.Context, query string, args, v any) error {
	d.n.Add(1)
	d.log.add(query)
	return d.Driver.Exec(ctx, query, args, v)
}

// ExecContext runs the statements ent's ExecContext sends, such as the
// schema's map version bump.
func (d *countingDriver) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	d.n.Add(1)
	d.log.add(query)
	return d.Driver.(execContext).ExecContext(ctx, query, args...)
}

type execContext interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func (d *countingDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &countingTx{Tx: tx, n: d.n, log: d.log}, nil
}

type countingTx struct {
	dialect.Tx
	n   *atomic.Int64
	log *statementLog
}

func (tx *countingTx) Query(ctx context.Context, query string, args, v any) error {
	tx.n.Add(1)
	tx.log.add(query)
	if err := tx.Tx.Query(ctx, query, args, v); err != nil {
		return err
	}
	tx.log.count(v)
	return nil
}

func (tx *countingTx) Exec(ctx context.Context, query string, args, v any) error {
	tx.n.Add(1)
	tx.log.add(query)
	return tx.Tx.Exec(ctx, query, args, v)
}

func (tx *countingTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	tx.n.Add(1)
	tx.log.add(query)
	return tx.Tx.(execContext).ExecContext(ctx, query, args...)
}

// result is a decoded GraphQL response.
type result struct {
	Status int
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	HasData bool
}

// do posts a GraphQL request and decodes the answer.
func (e *env) do(query string, vars map[string]any) result {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, e.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw map[string]json.RawMessage
	var r result
	buf := new(bytes.Buffer)
	_, _ = buf.ReadFrom(resp.Body)
	if err := json.Unmarshal(buf.Bytes(), &raw); err != nil {
		e.t.Fatalf("response is not JSON: %s", buf)
	}
	_, r.HasData = raw["data"]
	if err := json.Unmarshal(buf.Bytes(), &r); err != nil {
		e.t.Fatal(err)
	}
	r.Status = resp.StatusCode
	return r
}

// must runs a request that must succeed and returns its data.
func (e *env) must(query string, vars map[string]any) map[string]any {
	e.t.Helper()
	r := e.do(query, vars)
	if len(r.Errors) > 0 {
		e.t.Fatalf("unexpected errors: %+v", r.Errors)
	}
	return r.Data
}

// code runs a request that must fail and returns the first error's code and field.
func (e *env) code(query string, vars map[string]any) (code, field string) {
	e.t.Helper()
	r := e.do(query, vars)
	if len(r.Errors) == 0 {
		e.t.Fatalf("expected an error, got data %v", r.Data)
	}
	code, _ = r.Errors[0].Extensions["code"].(string)
	field, _ = r.Errors[0].Extensions["field"].(string)
	return code, field
}

// count runs fn and returns the number of SQL statements the API ran for it.
func (e *env) count(fn func()) int64 {
	before := e.stmts.Load()
	fn()
	return e.stmts.Load() - before
}

// get walks a decoded JSON value by keys and indexes.
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			s, _ := v.([]any)
			if k >= len(s) {
				return nil
			}
			v = s[k]
		default:
			panic(fmt.Sprintf("bad path element %v", p))
		}
	}
	return v
}
