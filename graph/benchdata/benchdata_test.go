package benchdata_test

import (
	"context"
	"testing"

	"github.com/accountplan/accountplan/ent/store/storetest"
	"github.com/accountplan/accountplan/graph/benchdata"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestGenerateVacuumsOnPostgres wants the tables the screens count from
// analysed and their pages all-visible once Generate returns, as autovacuum
// would leave them: the counts' index-only scans then skip the table.
func TestGenerateVacuumsOnPostgres(t *testing.T) {
	ctx := context.Background()
	s, err := storetest.Open(storetest.PostgresDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := benchdata.Generate(ctx, s.Client, benchdata.Size{Accounts: 2, Stakeholders: 10, InfluenceEdges: 10, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"accounts", "account_plans", "goals", "objectives", "opportunities", "stakeholders", "influence_edges"} {
		var pages, visible int
		var analysed bool
		err := s.DB.QueryRowContext(ctx, `SELECT c.relpages, c.relallvisible, s.last_analyze IS NOT NULL
			FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid
			WHERE c.oid = to_regclass($1)`, table).Scan(&pages, &visible, &analysed)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if pages == 0 || visible != pages || !analysed {
			t.Errorf("%s: %d of %d pages all-visible, analysed %t; want all of them, analysed", table, visible, pages, analysed)
		}
	}
}
