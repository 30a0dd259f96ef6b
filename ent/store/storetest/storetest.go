// Package storetest gives data-layer tests a fresh, migrated database:
// SQLite always, and PostgreSQL when one answers at TEST_POSTGRES_URL (or
// the default local URL). A test package that uses it runs its tests
// through Main, which drops the PostgreSQL databases at the end:
//
//	func TestMain(m *testing.M) { storetest.Main(m) }
//
// Each PostgreSQL database is a copy of one template that store.Open
// migrated once per test binary: copying takes a fraction of migrating.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

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
func EachStore(t *testing.T, test func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { test(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { test(t, Postgres(t)) })
}

// SQLite is a fresh, migrated SQLite file, closed when the test ends.
// Migrating an empty file takes a few milliseconds.
func SQLite(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// template is the PostgreSQL database migrated once per test binary.
var template struct {
	sync.Mutex
	main bool // Main runs the tests, and drops the template after them
	name string
	err  error
}

// Main runs the tests of a package, waits for their PostgreSQL databases
// to be dropped, then drops the template.
func Main(m *testing.M) {
	template.Lock()
	template.main = true
	template.Unlock()
	code := m.Run()
	drops.Wait()
	if template.name != "" {
		if err := dropDatabase(template.name); err != nil {
			fmt.Fprintf(os.Stderr, "storetest: dropping the template database %s: %v\n", template.name, err)
			code = max(code, 1)
		}
	}
	if dropFailed.Load() {
		code = max(code, 1)
	}
	os.Exit(code)
}

// drops are the test databases being dropped. Dropping one waits for a
// checkpoint, a few hundred milliseconds on a busy server, which the next
// test need not wait for: Main does.
var (
	drops      sync.WaitGroup
	dropFailed atomic.Bool
)

// Postgres is a fresh, migrated PostgreSQL database, dropped once the test ends.
func Postgres(t *testing.T) *store.Store {
	t.Helper()
	admin, err := sql.Open("pgx", PostgresURL())
	if err == nil {
		err = admin.PingContext(context.Background())
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL is not reachable at %s: %v", PostgresURL(), err)
		}
		t.Skipf("PostgreSQL is not reachable at %s (%v): start one there or set TEST_POSTGRES_URL to run the PostgreSQL variant", PostgresURL(), err)
	}
	defer admin.Close()
	tmpl, err := migratedTemplate(admin)
	if err != nil {
		t.Fatal(err)
	}
	name := uniqueName("storetest")
	if _, err := admin.Exec("CREATE DATABASE " + name + " TEMPLATE " + tmpl); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("pgx", databaseURL(name))
	if err != nil {
		t.Fatal(err)
	}
	s := &store.Store{Client: ent.NewClient(ent.Driver(entsql.OpenDB(dialect.Postgres, db))), DB: db, Dialect: dialect.Postgres}
	t.Cleanup(func() {
		s.Close()
		drops.Go(func() {
			if err := dropDatabase(name); err != nil {
				fmt.Fprintf(os.Stderr, "storetest: dropping the test database %s: %v\n", name, err)
				dropFailed.Store(true)
			}
		})
	})
	return s
}

// migratedTemplate creates the template database and migrates it with
// store.Open, as the server does, the first time it is asked for. The
// migration's connections are closed: a template is copied only when no one
// is connected to it.
func migratedTemplate(admin *sql.DB) (string, error) {
	template.Lock()
	defer template.Unlock()
	if !template.main {
		return "", fmt.Errorf("storetest: run the package's tests through storetest.Main(m) from its TestMain, which drops the template database")
	}
	if template.name == "" && template.err == nil {
		name := uniqueName("storetest_template")
		if _, template.err = admin.Exec("CREATE DATABASE " + name); template.err != nil {
			return "", template.err
		}
		template.name = name
		s, err := store.Open(context.Background(), databaseURL(name))
		if err == nil {
			err = s.Close()
		}
		if err != nil {
			template.err = fmt.Errorf("migrating the template database: %w", err)
		}
	}
	return template.name, template.err
}

func dropDatabase(name string) error {
	admin, err := sql.Open("pgx", PostgresURL())
	if err != nil {
		return err
	}
	defer admin.Close()
	_, err = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	return err
}

// uniqueName is a database name no other run uses.
func uniqueName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + "_" + hex.EncodeToString(b)
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
