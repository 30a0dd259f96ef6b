// Package graph holds the GraphQL resolvers and the HTTP handler that serves them.
package graph

import (
	"context"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/change"
	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/graph/live"
	"github.com/accountplan/accountplan/graph/orgmap"
	"github.com/accountplan/accountplan/graph/selection"
)

// Resolver is the root resolver; its dependencies are shared by every request.
type Resolver struct {
	client     *ent.Client
	maps       *orgmap.Cache
	pictureKey []byte // signs OrgMap.pictureURL
	live       *live.Hub
	// webhooksAllowPrivate lets endpoints be on private and loopback addresses.
	webhooksAllowPrivate bool
}

// mapLoader reads org maps, keeping them in the server's cache.
func (r *Resolver) mapLoader(ctx context.Context) orgmap.Loader {
	return orgmap.Loader{Client: r.client, Records: selection.Stakeholders(ctx), Cache: r.maps}
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

// history is a record's change history.
func (r *Resolver) history(ctx context.Context, id int, after *entgql.Cursor[int], first *int, before *entgql.Cursor[int], last *int, orderBy []*ent.ChangeOrder, where *ent.ChangeWhereInput) (*ent.ChangeConnection, error) {
	return r.client.Change.Query().Where(change.SubjectID(id)).Paginate(ctx, after, first, before, last, ent.WithChangeOrder(orderBy), ent.WithChangeFilter(where.Filter))
}

// changeFeed is every change in the order written, without those of the
// request's own API token when asked (a change without a token is not its).
func (r *Resolver) changeFeed(ctx context.Context, after *entgql.Cursor[int], first int, excludeOwnToken bool, where *ent.ChangeWhereInput) (*ent.ChangeConnection, error) {
	q := r.client.Change.Query()
	if v, _ := viewer.FromContext(ctx); excludeOwnToken && v.TokenID != 0 {
		q.Where(change.Or(change.OriginTokenIDIsNil(), change.OriginTokenIDNEQ(v.TokenID)))
	}
	return q.Paginate(ctx, after, &first, nil, nil, ent.WithChangeFilter(where.Filter))
}

// me is the signed-in user; nil while the server runs open.
func me(ctx context.Context, client *ent.Client) (*ent.User, error) {
	v, _ := viewer.FromContext(ctx)
	if v.UserID == 0 {
		return nil, nil
	}
	return client.User.Get(ctx, v.UserID)
}
