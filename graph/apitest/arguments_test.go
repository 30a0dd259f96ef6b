package apitest

// The bounds on argument values (graph/limits.go): every list argument, every
// filter and every string, written in the document or sent as variables, is
// refused over its bound with a code that names it, before any SQL runs. The
// positions come from the schema at test time, so a new list or filter is
// covered without a new test.

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/accountplan/accountplan/graph"
	"github.com/accountplan/accountplan/graph/generated"
	"github.com/accountplan/accountplan/graph/httpedge"
)

var apiSchema = generated.NewExecutableSchema(generated.Config{}).Schema()

// argPosition is a place in the schema where an argument's value can hold
// something to bound: a field reached from a root, one of its arguments, and
// a path of input fields inside the argument's value.
type argPosition struct {
	route route
	field *ast.FieldDefinition
	arg   *ast.ArgumentDefinition
	path  []*ast.FieldDefinition // input fields from the argument down to the position
}

// typ is the type at the position.
func (p argPosition) typ() *ast.Type {
	if len(p.path) == 0 {
		return p.arg.Type
	}
	return p.path[len(p.path)-1].Type
}

// name is the argument or input field at the position, as extensions.field names it.
func (p argPosition) name() string {
	if len(p.path) == 0 {
		return p.arg.Name
	}
	return p.path[len(p.path)-1].Name
}

func (p argPosition) String() string {
	s := p.route.on + "." + p.field.Name + "(" + p.arg.Name
	for _, f := range p.path {
		s += "." + f.Name
	}
	return s + ")"
}

// route is how a document reaches the fields of an object type from a root.
type route struct {
	op          string // query or mutation
	on          string // the object type
	open, close string
}

// routes are the shortest ways to each object type from the roots; the
// fields of interfaces are those of the objects that implement them.
func routes() []route {
	var out []route
	seen := map[string]bool{}
	queue := []route{{op: "query", on: "Query"}, {op: "mutation", on: "Mutation"}}
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		if seen[r.on] {
			continue
		}
		seen[r.on] = true
		out = append(out, r)
		for _, f := range apiSchema.Types[r.on].Fields {
			if def := apiSchema.Types[f.Type.Name()]; def.Kind == ast.Object && !seen[def.Name] && !strings.HasPrefix(f.Name, "__") {
				queue = append(queue, route{op: r.op, on: def.Name, open: r.open + call(f, "", "") + " { ", close: " }" + r.close})
			}
		}
	}
	return out
}

// call is a field with its required arguments (and a page size for a
// connection), and arg given as value when arg is not empty.
func call(f *ast.FieldDefinition, arg, value string) string {
	var args []string
	for _, a := range f.Arguments {
		switch {
		case a.Name == arg:
			args = append(args, a.Name+": "+value)
		case a.Name == "first" && strings.HasSuffix(f.Type.Name(), "Connection"):
			args = append(args, "first: 1")
		case a.Type.NonNull && a.DefaultValue == nil:
			args = append(args, a.Name+": "+literal(dummy(a.Type), a.Type))
		}
	}
	if len(args) == 0 {
		return f.Name
	}
	return f.Name + "(" + strings.Join(args, ", ") + ")"
}

// positions are the places in the schema whose type satisfies want: every
// argument of every reachable field, and every input field of each input
// type, at the first place the type is found.
func positions(want func(*ast.Type) bool) []argPosition {
	var out []argPosition
	seen := map[string]bool{}
	var queue []argPosition // breadth first, so that each input type is found where it nests least
	for _, r := range routes() {
		for _, f := range apiSchema.Types[r.on].Fields {
			for _, a := range f.Arguments {
				p := argPosition{route: r, field: f, arg: a}
				if want(a.Type) {
					out = append(out, p)
				}
				queue = append(queue, p)
			}
		}
	}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		def := apiSchema.Types[p.typ().Name()]
		if def.Kind != ast.InputObject || seen[def.Name] {
			continue
		}
		seen[def.Name] = true
		for _, f := range def.Fields {
			q := p
			q.path = append(append([]*ast.FieldDefinition(nil), p.path...), f)
			if want(f.Type) {
				out = append(out, q)
			}
			queue = append(queue, q)
		}
	}
	return out
}

// request is a document that sets the position to value, written in the
// document (literal) or sent as a variable holding the argument's whole value.
func (p argPosition) request(value any, literally bool) (string, map[string]any) {
	arg := dummy(&ast.Type{NamedType: p.arg.Type.Name()}) // a single object stands for a list of one
	if len(p.path) == 0 {
		arg = value
	} else {
		obj := arg.(map[string]any)
		for i, f := range p.path {
			if i == len(p.path)-1 {
				obj[f.Name] = value
				break
			}
			next := dummy(&ast.Type{NamedType: f.Type.Name()}).(map[string]any) // a single object stands for a list of one
			obj[f.Name] = next
			obj = next
		}
	}
	sel := ""
	if k := apiSchema.Types[p.field.Type.Name()].Kind; k != ast.Scalar && k != ast.Enum {
		sel = " { __typename }"
	}
	if literally {
		return p.route.op + " { " + p.route.open + call(p.field, p.arg.Name, literal(arg, p.arg.Type)) + sel + p.route.close + " }", nil
	}
	return p.route.op + "($v: " + p.arg.Type.String() + ") { " + p.route.open + call(p.field, p.arg.Name, "$v") + sel + p.route.close + " }",
		map[string]any{"v": arg}
}

// dummy is a valid value of the type: its required input fields set, a list of one.
func dummy(typ *ast.Type) any {
	if typ.Elem != nil {
		return []any{dummy(typ.Elem)}
	}
	def := apiSchema.Types[typ.Name()]
	switch def.Kind {
	case ast.Enum:
		return def.EnumValues[0].Name
	case ast.InputObject:
		obj := map[string]any{}
		for _, f := range def.Fields {
			if f.Type.NonNull && f.DefaultValue == nil {
				obj[f.Name] = dummy(f.Type)
			}
		}
		return obj
	}
	switch def.Name {
	case "Int", "Money":
		return 1
	case "Float":
		return 1.5
	case "Boolean":
		return true
	case "Time":
		return "2026-01-01T00:00:00Z"
	case "ID", "Decimal":
		return "1"
	}
	return "x"
}

// literal writes a value of the type as GraphQL.
func literal(v any, typ *ast.Type) string {
	switch x := v.(type) {
	case []any:
		items := make([]string, len(x))
		for i, item := range x {
			items[i] = literal(item, typ.Elem)
		}
		return "[" + strings.Join(items, ", ") + "]"
	case map[string]any:
		def := apiSchema.Types[typ.Name()]
		var fields []string
		for _, f := range def.Fields {
			if item, ok := x[f.Name]; ok {
				fields = append(fields, f.Name+": "+literal(item, f.Type))
			}
		}
		return "{" + strings.Join(fields, ", ") + "}"
	case string:
		if apiSchema.Types[typ.Name()].Kind == ast.Enum {
			return x
		}
		return strconv.Quote(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// refused checks that a request was refused with the code, naming the field
// (when field is not empty), before any SQL statement, and without a data entry.
func refused(t *testing.T, e *env, query string, vars map[string]any, code, field string) {
	t.Helper()
	var r result
	if n := e.count(func() { r = e.do(query, vars) }); n != 0 {
		t.Errorf("%d SQL statements ran", n)
	}
	errCheck(t, r)
	switch {
	case len(r.Errors) == 0:
		t.Errorf("answered: %v", r.Data)
	case r.Errors[0].Extensions["code"] != code || field != "" && r.Errors[0].Extensions["field"] != field:
		t.Errorf("got %s (field %v) %q, want %s naming %s", r.Errors[0].Extensions["code"], r.Errors[0].Extensions["field"], r.Errors[0].Message, code, field)
	case r.HasData:
		t.Error("a refused operation has a data entry")
	}
}

// unlimitedDocuments is a server whose token limit is off, so that a long
// list written in the document reaches the bounds on arguments.
func unlimitedDocuments() httpedge.Settings {
	s := testSettings()
	s.GraphQL.Limits.MaxTokens = new(0)
	return s
}

// repeat is a list of n copies of v.
func repeat(n int, v any) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func isList(t *ast.Type) bool { return t.Elem != nil }

func TestArgumentsEveryListIsBounded(t *testing.T) {
	t.Parallel()
	lists := positions(isList)
	if len(lists) < 100 {
		t.Fatalf("only %d list positions found in the schema", len(lists))
	}
	eachDatabaseWith(t, unlimitedDocuments(), func(t *testing.T, e *env) {
		for _, p := range lists {
			limit := graph.MaxListValues
			if strings.HasSuffix(p.typ().Name(), "UpsertInput") {
				limit = graph.MaxUpsertRows // the rows of an upsert
			}
			long := repeat(limit+1, dummy(p.typ().Elem))
			for _, literally := range []bool{false, true} {
				q, vars := p.request(long, literally)
				t.Run(fmt.Sprintf("%s literal=%v", p, literally), func(t *testing.T) {
					e.t = t
					refused(t, e, q, vars, "BAD_USER_INPUT", p.name())
				})
			}
		}
	})
}

// A list argument of a field that answers a list, such as nodes(ids:), asks
// for one answer per item: it is a page, at most MaxPageSize, and its length
// multiplies the cost of the selection.
func TestArgumentsListsThatArePages(t *testing.T) {
	t.Parallel()
	var pages []argPosition
	for _, p := range positions(isList) {
		if len(p.path) == 0 && p.field.Type.Elem != nil {
			pages = append(pages, p)
		}
	}
	if len(pages) == 0 {
		t.Fatal("no list argument of a list field in the schema: nodes(ids:) has one")
	}
	eachDatabase(t, func(t *testing.T, e *env) {
		acc := e.client.Account.Create().SetName("Acme").SaveX(context.Background())
		id := strconv.Itoa(acc.ID)
		for _, p := range pages {
			for _, literally := range []bool{false, true} {
				q, vars := p.request(repeat(graph.MaxPageSize+1, dummy(p.typ().Elem)), literally)
				refused(t, e, q, vars, "BAD_USER_INPUT", p.name())
			}
		}
		// A full page with a selection of 3 nested pages of 100 costs about
		// 100 × 100 × 100 × 2: the list's length is the multiplier, as first is.
		heavy := `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Account { plans(first: 100) { edges { node { goals(first: 100) { edges { node { title } } } } } } } } }`
		refused(t, e, heavy, map[string]any{"ids": repeat(graph.MaxPageSize, id)}, "QUERY_TOO_COMPLEX", "")
		// The same selection for a few IDs is fine.
		d := e.must(heavy, map[string]any{"ids": repeat(2, id)})
		if n, _ := d["nodes"].([]any); len(n) != 2 {
			t.Errorf("nodes: %v", d)
		}
	})
}

// filterArgs are the root fields' where arguments, one per filter type.
func filterArgs() []argPosition {
	var out []argPosition
	seen := map[string]bool{}
	for _, p := range positions(func(t *ast.Type) bool { return isFilterType(t) }) {
		if len(p.path) == 0 && p.route.on == "Query" && !seen[p.arg.Type.Name()] {
			seen[p.arg.Type.Name()] = true
			out = append(out, p)
		}
	}
	return out
}

// isFilterType tells an entgql where input by its shape, as graph/limits.go does.
func isFilterType(t *ast.Type) bool {
	def := apiSchema.Types[t.Name()]
	not := def.Fields.ForName("not")
	return t.Elem == nil && def.Kind == ast.InputObject && not != nil && not.Type.Name() == def.Name
}

// nest wraps a filter in n levels of field (and, or: a list of one; not: the object).
func nest(field string, n int, leaf map[string]any) map[string]any {
	for range n {
		if field == "not" {
			leaf = map[string]any{field: leaf}
		} else {
			leaf = map[string]any{field: []any{leaf}}
		}
	}
	return leaf
}

// stringField is a filter's first predicate on a String, such as nameContains.
func stringField(filter string) string {
	for _, f := range apiSchema.Types[filter].Fields {
		if f.Type.Elem == nil && f.Type.Name() == "String" && strings.HasSuffix(f.Name, "Contains") {
			return f.Name
		}
	}
	for _, f := range apiSchema.Types[filter].Fields {
		if f.Type.Elem == nil && f.Type.Name() == "String" {
			return f.Name
		}
	}
	return ""
}

func TestArgumentsFiltersAreBounded(t *testing.T) {
	t.Parallel()
	filters := filterArgs()
	if len(filters) < 20 {
		t.Fatalf("only %d filters found in the schema", len(filters))
	}
	eachDatabaseWith(t, unlimitedDocuments(), func(t *testing.T, e *env) {
		for _, p := range filters {
			leaf := map[string]any{"idNEQ": "0"}
			cases := []struct {
				name        string
				value       any
				code, field string
			}{
				{"and nested one level too deep", nest("and", graph.MaxInputDepth, leaf), "QUERY_TOO_COMPLEX", p.arg.Name},
				{"not nested one level too deep", nest("not", graph.MaxInputDepth, leaf), "QUERY_TOO_COMPLEX", p.arg.Name},
				{"or nested 400 deep", nest("or", 400, leaf), "QUERY_TOO_COMPLEX", ""},
				{"not nested 900 deep", nest("not", 900, leaf), "QUERY_TOO_COMPLEX", ""},
				{"an or of one term too many", map[string]any{"or": repeat(graph.MaxInputFields+1, leaf)}, "QUERY_TOO_COMPLEX", p.arg.Name},
				{"an or of 5,000 terms", map[string]any{"or": repeat(5000, leaf)}, "", ""},
				{"predicates one too many", map[string]any{"and": repeat(graph.MaxInputFields/2, map[string]any{"idNEQ": "0", "idGT": "0"})}, "QUERY_TOO_COMPLEX", p.arg.Name},
				{"an idIn one too long", map[string]any{"idIn": repeat(graph.MaxListValues+1, "1")}, "BAD_USER_INPUT", "idIn"},
				{"an idNotIn of 5,000", map[string]any{"not": map[string]any{"idNotIn": repeat(5000, "1")}}, "BAD_USER_INPUT", "idNotIn"},
			}
			if s := stringField(p.arg.Type.Name()); s != "" {
				cases = append(cases,
					struct {
						name        string
						value       any
						code, field string
					}{"a string one character too long", map[string]any{"or": []any{map[string]any{s: strings.Repeat("é", graph.MaxFilterString+1)}}}, "BAD_USER_INPUT", s},
					struct {
						name        string
						value       any
						code, field string
					}{"a 900 KB string", map[string]any{s: strings.Repeat("%_", 450_000)}, "BAD_USER_INPUT", s})
			}
			for _, c := range cases {
				for _, literally := range []bool{false, true} {
					t.Run(fmt.Sprintf("%s %s literal=%v", p, c.name, literally), func(t *testing.T) {
						e.t = t
						q, vars := p.request(c.value, literally)
						if literally && len(q) > 1<<20 {
							t.Skip("over the body limit when written out")
						}
						switch {
						case c.code != "":
							refused(t, e, q, vars, c.code, c.field)
						default: // refused with one code or the other
							var r result
							if n := e.count(func() { r = e.do(q, vars) }); n != 0 {
								t.Errorf("%d SQL statements ran", n)
							}
							errCheck(t, r)
							if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] == "INTERNAL_SERVER_ERROR" {
								t.Errorf("got %+v", r.Errors)
							}
						}
					})
				}
			}
		}
	})
}

// At their bounds, a filter and a free-text field are accepted and answered
// on both databases: the bounds refuse only what no client needs.
func TestArgumentsAtTheirBoundsAreAnswered(t *testing.T) {
	t.Parallel()
	eachDatabaseWith(t, unlimitedDocuments(), func(t *testing.T, e *env) {
		ctx := context.Background()
		name := strings.Repeat("é", graph.MaxFilterString)
		acc := e.client.Account.Create().SetName("Acme").SaveX(ctx)
		// MaxInputDepth objects deep: the where, its not, and an and nested
		// to the bound; MaxInputFields fields and MaxListValues items in all.
		chain := graph.MaxInputDepth - 3
		terms := graph.MaxInputFields - graph.MaxInputDepth - 4
		ids := repeat(graph.MaxListValues-(terms+2)-2-chain, strconv.Itoa(acc.ID))
		where := map[string]any{
			"idIn": ids,
			"or":   append(repeat(terms, map[string]any{"nameNEQ": "x"}), map[string]any{"tierIn": []any{"STRATEGIC", "KEY"}}, map[string]any{"nameContains": "Ac"}),
			"not":  nest("not", 1, nest("and", chain, map[string]any{"nameNEQ": name})),
		}
		for _, literally := range []bool{false, true} {
			query, vars := `query($w: AccountWhereInput) { accounts(first: 10, where: $w) { totalCount edges { node { name } } } }`, map[string]any{"w": where}
			if literally {
				query, vars = `{ accounts(first: 10, where: `+literal(where, &ast.Type{NamedType: "AccountWhereInput"})+`) { totalCount edges { node { name } } } }`, nil
			}
			d := e.must(query, vars)
			if get(d, "accounts", "totalCount") != float64(1) {
				t.Errorf("literal=%v: %v", literally, d)
			}
		}

		// Free text of MaxInputString characters is written and read back whole.
		note := strings.Repeat("a", graph.MaxInputString)
		d := e.must(`mutation($in: CreateProductInput!) { createProduct(input: $in) { description } }`,
			map[string]any{"in": map[string]any{"name": "Widget", "description": note}})
		if get(d, "createProduct", "description") != note {
			t.Error("the description did not come back whole")
		}
		refused(t, e, `mutation($in: CreateProductInput!) { createProduct(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"name": "Widget 2", "description": note + "a"}}, "BAD_USER_INPUT", "description")
	})
}

// Every string argument and input field outside filters is bounded too.
func TestArgumentsEveryStringIsBounded(t *testing.T) {
	t.Parallel()
	var strs []argPosition
	for _, p := range positions(func(t *ast.Type) bool { return t.Elem == nil && t.Name() == "String" }) {
		if !isFilterType(p.arg.Type) {
			strs = append(strs, p)
		}
	}
	sort.Slice(strs, func(i, j int) bool { return strs[i].String() < strs[j].String() })
	if len(strs) < 20 {
		t.Fatalf("only %d string positions found", len(strs))
	}
	long := strings.Repeat("a", graph.MaxInputString+1)
	eachDatabase(t, func(t *testing.T, e *env) {
		for _, p := range strs {
			for _, literally := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s literal=%v", p, literally), func(t *testing.T) {
					e.t = t
					q, vars := p.request(long, literally)
					refused(t, e, q, vars, "BAD_USER_INPUT", p.name())
				})
			}
		}
	})
}
