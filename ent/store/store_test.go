package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/accountplan/accountplan/ent/store"
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
