package store_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/accountplan/accountplan/ent/store"
	"github.com/accountplan/accountplan/ent/store/storetest"
)

// TestSQLitePath: the SQLite database is the file at the path given,
// whatever characters the path holds, opened with the store's settings
// (foreign keys on).
func TestSQLitePath(t *testing.T) {
	for _, name := range []string{"plain.db", "with space.db", "with#hash.db", "with?question.db", "with%41percent.db", "with&amp.db"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, name)
			s, err := store.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var fk int
			if err := s.DB.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
				t.Errorf("foreign keys: %d, %v; want 1", fk, err)
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("no database at the path: %v", err)
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if e.Name() != name && e.Name() != name+"-wal" && e.Name() != name+"-shm" {
					t.Errorf("the store wrote %s beside %s", e.Name(), name)
				}
			}
		})
	}
}

// TestTargets: -db takes what the README documents, refuses anything else
// before touching a file, and names the path and the cause when a SQLite
// file cannot be opened.
func TestTargets(t *testing.T) {
	for _, c := range []struct{ target, postgres string }{
		{"postgres://u@h:5432/d", "yes"},
		{"postgresql://u@h/d?sslmode=disable", "yes"},
		{"host=127.0.0.1 dbname=plans user=postgres", "yes"},
		{"  dbname=plans", "yes"},
		{"accountplan.db", "no"},
		{"data/host=x.db", "no"},
		{"./plans.sqlite", "no"},
	} {
		if got := map[bool]string{true: "yes", false: "no"}[store.IsPostgres(c.target)]; got != c.postgres {
			t.Errorf("IsPostgres(%q) = %s, want %s", c.target, got, c.postgres)
		}
	}
	dir := t.TempDir()
	for _, c := range []struct{ target, want string }{
		{"mysql://root@127.0.0.1/test", "mysql:// databases are not supported"},
		{"sqlserver://sa@db", "sqlserver:// databases are not supported"},
		{"", "no database"},
		{filepath.Join(dir, "missing", "plans.db"), "the directory " + filepath.Join(dir, "missing") + " does not exist"},
		{dir, "is a directory"},
	} {
		_, err := store.Open(context.Background(), c.target)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open(%q) = %v, want an error saying %q", c.target, err, c.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused targets left files behind: %v", entries)
	}
}

// TestMissingPostgresDatabase: a database that does not exist is named, with how to create it.
func TestMissingPostgresDatabase(t *testing.T) {
	url := "postgres://postgres@127.0.0.1:5432/accountplan_no_such_database?sslmode=disable&connect_timeout=2"
	_, err := store.Open(context.Background(), url)
	switch {
	case err == nil:
		t.Fatal("opened a database that does not exist")
	case strings.Contains(err.Error(), "connect: connection refused") && os.Getenv("CI") != "true":
		t.Skip("no PostgreSQL server at 127.0.0.1:5432")
	case !strings.Contains(err.Error(), `database "accountplan_no_such_database" does not exist`) || !strings.Contains(err.Error(), "createdb"):
		t.Errorf("got %v, want the database named and createdb suggested", err)
	}
}

// TestConnectionsKept: each database is served by a bounded pool whose
// connections all stay open between requests, with their page caches (SQLite)
// and prepared statements: a request at a busy moment finds one, rather than
// opening a new one (a PostgreSQL backend) that is closed once it is answered.
func TestConnectionsKept(t *testing.T) {
	storetest.EachStore(t, func(t *testing.T, s *store.Store) {
		want := store.PostgresConns
		if s.Dialect == dialect.SQLite {
			want = store.SQLiteConns()
			if want < 4 {
				t.Errorf("%d SQLite connections, want 4 at least", want)
			}
		}
		if got := s.DB.Stats().MaxOpenConnections; got != want {
			t.Errorf("at most %d connections open, want %d", got, want)
		}
		ctx := context.Background()
		var conns []*sql.Conn
		for range want {
			c, err := s.DB.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
		}
		for _, c := range conns {
			c.Close()
		}
		if st := s.DB.Stats(); st.Idle != want || st.MaxIdleClosed != 0 {
			t.Errorf("%d connections kept idle and %d closed after %d were used at once, want all kept", st.Idle, st.MaxIdleClosed, want)
		}
	})
}

// TestRandomPageCost: our PostgreSQL connections cost a random page read as on
// solid-state drives, so that a small table's records are looked up in the
// index of their key rather than read whole per parent row; a value the
// connection string (or the server, database or role) sets is kept.
func TestRandomPageCost(t *testing.T) {
	url := storetest.PostgresDatabase(t)
	for _, c := range []struct{ name, target, want string }{
		{"by default", url, store.SSDRandomPageCost},
		{"set by the connection string", url + "&options=-c%20random_page_cost%3D2", "2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := storetest.Open(c.target)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var got, source string
			err = s.DB.QueryRow("SELECT setting, source FROM pg_settings WHERE name = 'random_page_cost'").Scan(&got, &source)
			if err != nil {
				t.Fatal(err)
			}
			if c.want == store.SSDRandomPageCost && source != "session" && source != "default" {
				t.Skipf("the server sets random_page_cost (%s, from %s): nothing of ours to check", got, source)
			}
			if got != c.want {
				t.Errorf("random_page_cost %s (from %s), want %s", got, source, c.want)
			}
		})
	}
}
