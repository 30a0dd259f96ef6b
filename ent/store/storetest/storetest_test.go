package storetest

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/accountplan/accountplan/ent"
)

func TestMain(m *testing.M) { Main(m) }

// TestEachDatabaseIsFreshAndMigrated: every test starts from an empty,
// migrated database of its own, whatever the tests before it wrote; Dump
// sees every write and Changes names it.
func TestEachDatabaseIsFreshAndMigrated(t *testing.T) {
	for round := range 2 {
		Each(t, func(t *testing.T, client *ent.Client) {
			ctx := context.Background()
			if n := client.User.Query().CountX(ctx); n != 0 {
				t.Fatalf("round %d: a fresh database holds %d users", round, n)
			}
			before := Dump(t, client)
			if Changes(before, Dump(t, client)) != "" {
				t.Fatal("two dumps of an unchanged database differ")
			}
			client.User.Create().SetName("Ada").SetEmail("ada@example.com").ExecX(ctx)
			changes := Changes(before, Dump(t, client))
			if !strings.HasPrefix(changes, "+users:") || strings.Count(changes, "\n") != 1 {
				t.Errorf("creating a user changed:\n%s", changes)
			}
		})
	}
}

// TestPostgresDatabasesAreDropped: a test's PostgreSQL database is dropped
// after it ends, with the batch it joins (here the batch is dropped at once,
// as Run drops the last one).
func TestPostgresDatabasesAreDropped(t *testing.T) {
	var name string
	t.Run("test", func(t *testing.T) {
		s := Postgres(t)
		if err := s.DB.QueryRow("SELECT current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
	})
	if name == "" {
		t.Skip("no PostgreSQL")
	}
	postgres.Lock()
	dropUsed()
	postgres.Unlock()
	drops.Wait()
	admin, err := sql.Open("pgx", PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var left bool
	if err := admin.QueryRow("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left || dropFailed.Load() {
		t.Errorf("the database %s outlived its test", name)
	}
}
