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

	"entgo.io/ent/dialect"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
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
	plans  *lru.LRU[*plan]
}

// generatedSource is the schema file whose fields entgql generated, and so
// gqlgen reads as they are stored.
const generatedSource = "ent.graphql"

// plansKept is how many requests' plans are kept, as gqlgen keeps documents.
const plansKept = 1000

// New is a reader on drv for the GraphQL schema whose arguments args decodes.
func New(drv dialect.Driver, schema *ast.Schema, args Args) *Reader {
	return &Reader{drv: drv, schema: schema, args: args, tables: ent.Tables, plans: lru.New[*plan](plansKept)}
}

// plan is a query compiled, with its statement; nil for one that goes level by level.
type plan struct {
	q    *query
	text string
	args []any
}

// plan is the plan of the operation, compiled once per document, operation
// and variables: the same request asked again reuses it.
func (r *Reader) plan(ctx context.Context, oc *graphql.OperationContext) *plan {
	// With their Go types: coercion gives one object for a list as []map[string]any, a list as []any.
	key := oc.RawQuery + "\x00" + oc.OperationName + "\x00" + fmt.Sprintf("%#v", oc.Variables)
	if p, ok := r.plans.Get(ctx, key); ok && oc.RawQuery != "" {
		return p
	}
	var p *plan
	if q, ok := r.compile(ctx, oc); ok {
		text, args := r.statement(q)
		p = &plan{q: q, text: text, args: args}
	}
	r.plans.Add(ctx, key, p)
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
