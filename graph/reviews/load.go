package reviews

import (
	"context"
	"maps"
	"slices"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/actionitem"
	"github.com/accountplan/accountplan/ent/review"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/graph/batch"
)

// Start is what a review starts from.
type Start struct {
	Previous  *ent.Review
	Open      []*ent.ActionItem
	Completed []*ent.ActionItem
}

// Loader answers for the reviews of one request together, at the first field
// that asks: three statements, whatever the number of reviews.
type Loader struct {
	starts *batch.Loader[Start]
}

// NewLoader returns a loader that reads through client, unless the context
// carries a transaction's client (ent.FromContext).
func NewLoader(client *ent.Client) *Loader {
	return &Loader{starts: batch.New(func(ctx context.Context, ids []int) (map[int]Start, error) {
		c := client
		if tx := ent.FromContext(ctx); tx != nil {
			c = tx
		}
		return load(ctx, c, ids)
	})}
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

// Interceptor notes the reviews every query of a request reads, for the request's loader.
var Interceptor = ent.InterceptFunc(func(next ent.Querier) ent.Querier {
	return ent.QuerierFunc(func(ctx context.Context, q ent.Query) (ent.Value, error) {
		v, err := next.Query(ctx, q)
		if l, ok := ctx.Value(ctxKey{}).(*Loader); ok {
			if rows, ok := v.([]*ent.Review); ok {
				for _, r := range rows {
					l.starts.Note(r.ID)
				}
			}
		}
		return v, err
	})
})

// Start is what the review r starts from.
func (l *Loader) Start(ctx context.Context, r *ent.Review) (Start, error) {
	return l.starts.Load(ctx, r.ID)
}

// meeting is the review as the rules see it.
func meeting(r *ent.Review) Meeting {
	m := Meeting{ID: r.ID, At: r.ScheduledAt, Held: r.Status == review.StatusHELD}
	if r.AccountID != nil {
		m.Account = *r.AccountID
	}
	if m.Held && r.HeldAt != nil {
		m.At = *r.HeldAt
	}
	return m
}

// load reads the reviews ids with the HELD reviews of their accounts, then
// those accounts' plans with their action items: three statements.
func load(ctx context.Context, c *ent.Client, ids []int) (map[int]Start, error) {
	// The loader's own reads are not the request's: nothing to note.
	ctx = context.WithValue(ctx, ctxKey{}, struct{}{})
	rows, err := c.Review.Query().Where(func(s *sql.Selector) {
		theirs := sql.Select(review.FieldAccountID).From(sql.Table(review.Table)).Where(sql.InInts(review.FieldID, ids...))
		s.Where(sql.And(
			sql.In(s.C(review.FieldAccountID), theirs),
			sql.Or(sql.EQ(s.C(review.FieldStatus), review.StatusHELD), sql.InInts(s.C(review.FieldID), ids...)),
		))
	}).All(ctx)
	if err != nil {
		return nil, err
	}
	asked := make(map[int]bool, len(ids))
	for _, id := range ids {
		asked[id] = true
	}
	var meetings []Meeting
	accounts := map[int]bool{}
	byID := make(map[int]*ent.Review, len(rows))
	for _, r := range rows {
		m := meeting(r)
		byID[r.ID], accounts[m.Account] = r, true
		if m.Held {
			meetings = append(meetings, m)
		}
	}
	plans, err := c.AccountPlan.Query().Where(accountplan.AccountIDIn(slices.Collect(maps.Keys(accounts))...)).
		Select(accountplan.FieldID, accountplan.FieldAccountID).WithActionItems().All(ctx)
	if err != nil {
		return nil, err
	}
	items := map[int][]Item{} // by account
	itemByID := map[int]*ent.ActionItem{}
	for _, p := range plans {
		for _, it := range p.Edges.ActionItems {
			itemByID[it.ID] = it
			items[p.AccountID] = append(items[p.AccountID], Item{ID: it.ID, CreatedAt: it.CreatedAt, DueAt: it.DueAt,
				CompletedAt: it.CompletedAt, Canceled: it.Status == actionitem.StatusCANCELED, Review: it.ReviewID})
		}
	}
	entities := func(its []Item) []*ent.ActionItem {
		out := make([]*ent.ActionItem, len(its))
		for i, it := range its {
			out[i] = itemByID[it.ID]
		}
		return out
	}
	out := make(map[int]Start, len(ids))
	for id := range asked {
		r, found := byID[id]
		if !found {
			continue
		}
		m := meeting(r)
		prev, ok := Previous(m, meetings)
		open, completed := Since(items[m.Account], m.At, prev, ok)
		s := Start{Open: entities(open), Completed: entities(completed)}
		if ok {
			s.Previous = byID[prev.ID]
		}
		out[id] = s
	}
	return out, nil
}

// Plan is the review's plan, as eager-loaded or else read; nil when it has none.
func Plan(ctx context.Context, r *ent.Review) (*ent.AccountPlan, error) {
	if p, err := r.Edges.PlanOrErr(); err == nil || ent.IsNotFound(err) {
		return p, nil
	}
	if r.PlanID == nil {
		return nil, nil
	}
	return r.QueryPlan().Only(ctx)
}

// RequiredPlan is Plan for the field that predates reviews without a plan: an
// AbsentError (NOT_FOUND) for those.
func RequiredPlan(ctx context.Context, r *ent.Review) (*ent.AccountPlan, error) {
	p, err := Plan(ctx, r)
	if err == nil && p == nil {
		return nil, &clienterr.AbsentError{Field: "plan", Message: "this review has no plan (a review of an account without one): read accountPlan, which answers null"}
	}
	return p, err
}

// HeldAt is when the review took place, or, until it does, when it is scheduled.
func HeldAt(r *ent.Review) *time.Time {
	if r.HeldAt != nil {
		return r.HeldAt
	}
	return &r.ScheduledAt
}

// Previous is the review before r; nil when there is none.
func (l *Loader) Previous(ctx context.Context, r *ent.Review) (*ent.Review, error) {
	s, err := l.Start(ctx, r)
	return s.Previous, err
}

// Open are the action items open since the review before r.
func (l *Loader) Open(ctx context.Context, r *ent.Review) ([]*ent.ActionItem, error) {
	s, err := l.Start(ctx, r)
	return nonNil(s.Open), err
}

// Completed are the action items completed since the review before r.
func (l *Loader) Completed(ctx context.Context, r *ent.Review) ([]*ent.ActionItem, error) {
	s, err := l.Start(ctx, r)
	return nonNil(s.Completed), err
}

// nonNil is an empty list for none, which a non-null list field answers as [].
func nonNil(items []*ent.ActionItem) []*ent.ActionItem {
	if items == nil {
		return []*ent.ActionItem{}
	}
	return items
}
