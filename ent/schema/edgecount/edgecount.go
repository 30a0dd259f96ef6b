// Package edgecount counts, in one statement, every totalCount a request asks
// under the nodes of one level: each edge, alias and filter is a Part of the
// level's Batch. The generated collection code (ent/entc.go's countTemplate)
// adds the parts and runs the batch once the level's nodes are loaded.
package edgecount

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
)

// maxArgs bounds the arguments of one statement, under SQLite's 32766 and
// PostgreSQL's 65535; a level with more parent IDs × tables than this is
// counted in as few statements as fit.
var maxArgs = 30000

// Selector builds the statement of one count once the level runs: the child
// table filtered by the alias's where: argument and the privacy rules, and
// whether it is a plain filter of that table (no joins, order, limit or
// distinct), which lets it share a scan with the other counts of its table.
type Selector func(context.Context) (s *sql.Selector, plain bool, err error)

// Part is the count of one edge under one alias.
type Part struct {
	table, fk string
	build     Selector
	counts    map[int]int
}

// Count is the number of edges the parent with this ID has.
func (p *Part) Count(id int) int { return p.counts[id] }

// Batch holds the counts of one level.
type Batch struct {
	parts []*Part
}

// Add adds the count of the rows of table whose fk column holds the parent's ID.
func (b *Batch) Add(table, fk string, build Selector) *Part {
	p := &Part{table: table, fk: fk, build: build}
	b.parts = append(b.parts, p)
	return p
}

// branch is one SELECT of the statement: the counts of parts, per parent.
type branch struct {
	parts []*Part
	sel   *sql.Selector
	cols  []sql.Querier // the parent's ID, then one count per part
}

// Run counts every part for the parents with these IDs: the plain parts of
// each (table, column) in one grouped scan with a conditional count each,
// every other part in a grouped count of its own, all in one UNION ALL.
func (b *Batch) Run(ctx context.Context, drv dialect.Driver, ids []driver.Value) error {
	for _, p := range b.parts {
		p.counts = make(map[int]int, len(ids))
	}
	if len(ids) == 0 || len(b.parts) == 0 {
		return nil
	}
	branches, err := b.branches(ctx, drv.Dialect(), ids)
	if err != nil {
		return err
	}
	width := 0
	for _, br := range branches {
		width = max(width, len(br.parts))
	}
	perStatement := max(1, maxArgs/len(ids))
	for start := 0; start < len(branches); start += perStatement {
		if err := run(ctx, drv, branches[start:min(start+perStatement, len(branches))], start, width); err != nil {
			return err
		}
	}
	return nil
}

// branches groups the parts into the SELECTs of the statement.
func (b *Batch) branches(ctx context.Context, d string, ids []driver.Value) ([]*branch, error) {
	var (
		branches []*branch
		shared   = map[[2]string]*branch{}
		filters  = map[*Part]*sql.Predicate{}
	)
	for _, p := range b.parts {
		sel, plain, err := p.build(ctx)
		if err != nil {
			return nil, err
		}
		switch {
		case sel == nil: // an interceptor answered without a statement: nothing to count
		case plain && sel.TableName() == p.table:
			key := [2]string{p.table, p.fk}
			if shared[key] == nil {
				shared[key] = &branch{}
				branches = append(branches, shared[key])
			}
			shared[key].parts = append(shared[key].parts, p)
			filters[p] = sel.P()
		default:
			fk := sel.C(p.fk)
			sel.Where(sql.InValues(fk, ids...)).GroupBy(fk)
			branches = append(branches, &branch{parts: []*Part{p}, sel: sel, cols: []sql.Querier{sql.Expr(fk), sql.Expr("COUNT(*)")}})
		}
	}
	for _, br := range branches {
		if br.sel != nil {
			continue
		}
		sel := sql.Dialect(d).Select().From(sql.Table(br.parts[0].table))
		fk := sel.C(br.parts[0].fk)
		br.cols = []sql.Querier{sql.Expr(fk)}
		var kept []*sql.Predicate
		for _, p := range br.parts {
			f := filters[p]
			if f == nil {
				br.cols = append(br.cols, sql.Expr("COUNT(*)"))
				continue
			}
			kept = append(kept, f)
			br.cols = append(br.cols, sql.ExprFunc(func(b *sql.Builder) {
				b.WriteString("COUNT(CASE WHEN ").Join(f).WriteString(" THEN 1 END)")
			}))
		}
		sel.Where(sql.InValues(fk, ids...)).GroupBy(fk)
		// When every count is filtered, rows that none keeps are not grouped.
		if len(kept) == len(br.parts) {
			// In parentheses: a filter of its own may be an OR, which AND would otherwise split.
			any := sql.Or(kept...)
			sel.Where(sql.P(func(b *sql.Builder) { b.Wrap(func(b *sql.Builder) { b.Join(any) }) }))
		}
		br.sel = sel
	}
	return branches, nil
}

// run runs the branches as one statement: each row is the branch's number,
// the parent's ID and the branch's counts, padded with zeros to width.
func run(ctx context.Context, drv dialect.Driver, branches []*branch, first, width int) error {
	var stmt *sql.Selector
	for i, br := range branches {
		exprs := make([]sql.Querier, 0, width+2)
		exprs = append(exprs, sql.Expr(strconv.Itoa(first+i)))
		exprs = append(exprs, br.cols...)
		for len(exprs) < width+2 {
			exprs = append(exprs, sql.Expr("0"))
		}
		br.sel.SelectExpr(exprs...)
		if stmt == nil {
			stmt = br.sel
		} else {
			stmt.UnionAll(br.sel)
		}
	}
	query, args := stmt.Query()
	rows := &sql.Rows{}
	if err := drv.Query(ctx, query, args, rows); err != nil {
		return err
	}
	defer rows.Close()
	values := make([]int64, width+2)
	dest := make([]any, width+2)
	for i := range values {
		dest[i] = &values[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		br := int(values[0]) - first
		if br < 0 || br >= len(branches) {
			return fmt.Errorf("edgecount: a row of branch %d, not in the statement", values[0])
		}
		for j, p := range branches[br].parts {
			if n := values[2+j]; n > 0 {
				p.counts[int(values[1])] = int(n)
			}
		}
	}
	return rows.Err()
}

// Total is the column of a Page's rows that holds the number of rows their
// parent has.
const Total = "page_total"

// Page is entgql.LimitPerRow's window statement for the first rows of each
// parent, which also counts each parent's rows (COUNT(*) OVER its
// partition) into the Total column: the page answers its connection's
// totalCount and hasNextPage without a count statement or an extra row.
func Page(partitionBy string, first int, orderBy ...sql.Querier) func(*sql.Selector) {
	return func(s *sql.Selector) {
		if keysFirst(s, partitionBy, first, orderBy, true) {
			return
		}
		d := sql.Dialect(s.Dialect())
		s.SetDistinct(false)
		count := sql.Window(func(b *sql.Builder) { b.WriteString("COUNT(*)") }).PartitionBy(partitionBy)
		with := d.With("src_query").
			As(s.Clone()).
			With("limited_query").
			As(
				d.Select("*").
					AppendSelectExprAs(sql.RowNumber().PartitionBy(partitionBy).OrderExpr(orderBy...), "row_number").
					AppendSelectExprAs(count, Total).
					From(d.Table("src_query")),
			)
		t := d.Table("limited_query").As(s.TableName())
		*s = *d.Select(append(s.UnqualifiedColumns(), Total)...).
			From(t).
			Where(sql.LTE(t.C("row_number"), first)).
			Prefix(with)
	}
}

// LimitPerRow is entgql.LimitPerRow: the first rows of each parent, by a
// window statement, read on SQLite as keysFirst reads them.
func LimitPerRow(partitionBy string, first int, orderBy ...sql.Querier) func(*sql.Selector) {
	window := entgql.LimitPerRow(partitionBy, first, orderBy...)
	return func(s *sql.Selector) {
		if !keysFirst(s, partitionBy, first, orderBy, false) {
			window(s)
		}
	}
}

// keysFirst makes a SQLite statement of a page under each parent number the
// rows by their keys alone and then read the first ones' columns by key:
// SQLite's window keeps every column of every row it numbers, which made the
// window statement cost twice the plain read of its rows. The count, when
// asked, shares the numbering's window (a whole-partition frame), so that the
// rows are sorted once. A statement with joins (a many-to-many edge's) or
// without the id is left to the window statement of all columns.
func keysFirst(s *sql.Selector, partitionBy string, first int, orderBy []sql.Querier, total bool) bool {
	cols := s.UnqualifiedColumns()
	if s.Dialect() != dialect.SQLite || s.HasJoins() || s.Table() == nil || !slices.Contains(cols, "id") {
		return false
	}
	d := sql.Dialect(dialect.SQLite)
	keys := s.Clone()
	keys.SetDistinct(false)
	keys.Select(keys.C("id"))
	keys.AppendSelectExprAs(sql.RowNumber().PartitionBy(partitionBy).OrderExpr(orderBy...), "row_number")
	if total {
		keys.AppendSelectExprAs(sql.ExprFunc(func(b *sql.Builder) {
			w := sql.Window(func(b *sql.Builder) { b.WriteString("COUNT(*)") }).PartitionBy(partitionBy).OrderExpr(orderBy...)
			w.SetDialect(b.Dialect())
			query, args := w.Query()
			b.WriteString(strings.TrimSuffix(query, ")") + " ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)").Args(args...)
		}), Total)
	}
	k := keys.As("keys")
	t := d.Table(s.TableName()).As(s.TableName())
	// A LEFT JOIN (every key has its row) keeps keys the outer loop, so the
	// rows come in their numbering's order: SQLite may swap an inner join's tables.
	page := d.Select(t.Columns(cols...)...).
		From(k).
		LeftJoin(t).On(t.C("id"), k.C("id")).
		Where(sql.LTE(k.C("row_number"), first))
	if total {
		page.AppendSelect(k.C(Total))
	}
	*s = *page
	return true
}

// OnePage makes the statement of a page under one parent, whose rows are all
// that parent's, count them (COUNT(*) OVER (), before its ORDER BY and LIMIT)
// into the Total column, as Page does under each parent.
func OnePage(s *sql.Selector) {
	s.SetDistinct(false)
	s.AppendSelectExprAs(sql.Expr("COUNT(*) OVER ()"), Total)
}
