package onestatement

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/mattn/go-sqlite3"

	"github.com/accountplan/accountplan/ent"
	gqlscalar "github.com/accountplan/accountplan/graph/scalar"
)

// answer runs the statement and writes the answer's data; false when the
// rows say the usual way must answer (a node that is not there).
func (r *Reader) answer(ctx context.Context, p *plan) ([]byte, bool) {
	if r.large != nil && p.size.Load() > largeAnswer {
		select {
		case r.large <- struct{}{}:
			defer func() { <-r.large }()
		case <-ctx.Done():
			return nil, false
		}
	}
	var rows sql.Rows
	stmt, args := r.run(p)
	if err := r.drv.Query(ctx, stmt, args, &rows); err != nil {
		return nil, false
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, false
	}
	var raw text
	if err := rows.Scan(&raw); err != nil {
		return nil, false
	}
	doc, ok := index(raw)
	if !ok {
		return nil, false
	}
	defer doc.release()
	w := &writer{ctx: ctx, doc: doc, postgres: r.drv.Dialect() == dialect.Postgres}
	w.buf.Grow(room(p.size.Load(), len(raw)))
	if !w.query(p.q, doc.whole()) {
		return nil, false
	}
	p.size.Store(int64(w.buf.Len()))
	return w.buf.Bytes(), rows.Err() == nil
}

// text is the statement's answer as the driver holds it, valid until the rows
// close: go-sqlite3 gives text as a string, which a RawBytes would copy (a
// megabyte for the largest answers), and pgx as bytes. It is only read.
type text []byte

func (t *text) Scan(src any) error {
	switch v := src.(type) {
	case string:
		*t = unsafe.Slice(unsafe.StringData(v), len(v))
	case []byte:
		*t = v
	default:
		*t = nil
	}
	return nil
}

// room is what an answer's buffer starts with: an eighth more than the
// plan's last answer, or, for its first, twice the rows (the answer's keys
// make it larger than they are), so that it is seldom grown and copied.
func room(last int64, rows int) int {
	if last > 0 {
		return int(last + last/8)
	}
	return 2 * rows
}

// writer writes the answer from the statement's JSON.
type writer struct {
	ctx      context.Context
	buf      bytes.Buffer
	doc      *document
	postgres bool
	scratch  [][]span // element lists, one per depth
	depth    int
}

// elements splits a JSON array into its elements, in a list kept for the depth.
func (w *writer) elements(v span) ([]span, bool) {
	for w.depth >= len(w.scratch) {
		w.scratch = append(w.scratch, nil)
	}
	list, ok := w.doc.elements(v, w.scratch[w.depth][:0])
	w.scratch[w.depth] = list
	return list, ok
}

// windowed tells the rows that end with their page's count (see statement.windowed).
func (w *writer) windowed(o *object) bool { return w.postgres && o.counted }

// slots splits a row of an object into its slots; a counted row's count after them is left out.
func (w *writer) slots(o *object, row span) ([]span, bool) {
	slots, ok := w.elements(row)
	if w.windowed(o) {
		if !ok || len(slots) != len(o.slots)+1 {
			return nil, false
		}
		return slots[:len(o.slots)], true
	}
	return slots, ok && len(slots) == len(o.slots)
}

// element is the i-th element of a JSON array.
func (w *writer) element(v span, i int) (span, bool) {
	w.depth++
	defer func() { w.depth-- }()
	list, ok := w.elements(v)
	if !ok || i >= len(list) {
		return span{}, false
	}
	return list[i], true
}

// rowsCount is the count a page's first counted row ends with, 0 when it has none.
func (w *writer) rowsCount(o *object, rows []span) ([]byte, bool) {
	if len(rows) == 0 {
		return zeroNumber, true
	}
	n, ok := w.element(rows[0], len(o.slots))
	return w.doc.bytes(n), ok
}

func (w *writer) query(q *query, raw span) bool {
	roots, ok := w.elements(raw)
	if !ok || len(roots) != len(q.roots) {
		return false
	}
	roots = append([]span(nil), roots...)
	return w.members(len(q.roots), func(i int) string { return q.roots[i].key }, func(i int) bool {
		switch rt := q.roots[i]; rt.kind {
		case rootConnection:
			return w.connection(rt.conn, roots[i])
		case rootNode:
			return !w.isNull(roots[i]) && w.object(rt.node.sel, roots[i])
		}
		w.buf.WriteString(`"Query"`)
		return true
	})
}

// members writes a JSON object of n members: each one's response key (quoted
// with its colon by head), then what value writes; false as soon as a value
// cannot be written.
func (w *writer) members(n int, key func(i int) string, value func(i int) bool) bool {
	w.buf.WriteByte('{')
	for i := range n {
		if i > 0 {
			w.buf.WriteByte(',')
		}
		w.buf.WriteString(key(i))
		if !value(i) {
			return false
		}
	}
	w.buf.WriteByte('}')
	return true
}

// object writes one row as the selection asks.
func (w *writer) object(s *selection, row span) bool {
	w.depth++
	defer func() { w.depth-- }()
	slots, ok := w.slots(s.obj, row)
	if !ok {
		return false
	}
	return w.members(len(s.fields), func(i int) string { return s.fields[i].key }, func(i int) bool {
		switch f := s.fields[i]; f.kind {
		case fieldScalar:
			v := w.doc.bytes(slots[f.slot])
			if f.zero && isNull(v) {
				v = zeroValue(f.scalar)
			}
			if isNull(v) {
				w.buf.WriteString("null")
				return f.null
			}
			return w.scalar(f.scalar, v, f.null)
		case fieldOne:
			v := slots[f.slot]
			if w.isNull(v) {
				w.buf.WriteString("null")
				return f.null
			}
			return w.object(f.one, v)
		case fieldConnection:
			v := slots[f.slot]
			if c := f.conn.conn; !w.postgres && tallied(c) && c.shared {
				var ok bool
				if v, ok = w.element(slots[c.tally], c.member); !ok {
					return false
				}
			}
			return w.connection(f.conn, v)
		default: // __typename has no slot: a row of __typename alone is empty
			w.buf.WriteString(f.name)
			return true
		}
	})
}

// zeroValue is the JSON of the value ent reads NULL as into a field that is
// not a pointer (an optional field without Nillable): "", 0, false, the zero
// time; null for an ID, which is never NULL.
func zeroValue(kind scalar) []byte {
	switch kind {
	case scalarInt, scalarFloat:
		return zeroNumber
	case scalarBool:
		return zeroBool
	case scalarString:
		return zeroString
	}
	return nullValue
}

var zeroNumber, zeroBool, zeroString, nullValue = []byte("0"), []byte("false"), []byte(`""`), []byte("null")

// scalar writes a column's value as the field's marshaller does; null tells
// whether the field may be null.
func (w *writer) scalar(kind scalar, v []byte, null bool) bool {
	switch kind {
	case scalarID:
		w.buf.WriteByte('"')
		w.buf.Write(v)
		w.buf.WriteByte('"')
	case scalarInt:
		w.buf.Write(v)
	case scalarString:
		if bytes.IndexByte(v, '\\') < 0 {
			w.buf.Write(v)
			break
		}
		// The databases escape control characters their own ways (\b, \u001f): write them as the resolvers do (\u0008, \u001F).
		s, ok := unquote(v)
		if !ok {
			return false
		}
		gqlscalar.MarshalString(s).MarshalGQL(&w.buf)
	case scalarBool:
		switch string(v) {
		case "true", "1":
			w.buf.WriteString("true")
		case "false", "0":
			w.buf.WriteString("false")
		default:
			return false
		}
	case scalarFloat:
		f, ok := w.float(v)
		if !ok {
			return false
		}
		if err := graphql.MarshalFloatContext(f).MarshalGQLContext(w.ctx, &w.buf); err != nil {
			return false
		}
	case scalarTime:
		t, ok := w.time(v)
		if !ok {
			return false
		}
		if t.IsZero() {
			// The Time marshaller writes the zero time as null, as a missing one.
			if !null {
				return false
			}
			w.buf.WriteString("null")
			break
		}
		w.buf.WriteByte('"')
		w.buf.Write(t.AppendFormat(w.buf.AvailableBuffer(), time.RFC3339Nano))
		w.buf.WriteByte('"')
	}
	return true
}

func (w *writer) float(v []byte) (float64, bool) {
	s := string(v)
	if !w.postgres {
		s = strings.Trim(s, `"`)
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// time reads a time as the driver would: pgx gives local times; the SQLite
// driver parses the stored text as UTC unless it names its offset.
func (w *writer) time(v []byte) (time.Time, bool) {
	if w.postgres {
		us, err := strconv.ParseInt(string(v), 10, 64)
		return time.UnixMicro(us), err == nil
	}
	s, ok := unquote(v)
	if !ok {
		return time.Time{}, false
	}
	s = strings.TrimSuffix(s, "Z")
	for _, format := range sqlite3.SQLiteTimestampFormats {
		if t, err := time.ParseInLocation(format, s, time.UTC); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// connection writes a page from its value: [count, rows], the count alone
// when it reads no rows, the rows alone when it counts none or when they
// carry the count.
func (w *writer) connection(out *connOut, v span) bool {
	c := out.conn
	windowed := w.windowed(c.obj)
	// The parts, then the rows, stay in their depths' lists while the objects below use deeper ones.
	w.depth++
	defer func() { w.depth-- }()
	count, rowsRaw := v, v
	if c.count && c.reads() && !windowed {
		parts, ok := w.elements(v)
		if !ok || len(parts) != 2 {
			return false
		}
		count, rowsRaw = parts[0], parts[1]
	}
	w.depth++
	defer func() { w.depth-- }()
	var rows []span
	if c.reads() {
		var ok bool
		if rows, ok = w.elements(rowsRaw); !ok {
			return false
		}
		if c.last && w.postgres {
			slices.Reverse(rows) // read in the reverse order (statement.rows)
		}
	}
	total := w.doc.bytes(count)
	if windowed {
		var ok bool
		if total, ok = w.rowsCount(c.obj, rows); !ok {
			return false
		}
	}
	more := len(rows) > c.size
	// Past a cursor the pager tells pageInfo from the row past the page, and
	// from the cursors given, unless at the root it reads no rows: then from the count.
	pager := c.paged() && (c.reads() || c.edge != nil)
	if c.count && !pager {
		n, err := strconv.Atoi(string(total))
		if err != nil {
			return false
		}
		more = n > c.size || c.paged() && n > 0
	}
	// The row past the page comes after it, or before it in a last page.
	switch {
	case len(rows) > c.size && c.last:
		rows = rows[len(rows)-c.size:]
	case len(rows) > c.size:
		rows = rows[:c.size]
	}
	info := pageFlags{next: more && !c.last, previous: more && c.last}
	if pager {
		// A page before a cursor has records after it, one after a cursor records before it.
		info.next, info.previous = info.next || c.before, info.previous || c.after
	}
	return w.connectionFields(out, total, rows, info)
}

// pageFlags are a page's hasNextPage and hasPreviousPage.
type pageFlags struct{ next, previous bool }

func (w *writer) connectionFields(out *connOut, total []byte, rows []span, info pageFlags) bool {
	return w.members(len(out.fields), func(i int) string { return out.fields[i].key }, func(i int) bool {
		switch f := out.fields[i]; f.kind {
		case connTypename:
			w.buf.WriteString(f.name)
		case connTotal:
			w.buf.Write(total)
		case connPageInfo:
			cursors := rows
			if !out.edges {
				cursors = nil
			}
			return w.pageInfo(f.info, out.conn, cursors, info)
		case connEdges:
			w.buf.WriteByte('[')
			for j, row := range rows {
				if j > 0 {
					w.buf.WriteByte(',')
				}
				if !w.edge(f.edges, out.conn, row) {
					return false
				}
			}
			w.buf.WriteByte(']')
		}
		return true
	})
}

func (w *writer) edge(fields []edgeField, c *connection, row span) bool {
	return w.members(len(fields), func(i int) string { return fields[i].key }, func(i int) bool {
		switch f := fields[i]; f.kind {
		case edgeCursor:
			return w.cursor(c, row)
		case edgeNode:
			return w.object(f.node, row)
		default:
			w.buf.WriteString(f.name)
			return true
		}
	})
}

func (w *writer) pageInfo(fields []infoField, c *connection, rows []span, info pageFlags) bool {
	return w.members(len(fields), func(i int) string { return fields[i].key }, func(i int) bool {
		switch f := fields[i]; f.kind {
		case infoTypename:
			w.buf.WriteString(f.name)
		case infoHasNext:
			w.buf.WriteString(strconv.FormatBool(info.next))
		case infoHasPrevious:
			w.buf.WriteString(strconv.FormatBool(info.previous))
		case infoStart, infoEnd:
			if len(rows) == 0 {
				w.buf.WriteString("null")
			} else if f.kind == infoStart {
				return w.cursor(c, rows[0])
			} else {
				return w.cursor(c, rows[len(rows)-1])
			}
		}
		return true
	})
}

// cursor writes a row's cursor as the pager makes it: its ID and the values
// of the order fields, typed as the record holds them.
func (w *writer) cursor(c *connection, row span) bool {
	w.depth++
	defer func() { w.depth-- }()
	slots, ok := w.slots(c.obj, row)
	if !ok {
		return false
	}
	id, err := strconv.Atoi(string(w.doc.bytes(slots[c.cursor[0]])))
	if err != nil {
		return false
	}
	values := make([]any, 0, len(c.order))
	for i, o := range c.order {
		v, ok := w.cursorValue(o.Kind, o.Nillable, w.doc.bytes(slots[c.cursor[i+1]]))
		if !ok {
			return false
		}
		values = append(values, v)
	}
	gqlscalar.Cursor(entgql.Cursor[int]{ID: id, Value: values}).MarshalGQL(&w.buf)
	return true
}

func (w *writer) cursorValue(kind ent.ColumnKind, nillable bool, v []byte) (any, bool) {
	if isNull(v) && nillable {
		return nil, true
	}
	if isNull(v) {
		return zeroCursorValue(kind)
	}
	switch kind {
	case ent.ColumnString:
		return unquote(v)
	case ent.ColumnInt:
		n, err := strconv.Atoi(string(v))
		return n, err == nil
	case ent.ColumnInt64:
		n, err := strconv.ParseInt(string(v), 10, 64)
		return n, err == nil
	case ent.ColumnFloat:
		return w.float(v)
	case ent.ColumnBool:
		return string(v) == "true" || string(v) == "1", true
	case ent.ColumnTime:
		return w.time(v)
	}
	return nil, false
}

// zeroCursorValue is the value of an order field that is not a pointer when its column is NULL.
func zeroCursorValue(kind ent.ColumnKind) (any, bool) {
	switch kind {
	case ent.ColumnString:
		return "", true
	case ent.ColumnInt:
		return 0, true
	case ent.ColumnInt64:
		return int64(0), true
	case ent.ColumnFloat:
		return float64(0), true
	case ent.ColumnBool:
		return false, true
	case ent.ColumnTime:
		return time.Time{}, true
	}
	return nil, false
}

func isNull(v []byte) bool { return string(v) == "null" }

func (w *writer) isNull(v span) bool { return isNull(w.doc.bytes(v)) }

// unquote reads a JSON string.
func unquote(v []byte) (string, bool) {
	if len(v) < 2 || v[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(v, '\\') < 0 {
		return string(v[1 : len(v)-1]), true
	}
	var s string
	return s, json.Unmarshal(v, &s) == nil
}
