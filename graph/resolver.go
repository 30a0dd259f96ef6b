// Package graph holds the GraphQL resolvers and the HTTP handler that serves them.
package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/accountplan/accountplan/ent"
)

// Resolver is the root resolver; its dependencies are shared by every request.
type Resolver struct {
	client *ent.Client
}

// nodes is ent's Client.Noders, except for a single unknown ID: like any other
// list, it answers [null] with an error at index 0 instead of failing the
// whole (non-null) nodes field.
func nodes(ctx context.Context, client *ent.Client, ids []int) ([]ent.Noder, error) {
	if len(ids) != 1 {
		return client.Noders(ctx, ids)
	}
	n, err := client.Noder(ctx, ids[0])
	if err != nil {
		graphql.AddError(graphql.WithPathContext(ctx, graphql.NewPathWithIndex(0)), err)
	}
	return []ent.Noder{n}, nil
}
