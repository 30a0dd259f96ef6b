package icp

import (
	"context"
	"sync"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/stakeholder"
	"github.com/accountplan/accountplan/graph/batch"
)

// Loader grades the accounts of one request: it reads the profile once, and
// the stakeholder titles of every account the request read together, at the
// first icpFit field.
type Loader struct {
	using    func(context.Context) *ent.Client
	once     sync.Once
	criteria []*ent.IcpCriterion
	err      error
	titles   *batch.Loader[[]string] // VP-like titles per account
}

// NewLoader returns a loader that reads through client, unless the context of
// a request carries a transaction's client (ent.FromContext).
func NewLoader(client *ent.Client) *Loader {
	l := &Loader{using: func(ctx context.Context) *ent.Client {
		if c := ent.FromContext(ctx); c != nil {
			return c
		}
		return client
	}}
	l.titles = batch.New(func(ctx context.Context, ids []int) (map[int][]string, error) {
		return loadTitles(ctx, l.using(ctx), ids)
	})
	return l
}

type ctxKey struct{}

// WithLoader gives a request its loader; install it around each root field.
func WithLoader(ctx context.Context, client *ent.Client) context.Context {
	return context.WithValue(ctx, ctxKey{}, NewLoader(client))
}

// For is the request's loader, or an unshared one when the request has none.
func For(ctx context.Context, client *ent.Client) *Loader {
	if l, ok := ctx.Value(ctxKey{}).(*Loader); ok {
		return l
	}
	return NewLoader(client)
}

// Interceptor notes the accounts every query of a request reads, for the request's loader.
var Interceptor = ent.InterceptFunc(func(next ent.Querier) ent.Querier {
	return ent.QuerierFunc(func(ctx context.Context, q ent.Query) (ent.Value, error) {
		v, err := next.Query(ctx, q)
		if l, ok := ctx.Value(ctxKey{}).(*Loader); ok {
			if rows, ok := v.([]*ent.Account); ok {
				for _, a := range rows {
					l.titles.Note(a.ID)
				}
			}
		}
		return v, err
	})
})

// Fit grades an account against the profile.
func (l *Loader) Fit(ctx context.Context, a *ent.Account) (*Fit, error) {
	l.once.Do(func() { l.criteria, l.err = l.using(ctx).IcpCriterion.Query().All(ctx) })
	if l.err != nil {
		return nil, l.err
	}
	titles, err := l.titles.Load(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	fit := Evaluate(FactsOf(a, titles), l.criteria)
	return &fit, nil
}

// loadTitles reads the titles that may name a VP (every title vpOf accepts
// contains "vp" or "vice") of the stakeholders of the accounts ids.
func loadTitles(ctx context.Context, c *ent.Client, ids []int) (map[int][]string, error) {
	rows, err := c.Stakeholder.Query().
		Where(stakeholder.AccountIDIn(ids...), stakeholder.Or(stakeholder.TitleContainsFold("vp"), stakeholder.TitleContainsFold("vice"))).
		Order(stakeholder.ByID()).
		Select(stakeholder.FieldTitle, stakeholder.FieldAccountID).All(ctx)
	if err != nil {
		return nil, err
	}
	titles := make(map[int][]string, len(ids))
	for _, r := range rows {
		titles[r.AccountID] = append(titles[r.AccountID], r.Title)
	}
	return titles, nil
}
