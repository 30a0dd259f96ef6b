// Package onestatement answers a query that reads only stored fields, to-one
// edges and connections of the ent schema in one SQL statement, which builds
// the whole answer as JSON in the database, instead of one statement per
// level and gqlgen resolving every field. Any other request, and any request
// it cannot answer exactly as the resolvers would, goes the usual way.
package onestatement

import (
	"context"
	"encoding/json"

	"entgo.io/ent/dialect"
	"github.com/99designs/gqlgen/graphql"
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
	// source is the schema file whose fields entgql generated and so read columns as they are stored.
	source string
}

// New is a reader on drv for the GraphQL schema whose arguments args decodes.
func New(drv dialect.Driver, schema *ast.Schema, args Args) *Reader {
	return &Reader{drv: drv, schema: schema, args: args, tables: ent.Tables, source: "ent.graphql"}
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
	// An operation refused before it ran (its variables, the document limits) comes here with its errors.
	if oc.Operation == nil || oc.Operation.Operation != ast.Query || len(graphql.GetErrors(ctx)) > 0 {
		return next(ctx)
	}
	q, ok := r.compile(ctx, oc)
	if !ok {
		return next(ctx)
	}
	data, ok := r.answer(ctx, q)
	if !ok {
		return next(ctx)
	}
	op.answered = true
	return &graphql.Response{Data: json.RawMessage(data)}
}
