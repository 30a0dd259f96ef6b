package apitest

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/store"
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
	code := m.Run()
	closePostgres()
	if sqliteTemplate.dir != "" {
		os.RemoveAll(sqliteTemplate.dir)
	}
	removeServer()
	os.Exit(code)
}

// flagGiven tells whether the command line set the flag.
func flagGiven(name string) bool {
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// postgresURL is the server the PostgreSQL variant of each test runs on; CI has one there.
func postgresURL() string {
	if u := os.Getenv("TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// env is one test's server: a fresh database behind the real HTTP handler.
type env struct {
	t      *testing.T
	client *ent.Client    // writes fixtures directly, bypassing the API
	driver dialect.Driver // the client's, for another handler on the same database
	url    string         // the GraphQL endpoint
	stmts  *atomic.Int64
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

// as is the same server, called with a bearer token.
func (e *env) as(token string) *env {
	c := *e
	c.token = token
	return &c
}

// sqliteTemplate is a SQLite file migrated once per run, which each test's file copies.
var sqliteTemplate struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// sqliteDatabase is a SQLite file for one test, a copy of the run's migrated template.
func sqliteDatabase(t *testing.T) string {
	t.Helper()
	sqliteTemplate.once.Do(prepareSQLite)
	if sqliteTemplate.err != nil {
		t.Fatal(sqliteTemplate.err)
	}
	path := filepath.Join(t.TempDir(), "test.db")
	b, err := os.ReadFile(sqliteTemplate.path)
	if err == nil {
		err = os.WriteFile(path, b, 0o600)
	}
	if err != nil {
		t.Fatal(err)
	}
	migratedCopies.Store(path, true)
	return path
}

// prepareSQLite migrates the template through store.Open and closes it,
// which checkpoints its WAL into the file, so that the file alone is the database.
func prepareSQLite() {
	sqliteTemplate.dir, sqliteTemplate.err = os.MkdirTemp("", "accountplan-sqlite-")
	if sqliteTemplate.err != nil {
		return
	}
	path := filepath.Join(sqliteTemplate.dir, "template.db")
	s, err := store.Open(context.Background(), path)
	if err != nil {
		sqliteTemplate.err = fmt.Errorf("migrating the SQLite template: %w", err)
		return
	}
	if err := s.Close(); err != nil {
		sqliteTemplate.err = fmt.Errorf("closing the SQLite template: %w", err)
		return
	}
	if _, err := os.Stat(path + "-wal"); !errors.Is(err, fs.ErrNotExist) {
		sqliteTemplate.err = fmt.Errorf("the SQLite template kept its WAL file after closing (%v)", err)
		return
	}
	sqliteTemplate.path = path
}

// postgres is the PostgreSQL server the tests share: one admin connection and
// a template database, migrated once per run, that each test's database copies.
var postgres struct {
	once        sync.Once
	unreachable error // the server did not answer: the PostgreSQL variants skip, or fail in CI
	err         error // the template could not be made
	admin       *sql.DB
	run         string // this run's database names start with it
	template    string // set once created, so that TestMain drops it
	copies      atomic.Int64
	drops       sync.WaitGroup
	slots       chan struct{} // databases at once, so that their pools stay under the server's connection limit
}

// testDatabasePrefix starts every test database's name, followed by the Unix
// time its run began, so that later runs can drop the ones killed runs left.
const testDatabasePrefix = "accountplan_test_"

// postgresDatabase creates a database for one test, a copy of the run's
// migrated template, and drops it afterwards.
func postgresDatabase(t *testing.T) string {
	t.Helper()
	postgres.once.Do(preparePostgres)
	if err := postgres.unreachable; err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL is not reachable at %s: %v", postgresURL(), err)
		}
		t.Skipf("PostgreSQL is not reachable at %s (%v): start one there or set TEST_POSTGRES_URL to run the PostgreSQL variant", postgresURL(), err)
	}
	if postgres.err != nil {
		t.Fatal(postgres.err)
	}
	postgres.slots <- struct{}{}
	name := fmt.Sprintf("%s_%d", postgres.run, postgres.copies.Add(1))
	if _, err := postgres.admin.Exec("CREATE DATABASE " + name + " TEMPLATE " + postgres.template); err != nil {
		<-postgres.slots
		t.Fatal(err)
	}
	// Dropping waits for the closed sessions' backends to exit: do it after the test, not in it.
	t.Cleanup(func() {
		postgres.drops.Go(func() {
			_, _ = postgres.admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			<-postgres.slots
		})
	})
	u, err := urlWithDatabase(postgresURL(), name)
	if err != nil {
		t.Fatal(err)
	}
	migratedCopies.Store(u, true)
	return u
}

// preparePostgres connects, drops what killed runs left behind and makes
// this run's template: migrated by store.Open, so that it holds exactly what
// a migrated database holds, then closed, since a database with sessions
// cannot be copied.
func preparePostgres() {
	postgres.slots = make(chan struct{}, 4)
	admin, err := sql.Open("pgx", postgresURL())
	if err == nil {
		err = admin.PingContext(context.Background())
	}
	if err != nil {
		admin.Close()
		postgres.unreachable = err
		return
	}
	postgres.admin = admin
	dropStaleDatabases(admin, time.Now().Add(-time.Hour))
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	postgres.run = fmt.Sprintf("%s%d_%s", testDatabasePrefix, time.Now().Unix(), hex.EncodeToString(b))
	template := postgres.run + "_template"
	if _, err := admin.Exec("CREATE DATABASE " + template); err != nil {
		postgres.err = fmt.Errorf("creating the template database: %w", err)
		return
	}
	postgres.template = template
	u, err := urlWithDatabase(postgresURL(), template)
	if err != nil {
		postgres.err = err
		return
	}
	s, err := store.Open(context.Background(), u)
	if err != nil {
		postgres.err = fmt.Errorf("migrating the template database: %w", err)
		return
	}
	if err := s.Close(); err != nil {
		postgres.err = fmt.Errorf("closing the template database: %w", err)
	}
}

// dropStaleDatabases drops the test databases of runs that began before the
// given time: runs that were killed before they could drop their own.
func dropStaleDatabases(admin *sql.DB, before time.Time) {
	rows, err := admin.Query("SELECT datname FROM pg_database WHERE starts_with(datname, $1)", testDatabasePrefix)
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) != nil {
			continue
		}
		began, _, ok := strings.Cut(strings.TrimPrefix(name, testDatabasePrefix), "_")
		if sec, err := strconv.ParseInt(began, 10, 64); ok && err == nil && time.Unix(sec, 0).Before(before) {
			stale = append(stale, name)
		}
	}
	rows.Close()
	for _, name := range stale {
		_, _ = admin.Exec(`DROP DATABASE IF EXISTS "` + strings.ReplaceAll(name, `"`, `""`) + `" WITH (FORCE)`)
	}
}

// closePostgres drops this run's template, once every test's copy is dropped.
func closePostgres() {
	if postgres.admin == nil {
		return
	}
	postgres.drops.Wait()
	if postgres.template != "" {
		_, _ = postgres.admin.Exec("DROP DATABASE IF EXISTS " + postgres.template + " WITH (FORCE)")
	}
	postgres.admin.Close()
}

// migratedCopies holds the targets that are unopened copies of a template
// store.Open migrated, which need no migration of their own.
var migratedCopies sync.Map

// openStore opens a test's database, migrating it unless it is a fresh copy
// of a migrated template; every later open of it migrates as the server would.
func openStore(target string) (*store.Store, error) {
	if _, fresh := migratedCopies.LoadAndDelete(target); fresh {
		return store.OpenMigrated(target)
	}
	return store.Open(context.Background(), target)
}

// newEnv is a server with the given settings. The rate limit is off unless
// they set it, since a test sends many requests from one address.
func newEnv(t *testing.T, target string, settings httpedge.Settings) *env {
	t.Helper()
	s, err := openStore(target)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, client: s.Client, driver: s.Driver, stmts: new(atomic.Int64)}
	counted := &countingDriver{Driver: entsql.OpenDB(s.Dialect, s.DB), n: e.stmts}
	settings.Ready = s.Ping
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

// countingDriver counts the SQL statements the API runs, as ent's todo example does.
type countingDriver struct {
	dialect.Driver
	n *atomic.Int64
}

func (d *countingDriver) Query(ctx context.Context, query string, args, v any) error {
	d.n.Add(1)
	return d.Driver.Query(ctx, query, args, v)
}

func (d *countingDriver) Exec(ctx context.Context, query string, args, v any) error {
	d.n.Add(1)
	return d.Driver.Exec(ctx, query, args, v)
}

// ExecContext runs the statements ent's ExecContext sends, such as the
// schema's map version bump.
func (d *countingDriver) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	d.n.Add(1)
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
	return &countingTx{Tx: tx, n: d.n}, nil
}

type countingTx struct {
	dialect.Tx
	n *atomic.Int64
}

func (tx *countingTx) Query(ctx context.Context, query string, args, v any) error {
	tx.n.Add(1)
	return tx.Tx.Query(ctx, query, args, v)
}

func (tx *countingTx) Exec(ctx context.Context, query string, args, v any) error {
	tx.n.Add(1)
	return tx.Tx.Exec(ctx, query, args, v)
}

func (tx *countingTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	tx.n.Add(1)
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

// urlWithDatabase points a PostgreSQL URL at another database.
func urlWithDatabase(raw, name string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}
