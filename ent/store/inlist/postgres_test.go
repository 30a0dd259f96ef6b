package inlist_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/influenceedge"
	"github.com/accountplan/accountplan/ent/stakeholder"
	"github.com/accountplan/accountplan/ent/store/inlist"
	"github.com/accountplan/accountplan/ent/store/storetest"
	"github.com/accountplan/accountplan/graph/benchdata"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// recorder keeps the text of each statement it runs.
type recorder struct {
	dialect.Driver
	mu    sync.Mutex
	texts []string
}

func (r *recorder) Query(ctx context.Context, query string, args, v any) error {
	r.mu.Lock()
	r.texts = append(r.texts, query)
	r.mu.Unlock()
	return r.Driver.Query(ctx, query, args, v)
}

// TestSameRowsOnPostgres runs ent's queries with IN lists through the plain
// driver and the rewriting one, on varied data (accounts without
// stakeholders, stakeholders without edges, lists of 0 to all values, enum
// strings, NOT IN), and wants the same rows; and one statement text for
// lists of two values or more.
func TestSameRowsOnPostgres(t *testing.T) {
	ctx := context.Background()
	s, err := storetest.Open(storetest.PostgresDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := benchdata.Generate(ctx, s.Client, benchdata.Size{Accounts: 3, Stakeholders: 12, InfluenceEdges: 15, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Client.Account.Create().SetName("No one").Save(ctx); err != nil {
		t.Fatal(err)
	}
	raw := ent.NewClient(ent.Driver(entsql.OpenDB(dialect.Postgres, s.DB)))
	rec := &recorder{Driver: entsql.OpenDB(dialect.Postgres, s.DB)}
	wrapped := ent.NewClient(ent.Driver(inlist.Wrap(rec)))
	people, err := raw.Stakeholder.Query().Order(ent.Asc(stakeholder.FieldID)).IDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	queries := map[string]func(*ent.Client) (any, error){
		"accounts with their key players and those's edges out": func(c *ent.Client) (any, error) {
			as, err := c.Account.Query().Order(ent.Asc(account.FieldID)).
				WithStakeholders(func(q *ent.StakeholderQuery) {
					q.Where(stakeholder.PoliticalStatusIn(stakeholder.PoliticalStatusAGILE, stakeholder.PoliticalStatusASTUTE)).
						Order(ent.Asc(stakeholder.FieldID)).
						WithInfluenceOut(func(q *ent.InfluenceEdgeQuery) { q.Order(ent.Asc(influenceedge.FieldID)) })
				}).All(ctx)
			var out []string
			for _, a := range as {
				out = append(out, fmt.Sprint("account ", a.ID))
				for _, p := range a.Edges.Stakeholders {
					out = append(out, fmt.Sprint(" person ", p.ID, p.PoliticalStatus))
					for _, e := range p.Edges.InfluenceOut {
						out = append(out, fmt.Sprint("  edge ", e.ID))
					}
				}
			}
			return out, err
		},
		"people not agile": func(c *ent.Client) (any, error) {
			return c.Stakeholder.Query().Where(stakeholder.PoliticalStatusNotIn(stakeholder.PoliticalStatusAGILE)).Order(ent.Asc(stakeholder.FieldID)).IDs(ctx)
		},
	}
	for _, n := range []int{0, 1, 2, 7, len(people)} {
		queries[fmt.Sprintf("%d people by id", n)] = func(c *ent.Client) (any, error) {
			return c.Stakeholder.Query().Where(stakeholder.IDIn(people[:n]...)).Order(ent.Asc(stakeholder.FieldID)).IDs(ctx)
		}
		queries[fmt.Sprintf("edges out of %d people", n)] = func(c *ent.Client) (any, error) {
			return c.InfluenceEdge.Query().Where(influenceedge.HasFromWith(stakeholder.IDIn(people[:n]...))).Order(ent.Asc(influenceedge.FieldID)).IDs(ctx)
		}
	}
	for name, q := range queries {
		want, err := q(raw)
		if err != nil {
			t.Fatalf("%s, plain: %v", name, err)
		}
		got, err := q(wrapped)
		if err != nil {
			t.Fatalf("%s, rewritten: %v", name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: rewritten %v, plain %v", name, got, want)
		}
	}

	rec.texts = nil
	for _, n := range []int{2, 3, 40} {
		if _, err := wrapped.Stakeholder.Query().Where(stakeholder.IDIn(people[:n]...)).IDs(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for _, text := range rec.texts[1:] {
		if text != rec.texts[0] {
			t.Errorf("lists of 2, 3 and 40 IDs are statements of different texts:\n%s\n%s", rec.texts[0], text)
		}
	}
}

// TestOneParentPlannedOnce wants a one-parent eager load (a node's
// stakeholders) planned once per connection: after PostgreSQL's five custom
// plans, pgx's prepared statement runs a generic plan, where the same load as
// `= ANY($1)` was planned anew at each run.
func TestOneParentPlannedOnce(t *testing.T) {
	ctx := context.Background()
	s, err := storetest.Open(storetest.PostgresDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.DB.SetMaxOpenConns(1) // the loads and pg_prepared_statements on one connection
	ids, err := benchdata.Generate(ctx, s.Client, benchdata.Size{Accounts: 4, Stakeholders: 100, InfluenceEdges: 1, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{Driver: entsql.OpenDB(dialect.Postgres, s.DB)}
	client := ent.NewClient(ent.Driver(inlist.Wrap(rec)))
	const runs = 10
	for range runs {
		if _, err := client.Account.Query().Where(account.ID(ids[0])).WithStakeholders(func(q *ent.StakeholderQuery) { q.Select(stakeholder.FieldName) }).All(ctx); err != nil {
			t.Fatal(err)
		}
	}
	load := rec.texts[1]
	var custom, generic int
	err = s.DB.QueryRowContext(ctx, `SELECT custom_plans, generic_plans FROM pg_prepared_statements WHERE statement = $1`, load).Scan(&custom, &generic)
	if err != nil {
		t.Fatalf("%s: %v", load, err)
	}
	if custom > 5 || custom+generic != runs {
		t.Errorf("%s\nran %d times with %d custom plans and %d generic ones; want at most 5 custom", load, runs, custom, generic)
	}
}
