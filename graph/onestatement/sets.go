package onestatement

import "slices"

// level is a part of the answer whose rows the statement reads: a page of a
// connection (at the root or under each parent), the records of a to-one
// edge, or node(id:). Each is read once, as a set for all its parents.
type level struct {
	obj    *object
	conn   *connection // a page; nil for a to-one edge or a node
	one    *toOne      // a to-one edge
	node   *nodeRoot   // node(id:)
	parent *level
	kids   []*level // the levels read below it
	// below holds the level each connection or to-one slot of obj reads, or nil.
	below map[int]*level
	// counts are the totalCounts asked under its rows, one statement part per table and key.
	counts []*counts
}

// counts are the totalCounts of pages of one table under the same parents,
// counted in one pass, each with its filter.
type counts struct {
	name  string
	pages []*connection
}

// column is the CTE column of a page's count.
func (c *counts) column(page *connection) string { return c.name + ".n_" + page.obj.alias }

// countOf is the counts a page's totalCount is in.
func (l *level) countOf(page *connection) *counts {
	for _, c := range l.counts {
		if slices.Contains(c.pages, page) {
			return c
		}
	}
	return nil
}

// reads tells whether a page's rows are read at all.
func (c *connection) reads() bool { return c.rows && c.limit() > 0 }

// limit is the rows a page reads per parent: first, and one past it when
// only that row can tell hasNextPage.
func (c *connection) limit() int {
	if c.more && !c.count {
		return c.first + 1
	}
	return c.first
}

// levels is the tree of levels a root reads, or nil when it reads no rows.
func levels(rt root) *level {
	switch rt.kind {
	case rootConnection:
		if !rt.conn.conn.reads() {
			return nil
		}
		return grow(&level{obj: rt.conn.conn.obj, conn: rt.conn.conn})
	case rootNode:
		return grow(&level{obj: rt.node.obj, node: rt.node})
	}
	return nil
}

// grow adds the levels read below l.
func grow(l *level) *level {
	l.below = map[int]*level{}
	byTable := map[string]*counts{}
	for _, sl := range l.obj.slots {
		if sl.conn == nil || !sl.conn.count {
			continue
		}
		key := sl.conn.obj.table.Name + "." + sl.conn.edge.TargetColumn
		if sl.conn.edge.JoinTable != "" {
			key = sl.conn.obj.alias // a join table's pages are counted alone
		}
		c := byTable[key]
		if c == nil {
			c = &counts{name: count(sl.conn.obj)}
			byTable[key] = c
			l.counts = append(l.counts, c)
		}
		c.pages = append(c.pages, sl.conn)
	}
	for i, sl := range l.obj.slots {
		var k *level
		switch {
		case sl.conn != nil && sl.conn.reads():
			k = &level{obj: sl.conn.obj, conn: sl.conn}
		case sl.one != nil:
			k = &level{obj: sl.one.obj, one: sl.one}
		default:
			continue
		}
		k.parent = l
		l.kids = append(l.kids, grow(k))
		l.below[i] = k
	}
	return l
}

func set(o *object) string   { return "s_" + o.alias }
func count(o *object) string { return "c_" + o.alias }
func rows(o *object) string  { return "j_" + o.alias }

// sets writes the query as one statement that reads each level once for all
// its parents: first the rows of every level (a CTE each, numbered per parent),
// then the counts of every nested connection, then the JSON of every level
// below the roots, built bottom-up and joined to its parents by key. The
// statement's one value is a JSON array, an element per root field: a
// connection is [count, rows], a record is its row, a row is the array of
// its object's slots.
func (s *statement) sets(q *query) {
	trees := make([]*level, len(q.roots))
	for i, rt := range q.roots {
		trees[i] = levels(rt)
	}
	first := true
	cte := func(name string, body func()) {
		if first {
			s.b.WriteString("WITH ")
			first = false
		} else {
			s.b.WriteString(", ")
		}
		s.b.WriteString(name).WriteString(" AS (")
		body()
		s.b.WriteByte(')')
	}
	var walk func(l *level, pre, post func(*level))
	walk = func(l *level, pre, post func(*level)) {
		if l == nil {
			return
		}
		pre(l)
		for _, k := range l.kids {
			walk(k, pre, post)
		}
		post(l)
	}
	none := func(*level) {}
	for _, t := range trees {
		walk(t, func(l *level) { cte(set(l.obj), func() { s.setOf(l) }) }, none)
	}
	for _, t := range trees {
		walk(t, func(l *level) {
			for _, c := range l.counts {
				cte(c.name, func() { s.countUnder(c, l) })
			}
		}, none)
	}
	for _, t := range trees {
		walk(t, none, func(l *level) {
			if l.parent != nil {
				cte(rows(l.obj), func() { s.rowsOf(l) })
			}
		})
	}
	if !first {
		s.b.WriteByte(' ')
	}
	s.b.WriteString("SELECT ")
	s.array(len(q.roots), func(i int) {
		switch rt, l := q.roots[i], trees[i]; rt.kind {
		case rootConnection:
			c := rt.conn.conn
			s.array(2, func(j int) {
				switch {
				case j == 0 && c.count:
					s.b.WriteString("(SELECT count(*)")
					s.from(c.obj.table.Name, c.obj.alias)
					s.where(c, c.obj.alias, "WHERE")
					s.b.WriteByte(')')
				case j == 0:
					s.b.WriteString("NULL")
				case l == nil:
					s.emptyArray()
				default:
					s.json(func() {
						s.b.WriteString("SELECT ")
						s.aggregate(l)
						s.b.WriteString(" FROM ").WriteString(set(l.obj))
						s.joins(l)
					})
				}
			})
		case rootNode:
			s.json(func() {
				s.b.WriteString("SELECT ")
				s.rowOf(l)
				s.b.WriteString(" FROM ").WriteString(set(l.obj))
				s.joins(l)
			})
		default:
			s.b.WriteString("NULL")
		}
	})
}

// setOf writes the rows of a level: its columns, and for a page the key of
// its parent (_p) and its place under it (_rn).
func (s *statement) setOf(l *level) {
	o := l.obj
	cols := func() {
		for i, col := range s.read(o, l.conn) {
			if i > 0 {
				s.b.WriteString(", ")
			}
			s.column(o.alias, col)
		}
	}
	switch {
	case l.node != nil:
		s.b.WriteString("SELECT ")
		cols()
		s.from(o.table.Name, o.alias)
		s.b.WriteString(" WHERE ")
		s.column(o.alias, "id")
		s.b.WriteString(" = ")
		s.b.Arg(l.node.id)
	case l.one != nil:
		s.b.WriteString("SELECT ")
		cols()
		s.from(o.table.Name, o.alias)
		s.b.WriteString(" WHERE ")
		s.column(o.alias, "id")
		s.in(func() {
			s.b.WriteString("SELECT ").WriteString(s.b.Quote(l.one.edge.Column)).WriteString(" FROM ").WriteString(set(l.parent.obj))
		})
	case l.parent == nil:
		s.b.WriteString("SELECT ").WriteString(o.alias).WriteString(".*, row_number() OVER (ORDER BY ")
		s.order(l.conn)
		s.b.WriteString(") AS _rn FROM (SELECT ")
		cols()
		s.from(o.table.Name, o.alias)
		s.where(l.conn, o.alias, "WHERE")
		s.b.WriteString(" ORDER BY ")
		s.order(l.conn)
		s.b.WriteString(" LIMIT ").WriteString(itoa(l.conn.limit())).WriteString(") AS ").WriteString(o.alias)
	default:
		s.b.WriteString("SELECT * FROM (SELECT ")
		cols()
		s.b.WriteString(", ")
		s.parentKey(l.conn)
		s.b.WriteString(" AS _p, row_number() OVER (PARTITION BY ")
		s.parentKey(l.conn)
		s.b.WriteString(" ORDER BY ")
		s.order(l.conn)
		s.b.WriteString(") AS _rn")
		s.under(l.conn, l.parent)
		s.b.WriteString(") AS ").WriteString(o.alias).WriteString(" WHERE _rn <= ").WriteString(itoa(l.conn.limit()))
	}
}

// parentKey is the column of a nested page's records that names their parent.
func (s *statement) parentKey(c *connection) {
	if c.edge.JoinTable != "" {
		s.b.WriteString("m_").WriteString(c.obj.alias).WriteByte('.').WriteString(s.b.Quote(c.edge.JoinColumn))
		return
	}
	s.column(c.obj.alias, c.edge.TargetColumn)
}

// under writes FROM and WHERE of a nested page's records under the rows of
// the parent level, with the page's filter.
func (s *statement) under(c *connection, parent *level) {
	s.parents(c, parent)
	s.where(c, c.obj.alias, "AND")
}

// parents writes FROM and WHERE of a nested page's records under the rows of the parent level.
func (s *statement) parents(c *connection, parent *level) {
	o := c.obj
	s.from(o.table.Name, o.alias)
	if c.edge.JoinTable != "" {
		s.b.WriteString(" JOIN ").WriteString(s.b.Quote(c.edge.JoinTable)).WriteString(" AS m_").WriteString(o.alias).
			WriteString(" ON m_").WriteString(o.alias).WriteByte('.').WriteString(s.b.Quote(c.edge.JoinTargetColumn)).WriteString(" = ")
		s.column(o.alias, "id")
	}
	s.b.WriteString(" WHERE ")
	s.parentKey(c)
	s.in(func() {
		s.b.WriteString("SELECT id FROM ").WriteString(set(parent.obj))
		if parent.conn != nil {
			// Only the shown rows have pages below; the row past them only tells hasNextPage.
			s.b.WriteString(" WHERE _rn <= ").WriteString(itoa(parent.conn.first))
		}
	})
}

// in writes " IN" the keys a subquery selects. PostgreSQL gets them as an
// array (= ANY), which it looks up in an index, where for IN it estimates the
// rows of a CTE and may read the whole table instead.
func (s *statement) in(keys func()) {
	if s.postgres {
		s.b.WriteString(" = ANY(ARRAY(")
		keys()
		s.b.WriteString("))")
		return
	}
	s.b.WriteString(" IN (")
	keys()
	s.b.WriteByte(')')
}

// countUnder writes the counts of pages of one table per parent, in one pass
// over the parents' records, each page's with its filter.
func (s *statement) countUnder(c *counts, parent *level) {
	first := c.pages[0]
	s.b.WriteString("SELECT ")
	s.parentKey(first)
	s.b.WriteString(" AS _p")
	for _, page := range c.pages {
		s.b.WriteString(", count(*)")
		if p := s.predicate(page, first.obj.alias); p != nil {
			s.b.WriteString(" FILTER (WHERE ")
			s.b.Join(p)
			s.b.WriteByte(')')
		}
		s.b.WriteString(" AS n_").WriteString(page.obj.alias)
	}
	s.parents(first, parent)
	s.b.WriteString(" GROUP BY ")
	s.parentKey(first)
}

// rowsOf writes the JSON of a level below the roots: a page's rows
// aggregated per parent, or each record's row by its ID.
func (s *statement) rowsOf(l *level) {
	if l.conn != nil {
		s.b.WriteString("SELECT ").WriteString(set(l.obj)).WriteString("._p, ")
		s.aggregate(l)
		s.b.WriteString(" AS rows FROM ").WriteString(set(l.obj))
		s.joins(l)
		s.b.WriteString(" GROUP BY ").WriteString(set(l.obj)).WriteString("._p")
		return
	}
	s.b.WriteString("SELECT ").WriteString(set(l.obj)).WriteString(".id, ")
	s.rowOf(l)
	s.b.WriteString(" AS row FROM ").WriteString(set(l.obj))
	s.joins(l)
}

// aggregate writes the JSON array of a page's rows, in their order.
func (s *statement) aggregate(l *level) {
	if s.postgres {
		s.b.WriteString("coalesce(json_agg(")
	} else {
		s.b.WriteString("json_group_array(")
	}
	s.rowOf(l)
	s.b.WriteString(" ORDER BY ").WriteString(set(l.obj)).WriteString("._rn")
	if s.postgres {
		s.b.WriteString("), '[]'::json)")
	} else {
		s.b.WriteByte(')')
	}
}

// rowOf writes the JSON array of a row's slots, from its level's set and the
// JSON of the levels below, joined by joins.
func (s *statement) rowOf(l *level) {
	o := l.obj
	s.array(len(o.slots), func(i int) {
		sl := o.slots[i]
		k := l.below[i]
		switch {
		case sl.conn != nil:
			s.array(2, func(j int) {
				switch {
				case j == 0 && sl.conn.count:
					s.b.WriteString("coalesce(").WriteString(l.countOf(sl.conn).column(sl.conn)).WriteString(", 0)")
				case j == 0:
					s.b.WriteString("NULL")
				case k == nil:
					s.emptyArray()
				default:
					s.embed(rows(k.obj)+".rows", true)
				}
			})
		case sl.one != nil:
			s.embed(rows(k.obj)+".row", false)
		default:
			s.value(set(o), sl.column, sl.kind)
		}
	})
}

// embed writes a JSON column of a CTE into a row: SQLite reads it as text
// unless told; a missing page is an empty list.
func (s *statement) embed(column string, list bool) {
	switch {
	case s.postgres && list:
		s.b.WriteString("coalesce(").WriteString(column).WriteString(", '[]'::json)")
	case s.postgres:
		s.b.WriteString(column)
	case list:
		s.b.WriteString("json(coalesce(").WriteString(column).WriteString(", '[]'))")
	default:
		s.b.WriteString("json(").WriteString(column).WriteByte(')')
	}
}

// joins writes the joins of a level's set to the counts and JSON of the levels below.
func (s *statement) joins(l *level) {
	self := set(l.obj)
	for _, c := range l.counts {
		s.b.WriteString(" LEFT JOIN ").WriteString(c.name).WriteString(" ON ").WriteString(c.name).WriteString("._p = ").WriteString(self).WriteString(".id")
	}
	for i, sl := range l.obj.slots {
		k := l.below[i]
		switch {
		case sl.conn != nil:
			if k != nil {
				name := rows(k.obj)
				s.b.WriteString(" LEFT JOIN ").WriteString(name).WriteString(" ON ").WriteString(name).WriteString("._p = ").WriteString(self).WriteString(".id")
			}
		case sl.one != nil:
			name := rows(k.obj)
			s.b.WriteString(" LEFT JOIN ").WriteString(name).WriteString(" ON ").WriteString(name).WriteString(".id = ")
			s.column(self, sl.one.edge.Column)
		}
	}
}
