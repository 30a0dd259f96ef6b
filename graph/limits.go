package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/accountplan/accountplan/graph/upsert"
)

// Limits bound what one document can make the server do; the README's Limits
// section says why each default is what it is. A nil field means its default,
// a 0 turns its limit off.
type Limits struct {
	MaxDepth      *int  // fields nested inside each other, counting edges and node; default 20
	MaxCost       *int  // each field costs 1; a list multiplies its selection by its page size; default 250,000
	MaxAliases    *int  // aliased fields, and fields repeated in one selection set; default 100
	MaxTokens     *int  // lexical tokens of the document, counted before it is parsed; default 2,000
	Introspection *bool // answer __schema and __type; false also hides "did you mean" suggestions; default true
}

// The defaults of Limits.
const (
	DefaultMaxDepth   = 20
	DefaultMaxCost    = 250_000
	DefaultMaxAliases = 100
	DefaultMaxTokens  = 2_000
)

// limits are Limits with the defaults filled in; 0 is off.
type limits struct {
	maxDepth, maxCost, maxAliases, maxTokens int
	introspection                            bool
}

func (l Limits) resolve() limits {
	return limits{
		maxDepth:      valueOr(l.MaxDepth, DefaultMaxDepth),
		maxCost:       valueOr(l.MaxCost, DefaultMaxCost),
		maxAliases:    valueOr(l.MaxAliases, DefaultMaxAliases),
		maxTokens:     valueOr(l.MaxTokens, DefaultMaxTokens),
		introspection: valueOr(l.Introspection, true),
	}
}

// valueOr is the value a setting points to, or its default when it is unset.
func valueOr[T any](p *T, fallback T) T {
	if p == nil {
		return fallback
	}
	return *p
}

// listMultiplier is what a list without first or last multiplies its
// selection's cost by: an estimate, as such lists (findings, reasons, paths,
// the org map's insights) are short or computed in one pass in memory.
const listMultiplier = 10

// documentLimits refuses a document with too many tokens, aliases or repeated
// fields, or arguments and variables nested too deep, before it is validated,
// and an operation that nests too deep, costs too much, pages a connection
// without a size or passes an argument value over its bounds once it is: once
// per operation, before any resolver or SQL statement runs.
type documentLimits struct {
	limits
	cache  graphql.Cache[*ast.QueryDocument] // the server's cache of documents that passed validation
	schema *ast.Schema                       // for the types of argument values sent as variables
	exec   graphql.ExecutableSchema          // decodes the arguments of a page with a cursor (see cursorFit); nil for none
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
} = documentLimits{}

func (documentLimits) ExtensionName() string                   { return "DocumentLimits" }
func (documentLimits) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters runs before gqlgen parses and validates the
// document, whose check of overlapping fields compares every pair of fields
// with the same name (5,000 copies of one field take seconds), and before
// gqlparser coerces the variables.
func (l documentLimits) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if err := variablesTooBig(p.Query, p.Variables); err != nil {
		return err
	}
	if _, ok := l.cache.Get(ctx, p.Query); ok {
		return nil // it passed before
	}
	switch tooMany, tooDeep := lexOver(p.Query, l.maxTokens); {
	case tooMany:
		return tooComplex("the document has more than %d tokens (the token limit)", l.maxTokens)
	case tooDeep:
		return tooComplex("an argument written in the document nests objects and lists deeper than %d levels: input objects nest at most %d deep (the input depth limit)", maxVariableNesting, MaxInputDepth)
	}
	if l.maxAliases == 0 {
		return nil
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: p.Query})
	if err != nil {
		return nil // gqlgen reports it
	}
	if aliasesAndRepeats(doc) > l.maxAliases {
		return tooComplex("the document has more than %d aliased or repeated fields (the alias limit)", l.maxAliases)
	}
	return nil
}

// MutateOperationContext measures the operation and keeps its cost in the
// operation's stats, for extensions.cost.
func (l documentLimits) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	w := walk{limits: l.limits, vars: oc.Variables, schema: l.schema, exec: l.exec, ctx: graphql.WithOperationContext(ctx, oc)}
	cost := w.selection(oc.Operation.SelectionSet, 1, false, 0)
	switch {
	case w.err != nil:
		return w.err
	case l.maxCost > 0 && cost > l.maxCost:
		return costError(l.maxCost, "cost", cost)
	}
	oc.Stats.SetExtension(costStats, cost)
	return nil
}

// lexOver lexes the document no further than its token limit (0: none), so
// that a token flood costs no more than a document at the limit, and tells
// whether it has more tokens than that, or an argument's value (between
// parentheses) nests objects and lists deeper than any valid one: gqlparser
// validates such values in time that grows with the square of their depth
// (90 ms for a not nested 660 deep, which 2,000 tokens can write).
func lexOver(query string, maxTokens int) (tooMany, tooDeep bool) {
	lex := lexer.New(&ast.Source{Input: query})
	parens, nesting := 0, 0
	for n := 0; ; n++ {
		if maxTokens > 0 && n > maxTokens {
			return true, false
		}
		tok, err := lex.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			return false, false // a lexical error is the parser's to report
		}
		switch tok.Kind {
		case lexer.ParenL:
			parens++
		case lexer.ParenR:
			parens = max(parens-1, 0)
			nesting = 0
		case lexer.BraceL, lexer.BracketL:
			if parens > 0 {
				nesting++
			}
		case lexer.BraceR, lexer.BracketR:
			nesting = max(nesting-1, 0)
		}
		if nesting > maxVariableNesting {
			return false, true
		}
	}
}

// aliasesAndRepeats counts the aliased fields of a document, each a resolver
// call of its own, and the fields that repeat a name in one selection set
// (inline fragments included), which GraphQL merges but validation compares
// pairwise. Fragments count once, where they are defined: the same alias
// spread twice is one response field.
func aliasesAndRepeats(doc *ast.QueryDocument) int {
	n := 0
	var visit func(set ast.SelectionSet)
	visit = func(set ast.SelectionSet) {
		seen := map[string]bool{}
		var collect func(set ast.SelectionSet)
		collect = func(set ast.SelectionSet) {
			for _, s := range set {
				switch s := s.(type) {
				case *ast.Field:
					if s.Alias != s.Name {
						n++
					}
					if seen[s.Alias] {
						n++
					}
					seen[s.Alias] = true
					visit(s.SelectionSet)
				case *ast.InlineFragment:
					collect(s.SelectionSet)
				}
			}
		}
		collect(set)
	}
	for _, op := range doc.Operations {
		visit(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		visit(f.SelectionSet)
	}
	return n
}

// walk measures an operation with its fragments expanded and its variables resolved.
type walk struct {
	limits
	vars   map[string]any
	schema *ast.Schema
	exec   graphql.ExecutableSchema
	ctx    context.Context
	fields int // fields visited; the cost is at least this, so the walk stops once it passes the cost limit
	err    *gqlerror.Error
}

// costCap keeps costs from overflowing when the cost limit is off.
const costCap = math.MaxInt32

// selection returns the cost of a selection set whose fields sit at depth;
// inConnection says the set is a connection's, whose lists (edges, nodes) are
// the page itself, and listed is the longest list in the arguments above it
// (outside filters) that no list below has counted yet.
func (w *walk) selection(set ast.SelectionSet, depth int, inConnection bool, listed int) int {
	cost := 0
	for _, s := range set {
		if w.err != nil {
			return 0
		}
		switch s := s.(type) {
		case *ast.Field:
			cost += w.field(s, depth, inConnection, listed)
		case *ast.InlineFragment:
			cost += w.selection(s.SelectionSet, depth, inConnection, listed)
		case *ast.FragmentSpread:
			cost += w.selection(s.Definition.SelectionSet, depth, inConnection, listed)
		}
		cost = min(cost, costCap)
	}
	return cost
}

func (w *walk) field(f *ast.Field, depth int, inConnection bool, listed int) int {
	w.fields++
	values, longest := w.arguments(f)
	switch {
	case w.err != nil:
		return 0
	case f.Name == "__schema" || f.Name == "__type":
		if !w.introspection {
			w.err = clientError(CodeValidationFailed, "introspection is off on this server", "")
		}
		// The schema bounds introspection, and gqlparser's MaxIntrospectionDepth rule its nesting.
		return 0
	case w.maxDepth > 0 && depth > w.maxDepth:
		w.err = tooComplex("the operation nests fields deeper than %d levels (the depth limit)", w.maxDepth)
	case w.maxCost > 0 && w.fields > w.maxCost:
		// Each field costs at least 1: walking further would cost what the limit is for.
		w.err = costError(w.maxCost, "costAtLeast", w.fields)
	}
	if w.err != nil || f.SelectionSet == nil {
		return 1 + values
	}
	connection := strings.HasSuffix(f.Definition.Type.Name(), "Connection")
	if connection {
		if w.err = cursorFit(w.ctx, w.exec, f, w.vars); w.err != nil {
			return 0
		}
	}
	if w.err = pagesApart(f, connection, w.vars); w.err != nil {
		return 0
	}
	n, listed := w.multiplier(f, connection, inConnection, max(listed, longest))
	return min(1+values+n*w.selection(f.SelectionSet, depth+1, connection, listed), costCap)
}

// multiplier is how many times a field's selection runs: a connection's or
// list's page size, 1 for a single object. It refuses a connection without
// first or last, or with a page over MaxPageSize, so that no request reads a
// whole table by accident. A list without a page size may answer an item
// for each item of a list argument above it (moveStakeholders' stakeholders,
// one for each of its stakeholderIDs), so it counts the longest one listed
// there, and leaves the lists below it to count their own.
func (w *walk) multiplier(f *ast.Field, connection, inConnection bool, listed int) (int, int) {
	first, hasFirst := w.pageArg(f, "first")
	last, hasLast := w.pageArg(f, "last")
	if connection {
		switch {
		case !hasFirst && !hasLast:
			w.err = clientError(CodeBadUserInput, fmt.Sprintf("%s: pass first or last (at most %d) to page through the list", f.Name, MaxPageSize), "first")
		case hasFirst && first > MaxPageSize:
			w.err = clientError(CodeBadUserInput, fmt.Sprintf("%s: first must be at most %d", f.Name, MaxPageSize), "first")
		case hasLast && last > MaxPageSize:
			w.err = clientError(CodeBadUserInput, fmt.Sprintf("%s: last must be at most %d", f.Name, MaxPageSize), "last")
		}
	}
	switch {
	case hasFirst || hasLast:
		return min(max(first, last, 1), costCap), listed
	case f.Definition.Type.Elem == nil || inConnection:
		return 1, listed
	}
	if n, ok := w.answersAsked(f); ok {
		return n, 0
	}
	return max(listMultiplier, listed), 0
}

// answersAsked is the length of a list field's list argument, such as
// nodes(ids:), which asks for one answer per item. Such a list is a page, so
// it is refused over MaxPageSize.
func (w *walk) answersAsked(f *ast.Field) (int, bool) {
	n, found := 0, false
	for _, arg := range f.Arguments {
		if def := f.Definition.Arguments.ForName(arg.Name); def == nil || def.Type.Elem == nil {
			continue
		}
		found = true
		k := listLength(arg.Value, w.vars)
		if k > MaxPageSize {
			w.err = clientError(CodeBadUserInput, fmt.Sprintf("%s: %s holds %d items, at most %d: each asks for an answer, and a page is at most %d", f.Name, arg.Name, k, MaxPageSize, MaxPageSize), arg.Name)
		}
		n = max(n, k)
	}
	return n, found
}

// listLength is the number of items of a list argument, given literally or by
// a variable; a single value stands for a list of one, as GraphQL coerces it.
func listLength(v *ast.Value, vars map[string]any) int {
	switch {
	case v == nil || v.Kind == ast.NullValue:
		return 0
	case v.Kind == ast.ListValue:
		return len(v.Children)
	case v.Kind != ast.Variable:
		return 1
	}
	switch x := reflect.ValueOf(vars[v.Raw]); {
	case !x.IsValid():
		return 0
	case x.Kind() == reflect.Slice: // []any, or a single value coerced to a slice of its type
		return x.Len()
	default:
		return 1
	}
}

// pageArg reads a first or last argument, given literally or by a variable.
func (w *walk) pageArg(f *ast.Field, name string) (int, bool) {
	arg := f.Arguments.ForName(name)
	if arg == nil {
		return 0, false
	}
	v, err := arg.Value.Value(w.vars)
	if err != nil {
		return 0, false
	}
	// Literals and coerced Int variables are both int64; null is absent.
	n, ok := v.(int64)
	return int(n), ok
}

// Bounds on the values of arguments, written in the document or sent as
// variables: each item or field of an argument's value is work (an SQL term or
// variable, a check, a row written), so none may be unbounded. Fixed rather
// than settings: they fit every query and import we know, and the databases'
// own limits (SQLite's 32,766 variables per statement and expression depth of
// 1,000, PostgreSQL's 65,535 parameters) must never be what refuses a request.
const (
	// MaxListValues is the number of items an argument's lists may hold in
	// all, so that a where's idIn or an import's ID list stays far from the
	// databases' limits on variables.
	MaxListValues = 1_000
	// MaxInputDepth is how deep input objects may nest in one argument: a
	// where five edges deep (hasPlansWith: {hasGoalsWith: ...}) under and,
	// or and not nests 8.
	MaxInputDepth = 10
	// MaxInputFields is the number of input fields one argument may set, its
	// nested objects' included: each field of a where is a predicate.
	MaxInputFields = 100
	// MaxFilterString is the length, in characters, of a string in a filter
	// (a where input and anything under it): no stored name is longer than
	// 320, and a LIKE pattern costs its length in every row it is tried on.
	MaxFilterString = 1_000
	// MaxInputString is the length, in characters, of any other string
	// argument: free text (notes, descriptions, a plan's overview) of 50 pages.
	MaxInputString = 100_000
	// MaxUpsertRows is the number of rows an upsert's input list may hold
	// (an argument whose items are of a type named XUpsertInput): flat
	// objects of scalars, each bounded by its type's fields, written with
	// statements bounded by the kinds of record, not the rows.
	MaxUpsertRows = upsert.MaxRows
)

// Variables are bounded before gqlparser coerces them, recursively and
// field by field of each input object's type: about 35 µs for each where
// object (an or of 50,000 took 1.7 s) and 240 ms for a not nested 9,000 deep,
// while a list of scalars coerces faster than it decodes. So a variable nests
// at most maxVariableNesting objects and lists (a where nested MaxInputDepth
// deep with a list at each level, and, or, hasXWith, nests 2*MaxInputDepth;
// the rest is room for the bounds on arguments to name one a little too
// deep), a list of objects holds at most MaxListValues, and the variables
// hold at most maxVariableObjects objects in all (an argument within its
// bounds holds at most MaxInputFields objects that are not empty).
const (
	maxVariableNesting = 3 * MaxInputDepth
	maxVariableObjects = 5 * MaxInputFields
)

// variablesTooBig refuses variables nested deeper, or holding more objects,
// than any request within the bounds on arguments needs.
func variablesTooBig(query string, vars map[string]any) *gqlerror.Error {
	var c objectCount
	rows := 0
	for name, v := range vars {
		if list, ok := v.([]any); ok && upsertRows.MatchString(variableType(query, name)) && flatRows(list) {
			// The rows of an upsert: counted apart from the objects of filters.
			if rows += len(list); rows > MaxUpsertRows {
				return clientError(CodeBadUserInput, fmt.Sprintf("%s holds too many values: an upsert takes at most %d rows", Clip(name), MaxUpsertRows), argumentOf(query, name))
			}
			continue
		}
		c.add(v, "", maxVariableNesting)
		switch {
		case c.deep:
			return tooComplex("variable $%s nests objects and lists deeper than %d levels: input objects nest at most %d deep (the input depth limit)", Clip(name), maxVariableNesting, MaxInputDepth)
		case c.longList:
			field := c.longKey
			if field == "" {
				field = argumentOf(query, name) // the variable is the list
			}
			field = Clip(field)
			return clientError(CodeBadUserInput, fmt.Sprintf("%s holds too many values: the lists of one argument hold at most %d items in all", field, MaxListValues), field)
		case c.objects > maxVariableObjects:
			return tooComplex("variable $%s: the variables hold more than %d input objects in all", Clip(name), maxVariableObjects)
		}
	}
	return nil
}

// Clip shortens a name the request wrote, not yet validated against the
// schema, so that an answer never echoes much of a request back.
func Clip(name string) string {
	if len(name) <= 64 {
		return name
	}
	return strings.ToValidUTF8(name[:64], "") + "…"
}

// objectCount counts the objects of decoded JSON, and notes one nested deeper
// than its limit or a list of objects longer than MaxListValues; it goes no
// deeper than the limit and no further than its bounds.
type objectCount struct {
	objects  int
	deep     bool
	longList bool   // a list of objects is over MaxListValues
	longKey  string // under this key, "" when it is the variable itself
}

// add counts v, found under key (an object's key, "" for the variable itself).
func (c *objectCount) add(v any, key string, limit int) {
	switch x := v.(type) {
	case map[string]any:
		c.objects++
		for k, item := range x {
			if c.done(limit) {
				return
			}
			c.add(item, k, limit-1)
		}
	case []any:
		if len(x) > MaxListValues && isObject(x[0]) {
			c.longList, c.longKey = true, key
		}
		for _, item := range x {
			if c.done(limit) {
				return
			}
			c.add(item, key, limit-1)
		}
	}
}

// done tells whether to stop: a container inside this one would be too deep,
// or a bound is passed.
func (c *objectCount) done(limit int) bool {
	c.deep = c.deep || limit == 0
	return c.deep || c.longList || c.objects > maxVariableObjects
}

// upsertRows is the declared type of a variable that holds the rows of an upsert.
var upsertRows = regexp.MustCompile(`^\[\s*[A-Za-z]+UpsertInput\s*!`)

// variableType is the type the document declares for the variable, as
// written, or "" when no declaration is found.
func variableType(query, name string) string {
	i := strings.Index(query, "$"+name)
	for i >= 0 {
		rest := strings.TrimLeft(query[i+1+len(name):], " \t\r\n,")
		if after, ok := strings.CutPrefix(rest, ":"); ok {
			return strings.TrimLeft(after, " \t\r\n,")
		}
		next := strings.Index(query[i+1:], "$"+name)
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return ""
}

// flatRows tells whether a list holds at most MaxUpsertRows objects whose
// values are all scalars (at most MaxInputFields each): rows to upsert,
// which coerce in time proportional to their fields.
func flatRows(list []any) bool {
	if len(list) > MaxUpsertRows {
		return false
	}
	for _, item := range list {
		row, ok := item.(map[string]any)
		if !ok || len(row) > MaxInputFields {
			return false
		}
		for _, v := range row {
			switch v.(type) {
			case map[string]any, []any:
				return false
			}
		}
	}
	return true
}

func isObject(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}

// argumentOf is the argument or input field whose value is the variable, or
// the variable's name when the document does not say.
func argumentOf(query, variable string) string {
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return variable
	}
	name := variable
	var visit func(set ast.SelectionSet) bool
	var value func(holder string, v *ast.Value) bool
	value = func(holder string, v *ast.Value) bool {
		switch {
		case v == nil:
		case v.Kind == ast.Variable && v.Raw == variable:
			name = holder
			return true
		case v.Kind == ast.ObjectValue:
			for _, c := range v.Children {
				if value(c.Name, c.Value) {
					return true
				}
			}
		}
		return false
	}
	visit = func(set ast.SelectionSet) bool {
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				for _, a := range s.Arguments {
					if value(a.Name, a.Value) {
						return true
					}
				}
				if visit(s.SelectionSet) {
					return true
				}
			case *ast.InlineFragment:
				if visit(s.SelectionSet) {
					return true
				}
			}
		}
		return false
	}
	for _, op := range doc.Operations {
		if visit(op.SelectionSet) {
			return name
		}
	}
	for _, f := range doc.Fragments {
		if visit(f.SelectionSet) {
			return name
		}
	}
	return name
}

// arguments checks the values of a field's arguments against the bounds above
// and returns what they cost, 1 for each list item and each input field
// given, and the length of their longest list outside filters.
func (w *walk) arguments(f *ast.Field) (int, int) {
	cost, longest := 0, 0
	for _, arg := range f.Arguments {
		def := f.Definition.Arguments.ForName(arg.Name)
		if def == nil {
			continue // validation refused it already
		}
		a := argWalk{schema: w.schema, vars: w.vars, arg: arg.Name, maxItems: MaxListValues, maxFields: MaxInputFields}
		if rows := w.schema.Types[def.Type.Name()]; def.Type.Elem != nil && rows != nil && strings.HasSuffix(rows.Name, "UpsertInput") {
			a.maxItems, a.maxFields = MaxUpsertRows, MaxUpsertRows*len(rows.Fields)
		}
		a.literal(arg.Value, def.Type, arg.Name, 0, false)
		if a.err != nil {
			w.err = a.err
			return 0, 0
		}
		cost += a.items + a.fields
		longest = max(longest, a.longest)
	}
	return cost, longest
}

// argWalk measures one argument's value, following its type through the
// schema: literals as the document has them, variables as gqlparser coerced
// them. It refuses a value over a bound before walking further into it.
type argWalk struct {
	schema        *ast.Schema
	vars          map[string]any
	arg           string
	items, fields int
	// maxItems and maxFields are MaxListValues and MaxInputFields, or more
	// for the rows of an upsert.
	maxItems, maxFields int
	longest             int // the longest list outside filters
	err                 *gqlerror.Error
}

// literal walks a value of the document, which may hold variables.
func (a *argWalk) literal(v *ast.Value, typ *ast.Type, path string, depth int, filter bool) {
	switch {
	case v == nil || a.err != nil:
		return
	case v.Kind == ast.Variable:
		a.variable(a.vars[v.Raw], typ, path, depth, filter)
	case v.Kind == ast.ListValue && typ.Elem != nil:
		if a.list(len(v.Children), path, filter) {
			for _, item := range v.Children {
				a.literal(item.Value, typ.Elem, path, depth, filter)
			}
		}
	case typ.Elem != nil:
		a.literal(v, typ.Elem, path, depth, filter) // a single value is a list of one
	case v.Kind == ast.ObjectValue:
		def, filter, ok := a.object(typ, path, depth, filter)
		for _, child := range v.Children {
			if !ok || a.err != nil {
				return
			}
			if fd := def.Fields.ForName(child.Name); fd != nil && a.field(path) {
				a.literal(child.Value, fd.Type, path+"."+child.Name, depth+1, filter)
			}
		}
	case v.Kind == ast.StringValue || v.Kind == ast.BlockValue || v.Kind == ast.IntValue || v.Kind == ast.FloatValue:
		a.text(v.Raw, path, filter) // numbers too: a Decimal of a million digits is slow to parse
	}
}

// variable walks a coerced variable's value: maps for input objects, slices
// for lists, strings and json.Numbers for scalars.
func (a *argWalk) variable(v any, typ *ast.Type, path string, depth int, filter bool) {
	if a.err != nil || v == nil {
		return
	}
	if typ.Elem != nil {
		// gqlparser coerces a single value to a slice of its own type: []map[string]any, []string...
		items := reflect.ValueOf(v)
		if items.Kind() != reflect.Slice {
			a.variable(v, typ.Elem, path, depth, filter) // a single value is a list of one
			return
		}
		if a.list(items.Len(), path, filter) {
			for i := range items.Len() {
				a.variable(items.Index(i).Interface(), typ.Elem, path, depth, filter)
			}
		}
		return
	}
	switch x := v.(type) {
	case map[string]any:
		def, filter, ok := a.object(typ, path, depth, filter)
		if !ok {
			return // a custom scalar's value, which its unmarshaler refuses
		}
		// In the schema's order, so that the same request gets the same answer.
		for _, fd := range def.Fields {
			if child, given := x[fd.Name]; given && child != nil && a.err == nil && a.field(path) {
				a.variable(child, fd.Type, path+"."+fd.Name, depth+1, filter)
			}
		}
	case string:
		a.text(x, path, filter)
	case json.Number:
		a.text(string(x), path, filter)
	}
}

// list counts a list's items against MaxListValues before they are walked.
func (a *argWalk) list(n int, path string, filter bool) bool {
	a.items += n
	if !filter {
		a.longest = max(a.longest, n)
	}
	if a.items > a.maxItems {
		a.err = clientError(CodeBadUserInput, fmt.Sprintf("%s holds too many values: the lists of one argument hold at most %d items in all", path, a.maxItems), lastName(path))
	}
	return a.err == nil
}

// object is the input object type of a value at depth, refused deeper than
// MaxInputDepth, and whether it and what it holds are a filter.
func (a *argWalk) object(typ *ast.Type, path string, depth int, filter bool) (*ast.Definition, bool, bool) {
	def := a.schema.Types[typ.Name()]
	if def == nil || def.Kind != ast.InputObject {
		return nil, filter, false
	}
	if depth >= MaxInputDepth {
		a.err = clientError(CodeTooComplex, fmt.Sprintf("%s nests input objects deeper than %d levels (the input depth limit)", a.arg, MaxInputDepth), a.arg)
		return nil, filter, false
	}
	return def, filter || isFilter(def), true
}

// field counts an input field given against MaxInputFields.
func (a *argWalk) field(path string) bool {
	a.fields++
	if a.fields > a.maxFields {
		a.err = clientError(CodeTooComplex, fmt.Sprintf("%s sets more than %d input fields (the input field limit): each is a predicate or a value to check", a.arg, a.maxFields), a.arg)
	}
	return a.err == nil
}

// text refuses a string longer than its bound.
func (a *argWalk) text(s, path string, filter bool) {
	limit, what := MaxInputString, "a string argument"
	if filter {
		limit, what = MaxFilterString, "a string in a filter"
	}
	if len(s) > limit && utf8.RuneCountInString(s) > limit { // a string has at least as many bytes as characters
		a.err = clientError(CodeBadUserInput, fmt.Sprintf("%s is too long: %s has at most %d characters", path, what, limit), lastName(path))
	}
}

// isFilter tells an entgql where input by its shape: an input object that
// negates itself with not (and combines itself with and and or).
func isFilter(def *ast.Definition) bool {
	not := def.Fields.ForName("not")
	return not != nil && not.Type.Name() == def.Name
}

// lastName is the input field a path such as where.or.idIn ends with.
func lastName(path string) string {
	return path[strings.LastIndexByte(path, '.')+1:]
}

// costError refuses an operation over the cost limit, saying what it costs in
// extensions.cost, or in extensions.costAtLeast when the walk stopped early.
func costError(limit int, key string, cost int) *gqlerror.Error {
	err := tooComplex("the operation costs more than %d (the cost limit): it costs %d: each field costs 1 and a list multiplies the cost of its selection by its page size, so ask for smaller pages or fewer nested lists", limit, cost)
	if key == "costAtLeast" {
		err.Message = fmt.Sprintf("the operation costs more than %d (the cost limit): it has more fields than that once its fragments are spread, and each costs at least 1", limit)
	}
	err.Extensions[key] = cost
	err.Extensions["limit"] = limit
	return err
}

func tooComplex(format string, args ...any) *gqlerror.Error {
	return clientError(CodeTooComplex, fmt.Sprintf(format, args...), "")
}

// rulesWithoutSuggestions are gqlparser's validation rules without "did you
// mean" hints, which would spell out the schema that introspection hides.
// gqlgen's SetDisableSuggestion swaps only two of the five rules that suggest.
func rulesWithoutSuggestions() *rules.Rules {
	r := rules.NewDefaultRules()
	for _, rule := range []core.Rule{
		rules.FieldsOnCorrectTypeRuleWithoutSuggestions,
		rules.ScalarLeafsRuleWithoutSuggestions,
		rules.ValuesOfCorrectTypeRuleWithoutSuggestions,
		rules.KnownArgumentNamesRuleWithoutSuggestions,
		rules.KnownTypeNamesRuleWithoutSuggestions,
	} {
		r.RemoveRule(strings.TrimSuffix(rule.Name, "WithoutSuggestions"))
		r.AddRule(rule.Name, rule.RuleFunc)
	}
	return r
}
