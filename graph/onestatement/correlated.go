package onestatement

import "github.com/accountplan/accountplan/ent"

// correlated writes the query as one SELECT whose levels are subqueries
// under each parent row, which both databases run as a lookup in the index
// of the parent's key. On PostgreSQL the records of a row's to-one edges and
// the totalCounts of its pages that read no rows are lateral subqueries
// (laterals); a page that reads rows counts them in a window.
//
// On SQLite the root array is joined as text: json_array(json(page)) would
// parse the whole answer and write it twice more, three copies of the
// largest answers held at once on every connection.
func (s *statement) correlated(q *query) {
	s.b.WriteString("SELECT ")
	if s.postgres {
		s.array(len(q.roots), func(i int) { s.root(q.roots[i]) })
		return
	}
	s.b.WriteString("'['")
	for i, rt := range q.roots {
		if i > 0 {
			s.b.WriteString(" || ','")
		}
		s.b.WriteString(" || ifnull(")
		if c := rt.conn; rt.kind == rootConnection && c.conn.reads() && !c.conn.count {
			s.b.WriteByte('(')
			s.rows(c.conn, nil)
			s.b.WriteByte(')')
		} else {
			s.root(rt)
		}
		s.b.WriteString(", 'null')")
	}
	s.b.WriteString(" || ']'")
}

// root writes a root field's element of the answer: its page, its node's row,
// or NULL for the writer to fill (__typename).
func (s *statement) root(rt root) {
	switch rt.kind {
	case rootConnection:
		s.page(rt.conn.conn, nil)
	case rootNode:
		s.json(func() { s.record(rt.node.obj, func() { s.b.Arg(nodeID(rt.node.id)) }) })
	default:
		s.b.WriteString("NULL")
	}
}

// row writes the JSON array of an object's slots, and on PostgreSQL the
// page's totalCount after them in a counted row.
func (s *statement) row(o *object) {
	n := len(o.slots)
	if s.windowed(o) {
		n++
	}
	s.array(n, func(i int) {
		if i == len(o.slots) {
			s.b.WriteString(o.alias).WriteString(".n_").WriteString(o.alias)
			return
		}
		switch sl := o.slots[i]; {
		case sl.conn != nil:
			s.page(sl.conn, o)
		case sl.one != nil && s.postgres:
			s.b.WriteString(joined(sl.one.obj)).WriteString(".r")
		case sl.one != nil:
			s.json(func() { s.record(sl.one.obj, func() { s.column(o.alias, sl.one.edge.Column) }) })
		default:
			s.value(o.alias, sl.column, sl.kind)
		}
	})
}

// record writes the subquery of the row of the record whose ID id writes
// (node(id:), or a to-one edge's key in its parent's row), as r.
func (s *statement) record(o *object, id func()) {
	s.b.WriteString("SELECT ")
	s.row(o)
	s.b.WriteString(" AS r")
	s.from(o.table.Name, o.alias)
	s.laterals(o)
	s.b.WriteString(" WHERE ")
	s.column(o.alias, "id")
	s.b.WriteString(" = ")
	id()
}

// link writes the condition that a record of alias is under the parent's
// record: it holds the parent's ID, or a row of a join table joins them.
func (s *statement) link(e *ent.TableEdge, alias, parent string) {
	if e.JoinTable == "" {
		s.column(alias, e.TargetColumn)
		s.b.WriteString(" = ")
		s.column(parent, "id")
		return
	}
	join := "j_" + alias
	s.column(alias, "id")
	s.b.WriteString(" IN (SELECT ")
	s.column(join, e.JoinTargetColumn)
	s.from(e.JoinTable, join)
	s.b.WriteString(" WHERE ")
	s.column(join, e.JoinColumn)
	s.b.WriteString(" = ")
	s.column(parent, "id")
	s.b.WriteByte(')')
}

// conditions writes WHERE: under the parent's record, and the page's
// filter; for its rows, past its cursors too (a count counts the whole list).
func (s *statement) conditions(c *connection, parent *object, rows bool) {
	if parent == nil {
		s.where(c, c.obj.alias, "WHERE", rows)
		return
	}
	s.b.WriteString(" WHERE ")
	s.link(c.edge, c.obj.alias, parent.alias)
	s.where(c, c.obj.alias, "AND", rows)
}

// page writes a page under the parent's row (or at the root, without one):
// [count, rows], the count alone when it reads no rows, the rows alone when
// it counts none or when its rows carry the count.
func (s *statement) page(c *connection, parent *object) {
	switch {
	case s.windowed(c.obj):
		s.json(func() { s.rows(c, parent) })
	case c.count && c.reads():
		s.array(2, func(i int) {
			if i == 0 {
				s.count(c, parent)
			} else {
				s.json(func() { s.rows(c, parent) })
			}
		})
	case c.count:
		s.count(c, parent)
	case c.reads():
		s.json(func() { s.rows(c, parent) })
	default:
		s.emptyArray()
	}
}

// count writes a page's totalCount: under a parent's row, a tallied page's
// from its tally (on SQLite, where the tally is shared, its first page holds
// the JSON array of all its counts, the others NULL), any other's in a subquery.
func (s *statement) count(c *connection, parent *object) {
	o := c.obj
	switch {
	case parent != nil && tallied(c) && s.postgres:
		s.b.WriteString(tally(parent, c)).WriteString(".n_").WriteString(o.alias)
	case parent != nil && tallied(c) && c.shared && parent.slots[c.tally].conn != c:
		s.b.WriteString("NULL")
	case parent != nil && tallied(c) && c.shared:
		s.json(func() {
			s.b.WriteString("SELECT json_array(")
			s.tallyCounts(parent, c)
			s.b.WriteByte(')')
			s.from(o.table.Name, o.alias)
			s.b.WriteString(" WHERE ")
			s.link(c.edge, o.alias, parent.alias)
		})
	default:
		s.b.WriteString("(SELECT count(*)")
		s.from(o.table.Name, o.alias)
		s.conditions(c, parent, false)
		s.b.WriteByte(')')
	}
}

// tallyCounts writes the counts of every tallied page under the parent's
// row on the table and key of the first, each with its filter, in slot order.
func (s *statement) tallyCounts(parent *object, first *connection) {
	n := 0
	for _, sl := range parent.slots {
		c := sl.conn
		if !tallied(c) || !sameTally(c, first) {
			continue
		}
		if n++; n > 1 {
			s.b.WriteString(", ")
		}
		s.b.WriteString("count(*)")
		if p := s.predicate(c, first.obj.alias, false); p != nil {
			s.b.WriteString(" FILTER (WHERE ")
			s.b.Join(p)
			s.b.WriteByte(')')
		}
		if s.postgres {
			s.b.WriteString(" AS n_").WriteString(c.obj.alias)
		}
	}
}

// rows writes a page's rows as one JSON array, in the page's order.
// On PostgreSQL an ARRAY subquery collects them without an aggregate per
// parent's row, and its ORDER BY costs no sort, since the ordered page below
// already gives that order (for a last page, the reverse order, which the
// writer turns); SQLite's json_group_array sorts what it collects.
func (s *statement) rows(c *connection, parent *object) {
	o := c.obj
	if s.postgres {
		s.b.WriteString("array_to_json(ARRAY(SELECT ")
		s.row(o)
	} else {
		s.b.WriteString("SELECT json_group_array(")
		s.row(o)
		s.b.WriteString(" ORDER BY ")
		s.order(c, false)
		s.b.WriteByte(')')
	}
	// PostgreSQL, told to order by the ID and stop after a few rows, may walk
	// the primary key instead of the parent's key; the fence keeps it on the key.
	fence := s.postgres && parent != nil
	s.b.WriteString(" FROM (SELECT ")
	if fence {
		s.b.WriteString("* FROM (SELECT ")
	}
	for i, col := range s.read(o, c) {
		if i > 0 {
			s.b.WriteString(", ")
		}
		s.column(o.alias, col)
	}
	if s.windowed(o) {
		s.b.WriteString(", count(*) OVER () AS n_").WriteString(o.alias)
	}
	s.from(o.table.Name, o.alias)
	s.conditions(c, parent, true)
	if fence {
		s.b.WriteString(" OFFSET 0) AS ").WriteString(o.alias)
	}
	s.b.WriteString(" ORDER BY ")
	s.order(c, c.last)
	s.b.WriteString(" LIMIT ").WriteString(itoa(c.limit()))
	s.b.WriteString(") AS ").WriteString(o.alias)
	s.laterals(o)
	if s.postgres {
		s.b.WriteString(" ORDER BY ")
		s.order(c, c.last)
		s.b.WriteString("))")
	}
}

// windowed tells the rows of a page that count it on PostgreSQL: the fence
// below reads all of a parent's records before the LIMIT, so that a window
// counts them for less than a tally reading them again.
func (s *statement) windowed(o *object) bool { return s.postgres && o.counted }

// tallied tells a page whose count a tally reads.
func tallied(c *connection) bool { return c != nil && c.count && !c.obj.counted }

// tally is the lateral subquery that counts a page under its parent's row:
// the one of the parent's first tallied page on the same table and key.
func tally(parent *object, page *connection) string {
	return "k_" + parent.slots[page.tally].conn.obj.alias
}

func sameTally(a, b *connection) bool { return tallyKey(a) == tallyKey(b) }

// tallyKey is what the pages one tally counts share: their table and how it holds their parent.
func tallyKey(c *connection) string {
	return c.obj.table.Name + "\x00" + c.edge.TargetColumn + "\x00" + c.edge.JoinTable + "\x00" + c.edge.JoinColumn
}

// joined is the lateral subquery that reads a to-one edge's record.
func joined(o *object) string { return "j_" + o.alias }

// laterals writes, on PostgreSQL, what each of the object's rows joins: the
// record of each to-one edge, which PostgreSQL reads for less as a join than
// as a subquery in the row, and tallies.
func (s *statement) laterals(o *object) {
	if !s.postgres {
		return
	}
	s.tallies(o)
	for _, sl := range o.slots {
		if sl.one == nil {
			continue
		}
		s.b.WriteString(" LEFT JOIN LATERAL (")
		s.record(sl.one.obj, func() { s.column(o.alias, sl.one.edge.Column) })
		// The fence keeps the join a nested loop over the parent's rows, in
		// their order, so that the ORDER BY of rows sorts nothing.
		s.b.WriteString(" OFFSET 0) AS ").WriteString(joined(sl.one.obj)).WriteString(" ON true")
	}
}

// tallies writes the totalCounts of the pages under each of the object's
// rows: one lateral subquery per table and key, which counts every page on
// it with its filter in one pass over the row's records, where a subquery
// per page would read them once per page.
func (s *statement) tallies(o *object) {
	for _, sl := range o.slots {
		first := sl.conn
		if !tallied(first) || o.slots[first.tally].conn != first {
			continue
		}
		s.b.WriteString(" CROSS JOIN LATERAL (SELECT ")
		s.tallyCounts(o, first)
		s.from(first.obj.table.Name, first.obj.alias)
		s.b.WriteString(" WHERE ")
		s.link(first.edge, first.obj.alias, o.alias)
		s.b.WriteString(") AS k_").WriteString(first.obj.alias)
	}
}
