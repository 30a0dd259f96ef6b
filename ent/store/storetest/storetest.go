// Package storetest gives tests fresh, migrated databases: SQLite always,
// and PostgreSQL when one answers at TEST_POSTGRES_URL (or the default local
// URL). A test package that uses it runs its tests through Main (or Run),
// which drops the PostgreSQL databases at the end:
//
//	func TestMain(m *testing.M) { storetest.Main(m) }
//
// Every database is a copy of a template that store.Open migrated once per
// test binary: copying takes a fraction of migrating.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/store"
)

// PostgresURL is the server of the PostgreSQL variant: TEST_POSTGRES_URL, or
// a local one (CI has one there).
func PostgresURL() string {
	if u := os.Getenv("TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// Each runs the test on a fresh SQLite database and on a fresh PostgreSQL
// one. The PostgreSQL variant is skipped when no server answers, unless the
// CI environment variable is set: then it fails.
func Each(t *testing.T, test func(t *testing.T, client *ent.Client)) {
	t.Helper()
	EachStore(t, func(t *testing.T, s *store.Store) { test(t, s.Client) })
}

// EachStore is Each for tests that need the database beneath the client.
// The variants run in parallel with each other, and the test waits for both.
func EachStore(t *testing.T, test func(t *testing.T, s *store.Store)) {
	t.Helper()
	// The two databases share nothing, so the variants run at once.
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		test(t, SQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		test(t, Postgres(t))
	})
}

// SQLite is a fresh, migrated SQLite database, closed when the test ends.
func SQLite(t *testing.T) *store.Store { return mustOpen(t, SQLiteFile(t)) }

// Postgres is a fresh, migrated PostgreSQL database, closed and dropped
// when the test ends.
func Postgres(t *testing.T) *store.Store { return mustOpen(t, PostgresDatabase(t)) }

func mustOpen(t *testing.T, target string) *store.Store {
	t.Helper()
	s, err := Open(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// fresh holds the databases made here that nobody has opened yet: exact
// copies of a migrated template, which need no migration of their own.
var fresh sync.Map

// Open opens a database: a fresh copy made here as it is, anything else
// (an old database a test restored, a copy opened before) through
// store.Open, which migrates it as the server would.
func Open(target string) (*store.Store, error) {
	if _, ok := fresh.LoadAndDelete(target); ok {
		return store.OpenMigrated(target)
	}
	return store.Open(context.Background(), target)
}

// sqliteTemplate is the SQLite file migrated once per test binary.
var sqliteTemplate struct {
	once      sync.Once
	dir, path string
	err       error
}

// SQLiteFile is the path of a fresh SQLite database for one test, in the
// test's temporary folder: a copy of the migrated template.
func SQLiteFile(t testing.TB) string {
	t.Helper()
	sqliteTemplate.once.Do(migrateSQLiteTemplate)
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
	fresh.Store(path, true)
	return path
}

// migrateSQLiteTemplate migrates the template through store.Open and closes
// it, which checkpoints its WAL into the file: the file alone is the database.
func migrateSQLiteTemplate() {
	t := &sqliteTemplate
	if t.dir, t.err = os.MkdirTemp("", "storetest-sqlite-"); t.err != nil {
		return
	}
	path := filepath.Join(t.dir, "template.db")
	s, err := store.Open(context.Background(), path)
	if err == nil {
		err = s.Close()
	}
	if err != nil {
		t.err = fmt.Errorf("migrating the SQLite template: %w", err)
		return
	}
	if _, err := os.Stat(path + "-wal"); !errors.Is(err, fs.ErrNotExist) {
		t.err = fmt.Errorf("the SQLite template kept its WAL file after closing (%v)", err)
		return
	}
	t.path = path
}

// postgres is the PostgreSQL server the tests of a binary share: one admin
// connection and the migrated template.
var postgres struct {
	sync.Mutex
	main        bool  // Main runs the tests, and drops the template after them
	unreachable error // no server answered: the PostgreSQL variants skip, or fail in CI
	admin       *sql.DB
	template    string
	err         error         // the template could not be made
	slots       chan struct{} // databases in use at once, so that their pools stay under the server's connection limit
	used        []string      // databases whose tests are over, not dropped yet
}

// dropBatch is how many used databases are dropped at once: each drop waits
// for a checkpoint, which drops at the same time share.
const dropBatch = 8

// dropUsed drops the used databases, all at once, in the background; the
// caller holds the lock.
func dropUsed() {
	batch := postgres.used
	postgres.used = nil
	for _, name := range batch {
		drops.Go(func() {
			if _, err := postgres.admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
				fmt.Fprintf(os.Stderr, "storetest: dropping the test database %s: %v\n", name, err)
				dropFailed.Store(true)
			}
		})
	}
}

// prefix starts the name of every database made here, followed by the Unix
// time its binary began, so that a later run drops what a killed one left.
const prefix = "storetest_"

// drops are the test databases being dropped, which no test waits for: Run does.
var (
	drops      sync.WaitGroup
	dropFailed atomic.Bool
)

// PostgresDatabase is the URL of a fresh PostgreSQL database for one test,
// a copy of the migrated template, dropped when the test ends.
func PostgresDatabase(t testing.TB) string { return newDatabase(t, true) }

// EmptyPostgresDatabase is the URL of a new, empty PostgreSQL database for
// one test (to restore an old one into), dropped when the test ends.
func EmptyPostgresDatabase(t *testing.T) string { return newDatabase(t, false) }

func newDatabase(t testing.TB, migrated bool) string {
	t.Helper()
	admin, template := server(t)
	postgres.slots <- struct{}{}
	name := uniqueName()
	create := "CREATE DATABASE " + name
	if migrated {
		create += " TEMPLATE " + template
	}
	if _, err := admin.Exec(create); err != nil {
		<-postgres.slots
		t.Fatal(err)
	}
	// Runs after the cleanups registered later, which close the test's connections.
	t.Cleanup(func() {
		<-postgres.slots
		postgres.Lock()
		defer postgres.Unlock()
		postgres.used = append(postgres.used, name)
		if len(postgres.used) >= dropBatch {
			dropUsed()
		}
	})
	u := databaseURL(name)
	if migrated {
		fresh.Store(u, true)
	}
	return u
}

// server connects to PostgreSQL and makes the template the first time it
// is asked; it skips the test when no server answers, or fails it in CI.
func server(t testing.TB) (*sql.DB, string) {
	t.Helper()
	postgres.Lock()
	defer postgres.Unlock()
	if !postgres.main {
		t.Fatal("storetest: run the package's tests through storetest.Main or Run from its TestMain, which drops the databases")
	}
	if postgres.admin == nil && postgres.unreachable == nil {
		connect()
	}
	if err := postgres.unreachable; err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL is not reachable at %s: %v", PostgresURL(), err)
		}
		t.Skipf("PostgreSQL is not reachable at %s (%v): start one there or set TEST_POSTGRES_URL to run the PostgreSQL variant", PostgresURL(), err)
	}
	if postgres.err != nil {
		t.Fatal(postgres.err)
	}
	return postgres.admin, postgres.template
}

// connect opens the admin connection, drops what killed runs left behind
// and makes the template: migrated by store.Open, as the server does, then
// closed, since a database with sessions cannot be copied.
func connect() {
	admin, err := sql.Open("pgx", PostgresURL())
	if err == nil {
		err = admin.PingContext(context.Background())
	}
	if err != nil {
		postgres.unreachable = err
		return
	}
	postgres.admin, postgres.slots = admin, make(chan struct{}, 4)
	dropStale(admin, time.Now().Add(-time.Hour))
	name := uniqueName()
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		postgres.err = fmt.Errorf("creating the template database: %w", err)
		return
	}
	postgres.template = name
	s, err := store.Open(context.Background(), databaseURL(name))
	if err == nil {
		err = s.Close()
	}
	if err != nil {
		postgres.err = fmt.Errorf("migrating the template database: %w", err)
	}
}

// dropStale drops the databases of runs that began before the given time:
// runs that were killed before they could drop their own.
func dropStale(admin *sql.DB, before time.Time) {
	rows, err := admin.Query("SELECT datname FROM pg_database WHERE starts_with(datname, $1)", prefix)
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) != nil {
			continue
		}
		began, _, _ := strings.Cut(strings.TrimPrefix(name, prefix), "_")
		if sec, err := strconv.ParseInt(began, 10, 64); err == nil && time.Unix(sec, 0).Before(before) {
			stale = append(stale, name)
		}
	}
	rows.Close()
	for _, name := range stale {
		_, _ = admin.Exec(`DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`)
	}
}

// Main runs the tests of a package with Run and exits with its code.
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run runs the tests of a package, waits for their PostgreSQL databases to
// be dropped, drops the templates, and returns the exit code.
func Run(m *testing.M) int {
	postgres.Lock()
	postgres.main = true
	postgres.Unlock()
	code := m.Run()
	postgres.Lock()
	dropUsed()
	postgres.Unlock()
	drops.Wait()
	if postgres.template != "" {
		if _, err := postgres.admin.Exec("DROP DATABASE IF EXISTS " + postgres.template + " WITH (FORCE)"); err != nil {
			fmt.Fprintf(os.Stderr, "storetest: dropping the template database %s: %v\n", postgres.template, err)
			code = max(code, 1)
		}
	}
	if postgres.admin != nil {
		postgres.admin.Close()
	}
	if sqliteTemplate.dir != "" {
		os.RemoveAll(sqliteTemplate.dir)
	}
	if dropFailed.Load() {
		code = max(code, 1)
	}
	return code
}

// started is when this binary began, in every database name it makes.
var started = time.Now().Unix()

// uniqueName is a database name no other run uses.
func uniqueName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + strconv.FormatInt(started, 10) + "_" + hex.EncodeToString(b)
}

// databaseURL points PostgresURL at another database.
func databaseURL(name string) string {
	u, err := url.Parse(PostgresURL())
	if err != nil {
		panic(err) // it was connected to already
	}
	u.Path = "/" + name
	return u.String()
}
