package onestatement

import (
	"slices"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent"
)

// statement writes the query as one SELECT of one JSON array, an element per
// root field: a connection is [count, rows], a record is its row, and a row
// is the array of its object's slots.
type statement struct {
	b        *sql.Builder
	dialect  string
	postgres bool
}

func (r *Reader) statement(q *query) (string, []any) {
	d := r.drv.Dialect()
	s := &statement{b: &sql.Builder{}, dialect: d, postgres: d == dialect.Postgres}
	s.b.SetDialect(d)
	s.b.WriteString("SELECT ")
	s.array(len(q.roots), func(i int) {
		switch rt := q.roots[i]; rt.kind {
		case rootConnection:
			s.connection(rt.conn.conn, "")
		case rootNode:
			s.json(func() {
				s.b.WriteString("SELECT ")
				s.row(rt.node.obj)
				s.from(rt.node.obj.table.Name, rt.node.obj.alias)
				s.b.WriteString(" WHERE ")
				s.column(rt.node.obj.alias, "id")
				s.b.WriteString(" = ")
				s.b.Arg(rt.node.id)
			})
		default:
			s.b.WriteString("NULL")
		}
	})
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

// row writes the JSON array of an object's slots.
func (s *statement) row(o *object) {
	s.array(len(o.slots), func(i int) {
		switch sl := o.slots[i]; {
		case sl.conn != nil:
			s.connection(sl.conn, o.alias)
		case sl.one != nil:
			s.toOne(sl.one, o.alias)
		default:
			s.value(o.alias, sl.column, sl.kind)
		}
	})
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

// toOne writes the row of a to-one edge's record, or null.
func (s *statement) toOne(t *toOne, parent string) {
	o := t.obj
	s.json(func() {
		s.b.WriteString("SELECT ")
		s.row(o)
		s.from(o.table.Name, o.alias)
		s.b.WriteString(" WHERE ")
		if t.edge.Column != "" {
			s.column(o.alias, "id")
			s.b.WriteString(" = ")
			s.column(parent, t.edge.Column)
		} else {
			s.link(&t.edge, o.alias, parent)
		}
		s.b.WriteString(" LIMIT 1")
	})
}

// link writes the condition that a record of alias is under the parent's record.
func (s *statement) link(e *ent.TableEdge, alias, parent string) {
	switch {
	case e.TargetColumn != "":
		s.column(alias, e.TargetColumn)
		s.b.WriteString(" = ")
		s.column(parent, "id")
	case e.JoinTable != "":
		s.column(alias, "id")
		s.b.WriteString(" IN (SELECT ").WriteString(s.b.Quote(e.JoinTargetColumn)).
			WriteString(" FROM ").WriteString(s.b.Quote(e.JoinTable)).
			WriteString(" WHERE ").WriteString(s.b.Quote(e.JoinColumn)).WriteString(" = ")
		s.column(parent, "id")
		s.b.WriteByte(')')
	default:
		s.column(alias, "id")
		s.b.WriteString(" = ")
		s.column(parent, e.Column)
	}
}

// where writes the connection's conditions: under its parent, and its filter.
func (s *statement) where(c *connection, alias, parent string) {
	and := false
	if c.edge != nil {
		s.b.WriteString(" WHERE ")
		s.link(c.edge, alias, parent)
		and = true
	}
	if c.where == nil {
		return
	}
	sel := sql.Dialect(s.dialect).Select().From(sql.Table(c.obj.table.Name).As(alias))
	c.where(sel)
	p := sel.P()
	if p == nil {
		return
	}
	if and {
		s.b.WriteString(" AND ")
	} else {
		s.b.WriteString(" WHERE ")
	}
	s.b.WriteByte('(')
	s.b.Join(p)
	s.b.WriteByte(')')
}

// connection writes [count, rows] of a page.
func (s *statement) connection(c *connection, parent string) {
	o := c.obj
	s.array(2, func(i int) {
		if i == 0 {
			if !c.count {
				s.b.WriteString("NULL")
				return
			}
			s.b.WriteString("(SELECT count(*)")
			s.from(o.table.Name, o.alias)
			s.where(c, o.alias, parent)
			s.b.WriteByte(')')
			return
		}
		limit := c.first
		if c.more && !c.count {
			limit++
		}
		if limit == 0 {
			s.emptyArray()
			return
		}
		s.json(func() {
			s.b.WriteString("SELECT ")
			if s.postgres {
				s.b.WriteString("coalesce(json_agg(")
			} else {
				s.b.WriteString("json_group_array(")
			}
			s.row(o)
			s.b.WriteString(" ORDER BY ")
			s.order(c)
			if s.postgres {
				s.b.WriteString("), '[]'::json)")
			} else {
				s.b.WriteByte(')')
			}
			s.b.WriteString(" FROM (SELECT ")
			for i, col := range s.read(c) {
				if i > 0 {
					s.b.WriteString(", ")
				}
				s.column(o.alias, col)
			}
			s.from(o.table.Name, o.alias)
			s.where(c, o.alias, parent)
			s.b.WriteString(" ORDER BY ")
			s.order(c)
			s.b.WriteString(" LIMIT ").WriteString(itoa(limit))
			s.b.WriteString(") AS ").WriteString(o.alias)
		})
	})
}

func (s *statement) emptyArray() {
	if s.postgres {
		s.b.WriteString("'[]'::json")
	} else {
		s.b.WriteString("json('[]')")
	}
}

// order writes the pager's order: the order fields, then the ID ascending.
func (s *statement) order(c *connection) {
	byID := false
	for i, o := range c.order {
		if i > 0 {
			s.b.WriteString(", ")
		}
		s.column(c.obj.alias, o.Column)
		if o.Desc {
			s.b.WriteString(" DESC")
		} else {
			s.b.WriteString(" ASC")
		}
		byID = byID || o.Column == "id"
	}
	if byID {
		return
	}
	if len(c.order) > 0 {
		s.b.WriteString(", ")
	}
	s.column(c.obj.alias, "id")
	s.b.WriteString(" ASC")
}

// read is the columns a page's rows need: the ID, every column a slot or
// the order reads, and the keys its to-one edges follow.
func (s *statement) read(c *connection) []string {
	cols := []string{"id"}
	for _, sl := range c.obj.slots {
		if sl.conn == nil && sl.one == nil && !slices.Contains(cols, sl.column) {
			cols = append(cols, sl.column)
		}
	}
	for _, o := range c.order {
		if !slices.Contains(cols, o.Column) {
			cols = append(cols, o.Column)
		}
	}
	return cols
}
