// Package onestatement answers a query that reads only stored fields, to-one
// edges and connections of the ent schema in one SQL statement, which builds
// the whole answer as JSON in the database, instead of one statement per
// level and gqlgen resolving every field. Any other request, and any request
// it cannot answer exactly as the resolvers would, goes the usual way.
package onestatement

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"entgo.io/ent/dialect"
	"github.com/99designs/gqlgen/graphql"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/accountplan/accountplan/ent"
)

// Args decodes a field's arguments as its resolver gets them (generated.FieldArgs).
type Args func(ctx context.Context, object string, field graphql.CollectedField) (map[string]any, error)

// Reader answers the queries it can in one statement.
type Reader struct {
	drv    dialect.Driver
	schema *ast.Schema
	args   Args
	tables map[string]*ent.Table
	plans  *lru.Cache[string, *plan]
	// literals counts the kept plans that run as their literal, at most maxLiterals.
	literals, maxLiterals int64
	mu                    sync.Mutex // guards literals
	// large are the turns of large answers on SQLite (see answer).
	large chan struct{}
}

// largeAnswer is the size past which an answer on SQLite waits for a turn
// among one per core: SQLite builds each answer in this process, in a few
// copies, and as many at once as there are cores keep them all busy, while
// more only hold more memory (README, "Memory under load").
const largeAnswer = 512 << 10

// generatedSource is the schema file whose fields entgql generated, and so
// gqlgen reads as they are stored.
const generatedSource = "ent.graphql"

// plansKept is how many requests' plans are kept, as gqlgen keeps documents.
const plansKept = 1000

// New is a reader on drv for the GraphQL schema whose arguments args decodes;
// at most literals kept plans run as their literals (see run): each is a
// statement of its own that PostgreSQL keeps prepared, some 130 KB, on every
// connection that ran it, and past them a plan runs with its parameters.
func New(drv dialect.Driver, schema *ast.Schema, args Args, literals int) *Reader {
	r := &Reader{drv: drv, schema: schema, args: args, tables: ent.Tables, maxLiterals: int64(literals)}
	if drv != nil && drv.Dialect() == dialect.SQLite {
		r.large = make(chan struct{}, runtime.GOMAXPROCS(0))
	}
	r.plans, _ = lru.NewWithEvict(plansKept, func(_ string, p *plan) { r.retire(p) })
	return r
}

// plan is a query compiled, with its statement; nil for one that goes level by level.
type plan struct {
	q    *query
	text string
	args []any
	// literal is text with args written in, but those it keeps, on PostgreSQL
	// (see literal); runs counts the plan's runs, to run literal once the plan
	// is asked often, and hot tells that it does.
	literal string
	kept    []any
	runs    atomic.Int64
	hot     atomic.Bool
	// size is the length of the answer last written, the room the next one starts with.
	size atomic.Int64
}

// hotAfter is the runs of a plan with parameters after which it runs as its
// literal: a statement that pgx has not prepared on a connection costs a
// round trip more there, which a request asked once would only pay.
const hotAfter = 2

// run is the text and arguments of the plan's next run: its literal once
// it is asked often, while fewer than maxLiterals kept plans run theirs.
func (r *Reader) run(p *plan) (string, []any) {
	switch {
	case p.hot.Load():
		return p.literal, p.kept
	case p.literal == "" || p.runs.Add(1) <= hotAfter:
		return p.text, p.args
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.literals < r.maxLiterals && !p.hot.Load() {
		r.literals++
		p.hot.Store(true)
	}
	if p.hot.Load() {
		return p.literal, p.kept
	}
	return p.text, p.args
}

// retire frees a plan's place among those that run their literals, when it is no longer kept.
func (r *Reader) retire(p *plan) {
	if p == nil || !p.hot.Load() {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.literals--
}

// plan is the plan of the operation, compiled once per document, operation
// and variables: the same request asked again reuses it.
func (r *Reader) plan(ctx context.Context, oc *graphql.OperationContext) *plan {
	key := string(appendValue([]byte(oc.RawQuery+"\x00"+oc.OperationName+"\x00"), oc.Variables))
	if p, ok := r.plans.Get(key); ok && oc.RawQuery != "" {
		return p
	}
	var p *plan
	if q, ok := r.compile(ctx, oc); ok {
		text, args := r.statement(q)
		p = &plan{q: q, text: text, args: args}
		if r.drv.Dialect() == dialect.Postgres && len(args) > 0 {
			p.literal, p.kept = literal(text, args)
		}
	}
	if old, ok := r.plans.Peek(key); ok {
		r.retire(old) // replaced, which the LRU does not call an eviction
	}
	r.plans.Add(key, p)
	return p
}

// dispatched keys the operation of a context gqlgen runs: the response
// middlewares also see the refusals of operations it never runs (DispatchError).
type dispatched struct{}

// operation is what the reader did for one operation.
type operation struct{ answered bool }

// AroundOperations marks the operations gqlgen runs, for AroundResponses.
func (r *Reader) AroundOperations(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return next(context.WithValue(ctx, dispatched{}, &operation{}))
}

// AroundResponses answers a query in one statement when it can, and passes
// every other request on. A transport that streams asks again for the next
// response: an answered query has none.
func (r *Reader) AroundResponses(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	op, _ := ctx.Value(dispatched{}).(*operation)
	switch {
	case op == nil || !graphql.HasOperationContext(ctx):
		return next(ctx)
	case op.answered:
		return nil
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return next(ctx)
	}
	p := r.plan(ctx, oc)
	if p == nil {
		return next(ctx)
	}
	data, ok := r.answer(ctx, p)
	if !ok {
		return next(ctx)
	}
	op.answered = true
	return &graphql.Response{Data: json.RawMessage(data)}
}

// appendValue writes a variable's value into a plan's key with its Go type,
// since coercion gives one object for a list as []map[string]any and a list as
// []any; the types JSON and coercion give are written without reflection.
func appendValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, 'n')
	case bool:
		return strconv.AppendBool(append(b, 'b'), v)
	case string:
		return strconv.AppendQuote(append(b, 's'), v)
	case json.Number:
		return strconv.AppendQuote(append(b, 'j'), string(v))
	case int:
		return strconv.AppendInt(append(b, 'i'), int64(v), 10)
	case int64:
		return strconv.AppendInt(append(b, 'I'), v, 10)
	case float64:
		return strconv.AppendFloat(append(b, 'f'), v, 'g', -1, 64)
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for _, k := range keys {
			b = appendValue(strconv.AppendQuote(b, k), v[k])
		}
		return append(b, '}')
	case []any:
		b = append(b, '[')
		for _, e := range v {
			b = appendValue(b, e)
		}
		return append(b, ']')
	case []map[string]any:
		b = append(b, '<')
		for _, e := range v {
			b = appendValue(b, e)
		}
		return append(b, '>')
	}
	return fmt.Appendf(b, "%T%#v", v, v)
}
