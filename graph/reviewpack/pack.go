// Package reviewpack assembles what a review meeting looks at: the plan,
// its goals and KPIs, its action items, what changed in the plan and the
// org map since the last review, the account's metrics (computed by the
// metrics package, as the metrics query does), whitespace and feedback, and
// the same as Markdown with the Mermaid map.
package reviewpack

import (
	"context"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/actionitem"
	"github.com/accountplan/accountplan/ent/feedback"
	"github.com/accountplan/accountplan/ent/review"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/ent/whitespacecell"
	"github.com/accountplan/accountplan/graph/metrics"
	"github.com/accountplan/accountplan/graph/orgmap"
	"github.com/accountplan/accountplan/graph/timeline"
)

// Pack is a plan's review pack.
type Pack struct {
	Plan        *ent.AccountPlan
	Since       time.Time
	Until       time.Time
	SinceReview *ent.Review // the review since is, when it is one
	Goals       []*timeline.Goal
	Overdue     []*ent.ActionItem
	PlanDiff    *timeline.PlanDiff
	OrgMapDiff  *timeline.OrgMapDiff
	Metrics     *metrics.Report // the previous quarter and this one to Until
	Whitespace  []*ent.WhitespaceCell
	Feedback    []*ent.Feedback
	Markdown    string
}

// Quarter is the account's revenue over a calendar quarter, summed over the
// revenue records that start in it, whatever their currency.
type Quarter struct {
	Start, End                                     time.Time
	StartingRevenue, Expansion, Contraction, Churn int64
}

// EndingRevenue is the revenue at the quarter's end.
func (q *Quarter) EndingRevenue() int64 {
	return q.StartingRevenue + q.Expansion - q.Contraction - q.Churn
}

// NRR is ending over starting revenue; nil without starting revenue.
func (q *Quarter) NRR() *float64 {
	if q.StartingRevenue == 0 {
		return nil
	}
	v := float64(q.EndingRevenue()) / float64(q.StartingRevenue)
	return &v
}

// Revenue is this quarter's revenue, then the previous one's, from the
// metrics rows: what the pack answered before it had metrics.
func (p *Pack) Revenue() []*Quarter {
	this := quarterStart(p.Until)
	qs := []*Quarter{{Start: this, End: this.AddDate(0, 3, 0)}, {Start: this.AddDate(0, -3, 0), End: this}}
	for _, x := range p.Metrics.Rows {
		q := qs[1]
		if !x.PeriodStart.Before(this) {
			q = qs[0]
		}
		q.StartingRevenue += x.StartingRevenue
		q.Expansion += x.Expansion
		q.Contraction += x.Contraction
		q.Churn += x.Churn
	}
	return qs
}

// MetricsPeriod is the period of a pack's metrics made at until: the
// previous calendar quarter (UTC) and this one up to until, which the report
// splits by QUARTER.
func MetricsPeriod(until time.Time) metrics.Period {
	return metrics.Period{Start: quarterStart(until).AddDate(0, -3, 0), End: until}
}

// Build assembles the pack of a plan since a point (by default the plan's
// last held review, else the plan's creation) until now: a fixed number of
// statements whatever the size of the plan.
func Build(ctx context.Context, l orgmap.Loader, planID int, since *timeline.PointInTime, now time.Time) (*Pack, error) {
	c := l.Client
	plan, err := c.AccountPlan.Query().Where(accountplan.ID(planID)).WithAccount().Only(ctx)
	if ent.IsNotFound(err) {
		return nil, &clienterr.ReferenceError{Field: "planID", Type: "AccountPlan", ID: planID}
	}
	if err != nil {
		return nil, err
	}
	now = now.Truncate(time.Microsecond) // what a Time argument keeps, so that until can be passed back as one
	p := &Pack{Plan: plan, Until: now}
	if err := p.start(ctx, c, since); err != nil {
		return nil, err
	}
	// The history begins with the records: the diffs start no earlier.
	from, to := p.Since, now
	if from.Before(plan.CreatedAt) {
		from = plan.CreatedAt
	}
	before, err := timeline.PlanAsOf(ctx, c, planID, from, "since")
	if err != nil {
		return nil, err
	}
	after, err := timeline.PlanAsOf(ctx, c, planID, now, "since")
	if err != nil {
		return nil, err
	}
	p.Goals, p.PlanDiff = after.Goals, timeline.ComparePlans(before, after)
	for _, a := range after.ActionItems {
		if a.Status != actionitem.StatusDONE && a.Status != actionitem.StatusCANCELED && a.DueAt != nil && a.DueAt.Before(now) {
			p.Overdue = append(p.Overdue, a)
		}
	}
	if p.OrgMapDiff, err = timeline.MapDiff(ctx, l, plan.AccountID, timeline.PointInTime{At: &from}, timeline.PointInTime{At: &to}); err != nil {
		return nil, err
	}
	current, err := l.OrgMapAt(ctx, plan.AccountID, nil)
	if err != nil {
		return nil, err
	}
	// The metrics query's own code, on its own connections: the pack runs outside a transaction, as queries do.
	if p.Metrics, err = metrics.Rollup(ctx, c, MetricsPeriod(now), &metrics.Filter{AccountIDs: []int{plan.AccountID}}, []metrics.Dimension{metrics.Quarter}); err != nil {
		return nil, err
	}
	if p.Whitespace, err = c.WhitespaceCell.Query().Where(whitespacecell.HasAccountWith(account.ID(plan.AccountID))).
		WithProduct().WithBusinessUnit().Order(ent.Asc(whitespacecell.FieldID)).All(ctx); err != nil {
		return nil, err
	}
	if p.Feedback, err = c.Feedback.Query().Where(feedback.HasAccountWith(account.ID(plan.AccountID)), feedback.ReceivedAtGTE(p.Since)).
		Order(ent.Asc(feedback.FieldReceivedAt), ent.Asc(feedback.FieldID)).All(ctx); err != nil {
		return nil, err
	}
	p.Markdown = markdown(p, current)
	return p, nil
}

// start resolves since: the point given, else the plan's last review held
// before now, else the plan's creation.
func (p *Pack) start(ctx context.Context, c *ent.Client, since *timeline.PointInTime) error {
	if since != nil {
		t, err := since.Time(ctx, c, "since")
		if err != nil {
			return err
		}
		if t.After(p.Until) {
			return &clienterr.InputError{Field: "since", Message: "must not be in the future"}
		}
		p.Since = t
		if since.ReviewID != nil {
			p.SinceReview, err = c.Review.Get(ctx, *since.ReviewID)
		}
		return err
	}
	last, err := c.Review.Query().Where(review.PlanID(p.Plan.ID), review.StatusEQ(review.StatusHELD), review.HeldAtLTE(p.Until)).
		Order(ent.Desc(review.FieldHeldAt), ent.Desc(review.FieldID)).First(ctx)
	switch {
	case ent.IsNotFound(err):
		p.Since = p.Plan.CreatedAt
		return nil
	case err != nil:
		return err
	}
	p.Since, p.SinceReview = *last.HeldAt, last
	return nil
}

// quarterStart is the first instant of t's calendar quarter, in UTC.
func quarterStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month()-(t.Month()-1)%3, 1, 0, 0, 0, 0, time.UTC)
}
