package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
)

// costStats is the key under which documentLimits keeps an operation's cost
// in its stats.
const costStats = "cost"

// CostHeader, set to "include", asks for the operation's cost in
// extensions.cost, as does the request extension "cost": true.
const CostHeader = "X-Cost"

// reportCost adds the operation's cost to the response's extensions when the
// client asks for it: the cost the document limits computed before anything
// ran, and the cost limit (absent when it is off).
func reportCost(limit int) graphql.ResponseMiddleware {
	return func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if resp == nil || !graphql.HasOperationContext(ctx) {
			return resp
		}
		oc := graphql.GetOperationContext(ctx)
		cost, ok := oc.Stats.GetExtension(costStats).(int)
		if !ok || !costAsked(oc) {
			return resp
		}
		report := map[string]any{"requested": cost}
		if limit > 0 {
			report["limit"] = limit
		}
		if resp.Extensions == nil {
			resp.Extensions = map[string]any{}
		}
		resp.Extensions["cost"] = report
		return resp
	}
}

// costAsked tells whether the request asked for its cost, by header or request extension.
func costAsked(oc *graphql.OperationContext) bool {
	return strings.EqualFold(oc.Headers.Get(CostHeader), "include") || oc.Extensions["cost"] == true
}
