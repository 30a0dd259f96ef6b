// Package timeline answers questions about the past: an account plan, its
// goals, objectives, KPIs and action items, and any record, as they were at
// a time, and what changed in a plan or an org map between two times (two
// reviews). Every state is rebuilt from the records now and the change
// history since (ent/schema/history/replay), with a number of statements
// that does not grow with the plan or the number of changes.
package timeline

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/actionitem"
	"github.com/accountplan/accountplan/ent/change"
	"github.com/accountplan/accountplan/ent/goal"
	"github.com/accountplan/accountplan/ent/insight"
	"github.com/accountplan/accountplan/ent/kpi"
	"github.com/accountplan/accountplan/ent/objective"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/ent/schema/history/replay"
)

// Plan is an account plan as it was at a time.
type Plan struct {
	AsOf        time.Time
	Plan        *ent.AccountPlan
	Goals       []*Goal
	ActionItems []*ent.ActionItem // every action item of the plan, with or without an objective
	Insights    []*ent.Insight
	Reviews     []*ent.Review
	tier        *tierState // the account's tier and reviews then, for the tier table
}

// Goal is a goal as it was, with its objectives.
type Goal struct {
	Goal       *ent.Goal
	Objectives []*Objective
}

// Objective is an objective as it was, with its KPIs and action items.
type Objective struct {
	Objective   *ent.Objective
	KPIs        []*ent.KPI
	ActionItems []*ent.ActionItem
}

// PlanAsOf rebuilds the plan as it was at a time: at most thirteen
// statements (the plan's account, its creation time, the changes since, and
// the plan, goals, objectives, KPIs, action items with their objectives,
// insights, the account's tier and its reviews with their attendees now),
// fourteen when a user attended a review then and none now, whatever the
// size of the plan or the number of changes.
// A plan that did not exist then, or a time before its account's history
// begins, is refused with an input error on field.
func PlanAsOf(ctx context.Context, c *ent.Client, planID int, at time.Time, field string) (*Plan, error) {
	accountID, err := planAccount(ctx, c, planID)
	if err != nil {
		return nil, err
	}
	h, err := replay.Since(ctx, c, accountID, at, field)
	if err != nil {
		return nil, err
	}
	return rebuildPlan(ctx, c, planID, accountID, h, field)
}

// planAccount is the account of a plan, read from the plan or, for a plan
// deleted since, from its history.
func planAccount(ctx context.Context, c *ent.Client, planID int) (int, error) {
	ids, err := c.AccountPlan.Query().Where(accountplan.ID(planID)).Select(accountplan.FieldAccountID).Ints(ctx)
	if err != nil {
		return 0, err
	}
	if len(ids) == 1 {
		return ids[0], nil
	}
	changes, err := c.Change.Query().Where(change.SubjectID(planID), change.SubjectType(ent.TypeAccountPlan), change.AccountIDNotNil()).Limit(1).All(ctx)
	if err != nil {
		return 0, err
	}
	if len(changes) == 0 {
		return 0, &clienterr.ReferenceError{Field: "planID", Type: "AccountPlan", ID: planID}
	}
	return *changes[0].AccountID, nil
}

func rebuildPlan(ctx context.Context, c *ent.Client, planID, accountID int, h *replay.History, field string) (*Plan, error) {
	plans, err := c.AccountPlan.Query().Where(accountplan.ID(planID)).All(ctx)
	if err != nil {
		return nil, err
	}
	goals, err := c.Goal.Query().Where(goal.PlanID(planID)).All(ctx)
	if err != nil {
		return nil, err
	}
	objectives, err := c.Objective.Query().Where(objective.HasGoalWith(goal.PlanID(planID))).All(ctx)
	if err != nil {
		return nil, err
	}
	kpis, err := c.KPI.Query().Where(kpi.HasObjectiveWith(objective.HasGoalWith(goal.PlanID(planID)))).All(ctx)
	if err != nil {
		return nil, err
	}
	// Loading the objective loads the item's links, which the plan groups by.
	items, err := c.ActionItem.Query().Where(actionitem.PlanID(planID)).
		WithObjective(func(q *ent.ObjectiveQuery) { q.Select(objective.FieldID) }).All(ctx)
	if err != nil {
		return nil, err
	}
	insights, err := c.Insight.Query().Where(insight.PlanID(planID)).All(ctx)
	if err != nil {
		return nil, err
	}
	reviews, err := loadAccountReviews(ctx, c, accountID)
	if err != nil {
		return nil, err
	}

	thenPlans, err := rewind(ent.TypeAccountPlan, c.AccountPlan.Bare, plans, h)
	if err != nil {
		return nil, err
	}
	p := thenPlans[planID]
	if p == nil {
		return nil, &clienterr.InputError{Field: field, Message: fmt.Sprintf("the plan did not exist at %s", h.At.UTC().Format(time.RFC3339Nano))}
	}
	out := &Plan{AsOf: h.At, Plan: p.Value}
	thenGoals, err := rewind(ent.TypeGoal, c.Goal.Bare, goals, h)
	if err != nil {
		return nil, err
	}
	thenObjectives, err := rewind(ent.TypeObjective, c.Objective.Bare, objectives, h)
	if err != nil {
		return nil, err
	}
	thenKPIs, err := rewind(ent.TypeKPI, c.KPI.Bare, kpis, h)
	if err != nil {
		return nil, err
	}
	thenItems, err := rewind(ent.TypeActionItem, c.ActionItem.Bare, items, h)
	if err != nil {
		return nil, err
	}
	thenInsights, err := rewind(ent.TypeInsight, c.Insight.Bare, insights, h)
	if err != nil {
		return nil, err
	}
	if out.tier, err = rewindTier(ctx, c, accountID, reviews, h); err != nil {
		return nil, err
	}

	byGoal := map[int]*Goal{}
	for _, g := range sorted(thenGoals) {
		if g.Value.PlanID == planID {
			byGoal[g.Value.ID] = &Goal{Goal: g.Value}
			out.Goals = append(out.Goals, byGoal[g.Value.ID])
		}
	}
	byObjective := map[int]*Objective{}
	for _, o := range sorted(thenObjectives) {
		if g := byGoal[o.Value.GoalID]; g != nil {
			byObjective[o.Value.ID] = &Objective{Objective: o.Value}
			g.Objectives = append(g.Objectives, byObjective[o.Value.ID])
		}
	}
	for _, k := range sorted(thenKPIs) {
		if o := byObjective[k.Value.ObjectiveID]; o != nil {
			o.KPIs = append(o.KPIs, k.Value)
		}
	}
	for _, it := range sorted(thenItems) {
		if it.Value.PlanID != planID {
			continue
		}
		out.ActionItems = append(out.ActionItems, it.Value)
		if o := byObjective[it.Link("objectiveID")]; o != nil {
			o.ActionItems = append(o.ActionItems, it.Value)
		}
	}
	for _, in := range sorted(thenInsights) {
		if in.Value.PlanID == planID {
			out.Insights = append(out.Insights, in.Value)
		}
	}
	for _, m := range out.tier.reviews {
		if r := m.review; r.PlanID != nil && *r.PlanID == planID {
			out.Reviews = append(out.Reviews, r)
		}
	}
	out.pinLinks()
	return out, nil
}

// pinLinks sets the links between the plan's records (an action item's
// objective, a KPI's, a review's plan...) to the records as they were; links
// to records outside the plan (its account, owners, stakeholders) are read now.
func (p *Plan) pinLinks() {
	then := map[string]map[int]ent.Noder{
		ent.TypeAccountPlan: {p.Plan.ID: p.Plan}, ent.TypeGoal: {}, ent.TypeObjective: {}, ent.TypeKPI: {}, ent.TypeActionItem: {}, ent.TypeReview: {},
	}
	records := []ent.Noder{p.Plan}
	for _, g := range p.Goals {
		then[ent.TypeGoal][g.Goal.ID] = g.Goal
		records = append(records, g.Goal)
		for _, o := range g.Objectives {
			then[ent.TypeObjective][o.Objective.ID] = o.Objective
			records = append(records, o.Objective)
			for _, k := range o.KPIs {
				then[ent.TypeKPI][k.ID] = k
				records = append(records, k)
			}
		}
	}
	for _, it := range p.ActionItems {
		then[ent.TypeActionItem][it.ID] = it
		records = append(records, it)
	}
	for _, in := range p.Insights {
		records = append(records, in)
	}
	if p.tier != nil {
		for _, m := range p.tier.reviews {
			then[ent.TypeReview][m.review.ID] = m.review
		}
	}
	for _, r := range p.Reviews {
		records = append(records, r)
	}
	pin(then, records...)
}

// rewind rebuilds records of one type as they were before the history's changes.
func rewind[T interface{ comparable }](typ string, bare func() T, now []T, h *replay.History) (map[int]*replay.Record[T], error) {
	return replay.Rewind(replay.Entity(typ, bare), typ, replay.Records(typ, now), h.Changes)
}

// sorted lists records by ID: the order they were created in.
func sorted[T any](records map[int]*replay.Record[T]) []*replay.Record[T] {
	ids := make([]int, 0, len(records))
	for id := range records {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, cmp.Compare)
	out := make([]*replay.Record[T], len(ids))
	for i, id := range ids {
		out[i] = records[id]
	}
	return out
}
