package onestatement

import "github.com/accountplan/accountplan/ent"

// correlated writes the query for SQLite as one SELECT whose levels are
// subqueries under each parent row: SQLite runs such a subquery as an index
// lookup, where the sets of sets.go would be materialised CTEs and their
// JSON parsed again at each level. The statement's value is the same.
func (s *statement) correlated(q *query) {
	s.b.WriteString("SELECT ")
	s.array(len(q.roots), func(i int) {
		switch rt := q.roots[i]; rt.kind {
		case rootConnection:
			s.page(rt.conn.conn, "")
		case rootNode:
			s.record(rt.node.obj, func() { s.b.Arg(rt.node.id) })
		default:
			s.b.WriteString("NULL")
		}
	})
}

// row writes the JSON array of an object's slots.
func (s *statement) row(o *object) {
	s.array(len(o.slots), func(i int) {
		switch sl := o.slots[i]; {
		case sl.conn != nil:
			s.page(sl.conn, o.alias)
		case sl.one != nil:
			s.record(sl.one.obj, func() { s.column(o.alias, sl.one.edge.Column) })
		default:
			s.value(o.alias, sl.column, sl.kind)
		}
	})
}

// record writes the row of the record whose ID id writes (node(id:), or a
// to-one edge's key in its parent's row), or null.
func (s *statement) record(o *object, id func()) {
	s.json(func() {
		s.b.WriteString("SELECT ")
		s.row(o)
		s.from(o.table.Name, o.alias)
		s.b.WriteString(" WHERE ")
		s.column(o.alias, "id")
		s.b.WriteString(" = ")
		id()
	})
}

// link writes the condition that a record of alias is under the parent's record.
func (s *statement) link(e *ent.TableEdge, alias, parent string) {
	if e.JoinTable != "" {
		s.column(alias, "id")
		s.b.WriteString(" IN (SELECT ").WriteString(s.b.Quote(e.JoinTargetColumn)).
			WriteString(" FROM ").WriteString(s.b.Quote(e.JoinTable)).
			WriteString(" WHERE ").WriteString(s.b.Quote(e.JoinColumn)).WriteString(" = ")
		s.column(parent, "id")
		s.b.WriteByte(')')
		return
	}
	s.column(alias, e.TargetColumn)
	s.b.WriteString(" = ")
	s.column(parent, "id")
}

// conditions writes WHERE: under the parent's record, and the page's filter.
func (s *statement) conditions(c *connection, alias, parent string) {
	if c.edge == nil {
		s.where(c, alias, "WHERE")
		return
	}
	s.b.WriteString(" WHERE ")
	s.link(c.edge, alias, parent)
	s.where(c, alias, "AND")
}

// page writes [count, rows] of a page under the parent's row (or at the root).
func (s *statement) page(c *connection, parent string) {
	o := c.obj
	s.array(2, func(i int) {
		switch {
		case i == 0 && c.count:
			s.b.WriteString("(SELECT count(*)")
			s.from(o.table.Name, o.alias)
			s.conditions(c, o.alias, parent)
			s.b.WriteByte(')')
		case i == 0:
			s.b.WriteString("NULL")
		case !c.reads():
			s.emptyArray()
		default:
			s.json(func() {
				s.b.WriteString("SELECT json_group_array(")
				s.row(o)
				s.b.WriteString(" ORDER BY ")
				s.order(c)
				s.b.WriteString(") FROM (SELECT ")
				for i, col := range s.read(o, c) {
					if i > 0 {
						s.b.WriteString(", ")
					}
					s.column(o.alias, col)
				}
				s.from(o.table.Name, o.alias)
				s.conditions(c, o.alias, parent)
				s.b.WriteString(" ORDER BY ")
				s.order(c)
				s.b.WriteString(" LIMIT ").WriteString(itoa(c.limit()))
				s.b.WriteString(") AS ").WriteString(o.alias)
			})
		}
	})
}
