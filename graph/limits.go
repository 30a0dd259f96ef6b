package graph

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"
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
// fields before it is validated, and an operation that nests too deep, costs
// too much or pages a connection without a size once it is: once per
// operation, before any resolver or SQL statement runs.
type documentLimits struct {
	limits
	cache graphql.Cache[*ast.QueryDocument] // the server's cache of documents that passed validation
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
// with the same name: 5,000 copies of one field take seconds.
func (l documentLimits) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if _, ok := l.cache.Get(ctx, p.Query); ok {
		return nil // it passed before
	}
	if l.maxTokens > 0 && tokensOver(p.Query, l.maxTokens) {
		return tooComplex("the document has more than %d tokens (the token limit)", l.maxTokens)
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

func (l documentLimits) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	w := walk{limits: l.limits, vars: oc.Variables}
	cost := w.selection(oc.Operation.SelectionSet, 1, false)
	switch {
	case w.err != nil:
		return w.err
	case l.maxCost > 0 && cost > l.maxCost:
		return costError(l.maxCost)
	}
	return nil
}

// tokensOver lexes no further than the limit, so a token flood costs no more
// than a document at the limit.
func tokensOver(query string, limit int) bool {
	lex := lexer.New(&ast.Source{Input: query})
	for n := 0; n <= limit; n++ {
		tok, err := lex.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			return false // a lexical error is the parser's to report
		}
	}
	return true
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
	fields int // fields visited; the cost is at least this, so the walk stops once it passes the cost limit
	err    *gqlerror.Error
}

// costCap keeps costs from overflowing when the cost limit is off.
const costCap = math.MaxInt32

// selection returns the cost of a selection set whose fields sit at depth;
// inConnection says the set is a connection's, whose lists (edges, nodes) are the page itself.
func (w *walk) selection(set ast.SelectionSet, depth int, inConnection bool) int {
	cost := 0
	for _, s := range set {
		if w.err != nil {
			return 0
		}
		switch s := s.(type) {
		case *ast.Field:
			cost += w.field(s, depth, inConnection)
		case *ast.InlineFragment:
			cost += w.selection(s.SelectionSet, depth, inConnection)
		case *ast.FragmentSpread:
			cost += w.selection(s.Definition.SelectionSet, depth, inConnection)
		}
		cost = min(cost, costCap)
	}
	return cost
}

func (w *walk) field(f *ast.Field, depth int, inConnection bool) int {
	w.fields++
	switch {
	case f.Name == "__schema" || f.Name == "__type":
		if !w.introspection {
			w.err = clientError(CodeValidationFailed, "introspection is off on this server", "")
		}
		// The schema bounds introspection, and gqlparser's MaxIntrospectionDepth rule its nesting.
		return 0
	case w.maxDepth > 0 && depth > w.maxDepth:
		w.err = tooComplex("the operation nests fields deeper than %d levels (the depth limit)", w.maxDepth)
	case w.maxCost > 0 && w.fields > w.maxCost:
		w.err = costError(w.maxCost)
	}
	if w.err != nil || f.SelectionSet == nil {
		return 1
	}
	connection := strings.HasSuffix(f.Definition.Type.Name(), "Connection")
	n := w.multiplier(f, connection, inConnection)
	return min(1+n*w.selection(f.SelectionSet, depth+1, connection), costCap)
}

// multiplier is how many times a field's selection runs: a connection's or
// list's page size, 1 for a single object. It refuses a connection without
// first or last, or with a page over MaxPageSize, so that no request reads a
// whole table by accident.
func (w *walk) multiplier(f *ast.Field, connection, inConnection bool) int {
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
		return min(max(first, last, 1), costCap)
	case f.Definition.Type.Elem == nil || inConnection:
		return 1
	}
	return listMultiplier
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

func costError(limit int) *gqlerror.Error {
	return tooComplex("the operation costs more than %d (the cost limit): each field costs 1 and a list multiplies the cost of its selection by its page size, so ask for smaller pages or fewer nested lists", limit)
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
