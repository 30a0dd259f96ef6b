package planhealth

import (
	"context"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/actionitem"
	"github.com/accountplan/accountplan/ent/goal"
	"github.com/accountplan/accountplan/ent/insight"
	"github.com/accountplan/accountplan/ent/kpi"
	"github.com/accountplan/accountplan/ent/objective"
	"github.com/accountplan/accountplan/ent/review"
	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/graph/batch"
)

// Loader grades the plans and accounts of one request at one instant. It
// loads the facts of every plan (or account) the request read together, at
// the first health field: six statements for the plans, three more for the
// tier table when one is ACTIVE, one for the accounts.
type Loader struct {
	now      time.Time
	plans    *batch.Loader[Plan]      // the plan's own fields are left empty
	tiers    *batch.Loader[TierFacts] // by account, for the ACTIVE plans
	accounts *batch.Loader[int]       // ACTIVE plans per account
}

// TierFacts are what the tier table looks at in a plan's account.
type TierFacts struct {
	Tier   account.Tier
	Latest TierReview
}

// NewLoader returns a loader that reads through client, unless the context of
// a request carries a transaction's client (ent.FromContext), and grades at now.
func NewLoader(client *ent.Client, now time.Time) *Loader {
	using := func(ctx context.Context) *ent.Client {
		if c := ent.FromContext(ctx); c != nil {
			return c
		}
		return client
	}
	return &Loader{
		now: now,
		plans: batch.New(func(ctx context.Context, ids []int) (map[int]Plan, error) {
			return loadPlans(ctx, using(ctx), ids, now)
		}),
		tiers: batch.New(func(ctx context.Context, ids []int) (map[int]TierFacts, error) {
			return loadTiers(ctx, using(ctx), ids, now)
		}),
		accounts: batch.New(func(ctx context.Context, ids []int) (map[int]int, error) {
			return loadActivePlans(ctx, using(ctx), ids)
		}),
	}
}

type ctxKey struct{}

// WithLoader gives a request its loader; install it around each root field.
func WithLoader(ctx context.Context, client *ent.Client) context.Context {
	return context.WithValue(ctx, ctxKey{}, NewLoader(client, time.Now()))
}

// For is the request's loader, or an unshared one when the request has none.
func For(ctx context.Context, client *ent.Client) *Loader {
	if l, ok := ctx.Value(ctxKey{}).(*Loader); ok {
		return l
	}
	return NewLoader(client, time.Now())
}

// Interceptor notes the plans and the tier 1 and 2 accounts every query of a
// request reads, for the request's loader.
var Interceptor = ent.InterceptFunc(func(next ent.Querier) ent.Querier {
	return ent.QuerierFunc(func(ctx context.Context, q ent.Query) (ent.Value, error) {
		v, err := next.Query(ctx, q)
		if l, ok := ctx.Value(ctxKey{}).(*Loader); ok {
			switch rows := v.(type) {
			case []*ent.AccountPlan:
				for _, p := range rows {
					l.plans.Note(p.ID)
					if p.Status == accountplan.StatusACTIVE {
						l.tiers.Note(p.AccountID)
					}
				}
			case []*ent.Account:
				for _, a := range rows {
					if a.Tier != account.TierGENERAL {
						l.accounts.Note(a.ID)
					}
				}
			}
		}
		return v, err
	})
})

// PlanHealth grades a plan.
func (l *Loader) PlanHealth(ctx context.Context, p *ent.AccountPlan) (*Health, error) {
	facts, err := l.plans.Load(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	facts.Status, facts.ReviewCadence, facts.PeriodStart = p.Status, p.ReviewCadence, p.PeriodStart
	if p.Status == accountplan.StatusACTIVE {
		tier, err := l.tiers.Load(ctx, p.AccountID)
		if err != nil {
			return nil, err
		}
		facts.Tier, facts.TierReview = tier.Tier, tier.Latest
	}
	h := Evaluate(facts, l.now)
	return &h, nil
}

// PlanCoverage grades whether an account has the plan its tier requires. Only
// tier 1 and 2 accounts need a plan, so only they are looked up.
func (l *Loader) PlanCoverage(ctx context.Context, a *ent.Account) (*Health, error) {
	var active int
	if a.Tier != account.TierGENERAL {
		var err error
		if active, err = l.accounts.Load(ctx, a.ID); err != nil {
			return nil, err
		}
	}
	h := EvaluateAccount(Account{Tier: a.Tier, ActivePlans: active})
	return &h, nil
}

// The queries filter on the edge fields directly (HasPlanWith would add a
// subquery) and read only the columns the rules need.

// loadPlans gathers the facts of the plans ids in six statements.
func loadPlans(ctx context.Context, c *ent.Client, ids []int, now time.Time) (map[int]Plan, error) {
	facts := make(map[int]*Plan, len(ids))
	for _, id := range ids {
		facts[id] = &Plan{}
	}
	goals, err := c.Goal.Query().Where(goal.PlanIDIn(ids...)).
		Select(goal.FieldID, goal.FieldPlanID).All(ctx)
	if err != nil {
		return nil, err
	}
	planOf := make(map[int]int, len(goals))
	goalIDs := make([]int, len(goals))
	for i, g := range goals {
		planOf[g.ID] = g.PlanID
		goalIDs[i] = g.ID
		facts[g.PlanID].Goals++
	}

	// Objectives and then the ones with KPIs: a "has no KPI" predicate becomes
	// a correlated subquery, which scanned every KPI for each objective.
	objectives, err := c.Objective.Query().
		Where(objective.GoalIDIn(goalIDs...), objective.StatusNotIn(objective.StatusACHIEVED, objective.StatusCANCELED)).
		Order(objective.ByID()).Select(objective.FieldID, objective.FieldTitle, objective.FieldGoalID, objective.FieldOwnerID).
		All(ctx)
	if err != nil {
		return nil, err
	}
	objectiveIDs := make([]int, len(objectives))
	for i, o := range objectives {
		objectiveIDs[i] = o.ID
	}
	measured, err := c.KPI.Query().Where(kpi.ObjectiveIDIn(objectiveIDs...)).
		Unique(true).Select(kpi.FieldObjectiveID).Ints(ctx)
	if err != nil {
		return nil, err
	}
	hasKPI := make(map[int]bool, len(measured))
	for _, id := range measured {
		hasKPI[id] = true
	}
	for _, o := range objectives {
		p := facts[planOf[o.GoalID]]
		if o.OwnerID == nil {
			p.ObjectivesWithoutOwner = append(p.ObjectivesWithoutOwner, o.Title)
		}
		if !hasKPI[o.ID] {
			p.ObjectivesWithoutKPI = append(p.ObjectivesWithoutKPI, o.Title)
		}
	}

	items, err := c.ActionItem.Query().
		Where(actionitem.PlanIDIn(ids...), actionitem.StatusNotIn(actionitem.StatusDONE, actionitem.StatusCANCELED), actionitem.DueAtLT(now)).
		Order(actionitem.ByDueAt(), actionitem.ByID()).
		Select(actionitem.FieldTitle, actionitem.FieldDueAt, actionitem.FieldPlanID).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		p := facts[it.PlanID]
		p.ActionItems = append(p.ActionItems, ActionItem{Title: it.Title, DueAt: *it.DueAt}) // DueAtLT: never nil
	}

	// A plan has a few reviews a year; reading their dates is simpler than
	// a MAX, which SQLite returns as text.
	// A review recorded HELD at a time still to come has not been held yet, as planAsOf sees it.
	reviews, err := c.Review.Query().Where(review.PlanIDIn(ids...), review.StatusEQ(review.StatusHELD), review.HeldAtLTE(now)).
		Select(review.FieldHeldAt, review.FieldPlanID).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range reviews {
		if p := facts[*r.PlanID]; r.HeldAt.After(p.LastReview) { // PlanIDIn, HELD: neither is nil
			p.LastReview = *r.HeldAt
		}
	}

	// A plan records tens of insights: counting them here is simpler than
	// grouping, whose rows ent scans by column name.
	insights, err := c.Insight.Query().Where(insight.PlanIDIn(ids...)).
		Select(insight.FieldPlanID, insight.FieldConfirmed).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, in := range insights {
		p := facts[in.PlanID]
		p.Insights++
		if in.Confirmed {
			p.Confirmed++
		}
	}

	out := make(map[int]Plan, len(facts))
	for id, p := range facts {
		out[id] = *p
	}
	return out, nil
}

// loadTiers reads the tier of the accounts ids and, for those of tier 1 and
// 2, their latest tier review held by now with its attendees' seniorities: three
// statements (the attendees are a second query of the reviews').
func loadTiers(ctx context.Context, c *ent.Client, ids []int, now time.Time) (map[int]TierFacts, error) {
	accounts, err := c.Account.Query().Where(account.IDIn(ids...)).Select(account.FieldID, account.FieldTier).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int]TierFacts, len(accounts))
	var tiered []int
	for _, a := range accounts {
		out[a.ID] = TierFacts{Tier: a.Tier}
		if a.Tier != account.TierGENERAL {
			tiered = append(tiered, a.ID)
		}
	}
	if len(tiered) == 0 {
		return out, nil
	}
	reviews, err := c.Review.Query().
		Where(review.AccountIDIn(tiered...), review.StatusEQ(review.StatusHELD), review.HeldAtLTE(now), review.KindIn(review.KindQBR, review.KindEXECUTIVE_BRIEFING)).
		Select(review.FieldID, review.FieldAccountID, review.FieldHeldAt, review.FieldKind).
		Order(review.ByHeldAt(), review.ByID()). // the last of equal times wins
		WithAttendees(func(q *ent.UserQuery) { q.Select(user.FieldID, user.FieldSeniority) }).
		All(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range reviews {
		f := out[*r.AccountID]
		if r.HeldAt.Before(f.Latest.HeldAt) {
			continue
		}
		f.Latest = TierReview{HeldAt: *r.HeldAt, Briefing: r.Kind == review.KindEXECUTIVE_BRIEFING}
		for _, u := range r.Edges.Attendees {
			switch {
			case u.Seniority == nil:
			case *u.Seniority == user.SeniorityEXECUTIVE:
				f.Latest.Executives++
			case *u.Seniority == user.SeniorityVP:
				f.Latest.VPs++
			}
		}
		out[*r.AccountID] = f
	}
	return out, nil
}

// loadActivePlans counts the ACTIVE plans of the accounts ids in one
// statement: it reads the account of each, a few per account.
func loadActivePlans(ctx context.Context, c *ent.Client, ids []int) (map[int]int, error) {
	accounts, err := c.AccountPlan.Query().Where(accountplan.AccountIDIn(ids...), accountplan.StatusEQ(accountplan.StatusACTIVE)).
		Select(accountplan.FieldAccountID).Ints(ctx)
	if err != nil {
		return nil, err
	}
	active := make(map[int]int, len(accounts))
	for _, id := range accounts {
		active[id]++
	}
	return active, nil
}
