package edgecount

import (
	"context"
	stdsql "database/sql"
	"database/sql/driver"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	_ "github.com/mattn/go-sqlite3"
)

// counting is a driver that keeps the statements it runs.
type counting struct {
	dialect.Driver
	stmts []string
}

func (c *counting) Query(ctx context.Context, query string, args, v any) error {
	c.stmts = append(c.stmts, query)
	return c.Driver.Query(ctx, query, args, v)
}

// fixture is an SQLite database of parents 1 to 4 and their children: parent
// 1 has kinds a, a, b; parent 2 has b; parent 3 none; parent 4 a, c. Child 10
// is the "boss" of the others of its parent.
func fixture(t *testing.T) *counting {
	t.Helper()
	db, err := stdsql.Open("sqlite3", "file:"+t.Name()+"?mode=memory&cache=shared")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, s := range []string{
		`CREATE TABLE children (id INTEGER PRIMARY KEY, parent INTEGER, owner INTEGER, kind TEXT, boss INTEGER)`,
		`INSERT INTO children VALUES (10, 1, 2, 'a', NULL), (11, 1, 2, 'a', 10), (12, 1, NULL, 'b', 10), (13, 2, 1, 'b', NULL), (14, 4, 1, 'a', NULL), (15, 4, 4, 'c', 14)`,
	} {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	return &counting{Driver: sql.OpenDB(dialect.SQLite, db)}
}

// filtered is a plain count selector of children with a filter.
func filtered(p func(*sql.Selector) *sql.Predicate) Selector {
	return func(context.Context) (*sql.Selector, bool, error) {
		s := sql.Dialect(dialect.SQLite).Select().From(sql.Table("children"))
		if p != nil {
			s.Where(p(s))
		}
		return s, true, nil
	}
}

var ids = []driver.Value{1, 2, 3, 4}

func TestRunCountsEveryPartInOneStatement(t *testing.T) {
	drv := fixture(t)
	var b Batch
	all := b.Add("children", "parent", filtered(nil))
	kindA := b.Add("children", "parent", filtered(func(s *sql.Selector) *sql.Predicate { return sql.EQ(s.C("kind"), "a") }))
	notA := b.Add("children", "parent", filtered(func(s *sql.Selector) *sql.Predicate { return sql.NotIn(s.C("kind"), "a") }))
	// a part on another column of the same table, all filtered
	owned := b.Add("children", "owner", filtered(func(s *sql.Selector) *sql.Predicate { return sql.In(s.C("kind"), "a", "b") }))
	// a nested filter: children whose boss is of kind a
	bossA := b.Add("children", "parent", filtered(func(s *sql.Selector) *sql.Predicate {
		boss := sql.Table("children").As("b")
		return sql.In(s.C("boss"), sql.Select(boss.C("id")).From(boss).Where(sql.EQ(boss.C("kind"), "a")))
	}))
	// a part that is not plain keeps a grouped count of its own
	joined := b.Add("children", "parent", func(context.Context) (*sql.Selector, bool, error) {
		s := sql.Dialect(dialect.SQLite).Select().From(sql.Table("children"))
		s.Where(sql.EQ(s.C("kind"), "a"))
		return s, false, nil
	})
	// an interceptor that answered without a statement: nothing counted
	none := b.Add("children", "parent", func(context.Context) (*sql.Selector, bool, error) { return nil, false, nil })
	if err := b.Run(context.Background(), drv, ids); err != nil {
		t.Fatal(err)
	}
	if len(drv.stmts) != 1 || strings.Count(drv.stmts[0], "UNION ALL") != 2 {
		t.Fatalf("statements %q, want one of three branches", drv.stmts)
	}
	for name, c := range map[string]struct {
		p    *Part
		want [4]int
	}{
		"all": {all, [4]int{3, 1, 0, 2}}, "kind a": {kindA, [4]int{2, 0, 0, 1}}, "not a": {notA, [4]int{1, 1, 0, 1}},
		"owned": {owned, [4]int{2, 2, 0, 0}}, "boss of kind a": {bossA, [4]int{2, 0, 0, 1}}, "joined": {joined, [4]int{2, 0, 0, 1}},
		"none": {none, [4]int{}},
	} {
		for i, want := range c.want {
			if got := c.p.Count(i + 1); got != want {
				t.Errorf("%s: parent %d has %d, want %d", name, i+1, got, want)
			}
		}
	}
}

func TestRunSplitsTooManyArguments(t *testing.T) {
	drv := fixture(t)
	defer func(n int) { maxArgs = n }(maxArgs)
	maxArgs = 2 * len(ids)
	var b Batch
	parts := []*Part{
		b.Add("children", "parent", filtered(nil)),
		b.Add("children", "owner", filtered(nil)),
		b.Add("children", "boss", filtered(nil)),
	}
	if err := b.Run(context.Background(), drv, ids); err != nil {
		t.Fatal(err)
	}
	if len(drv.stmts) != 2 {
		t.Errorf("%d statements for 3 branches of %d arguments under a limit of %d, want 2", len(drv.stmts), len(ids), maxArgs)
	}
	if parts[0].Count(1) != 3 || parts[1].Count(2) != 2 || parts[2].Count(1) != 0 {
		t.Errorf("counts %v %v %v", parts[0].counts, parts[1].counts, parts[2].counts)
	}
}

func TestRunWithoutParentsRunsNothing(t *testing.T) {
	drv := fixture(t)
	var b Batch
	p := b.Add("children", "parent", filtered(nil))
	if err := b.Run(context.Background(), drv, nil); err != nil || len(drv.stmts) != 0 || p.Count(1) != 0 {
		t.Errorf("err %v, statements %q, count %d", err, drv.stmts, p.Count(1))
	}
}

// PostgreSQL numbers its placeholders across the branches and the
// conditional counts, in the order of the arguments.
func TestPostgresPlaceholders(t *testing.T) {
	var b Batch
	pg := func(p func(*sql.Selector) *sql.Predicate) Selector {
		return func(context.Context) (*sql.Selector, bool, error) {
			s := sql.Dialect(dialect.Postgres).Select().From(sql.Table("children"))
			if p != nil {
				s.Where(p(s))
			}
			return s, true, nil
		}
	}
	b.Add("children", "parent", pg(func(s *sql.Selector) *sql.Predicate { return sql.EQ(s.C("kind"), "a") }))
	b.Add("children", "owner", pg(func(s *sql.Selector) *sql.Predicate { return sql.EQ(s.C("kind"), "b") }))
	branches, err := b.branches(context.Background(), dialect.Postgres, []driver.Value{7, 8})
	if err != nil {
		t.Fatal(err)
	}
	var stmt *sql.Selector
	for i, br := range branches {
		br.sel.SelectExpr(append([]sql.Querier{sql.Expr("0")}, br.cols...)...)
		if i == 0 {
			stmt = br.sel
		} else {
			stmt.UnionAll(br.sel)
		}
	}
	query, args := stmt.Query()
	want := `SELECT 0, "children"."parent", COUNT(CASE WHEN "children"."kind" = $1 THEN 1 END) FROM "children" WHERE "children"."parent" IN ($2, $3) AND ("children"."kind" = $4) GROUP BY "children"."parent" UNION ALL ` +
		`SELECT 0, "children"."owner", COUNT(CASE WHEN "children"."kind" = $5 THEN 1 END) FROM "children" WHERE "children"."owner" IN ($6, $7) AND ("children"."kind" = $8) GROUP BY "children"."owner"`
	if query != want {
		t.Errorf("query\n%s\nwant\n%s", query, want)
	}
	if len(args) != 8 || args[0] != "a" || args[1] != 7 || args[4] != "b" || args[7] != "b" {
		t.Errorf("args %v", args)
	}
}

func TestPageReadsFirstRowsAndCountsAll(t *testing.T) {
	drv := fixture(t)
	s := sql.Dialect(dialect.SQLite).Select("id", "parent").From(sql.Table("children"))
	s.Where(sql.And(sql.InValues(s.C("parent"), ids...), sql.NEQ(s.C("kind"), "c")))
	Page("parent", 2, sql.Expr("id DESC"))(s)
	query, args := s.Query()
	rows := &sql.Rows{}
	if err := drv.Query(context.Background(), query, args, rows); err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if cols, _ := rows.Columns(); len(cols) != 3 || cols[2] != Total {
		t.Errorf("columns %v, want id, parent, %s", cols, Total)
	}
	got := triples(t, rows)
	// id, parent, the parent's rows: parent 1's last two of three, 2's one,
	// 4's one (15 is of kind c), none of 3.
	want := map[[3]int]bool{{12, 1, 3}: true, {11, 1, 3}: true, {13, 2, 1}: true, {14, 4, 1}: true}
	if len(got) != len(want) {
		t.Fatalf("rows %v, want %v\n%s", got, want, query)
	}
	for _, r := range got {
		if !want[r] {
			t.Fatalf("rows %v, want %v\n%s", got, want, query)
		}
	}
}

func TestOnePageCountsPastItsLimit(t *testing.T) {
	drv := fixture(t)
	for _, c := range []struct {
		parent int
		want   [][3]int // id, parent, the parent's rows
	}{
		{1, [][3]int{{12, 1, 3}, {11, 1, 3}}},
		{4, [][3]int{{14, 4, 1}}}, // 15 is of kind c
		{3, nil},
	} {
		s := sql.Dialect(dialect.SQLite).Select("id", "parent").From(sql.Table("children"))
		s.Where(sql.And(sql.EQ(s.C("parent"), c.parent), sql.NEQ(s.C("kind"), "c"))).OrderBy(sql.Desc(s.C("id"))).Limit(2)
		OnePage(s)
		query, args := s.Query()
		rows := &sql.Rows{}
		if err := drv.Query(context.Background(), query, args, rows); err != nil {
			t.Fatal(err)
		}
		got := triples(t, rows)
		rows.Close()
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("parent %d: rows %v, want %v\n%s", c.parent, got, c.want, query)
		}
	}
}

// triples reads rows of three integers: id, parent, the parent's rows.
func triples(t *testing.T, rows *sql.Rows) [][3]int {
	t.Helper()
	var got [][3]int
	for rows.Next() {
		var r [3]int
		if err := rows.Scan(&r[0], &r[1], &r[2]); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	return got
}

func TestSQLitePagesNumberKeysOnly(t *testing.T) {
	drv := fixture(t)
	read := func(s *sql.Selector) ([]string, string) {
		t.Helper()
		query, args := s.Query()
		rows := &sql.Rows{}
		if err := drv.Query(context.Background(), query, args, rows); err != nil {
			t.Fatalf("%v\n%s", err, query)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var id, parent int
			var kind string
			dest := []any{&id, &parent, &kind}
			var total int
			if cols, _ := rows.Columns(); len(cols) == 4 {
				dest = append(dest, &total)
			}
			if err := rows.Scan(dest...); err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%d %d %s %d", id, parent, kind, total))
		}
		return got, query
	}
	children := func(d string) *sql.Selector {
		s := sql.Dialect(d).Select("id", "parent", "kind").From(sql.Table("children"))
		return s.Where(sql.And(sql.InValues(s.C("parent"), ids...), sql.NEQ(s.C("kind"), "c")))
	}
	for _, order := range []string{"id ASC", "id DESC", "kind DESC, id ASC"} {
		for _, first := range []int{1, 2, 5} {
			// The window statement of all columns, as entgql writes it; Page's
			// rows are the same, with their parent's rows: 3 of 1, 1 of 2 and of 4.
			all := children(dialect.SQLite)
			entgql.LimitPerRow("parent", first, sql.Expr(order))(all)
			want, _ := read(all)
			var wantTotal []string
			for _, r := range want {
				n := map[string]string{"1": "3", "2": "1", "4": "1"}[strings.Fields(r)[1]]
				wantTotal = append(wantTotal, strings.TrimSuffix(r, " 0")+" "+n)
			}

			s := children(dialect.SQLite)
			LimitPerRow("parent", first, sql.Expr(order))(s)
			got, query := read(s)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, first %d: rows %v, want %v\n%s", order, first, got, want, query)
			}
			if !strings.Contains(query, "SELECT `children`.`id`, (ROW_NUMBER() OVER") {
				t.Errorf("the window numbers more than the keys:\n%s", query)
			}
			s = children(dialect.SQLite)
			Page("parent", first, sql.Expr(order))(s)
			got, query = read(s)
			if !reflect.DeepEqual(got, wantTotal) {
				t.Errorf("%s, first %d, counted: rows %v, want %v\n%s", order, first, got, wantTotal, query)
			}
		}
	}
	pg, want := children(dialect.Postgres), children(dialect.Postgres)
	LimitPerRow("parent", 2, sql.Expr("id"))(pg)
	entgql.LimitPerRow("parent", 2, sql.Expr("id"))(want)
	if q, w := pg.String(), want.String(); q != w {
		t.Errorf("PostgreSQL's statement\n%s\nwant entgql's\n%s", q, w)
	}
}
