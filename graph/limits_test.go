package graph

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/accountplan/accountplan/graph/generated"
)

// The zero value of Limits means the documented defaults, field by field, and
// a 0 that is set turns a number off.
func TestLimitsZeroValueIsTheDefaults(t *testing.T) {
	want := limits{maxDepth: 20, maxCost: 250_000, maxAliases: 100, maxTokens: 2_000, introspection: true}
	if got := (Limits{}).resolve(); got != want {
		t.Errorf("zero Limits: got %+v, want %+v", got, want)
	}
	if got := (Limits{MaxCost: new(0), Introspection: new(false)}).resolve(); got.maxCost != 0 || got.introspection || got.maxDepth != 20 {
		t.Errorf("a partly filled Limits: got %+v, want cost off, introspection off and the other defaults", got)
	}
	if (Settings{}).MapCache() == nil || (Settings{MapCacheMB: new(0)}).MapCache() != nil {
		t.Error("MapCacheMB: nil must keep the default cache, 0 none")
	}
}

var testSchema = generated.NewExecutableSchema(generated.Config{}).Schema()

// measure runs what the document limits run on a request, with the default
// limits: the checks before parsing, then the walk of the validated operation
// with its variables coerced. It returns the operation's cost.
func measure(t *testing.T, query string, vars map[string]any) (int, *gqlerror.Error) {
	t.Helper()
	l := documentLimits{limits: Limits{}.resolve(), cache: lru.New[*ast.QueryDocument](1), schema: testSchema}
	if err := l.MutateOperationParameters(context.Background(), &graphql.RawParams{Query: query, Variables: vars}); err != nil {
		return 0, err
	}
	doc, errs := gqlparser.LoadQueryWithRules(testSchema, query, rules.NewDefaultRules())
	if errs != nil {
		t.Fatalf("invalid: %v", errs)
	}
	coerced, err := validator.VariableValues(testSchema, doc.Operations[0], vars)
	if err != nil {
		t.Fatalf("variables: %v", err)
	}
	w := walk{limits: l.limits, vars: coerced, schema: testSchema}
	cost := w.selection(doc.Operations[0].SelectionSet, 1, false, 0)
	return cost, l.MutateOperationContext(context.Background(), &graphql.OperationContext{Operation: doc.Operations[0], Variables: coerced})
}

func ids(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = strconv.Itoa(i + 1)
	}
	return out
}

// A list argument costs its length, and a list field's list argument (nodes(ids:))
// multiplies its selection by it, as a page size does.
func TestLimitsArgumentsCostTheirValues(t *testing.T) {
	costOf := func(query string, vars map[string]any) int {
		t.Helper()
		cost, err := measure(t, query, vars)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return cost
	}
	nodes := `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Account { name tier } } }`
	for _, n := range []int{0, 1, 10, 100} {
		// nodes 1, its n IDs, and n times its selection of 3 fields.
		if got, want := costOf(nodes, map[string]any{"ids": ids(n)}), 1+n+3*n; got != want {
			t.Errorf("nodes of %d IDs costs %d, want %d", n, got, want)
		}
	}
	base := costOf(`{ accounts(first: 10) { totalCount } }`, nil)
	where := `query($w: AccountWhereInput) { accounts(first: 10, where: $w) { totalCount } }`
	for _, n := range []int{1, 500, 1000} {
		// The idIn field, and its n items.
		if got := costOf(where, map[string]any{"w": map[string]any{"idIn": ids(n)}}); got != base+1+n {
			t.Errorf("a where with %d IDs costs %d, want %d", n, got, base+1+n)
		}
	}
	literal := `{ accounts(first: 10, where: {or: [{nameContains: "a"}, {idIn: ["1", "2"]}]}) { totalCount } }`
	if got := costOf(literal, nil); got != base+1+2+2+2 { // or, its 2 items, their 2 fields, 2 IDs
		t.Errorf("a literal where costs %d, want %d", got, base+7)
	}
	// A list without a page size counts the longest list argument above it:
	// moveStakeholders answers a stakeholder for each ID it moves.
	move := `mutation($in: MoveStakeholdersInput!) { moveStakeholders(input: $in) { manager { id } stakeholders { id name } } }`
	for _, n := range []int{1, 10, 500} {
		in := map[string]any{"in": map[string]any{"stakeholderIDs": ids(n), "managerID": "1"}}
		// The field, its 2 input fields and n IDs; manager and its id; stakeholders, and n (at least 10) times 2 fields.
		if got, want := costOf(move, in), 1+(2+n)+2+1+max(n, listMultiplier)*2; got != want {
			t.Errorf("moving %d stakeholders costs %d, want %d", n, got, want)
		}
	}
	// ... but not a filter's lists, which narrow what is answered.
	if got := costOf(`query($w: AccountWhereInput) { accounts(first: 1, where: $w) { edges { node { icpFit { reasons { message } } } } } }`,
		map[string]any{"w": map[string]any{"idIn": ids(500)}}); got > 1000 {
		t.Errorf("a filter of 500 IDs multiplied a list: cost %d", got)
	}
	// A page of IDs under pages of 100: the IDs multiply like a page size.
	heavy := `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Account { plans(first: 100) { edges { node { goals(first: 100) { totalCount } } } } } } }`
	if _, err := measure(t, heavy, map[string]any{"ids": ids(30)}); err == nil || err.Extensions["code"] != CodeTooComplex {
		t.Errorf("30 accounts × 100 plans × 100 goals: %v, want the cost limit", err)
	}
}

func TestLimitsArgumentBounds(t *testing.T) {
	deepNot := func(n int) map[string]any {
		w := map[string]any{"name": "x"}
		for range n {
			w = map[string]any{"not": w}
		}
		return w
	}
	literal := func(v map[string]any) string {
		b, _ := json.Marshal(v)
		return strings.NewReplacer(`"not"`, "not", `"name"`, "name").Replace(string(b))
	}
	where := `query($w: AccountWhereInput) { accounts(first: 1, where: $w) { totalCount } }`
	long := strings.Repeat("é", MaxFilterString+1)
	cases := []struct {
		name, query string
		vars        map[string]any
		code, field string
	}{
		{"a where at the depth limit", where, map[string]any{"w": deepNot(MaxInputDepth - 1)}, "", ""},
		{"a where one level deeper", where, map[string]any{"w": deepNot(MaxInputDepth)}, CodeTooComplex, "where"},
		{"a literal where one level deeper", `{ accounts(first: 1, where: ` + literal(deepNot(MaxInputDepth)) + `) { totalCount } }`, nil, CodeTooComplex, "where"},
		// Nested far deeper: refused before gqlparser coerces or validates it.
		{"a where 9,000 deep", where, map[string]any{"w": deepNot(9000)}, CodeTooComplex, ""},
		{"a literal where 600 deep", `{ accounts(first: 1, where: ` + literal(deepNot(600)) + `) { totalCount } }`, nil, CodeTooComplex, ""},
		{"a variable of 1,000 objects", where, map[string]any{"w": map[string]any{"or": repeatAny(MaxListValues, map[string]any{})}}, CodeTooComplex, ""},
		{"a list of objects one too long", `query($o: [AccountOrder!]) { accounts(first: 1, orderBy: $o) { totalCount } }`, map[string]any{"o": repeatAny(MaxListValues+1, map[string]any{"field": "NAME"})}, CodeBadUserInput, "orderBy"},
		{"an ID list one too long", where, map[string]any{"w": map[string]any{"idIn": ids(MaxListValues + 1)}}, CodeBadUserInput, "idIn"},
		{"lists one item too long in all", where, map[string]any{"w": map[string]any{"idIn": ids(MaxListValues / 2), "idNotIn": ids(MaxListValues/2 + 1)}}, CodeBadUserInput, "idNotIn"},
		{"nodes one ID over a page", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": ids(MaxPageSize + 1)}, CodeBadUserInput, "ids"},
		{"nodes with a page of IDs", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": ids(MaxPageSize)}, "", ""},
		{"fields one too many", where, map[string]any{"w": map[string]any{"or": repeatAny(MaxInputFields, map[string]any{"name": "x"})}}, CodeTooComplex, "where"},
		{"a filter string at the limit", where, map[string]any{"w": map[string]any{"nameContains": long[2:]}}, "", ""},
		{"a filter string one over", where, map[string]any{"w": map[string]any{"hasOwnerWith": map[string]any{"nameContains": long}}}, CodeBadUserInput, "nameContains"},
		{"a free text one over", `mutation($in: CreateProductInput!) { createProduct(input: $in) { id } }`, map[string]any{"in": map[string]any{"name": "P", "description": strings.Repeat("a", MaxInputString+1)}}, CodeBadUserInput, "description"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := measure(t, c.query, c.vars)
			switch {
			case c.code == "" && err != nil:
				t.Errorf("refused: %v", err)
			case c.code == "":
			case err == nil:
				t.Errorf("accepted, want %s", c.code)
			case err.Extensions["code"] != c.code || c.field != "" && err.Extensions["field"] != c.field:
				t.Errorf("got %v %v %q, want %s naming %q", err.Extensions["code"], err.Extensions["field"], err.Message, c.code, c.field)
			}
		})
	}
}

func repeatAny(n int, v any) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// The filters are told by their shape, which is every where input entgql
// generates and nothing else.
func TestLimitsFiltersByShape(t *testing.T) {
	n := 0
	for _, def := range testSchema.Types {
		if def.Kind != ast.InputObject {
			continue
		}
		if isFilter(def) != strings.HasSuffix(def.Name, "WhereInput") {
			t.Errorf("%s: filter %v", def.Name, isFilter(def))
		}
		if isFilter(def) {
			n++
		}
	}
	if n < 20 {
		t.Errorf("%d filters", n)
	}
}

// The document is lexed once, no further than its token limit; an argument
// written in it nests at most maxVariableNesting, while selections nest as
// the depth limit says.
func TestLimitsLexing(t *testing.T) {
	for _, c := range []struct {
		query            string
		tokens           int
		tooMany, tooDeep bool
	}{
		{`{ a { b } }`, 6, false, false},
		{`{ a { b } }`, 5, true, false},
		{`{ a(x: ` + strings.Repeat("[", maxVariableNesting) + strings.Repeat("]", maxVariableNesting) + `) { b } }`, 0, false, false},
		{`{ a(x: ` + strings.Repeat("[", maxVariableNesting+1) + strings.Repeat("]", maxVariableNesting+1) + `) { b } }`, 0, false, true},
		{`{ a(x: ` + strings.Repeat("{a: ", maxVariableNesting+1) + strings.Repeat("}", maxVariableNesting+1) + `) { b } }`, 0, false, true},
		{`query($v: [ID!] = ` + strings.Repeat("[", maxVariableNesting+1) + `) { a }`, 0, false, true},
		{strings.Repeat("{ a ", 100) + strings.Repeat("}", 100), 0, false, false},
		{`{ a(x: [[1]]) { b(y: [2]) { ` + strings.Repeat("{ c ", 40) + strings.Repeat("}", 40) + ` } } }`, 0, false, false},
	} {
		tooMany, tooDeep := lexOver(c.query, c.tokens)
		if tooMany != c.tooMany || tooDeep != c.tooDeep {
			t.Errorf("%.60s (limit %d): too many %v, too deep %v; want %v, %v", c.query, c.tokens, tooMany, tooDeep, c.tooMany, c.tooDeep)
		}
	}
}

// A refusal before validation names what the request wrote, never much of it.
func TestLimitsRefusalsEchoLittle(t *testing.T) {
	name := strings.Repeat("v", 10_000)
	deep := []any{}
	for range 100 {
		deep = []any{deep}
	}
	long := repeatAny(MaxListValues+1, map[string]any{})
	for _, c := range []struct {
		query string
		vars  map[string]any
	}{
		{`{ __typename }`, map[string]any{name: deep}},
		{`{ __typename }`, map[string]any{"v": map[string]any{name: long}}},
		{`query($v: [AccountOrder!]) { accounts(first: 1, ` + name + `: $v) { totalCount } }`, map[string]any{"v": long}},
	} {
		err := documentLimits{limits: Limits{}.resolve(), cache: lru.New[*ast.QueryDocument](1), schema: testSchema}.
			MutateOperationParameters(context.Background(), &graphql.RawParams{Query: c.query, Variables: c.vars})
		if err == nil {
			t.Fatalf("%.50s: accepted", c.query)
		}
		if b, _ := json.Marshal(err); len(b) > 500 {
			t.Errorf("a %d-byte refusal: %.200s", len(b), b)
		}
	}
}

// The rows of an upsert, sent as a variable of type [XUpsertInput!], are
// bounded by MaxUpsertRows instead of the objects of filters.
func TestLimitsUpsertRows(t *testing.T) {
	const q = `mutation($rows: [StakeholderUpsertInput!]!) { upsertStakeholders(input: $rows) { created } }`
	row := map[string]any{"externalID": "x", "accountExternalID": "a", "name": "n"}
	for _, c := range []struct {
		query, name string
		n           int
		ok          bool
	}{
		{q, "rows", MaxUpsertRows, true},
		{q, "rows", MaxUpsertRows + 1, false},
		{`query($w: [AccountWhereInput!]) { accounts(first: 1, where: {or: $w}) { totalCount } }`, "w", MaxListValues, false},
	} {
		err := documentLimits{limits: Limits{}.resolve(), cache: lru.New[*ast.QueryDocument](1), schema: testSchema}.
			MutateOperationParameters(context.Background(), &graphql.RawParams{Query: c.query, Variables: map[string]any{c.name: repeatAny(c.n, row)}})
		if (err == nil) != c.ok {
			t.Errorf("%d rows for %.40s: %v, want ok=%v", c.n, c.query, err, c.ok)
		}
	}
}
