package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unsafe"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/store"
	"github.com/accountplan/accountplan/ent/store/storetest"
)

// TestRowsReadThroughOneHolder: a query scans all its rows into one holder
// (ent/entc.go's scanTemplate), so a row's values never leak into the next,
// a NULL after a value included, and reading a row allocates no more than
// scanning it with database/sql into holders kept from row to row, plus the
// record itself. ent's own scanValues made a new value per column and row.
// Not parallel: AllocsPerRun counts every allocation of the process.
func TestRowsReadThroughOneHolder(t *testing.T) {
	for name, open := range map[string]func(*testing.T) *store.Store{"sqlite": storetest.SQLite, "postgres": storetest.Postgres} {
		t.Run(name, func(t *testing.T) { readThroughOneHolder(t, open(t)) })
	}
}

func readThroughOneHolder(t *testing.T, s *store.Store) {
	ctx := context.Background()
	const n = 200
	want := make([]*ent.Account, n)
	for i := range want {
		c := s.Client.Account.Create().SetName(fmt.Sprintf("account %03d", i))
		if i%2 == 0 { // every other row has its nillable and optional values, the others NULL
			c.SetSellers(1000 + i).SetMaturity(account.MaturityGROWTH).SetIndustry(fmt.Sprintf("industry %d", i))
		}
		want[i] = c.SaveX(ctx)
	}
	got := s.Client.Account.Query().Order(ent.Asc(account.FieldID)).AllX(ctx)
	if len(got) != n {
		t.Fatalf("read %d accounts, want %d", len(got), n)
	}
	for i := range got {
		w, g := want[i], got[i]
		if g.ID != w.ID || g.Name != w.Name || g.Industry != w.Industry || !g.CreatedAt.Equal(w.CreatedAt) ||
			fmt.Sprint(deref(g.Sellers)) != fmt.Sprint(deref(w.Sellers)) || fmt.Sprint(deref(g.Maturity)) != fmt.Sprint(deref(w.Maturity)) {
			t.Fatalf("row %d read as %v, want %v", i, g, w)
		}
	}

	// A page's edges are one array, not one allocation each.
	first := 3
	page, err := s.Client.Account.Query().Paginate(ctx, nil, &first, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(page.Edges); i++ {
		if page.Edges[i] != &unsafe.Slice(page.Edges[0], len(page.Edges))[i] {
			t.Fatalf("edge %d of a page is not beside the one before it", i)
		}
	}

	// Allocations per row: the slope between reading n/2 rows and n rows.
	perRow := func(read func(limit int)) float64 {
		half := testing.AllocsPerRun(20, func() { read(n / 2) })
		full := testing.AllocsPerRun(20, func() { read(n) })
		return (full - half) / (n / 2)
	}
	entRow := perRow(func(limit int) {
		s.Client.Account.Query().Order(ent.Asc(account.FieldID)).Limit(limit).AllX(ctx)
	})
	columns := len(account.Columns)
	sqlRow := perRow(func(limit int) {
		// The same statement through database/sql, into holders kept from row to row.
		query := fmt.Sprintf("SELECT %s FROM accounts ORDER BY id LIMIT %d", strings.Join(account.Columns, ", "), limit)
		rows, err := s.DB.QueryContext(ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		holders := make([]any, columns)
		for i := range holders {
			holders[i] = new(any)
		}
		for rows.Next() {
			if err := rows.Scan(holders...); err != nil {
				t.Fatal(err)
			}
		}
	})
	// The record, its place in the result and the nillable values it points to.
	if limit := sqlRow + 4; entRow > limit {
		t.Errorf("reading a row of %d columns allocates %.1f times, want at most %.1f (database/sql and the driver %.1f, and the record)", columns, entRow, limit, sqlRow)
	}
	t.Logf("allocations per row: ent %.1f, database/sql %.1f", entRow, sqlRow)
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
