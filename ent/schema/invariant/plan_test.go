package invariant_test

import (
	"context"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/actionitem"
	"github.com/accountplan/accountplan/ent/feedback"
	"github.com/accountplan/accountplan/ent/insight"
	"github.com/accountplan/accountplan/ent/opportunity"
	"github.com/accountplan/accountplan/ent/revenuerecord"
	"github.com/accountplan/accountplan/ent/store/storetest"
)

// TestWhitespaceCellOfOneAccount: a cell's business unit is of the cell's account.
func TestWhitespaceCellOfOneAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		a, b := storetest.NewTree(t, c, "a"), storetest.NewTree(t, c, "b")
		refused(t, c, inputError("businessUnitID"), func(ctx context.Context) error {
			return c.WhitespaceCell.Create().SetAccountID(a.Account).SetBusinessUnitID(b.IDs[ent.TypeBusinessUnit]).SetProductID(b.Product).Exec(ctx)
		})
		ok(t, c.WhitespaceCell.Create().SetAccountID(a.Account).SetBusinessUnitID(a.IDs[ent.TypeBusinessUnit]).SetProductID(b.Product).Exec(as))
	})
}

// TestActionItemLinks: an action item has one owner at most, an objective
// of its own plan and a stakeholder owner of its plan's account.
func TestActionItemLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		a, b := storetest.NewTree(t, c, "a"), storetest.NewTree(t, c, "b")
		plan, item := a.IDs[ent.TypeAccountPlan], a.IDs[ent.TypeActionItem]
		// A second plan of the same account, with an objective of its own.
		plan2 := c.AccountPlan.Create().SetName("Next").SetAccountID(a.Account).SetPeriodStart(day(0)).SetPeriodEnd(day(90)).SaveX(as).ID
		goal2 := c.Goal.Create().SetTitle("Next").SetPlanID(plan2).SaveX(as).ID
		objective2 := c.Objective.Create().SetTitle("Next").SetGoalID(goal2).SaveX(as).ID

		refused(t, c, inputError("stakeholderOwnerID"), func(ctx context.Context) error {
			return c.ActionItem.Create().SetTitle("New").SetPlanID(plan).SetOwnerID(a.User).SetStakeholderOwnerID(a.Stakeholder).Exec(ctx)
		})
		refused(t, c, inputError("stakeholderOwnerID"), func(ctx context.Context) error {
			return c.ActionItem.UpdateOneID(item).SetOwnerID(a.User).SetStakeholderOwnerID(a.Stakeholder).Exec(ctx)
		})
		for name, objective := range map[string]int{"another plan of the account": objective2, "another account": b.IDs[ent.TypeObjective]} {
			t.Run("objective of "+name, func(t *testing.T) {
				refused(t, c, inputError("objectiveID"), func(ctx context.Context) error {
					return c.ActionItem.Create().SetTitle("New").SetPlanID(plan).SetObjectiveID(objective).Exec(ctx)
				})
				refused(t, c, inputError("objectiveID"), func(ctx context.Context) error {
					return c.ActionItem.UpdateOneID(item).SetObjectiveID(objective).Exec(ctx)
				})
				refused(t, c, inputError("objectiveID"), func(ctx context.Context) error {
					return c.ActionItem.Update().Where(actionitem.ID(item)).SetObjectiveID(objective).Exec(ctx)
				})
			})
		}
		refused(t, c, inputError("stakeholderOwnerID"), func(ctx context.Context) error {
			return c.ActionItem.Create().SetTitle("New").SetPlanID(plan).SetStakeholderOwnerID(b.Stakeholder).Exec(ctx)
		})
		refused(t, c, inputError("stakeholderOwnerID"), func(ctx context.Context) error {
			return c.ActionItem.UpdateOneID(item).SetStakeholderOwnerID(b.Stakeholder).Exec(ctx)
		})

		// Giving the item one kind of owner takes the other away.
		ok(t, c.ActionItem.UpdateOneID(item).SetObjectiveID(a.IDs[ent.TypeObjective]).SetStakeholderOwnerID(a.Stakeholder).Exec(as))
		ok(t, c.ActionItem.UpdateOneID(item).SetOwnerID(a.User).Exec(as))
		got := c.ActionItem.Query().Where(actionitem.ID(item)).WithOwner().WithStakeholderOwner().OnlyX(as)
		if got.Edges.Owner == nil || got.Edges.StakeholderOwner != nil {
			t.Errorf("given a user as owner, the item has owner %v and stakeholder owner %v", got.Edges.Owner, got.Edges.StakeholderOwner)
		}
		ok(t, c.ActionItem.UpdateOneID(item).SetStakeholderOwnerID(a.Other).Exec(as))
		got = c.ActionItem.Query().Where(actionitem.ID(item)).WithOwner().WithStakeholderOwner().OnlyX(as)
		if got.Edges.Owner != nil || got.Edges.StakeholderOwner == nil || got.Edges.StakeholderOwner.ID != a.Other {
			t.Errorf("given a stakeholder as owner, the item has owner %v and stakeholder owner %v", got.Edges.Owner, got.Edges.StakeholderOwner)
		}
	})
}

// TestActionItemCompletion: completedAt follows the status: set when the
// item is done, kept when it is done again, cleared when it is not.
func TestActionItemCompletion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		a := storetest.NewTree(t, c, "a")
		plan := a.IDs[ent.TypeAccountPlan]
		completed := func(id int) *time.Time { return c.ActionItem.GetX(as, id).CompletedAt }
		recent := func(at *time.Time) bool { return at != nil && time.Since(*at) < time.Minute && time.Since(*at) >= 0 }

		done := c.ActionItem.Create().SetTitle("Done").SetPlanID(plan).SetStatus(actionitem.StatusDONE).SaveX(as).ID
		if at := completed(done); !recent(at) {
			t.Errorf("created DONE, completed at %v, want now", at)
		}
		given := c.ActionItem.Create().SetTitle("Done before").SetPlanID(plan).SetStatus(actionitem.StatusDONE).SetCompletedAt(day(3)).SaveX(as).ID
		if at := completed(given); at == nil || !at.Equal(day(3)) {
			t.Errorf("created DONE with completedAt, completed at %v, want %v", at, day(3))
		}
		// Done again (a form that saves every field): the day it was done stays.
		ok(t, c.ActionItem.UpdateOneID(given).SetStatus(actionitem.StatusDONE).SetTitle("Renamed").Exec(as))
		if at := completed(given); at == nil || !at.Equal(day(3)) {
			t.Errorf("done again, completed at %v, want %v still", at, day(3))
		}
		ok(t, c.ActionItem.UpdateOneID(given).SetStatus(actionitem.StatusIN_PROGRESS).Exec(as))
		if at := completed(given); at != nil {
			t.Errorf("back in progress, completed at %v, want none", at)
		}
		ok(t, c.ActionItem.UpdateOneID(given).SetStatus(actionitem.StatusDONE).Exec(as))
		if at := completed(given); !recent(at) {
			t.Errorf("done once more, completed at %v, want now", at)
		}
		open := c.ActionItem.Create().SetTitle("Open").SetPlanID(plan).SaveX(as).ID
		ok(t, c.ActionItem.Update().Where(actionitem.IDIn(open, done)).SetStatus(actionitem.StatusCANCELED).Exec(as))
		for _, id := range []int{open, done} {
			if at := completed(id); at != nil {
				t.Errorf("canceled in bulk, completed at %v, want none", at)
			}
		}
		ok(t, c.ActionItem.Update().Where(actionitem.IDIn(open)).SetStatus(actionitem.StatusDONE).Exec(as))
		if at := completed(open); !recent(at) {
			t.Errorf("done in bulk, completed at %v, want now", at)
		}
	})
}

// TestInsightStakeholderOfPlanAccount: an insight's stakeholder is of its plan's account.
func TestInsightStakeholderOfPlanAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		a, b := storetest.NewTree(t, c, "a"), storetest.NewTree(t, c, "b")
		refused(t, c, inputError("stakeholderID"), func(ctx context.Context) error {
			return c.Insight.Create().SetKind(insight.KindPRESSURE).SetText("New").SetPlanID(a.IDs[ent.TypeAccountPlan]).SetStakeholderID(b.Stakeholder).Exec(ctx)
		})
		refused(t, c, inputError("stakeholderID"), func(ctx context.Context) error {
			return c.Insight.UpdateOneID(a.IDs[ent.TypeInsight]).SetStakeholderID(b.Stakeholder).Exec(ctx)
		})
		refused(t, c, inputError("stakeholderID"), func(ctx context.Context) error {
			return c.Insight.Update().Where(insight.IDIn(a.IDs[ent.TypeInsight], b.IDs[ent.TypeInsight])).SetStakeholderID(b.Stakeholder).Exec(ctx)
		})
		ok(t, c.Insight.UpdateOneID(a.IDs[ent.TypeInsight]).SetStakeholderID(a.Stakeholder).Exec(as))
	})
}

// TestFeedbackOfOneAccount: feedback's plan and stakeholder are of its account.
func TestFeedbackOfOneAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		a, b := storetest.NewTree(t, c, "a"), storetest.NewTree(t, c, "b")
		fb := a.IDs[ent.TypeFeedback]
		refused(t, c, inputError("planID"), func(ctx context.Context) error {
			return c.Feedback.Create().SetKind(feedback.KindAD_HOC).SetAccountID(a.Account).SetPlanID(b.IDs[ent.TypeAccountPlan]).Exec(ctx)
		})
		refused(t, c, inputError("stakeholderID"), func(ctx context.Context) error {
			return c.Feedback.Create().SetKind(feedback.KindAD_HOC).SetAccountID(a.Account).SetStakeholderID(b.Stakeholder).Exec(ctx)
		})
		refused(t, c, inputError("planID"), func(ctx context.Context) error {
			return c.Feedback.UpdateOneID(fb).SetPlanID(b.IDs[ent.TypeAccountPlan]).Exec(ctx)
		})
		refused(t, c, inputError("stakeholderID"), func(ctx context.Context) error {
			return c.Feedback.UpdateOneID(fb).SetStakeholderID(b.Stakeholder).Exec(ctx)
		})
		refused(t, c, inputError("stakeholderID"), func(ctx context.Context) error {
			return c.Feedback.Update().Where(feedback.IDIn(fb, b.IDs[ent.TypeFeedback])).SetStakeholderID(a.Stakeholder).Exec(ctx)
		})
		ok(t, c.Feedback.UpdateOneID(fb).SetPlanID(a.IDs[ent.TypeAccountPlan]).SetStakeholderID(a.Stakeholder).Exec(as))
	})
}

// TestOpportunityRules: a deal closes no earlier than it opens, under a
// plan of its account; its close date follows its stage.
func TestOpportunityRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		a, b := storetest.NewTree(t, c, "a"), storetest.NewTree(t, c, "b")
		deal := c.Opportunity.Create().SetName("Deal").SetAccountID(a.Account).SetOpenedAt(day(10)).SetClosedAt(day(20)).SaveX(as).ID

		refused(t, c, inputError("closedAt"), func(ctx context.Context) error {
			return c.Opportunity.Create().SetName("New").SetAccountID(a.Account).SetOpenedAt(day(10)).SetClosedAt(day(9)).Exec(ctx)
		})
		refused(t, c, inputError("closedAt"), func(ctx context.Context) error {
			return c.Opportunity.UpdateOneID(deal).SetClosedAt(day(5)).Exec(ctx)
		})
		refused(t, c, inputError("closedAt"), func(ctx context.Context) error {
			return c.Opportunity.UpdateOneID(deal).SetOpenedAt(day(21)).Exec(ctx)
		})
		refused(t, c, inputError("closedAt"), func(ctx context.Context) error {
			return c.Opportunity.Update().Where(opportunity.ID(deal)).SetClosedAt(day(30)).Exec(ctx)
		})
		refused(t, c, inputError("closedAt"), func(ctx context.Context) error {
			return c.Opportunity.Update().Where(opportunity.ID(deal)).SetOpenedAt(day(30)).SetClosedAt(day(29)).Exec(ctx)
		})
		refused(t, c, inputError("planID"), func(ctx context.Context) error {
			return c.Opportunity.Create().SetName("New").SetAccountID(a.Account).SetPlanID(b.IDs[ent.TypeAccountPlan]).Exec(ctx)
		})
		refused(t, c, inputError("planID"), func(ctx context.Context) error {
			return c.Opportunity.UpdateOneID(deal).SetPlanID(b.IDs[ent.TypeAccountPlan]).Exec(ctx)
		})
		refused(t, c, inputError("planID"), func(ctx context.Context) error {
			return c.Opportunity.Update().Where(opportunity.IDIn(deal, b.IDs[ent.TypeOpportunity])).SetPlanID(a.IDs[ent.TypeAccountPlan]).Exec(ctx)
		})
		// Closing the day it opens is fine.
		ok(t, c.Opportunity.UpdateOneID(deal).SetClosedAt(day(10)).SetPlanID(a.IDs[ent.TypeAccountPlan]).Exec(as))

		closedAt := func(id int) *time.Time { return c.Opportunity.GetX(as, id).ClosedAt }
		recent := func(at *time.Time) bool { return at != nil && time.Since(*at) < time.Minute && time.Since(*at) >= 0 }
		won := c.Opportunity.Create().SetName("Won").SetAccountID(a.Account).SetOpenedAt(day(1)).SetStage(opportunity.StageCLOSED_WON).SaveX(as).ID
		if at := closedAt(won); !recent(at) {
			t.Errorf("created won, closed at %v, want now", at)
		}
		ok(t, c.Opportunity.UpdateOneID(won).SetStage(opportunity.StageNEGOTIATION).Exec(as))
		if at := closedAt(won); at != nil {
			t.Errorf("reopened, closed at %v, want none", at)
		}
		ok(t, c.Opportunity.UpdateOneID(won).SetStage(opportunity.StageCLOSED_LOST).SetClosedAt(day(40)).Exec(as))
		ok(t, c.Opportunity.UpdateOneID(won).SetStage(opportunity.StageCLOSED_LOST).Exec(as))
		if at := closedAt(won); at == nil || !at.Equal(day(40)) {
			t.Errorf("closed again, closed at %v, want %v still", at, day(40))
		}
		// A bulk close keeps each deal's own date.
		ok(t, c.Opportunity.Update().Where(opportunity.ID(won)).SetStage(opportunity.StageCLOSED_WON).Exec(as))
		if at := closedAt(won); at == nil || !at.Equal(day(40)) {
			t.Errorf("closed in bulk, closed at %v, want %v still", at, day(40))
		}
		ok(t, c.Opportunity.Update().Where(opportunity.ID(won)).SetStage(opportunity.StagePROPOSAL).Exec(as))
		if at := closedAt(won); at != nil {
			t.Errorf("reopened in bulk, closed at %v, want none", at)
		}
	})
}

// TestPeriods: plans and revenue records end after they start, however the
// write sets their ends.
func TestPeriods(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		a := storetest.NewTree(t, c, "a")
		type period struct {
			create               func(ctx context.Context, start, end time.Time) error
			setStart, setEnd     func(ctx context.Context, at time.Time) error
			setBoth, setBulkOnly func(ctx context.Context, start, end time.Time) error
		}
		// Both types' records run from day 0 to day 90.
		plan, rec := a.IDs[ent.TypeAccountPlan], a.IDs[ent.TypeRevenueRecord]
		ok(t, c.AccountPlan.UpdateOneID(plan).SetPeriodStart(day(0)).SetPeriodEnd(day(90)).Exec(as))
		ok(t, c.RevenueRecord.UpdateOneID(rec).SetPeriodStart(day(0)).SetPeriodEnd(day(90)).Exec(as))
		for name, p := range map[string]period{
			"plan": {
				create: func(ctx context.Context, start, end time.Time) error {
					return c.AccountPlan.Create().SetName("New").SetAccountID(a.Account).SetPeriodStart(start).SetPeriodEnd(end).Exec(ctx)
				},
				setStart: func(ctx context.Context, at time.Time) error {
					return c.AccountPlan.UpdateOneID(plan).SetPeriodStart(at).Exec(ctx)
				},
				setEnd: func(ctx context.Context, at time.Time) error {
					return c.AccountPlan.UpdateOneID(plan).SetPeriodEnd(at).Exec(ctx)
				},
				setBoth: func(ctx context.Context, start, end time.Time) error {
					return c.AccountPlan.Update().Where(accountplan.ID(plan)).SetPeriodStart(start).SetPeriodEnd(end).Exec(ctx)
				},
				setBulkOnly: func(ctx context.Context, start, _ time.Time) error {
					return c.AccountPlan.Update().Where(accountplan.ID(plan)).SetPeriodStart(start).Exec(ctx)
				},
			},
			"revenue record": {
				create: func(ctx context.Context, start, end time.Time) error {
					return c.RevenueRecord.Create().SetAccountID(a.Account).SetPeriodStart(start).SetPeriodEnd(end).Exec(ctx)
				},
				setStart: func(ctx context.Context, at time.Time) error {
					return c.RevenueRecord.UpdateOneID(rec).SetPeriodStart(at).Exec(ctx)
				},
				setEnd: func(ctx context.Context, at time.Time) error {
					return c.RevenueRecord.UpdateOneID(rec).SetPeriodEnd(at).Exec(ctx)
				},
				setBoth: func(ctx context.Context, start, end time.Time) error {
					return c.RevenueRecord.Update().Where(revenuerecord.ID(rec)).SetPeriodStart(start).SetPeriodEnd(end).Exec(ctx)
				},
				setBulkOnly: func(ctx context.Context, _, end time.Time) error {
					return c.RevenueRecord.Update().Where(revenuerecord.ID(rec)).SetPeriodEnd(end).Exec(ctx)
				},
			},
		} {
			t.Run(name, func(t *testing.T) {
				for _, end := range []int{5, 4} { // the day it starts, and the day before
					refused(t, c, inputError("periodEnd"), func(ctx context.Context) error { return p.create(ctx, day(5), day(end)) })
					refused(t, c, inputError("periodEnd"), func(ctx context.Context) error { return p.setBoth(ctx, day(5), day(end)) })
				}
				refused(t, c, inputError("periodEnd"), func(ctx context.Context) error { return p.setStart(ctx, day(90)) })
				refused(t, c, inputError("periodEnd"), func(ctx context.Context) error { return p.setEnd(ctx, day(0)) })
				refused(t, c, inputError("periodEnd"), func(ctx context.Context) error { return p.setBulkOnly(ctx, day(1), day(89)) })
				ok(t, p.create(as, day(5), day(6)))
				ok(t, p.setStart(as, day(89)))
				ok(t, p.setEnd(as, day(100)))
				ok(t, p.setBoth(as, day(0), day(90)))
			})
		}
	})
}

// TestKPICurrentValue: a KPI's current value is that of its newest
// measurement, whatever the order they are recorded in.
func TestKPICurrentValue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		a := storetest.NewTree(t, c, "a")
		kpi := c.KPI.Create().SetName("NPS").SetObjectiveID(a.IDs[ent.TypeObjective]).SaveX(as).ID
		current := func() string {
			v := c.KPI.GetX(as, kpi).CurrentValue
			if v == nil {
				return "<nil>"
			}
			return *v
		}
		for _, m := range []struct {
			day         int
			value, want string
		}{
			{10, "5", "5"},
			{20, "7", "7"},
			{15, "6", "7"}, // older than the newest
			{20, "8", "8"}, // as new as the newest, recorded later
			{30, "-1", "-1"},
		} {
			ok(t, c.KPIMeasurement.Create().SetKpiID(kpi).SetValue(m.value).SetMeasuredAt(day(m.day)).Exec(as))
			if got := current(); got != m.want {
				t.Errorf("after %s measured on day %d, the current value is %s, want %s", m.value, m.day, got, m.want)
			}
		}
		// Another KPI's measurements leave it alone.
		ok(t, c.KPIMeasurement.Create().SetKpiID(a.IDs[ent.TypeKPI]).SetValue("99").SetMeasuredAt(day(99)).Exec(as))
		if got := current(); got != "-1" {
			t.Errorf("after another KPI's measurement, the current value is %s", got)
		}
	})
}
