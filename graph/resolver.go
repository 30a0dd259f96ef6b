// Package graph holds the GraphQL resolvers and the HTTP handler that serves them.
package graph

import "github.com/accountplan/accountplan/ent"

// Resolver is the root resolver; its dependencies are shared by every request.
type Resolver struct {
	client *ent.Client
}
