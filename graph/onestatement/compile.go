package onestatement

import (
	"context"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/accountplan/accountplan/ent"
)

// maxPage is graph.MaxPageSize: a larger page is refused by the resolvers.
const maxPage = 100

// maxSlots keeps a row's array, and the answer's of the root fields, within PostgreSQL's 100 function arguments.
const maxSlots = 90

// query is a compiled request: its root fields in answer order.
type query struct {
	roots []root
}

type rootKind uint8

const (
	rootTypename rootKind = iota
	rootConnection
	rootNode
)

// root is one root field of the answer.
type root struct {
	key  string
	kind rootKind
	conn *connOut  // rootConnection
	node *nodeRoot // rootNode
}

// nodeRoot is node(id:) on a record of one table.
type nodeRoot struct {
	id  int
	obj *object
	sel *selection
}

// object is the rows of one table as a selection reads them: each row is a
// JSON array of its slots.
type object struct {
	typ   string
	table *ent.Table
	alias string
	slots []slot
	cols  map[string]int // slot of each column read
	// counted tells the rows of a page under a parent that reads its rows and counts
	// them: on PostgreSQL each row ends with the page's totalCount (see windowed).
	counted bool
}

// slot is one element of a row: a column, a connection below, or a to-one edge.
type slot struct {
	column   string
	kind     ent.ColumnKind
	nillable bool
	conn     *connection
	one      *toOne
}

type fieldKind uint8

const (
	fieldTypename fieldKind = iota
	fieldScalar
	fieldConnection
	fieldOne
)

// scalar is how a column is written in the answer.
type scalar uint8

const (
	scalarID scalar = iota
	scalarInt
	scalarFloat
	scalarBool
	scalarString // String, enums, Decimal
	scalarTime
)

// field is one field of an object in the answer.
type field struct {
	key    string
	kind   fieldKind
	name   string // __typename's answer
	slot   int
	scalar scalar
	null   bool // the field may be null
	zero   bool // the column is read into a value, not a pointer: NULL is its zero value
	conn   *connOut
	one    *selection
}

// selection is what one place in the document asks of an object's rows.
type selection struct {
	obj    *object
	fields []field
}

// toOne is a to-one edge read in the row of its parent.
type toOne struct {
	edge ent.TableEdge
	obj  *object
}

// connection is the page of records under a parent (or at the root).
type connection struct {
	edge  *ent.TableEdge // nil at the root
	obj   *object
	where func(*sql.Selector)
	order []ent.TableOrder
	size  int  // first, or last
	last  bool // the page is the last size records: read in the reverse order, answered in the order
	// after and before are the cursors given, and cursors the pager's conditions on the page's rows (not on its count).
	after, before bool
	cursors       []func(*sql.Selector)
	count         bool // totalCount asked, or, at the root, what tells pageInfo of a page with a cursor and no rows
	more          bool // hasNextPage (hasPreviousPage of a last page) asked without the count: one row past the page is read
	rows          bool // edges, a cursor or hasNextPage asked: the page's rows are read
	// cursor holds the slots of the ID and of each order column, once a cursor is asked.
	cursor []int
	// tally is the slot of the parent's first tallied page on the same table and
	// key, member this page's place among them, and shared tells whether there
	// are others: on SQLite the first's slot then holds all their counts.
	tally, member int
	shared        bool
}

// paged tells a page after or before a cursor.
func (c *connection) paged() bool { return c.after || c.before }

// reads tells whether a page's rows are read at all.
func (c *connection) reads() bool { return c.rows && c.limit() > 0 }

// limit is the rows a page reads per parent: its size, and one past it when
// only that row can tell whether there are more.
func (c *connection) limit() int {
	if c.more && (!c.count || c.paged()) {
		return c.size + 1
	}
	return c.size
}

type connFieldKind uint8

const (
	connTypename connFieldKind = iota
	connTotal
	connPageInfo
	connEdges
)

// connOut is what one place in the document asks of a connection.
type connOut struct {
	conn   *connection
	fields []connField
	edges  bool // edges asked: without them the pager reads no rows, and pageInfo has no cursors
}

type connField struct {
	key   string
	kind  connFieldKind
	name  string // __typename's answer
	info  []infoField
	edges []edgeField
}

type infoKind uint8

const (
	infoTypename infoKind = iota
	infoHasNext
	infoHasPrevious
	infoStart
	infoEnd
)

type infoField struct {
	key  string
	kind infoKind
	name string
}

type edgeKind uint8

const (
	edgeTypename edgeKind = iota
	edgeCursor
	edgeNode
)

type edgeField struct {
	key  string
	kind edgeKind
	name string
	node *selection
}

// compiler turns one operation into a query, or says it cannot.
type compiler struct {
	r       *Reader
	ctx     context.Context
	oc      *graphql.OperationContext
	aliases int
	objects []*object
}

func (r *Reader) compile(ctx context.Context, oc *graphql.OperationContext) (*query, bool) {
	c := &compiler{r: r, ctx: ctx, oc: oc}
	q := &query{}
	reads := false
	for _, f := range c.collect(oc.Operation.SelectionSet, "Query") {
		if f.Name == "__typename" {
			q.roots = append(q.roots, root{key: head(f.Alias), kind: rootTypename})
			continue
		}
		def := r.schema.Query.Fields.ForName(f.Name)
		if def == nil {
			return nil, false
		}
		switch {
		case f.Name == "node":
			n, ok := c.node(f)
			if !ok {
				return nil, false
			}
			q.roots = append(q.roots, root{key: head(f.Alias), kind: rootNode, node: n})
		case c.generated(def) && strings.HasSuffix(def.Type.Name(), "Connection") && def.Type.NonNull:
			typ := strings.TrimSuffix(def.Type.Name(), "Connection")
			out, ok := c.connection(f, "Query", typ, nil)
			if !ok {
				return nil, false
			}
			q.roots = append(q.roots, root{key: head(f.Alias), kind: rootConnection, conn: out})
		default:
			return nil, false
		}
		reads = true
	}
	for _, o := range c.objects {
		o.groupTallies()
	}
	// __typename alone reads nothing: the resolvers answer it without a statement.
	return q, reads && len(q.roots) <= maxSlots
}

// groupTallies gives each tallied page under the object's rows its tally:
// the slot of the first tallied page on the same table and key.
func (o *object) groupTallies() {
	firsts := map[string]*connection{}
	members := map[*connection]int{}
	for i, sl := range o.slots {
		p := sl.conn
		if !tallied(p) {
			continue
		}
		key := tallyKey(p)
		first, ok := firsts[key]
		if !ok {
			p.tally = i
			first, firsts[key] = p, p
		}
		p.tally, p.member = first.tally, members[first]
		members[first]++
	}
	for _, sl := range o.slots {
		if p := sl.conn; tallied(p) {
			p.shared = members[o.slots[p.tally].conn] > 1
		}
	}
}

// collect is gqlgen's field collection of a selection set on a type, or nil
// when a field is deferred.
func (c *compiler) collect(set ast.SelectionSet, typ string) []graphql.CollectedField {
	def := c.r.schema.Types[typ]
	if def == nil {
		return nil
	}
	satisfies := append([]string{typ}, def.Interfaces...)
	fields := graphql.CollectFields(c.oc, set, satisfies)
	for _, f := range fields {
		if len(f.Deferrables) > 0 {
			return nil
		}
	}
	return fields
}

// generated tells whether entgql wrote the field's definition, so that
// gqlgen reads it from the ent record (or ent's own Paginate) as stored.
func (c *compiler) generated(def *ast.FieldDefinition) bool {
	return def.Position != nil && def.Position.Src != nil && strings.HasSuffix(def.Position.Src.Name, generatedSource)
}

func (c *compiler) alias() string {
	c.aliases++
	return "t" + itoa(c.aliases)
}

func (c *compiler) newObject(typ string) (*object, bool) {
	t := c.r.tables[typ]
	if t == nil || t.Guarded {
		return nil, false
	}
	o := &object{typ: typ, table: t, alias: c.alias(), cols: map[string]int{}}
	c.objects = append(c.objects, o)
	return o, true
}

// column is the slot of a column of the object, added once.
func (o *object) column(name string, kind ent.ColumnKind, nillable bool) int {
	if i, ok := o.cols[name]; ok {
		return i
	}
	o.slots = append(o.slots, slot{column: name, kind: kind, nillable: nillable})
	o.cols[name] = len(o.slots) - 1
	return len(o.slots) - 1
}

// node compiles node(id:) when every type it asks fields of is one table's.
func (c *compiler) node(f graphql.CollectedField) (*nodeRoot, bool) {
	args, err := c.r.args(c.ctx, "Query", f)
	if err != nil {
		return nil, false
	}
	id, ok := args["id"].(int)
	if !ok {
		return nil, false
	}
	typ := ent.TypeOfID(id)
	if typ == "" {
		return nil, false
	}
	obj, ok := c.newObject(typ)
	if !ok {
		return nil, false
	}
	sel, ok := c.selection(f.Selections, obj)
	if !ok {
		return nil, false
	}
	return &nodeRoot{id: id, obj: obj, sel: sel}, true
}

// selection compiles the fields asked of an object's rows.
func (c *compiler) selection(set ast.SelectionSet, obj *object) (*selection, bool) {
	def := c.r.schema.Types[obj.typ]
	fields := c.collect(set, obj.typ)
	if def == nil || fields == nil {
		return nil, false
	}
	s := &selection{obj: obj}
	for _, f := range fields {
		if f.Name == "__typename" {
			s.fields = append(s.fields, field{key: head(f.Alias), kind: fieldTypename, name: strconv.Quote(obj.typ)})
			continue
		}
		fd := def.Fields.ForName(f.Name)
		if fd == nil || !c.generated(fd) || fd.Type.Elem != nil {
			return nil, false
		}
		if col, ok := obj.table.Columns[f.Name]; ok {
			sc, ok := scalarOf(fd.Type.Name(), col.Kind, c.r.schema)
			if !ok || len(f.Selections) > 0 || len(f.Arguments) > 0 {
				return nil, false
			}
			s.fields = append(s.fields, field{key: head(f.Alias), kind: fieldScalar, slot: obj.column(col.Name, col.Kind, col.Nillable), scalar: sc, null: !fd.Type.NonNull, zero: !col.Nillable})
			continue
		}
		edge, ok := obj.table.Edges[f.Name]
		if !ok {
			return nil, false
		}
		switch {
		case edge.Unique && edge.Column != "" && fd.Type.Name() == edge.Target && len(f.Arguments) == 0:
			child, ok := c.newObject(edge.Target)
			if !ok {
				return nil, false
			}
			sel, ok := c.selection(f.Selections, child)
			if !ok {
				return nil, false
			}
			obj.column(edge.Column, ent.ColumnInt, true)
			obj.slots = append(obj.slots, slot{one: &toOne{edge: edge, obj: child}})
			s.fields = append(s.fields, field{key: head(f.Alias), kind: fieldOne, slot: len(obj.slots) - 1, one: sel, null: !fd.Type.NonNull})
		case edge.Relay && !edge.Unique && fd.Type.Name() == edge.Target+"Connection":
			e := edge
			out, ok := c.connection(f, obj.typ, edge.Target, &e)
			if !ok {
				return nil, false
			}
			obj.slots = append(obj.slots, slot{conn: out.conn})
			s.fields = append(s.fields, field{key: head(f.Alias), kind: fieldConnection, slot: len(obj.slots) - 1, conn: out})
		default:
			return nil, false
		}
		if len(obj.slots) > maxSlots {
			return nil, false
		}
	}
	if len(obj.slots) > maxSlots {
		return nil, false
	}
	return s, true
}

// scalarOf is how a field of a GraphQL type kept in a column of a kind is written.
func scalarOf(gqlType string, kind ent.ColumnKind, schema *ast.Schema) (scalar, bool) {
	switch {
	case gqlType == "ID" && kind == ent.ColumnInt:
		return scalarID, true
	case (gqlType == "Int" || gqlType == "Money") && (kind == ent.ColumnInt || kind == ent.ColumnInt64):
		return scalarInt, true
	case gqlType == "Float" && kind == ent.ColumnFloat:
		return scalarFloat, true
	case gqlType == "Boolean" && kind == ent.ColumnBool:
		return scalarBool, true
	case gqlType == "Time" && kind == ent.ColumnTime:
		return scalarTime, true
	case (gqlType == "String" || gqlType == "Decimal") && kind == ent.ColumnString:
		return scalarString, true
	}
	if def := schema.Types[gqlType]; def != nil && def.Kind == ast.Enum && kind == ent.ColumnString {
		return scalarString, true
	}
	return 0, false
}

// connection compiles a connection field: its arguments and what is asked of it.
func (c *compiler) connection(f graphql.CollectedField, parent, typ string, edge *ent.TableEdge) (*connOut, bool) {
	obj, ok := c.newObject(typ)
	if !ok {
		return nil, false
	}
	args, err := c.r.args(c.ctx, parent, f)
	if err != nil {
		return nil, false
	}
	conn := &connection{edge: edge, obj: obj}
	sizes := 0
	for name, v := range args {
		switch name {
		case "first", "last":
			if isNil(v) {
				continue
			}
			size, ok := v.(*int)
			if !ok || *size < 0 || *size > maxPage {
				return nil, false
			}
			conn.size, conn.last = *size, name == "last"
			sizes++
		case "orderBy":
			if obj.table.Order == nil {
				return nil, false
			}
			order, ok := obj.table.Order(v)
			if !ok || !distinctOrder(order) {
				return nil, false
			}
			conn.order = order
		case "where":
			if obj.table.Where == nil {
				return nil, false
			}
			p, err := obj.table.Where(v)
			if err != nil {
				return nil, false
			}
			conn.where = p
		case "after", "before":
			if isNil(v) {
				continue
			}
			if _, ok := v.(*entgql.Cursor[int]); !ok {
				return nil, false
			}
			conn.after, conn.before = conn.after || name == "after", conn.before || name == "before"
		default:
			return nil, false
		}
	}
	// Neither, or both, the resolvers refuse.
	if sizes != 1 {
		return nil, false
	}
	if conn.paged() && !c.cursorConditions(conn, args) {
		return nil, false
	}
	out := &connOut{conn: conn}
	connType := typ + "Connection"
	for _, cf := range c.collect(f.Selections, connType) {
		switch cf.Name {
		case "__typename":
			out.fields = append(out.fields, connField{key: head(cf.Alias), kind: connTypename, name: strconv.Quote(connType)})
		case "totalCount":
			conn.count = true
			out.fields = append(out.fields, connField{key: head(cf.Alias), kind: connTotal})
		case "pageInfo":
			info, ok := c.pageInfo(cf, conn)
			if !ok {
				return nil, false
			}
			out.fields = append(out.fields, connField{key: head(cf.Alias), kind: connPageInfo, info: info})
		case "edges":
			conn.rows = true
			edges, ok := c.edges(cf, typ, conn)
			if !ok {
				return nil, false
			}
			out.edges = true
			out.fields = append(out.fields, connField{key: head(cf.Alias), kind: connEdges, edges: edges})
		default:
			return nil, false
		}
	}
	if conn.paged() {
		c.pagedInfo(conn, out)
	}
	obj.counted = edge != nil && conn.count && conn.reads() && !conn.paged()
	return out, true
}

// cursorConditions are the pager's conditions for a page after or before a
// cursor: past the cursor's values in the page's order, turned for a last page.
func (c *compiler) cursorConditions(conn *connection, args map[string]any) bool {
	opts := &entgql.MultiCursorsOptions{FieldID: "id", DirectionID: entgql.OrderDirectionAsc}
	if conn.last {
		opts.DirectionID = entgql.OrderDirectionDesc
	}
	for _, o := range conn.order {
		direction := entgql.OrderDirectionAsc
		if o.Desc != conn.last {
			direction = entgql.OrderDirectionDesc
		}
		opts.Fields, opts.Directions = append(opts.Fields, o.Column), append(opts.Directions, direction)
	}
	after, _ := args["after"].(*entgql.Cursor[int])
	before, _ := args["before"].(*entgql.Cursor[int])
	if p, ok := rowPast(after, opts); ok && before == nil {
		conn.cursors = []func(*sql.Selector){p}
		return true
	}
	conditions, err := entgql.MultiCursorsPredicate(after, before, opts)
	conn.cursors = conditions
	return err == nil
}

// rowPast is the pager's condition past a cursor whose order goes one way,
// the ID's included, written as a comparison of rows: (a, b, id) > (x, y, i)
// keeps the rows that a > x OR (a = x AND (b > y OR ...)) keeps, NULLs alike,
// and the databases start the index scan at the cursor, where the pager's
// OR reads the index from its start.
func rowPast(cursor *entgql.Cursor[int], opts *entgql.MultiCursorsOptions) (func(*sql.Selector), bool) {
	if cursor == nil {
		return nil, false
	}
	values, ok := cursor.Value.([]any)
	if !ok || len(values) != len(opts.Fields) || len(values) == 0 {
		return nil, false
	}
	for _, d := range opts.Directions {
		if d != opts.DirectionID {
			return nil, false
		}
	}
	fields := opts.Fields
	if !slices.Contains(fields, opts.FieldID) {
		fields, values = append(slices.Clip(fields), opts.FieldID), append(slices.Clip(values), cursor.ID)
	}
	return func(s *sql.Selector) {
		columns := make([]string, len(fields))
		for i, f := range fields {
			columns[i] = s.C(f)
		}
		if opts.DirectionID == entgql.OrderDirectionAsc {
			s.Where(sql.CompositeGT(columns, values...))
		} else {
			s.Where(sql.CompositeLT(columns, values...))
		}
	}, true
}

// pagedInfo makes a page after or before a cursor read what its pageInfo
// is told from, as the pager tells it: the row past the page when it reads
// rows (edges asked, a size above 0), or else, at the root, the count.
func (c *compiler) pagedInfo(conn *connection, out *connOut) {
	info := false
	for _, f := range out.fields {
		for _, i := range f.info {
			info = info || i.kind == infoHasNext || i.kind == infoHasPrevious
		}
	}
	edges := out.edges && conn.size > 0
	conn.rows, conn.more = edges, info && edges
	if info && !edges && conn.edge == nil {
		conn.count = true
	}
}

func (c *compiler) pageInfo(f graphql.CollectedField, conn *connection) ([]infoField, bool) {
	var info []infoField
	for _, pf := range c.collect(f.Selections, "PageInfo") {
		switch pf.Name {
		case "__typename":
			info = append(info, infoField{key: head(pf.Alias), kind: infoTypename, name: `"PageInfo"`})
		case "hasNextPage":
			if !conn.last {
				conn.more, conn.rows = true, true
			}
			info = append(info, infoField{key: head(pf.Alias), kind: infoHasNext})
		case "hasPreviousPage":
			if conn.last {
				conn.more, conn.rows = true, true
			}
			info = append(info, infoField{key: head(pf.Alias), kind: infoHasPrevious})
		case "startCursor":
			c.cursor(conn)
			info = append(info, infoField{key: head(pf.Alias), kind: infoStart})
		case "endCursor":
			c.cursor(conn)
			info = append(info, infoField{key: head(pf.Alias), kind: infoEnd})
		default:
			return nil, false
		}
	}
	return info, true
}

func (c *compiler) edges(f graphql.CollectedField, typ string, conn *connection) ([]edgeField, bool) {
	var edges []edgeField
	edgeType := typ + "Edge"
	for _, ef := range c.collect(f.Selections, edgeType) {
		switch ef.Name {
		case "__typename":
			edges = append(edges, edgeField{key: head(ef.Alias), kind: edgeTypename, name: strconv.Quote(edgeType)})
		case "cursor":
			c.cursor(conn)
			edges = append(edges, edgeField{key: head(ef.Alias), kind: edgeCursor})
		case "node":
			sel, ok := c.selection(ef.Selections, conn.obj)
			if !ok {
				return nil, false
			}
			edges = append(edges, edgeField{key: head(ef.Alias), kind: edgeNode, node: sel})
		default:
			return nil, false
		}
	}
	return edges, true
}

// cursor makes the rows carry what their cursors are made of.
func (c *compiler) cursor(conn *connection) {
	conn.rows = true
	if conn.cursor != nil {
		return
	}
	conn.cursor = []int{conn.obj.column("id", ent.ColumnInt, false)}
	for _, o := range conn.order {
		conn.cursor = append(conn.cursor, conn.obj.column(o.Column, o.Kind, o.Nillable))
	}
}

// distinctOrder refuses what the pager refuses: the same field twice in a row.
func distinctOrder(order []ent.TableOrder) bool {
	for i := 1; i < len(order); i++ {
		if order[i].Column == order[i-1].Column {
			return false
		}
	}
	return true
}

// isNil tells a decoded argument that was not given (nil or a nil pointer).
func isNil(v any) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	return r.Kind() == reflect.Pointer && r.IsNil()
}

func itoa(n int) string { return strconv.Itoa(n) }

// head is a field's response key as the answer writes it, with its quotes
// and colon: a GraphQL name needs no escape.
func head(alias string) string { return `"` + alias + `":` }
