package onestatement

import (
	"slices"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent"
)

// statement writes the query as one SELECT of one JSON array, an element per
// root field: a connection is its page (see page), a record is its row, and a
// row is the array of its object's slots.
type statement struct {
	b        *sql.Builder
	dialect  string
	postgres bool
}

func (r *Reader) statement(q *query) (string, []any) {
	d := r.drv.Dialect()
	s := &statement{b: &sql.Builder{}, dialect: d, postgres: d == dialect.Postgres}
	s.b.SetDialect(d)
	s.correlated(q)
	return s.b.Query()
}

// array writes a JSON array of n elements.
func (s *statement) array(n int, elem func(i int)) {
	if s.postgres {
		s.b.WriteString("json_build_array(")
	} else {
		s.b.WriteString("json_array(")
	}
	for i := range n {
		if i > 0 {
			s.b.WriteString(", ")
		}
		elem(i)
	}
	s.b.WriteByte(')')
}

// json writes a subquery whose one value is JSON; SQLite reads it as text
// unless told, since a subquery does not carry its value's JSON subtype.
func (s *statement) json(subquery func()) {
	if !s.postgres {
		s.b.WriteString("json(")
	}
	s.b.WriteByte('(')
	subquery()
	s.b.WriteByte(')')
	if !s.postgres {
		s.b.WriteByte(')')
	}
}

func (s *statement) column(alias, column string) {
	s.b.WriteString(alias).WriteByte('.').WriteString(s.b.Quote(column))
}

func (s *statement) from(table, alias string) {
	s.b.WriteString(" FROM ").WriteString(s.b.Quote(table)).WriteString(" AS ").WriteString(alias)
}

// value writes a column as the answer reads it: PostgreSQL's times as
// microseconds since 1970, SQLite's floats as text with every digit (its JSON
// writes 15).
func (s *statement) value(alias, column string, kind ent.ColumnKind) {
	switch {
	case kind == ent.ColumnTime && s.postgres:
		s.b.WriteString("(extract(epoch FROM ")
		s.column(alias, column)
		s.b.WriteString(") * 1000000)::int8")
	case kind == ent.ColumnFloat && !s.postgres:
		s.b.WriteString("iif(")
		s.column(alias, column)
		s.b.WriteString(" IS NULL, NULL, printf('%!.17g', ")
		s.column(alias, column)
		s.b.WriteString("))")
	default:
		s.column(alias, column)
	}
}

// where writes the where argument of a page, if any, after keyword: WHERE
// at the root, AND beside the condition on its parents; for its rows, with
// the conditions of its cursors.
func (s *statement) where(c *connection, alias, keyword string, rows bool) {
	p := s.predicate(c, alias, rows)
	if p == nil {
		return
	}
	s.b.WriteString(" " + keyword + " (")
	s.b.Join(p)
	s.b.WriteByte(')')
}

// predicate is a page's where argument on the records of alias, for its
// rows with its cursors' conditions, or nil for none.
func (s *statement) predicate(c *connection, alias string, rows bool) *sql.Predicate {
	if c.where == nil && (!rows || len(c.cursors) == 0) {
		return nil
	}
	sel := sql.Dialect(s.dialect).Select().From(sql.Table(c.obj.table.Name).As(alias))
	if c.where != nil {
		c.where(sel)
	}
	if rows {
		for _, cursor := range c.cursors {
			cursor(sel)
		}
	}
	return sel.P()
}

func (s *statement) emptyArray() {
	if s.postgres {
		s.b.WriteString("'[]'::json")
	} else {
		s.b.WriteString("json('[]')")
	}
}

// order writes the pager's order: the order fields, then the ID ascending;
// reversed, every direction turned, as the pager reads a last page.
func (s *statement) order(c *connection, reversed bool) {
	byID := false
	direction := func(desc bool) {
		if desc != reversed {
			s.b.WriteString(" DESC")
		} else {
			s.b.WriteString(" ASC")
		}
	}
	for i, o := range c.order {
		if i > 0 {
			s.b.WriteString(", ")
		}
		s.column(c.obj.alias, o.Column)
		direction(o.Desc)
		byID = byID || o.Column == "id"
	}
	if byID {
		return
	}
	if len(c.order) > 0 {
		s.b.WriteString(", ")
	}
	s.column(c.obj.alias, "id")
	direction(false)
}

// read is the columns a level's rows need: the ID, every column a slot or
// the order of its page reads (the keys its to-one edges follow among them).
func (s *statement) read(o *object, c *connection) []string {
	cols := []string{"id"}
	for _, sl := range o.slots {
		if sl.conn == nil && sl.one == nil && !slices.Contains(cols, sl.column) {
			cols = append(cols, sl.column)
		}
	}
	if c != nil {
		for _, ord := range c.order {
			if !slices.Contains(cols, ord.Column) {
				cols = append(cols, ord.Column)
			}
		}
	}
	return cols
}
