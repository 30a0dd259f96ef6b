package invariant

import (
	"context"
	"strconv"
	"time"

	"entgo.io/ent"

	gen "github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/actionitem"
	"github.com/accountplan/accountplan/ent/businessunit"
	"github.com/accountplan/accountplan/ent/feedback"
	"github.com/accountplan/accountplan/ent/hook"
	"github.com/accountplan/accountplan/ent/insight"
	"github.com/accountplan/accountplan/ent/kpi"
	"github.com/accountplan/accountplan/ent/kpimeasurement"
	"github.com/accountplan/accountplan/ent/objective"
	"github.com/accountplan/accountplan/ent/opportunity"
	"github.com/accountplan/accountplan/ent/review"
	"github.com/accountplan/accountplan/ent/schema/bulk"
	"github.com/accountplan/accountplan/ent/schema/calendar"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/ent/stakeholder"
)

// WhitespaceCellOfOneAccount refuses a cell whose business unit belongs to another account.
func WhitespaceCellOfOneAccount(next ent.Mutator) ent.Mutator {
	return hook.WhitespaceCellFunc(func(ctx context.Context, m *gen.WhitespaceCellMutation) (ent.Value, error) {
		acc, okAcc := m.AccountID()
		unit, okUnit := m.BusinessUnitID()
		if okAcc && okUnit {
			if err := sameAccount(ctx, m.Client().BusinessUnit.Query().Where(businessunit.ID(unit)).QueryAccount(), acc, "businessUnitID", "the business unit must belong to the cell's account"); err != nil {
				return nil, err
			}
		}
		return next.Mutate(ctx, m)
	})
}

// ActionItemRules keeps an action item to one owner, its objective in its
// plan, a stakeholder owner and the review that raised it in the plan's
// account, and completedAt in step with its status.
func ActionItemRules(next ent.Mutator) ent.Mutator {
	return hook.ActionItemFunc(func(ctx context.Context, m *gen.ActionItemMutation) (ent.Value, error) {
		if err := checkActionItem(ctx, m); err != nil {
			return nil, err
		}
		return next.Mutate(ctx, m)
	})
}

func checkActionItem(ctx context.Context, m *gen.ActionItemMutation) error {
	_, setUser := m.OwnerID()
	person, setPerson := m.StakeholderOwnerID()
	switch {
	case setUser && setPerson:
		return &clienterr.InputError{Field: "stakeholderOwnerID", Message: "an action item has one owner: give ownerID or stakeholderOwnerID, not both"}
	case setUser && !m.Op().Is(ent.OpCreate):
		m.ClearStakeholderOwner()
	case setPerson && !m.Op().Is(ent.OpCreate):
		m.ClearOwner()
	}
	if status, ok := m.Status(); ok {
		_, given := m.CompletedAt()
		switch {
		case status != actionitem.StatusDONE:
			m.ClearCompletedAt()
		case given:
		case m.Op().Is(ent.OpUpdateOne):
			// Sending DONE for an item already done (a form that saves every
			// field) moved completedAt to now, losing when it was done.
			oldStatus, err := m.OldStatus(ctx)
			if err != nil {
				return err
			}
			old, err := m.OldCompletedAt(ctx)
			if err != nil {
				return err
			}
			if oldStatus != actionitem.StatusDONE || old == nil {
				m.SetCompletedAt(calendar.Now())
			}
		default:
			m.SetCompletedAt(calendar.Now())
		}
	}
	obj, setObj := m.ObjectiveID()
	meeting, setReview := m.ReviewID()
	if !setObj && !setPerson && !setReview {
		return nil
	}
	c := m.Client()
	call := bulk.FromContext(ctx)
	plans, err := planIDs(ctx, m)
	if err != nil {
		return err
	}
	for _, plan := range plans {
		if setObj {
			// An objective never moves to another plan: a bulk call asks once per objective.
			got, err := call.Remember("objective plan "+strconv.Itoa(obj), func() (int, error) {
				return c.Objective.Query().Where(objective.ID(obj)).QueryGoal().QueryPlan().OnlyID(ctx)
			})
			if err != nil {
				return err
			}
			if got != plan {
				return &clienterr.InputError{Field: "objectiveID", Message: "the objective must belong to the action item's plan"}
			}
		}
		if !setPerson && !setReview {
			continue
		}
		acc, known := call.AccountOf(gen.TypeAccountPlan, plan)
		if !known {
			if acc, err = c.AccountPlan.Query().Where(accountplan.ID(plan)).Select(accountplan.FieldAccountID).Int(ctx); err != nil {
				return err
			}
		}
		if setPerson {
			if err := sameStakeholderAccount(ctx, c, person, acc, "stakeholderOwnerID", "the stakeholder must belong to the plan's account"); err != nil {
				return err
			}
		}
		if setReview {
			got, err := call.Remember("review account "+strconv.Itoa(meeting), func() (int, error) {
				return c.Review.Query().Where(review.ID(meeting)).QueryAccount().OnlyID(ctx)
			})
			if err != nil {
				return err
			}
			if got != acc {
				return &clienterr.InputError{Field: "reviewID", Message: "the review must be of the plan's account"}
			}
		}
	}
	return nil
}

// planIDs are the plans of the action items a mutation writes.
func planIDs(ctx context.Context, m *gen.ActionItemMutation) ([]int, error) {
	if plan, ok := m.PlanID(); ok {
		return []int{plan}, nil
	}
	ids, err := m.IDs(ctx)
	if err != nil {
		return nil, err
	}
	return m.Client().ActionItem.Query().Where(actionitem.IDIn(ids...)).QueryPlan().IDs(ctx)
}

// InsightStakeholderOfPlanAccount refuses an insight owned by a stakeholder of another account than the plan's.
func InsightStakeholderOfPlanAccount(next ent.Mutator) ent.Mutator {
	return hook.InsightFunc(func(ctx context.Context, m *gen.InsightMutation) (ent.Value, error) {
		person, ok := m.StakeholderID()
		if !ok {
			return next.Mutate(ctx, m)
		}
		c := m.Client()
		var accounts []int
		var err error
		if plan, ok := m.PlanID(); ok {
			accounts, err = c.AccountPlan.Query().Where(accountplan.ID(plan)).QueryAccount().IDs(ctx)
		} else {
			var ids []int
			if ids, err = m.IDs(ctx); err == nil {
				accounts, err = c.Insight.Query().Where(insight.IDIn(ids...)).QueryPlan().QueryAccount().IDs(ctx)
			}
		}
		if err != nil {
			return nil, err
		}
		for _, acc := range accounts {
			if err := sameAccount(ctx, c.Stakeholder.Query().Where(stakeholder.ID(person)).QueryAccount(), acc, "stakeholderID", "the stakeholder must belong to the plan's account"); err != nil {
				return nil, err
			}
		}
		return next.Mutate(ctx, m)
	})
}

// FeedbackOfOneAccount refuses feedback whose plan or stakeholder belongs to another account.
func FeedbackOfOneAccount(next ent.Mutator) ent.Mutator {
	return hook.FeedbackFunc(func(ctx context.Context, m *gen.FeedbackMutation) (ent.Value, error) {
		plan, setPlan := m.PlanID()
		person, setPerson := m.StakeholderID()
		if !setPlan && !setPerson {
			return next.Mutate(ctx, m)
		}
		c := m.Client()
		accounts, err := accountsOf(ctx, m.AccountID, m.IDs, func(ids []int) *gen.AccountQuery {
			return c.Feedback.Query().Where(feedback.IDIn(ids...)).QueryAccount()
		})
		if err != nil {
			return nil, err
		}
		for _, acc := range accounts {
			if setPlan {
				if err := sameAccount(ctx, c.AccountPlan.Query().Where(accountplan.ID(plan)).QueryAccount(), acc, "planID", "the plan must belong to the feedback's account"); err != nil {
					return nil, err
				}
			}
			if setPerson {
				if err := sameAccount(ctx, c.Stakeholder.Query().Where(stakeholder.ID(person)).QueryAccount(), acc, "stakeholderID", "the stakeholder must belong to the feedback's account"); err != nil {
					return nil, err
				}
			}
		}
		return next.Mutate(ctx, m)
	})
}

// OpportunityRules closes and reopens deals with their stage, refuses a
// close before the opening and a plan of another account.
func OpportunityRules(next ent.Mutator) ent.Mutator {
	return hook.OpportunityFunc(func(ctx context.Context, m *gen.OpportunityMutation) (ent.Value, error) {
		oldClosedAt := func(ctx context.Context) (time.Time, error) {
			v, err := m.OldClosedAt(ctx)
			if v == nil {
				return time.Time{}, err
			}
			return *v, err
		}
		if err := closeDeal(ctx, m, oldClosedAt); err != nil {
			return nil, err
		}
		if err := checkPeriod(ctx, m.Op(), m.OpenedAt, m.ClosedAt, m.OldOpenedAt, oldClosedAt, "closedAt", "openedAt", true); err != nil {
			return nil, err
		}
		if plan, ok := m.PlanID(); ok {
			c := m.Client()
			accounts, err := accountsOf(ctx, m.AccountID, m.IDs, func(ids []int) *gen.AccountQuery {
				return c.Opportunity.Query().Where(opportunity.IDIn(ids...)).QueryAccount()
			})
			if err != nil {
				return nil, err
			}
			for _, acc := range accounts {
				if err := sameAccount(ctx, c.AccountPlan.Query().Where(accountplan.ID(plan)).QueryAccount(), acc, "planID", "the plan must belong to the opportunity's account"); err != nil {
					return nil, err
				}
			}
		}
		return next.Mutate(ctx, m)
	})
}

// closeDeal keeps closedAt in step with the stage: a deal moved to a closed
// stage without a date closes now, and a reopened deal loses its close date,
// so win rate and cycle length never count a deal that is open again.
func closeDeal(ctx context.Context, m *gen.OpportunityMutation, oldClosedAt func(context.Context) (time.Time, error)) error {
	stage, ok := m.Stage()
	if _, given := m.ClosedAt(); !ok || given {
		return nil
	}
	if stage != opportunity.StageCLOSED_WON && stage != opportunity.StageCLOSED_LOST {
		if !m.Op().Is(ent.OpCreate) {
			m.ClearClosedAt()
		}
		return nil
	}
	switch {
	case m.Op().Is(ent.OpUpdate):
		return nil // a bulk close keeps each deal's own date; rows without one are left to the caller
	case m.Op().Is(ent.OpUpdateOne):
		old, err := oldClosedAt(ctx)
		if err != nil || !old.IsZero() {
			return err
		}
	}
	m.SetClosedAt(calendar.Now())
	return nil
}

// PlanPeriod refuses a plan whose period does not end after it starts.
func PlanPeriod(next ent.Mutator) ent.Mutator {
	return hook.AccountPlanFunc(func(ctx context.Context, m *gen.AccountPlanMutation) (ent.Value, error) {
		if err := checkPeriod(ctx, m.Op(), m.PeriodStart, m.PeriodEnd, m.OldPeriodStart, m.OldPeriodEnd, "periodEnd", "periodStart", false); err != nil {
			return nil, err
		}
		return next.Mutate(ctx, m)
	})
}

// RevenuePeriod refuses a revenue record whose period does not end after it starts.
func RevenuePeriod(next ent.Mutator) ent.Mutator {
	return hook.RevenueRecordFunc(func(ctx context.Context, m *gen.RevenueRecordMutation) (ent.Value, error) {
		if err := checkPeriod(ctx, m.Op(), m.PeriodStart, m.PeriodEnd, m.OldPeriodStart, m.OldPeriodEnd, "periodEnd", "periodStart", false); err != nil {
			return nil, err
		}
		return next.Mutate(ctx, m)
	})
}

// KPICurrentValue sets a KPI's current value to its newest measurement
// when a measurement is recorded.
func KPICurrentValue(next ent.Mutator) ent.Mutator {
	return hook.KPIMeasurementFunc(func(ctx context.Context, m *gen.KPIMeasurementMutation) (ent.Value, error) {
		v, err := next.Mutate(ctx, m)
		if err != nil {
			return nil, err
		}
		id, _ := m.KpiID()
		c := m.Client()
		newest, err := c.KPIMeasurement.Query().
			Where(kpimeasurement.HasKpiWith(kpi.ID(id))).
			Order(gen.Desc(kpimeasurement.FieldMeasuredAt), gen.Desc(kpimeasurement.FieldID)).
			First(ctx)
		if err != nil {
			return nil, err
		}
		return v, c.KPI.UpdateOneID(id).SetCurrentValue(newest.Value).Exec(ctx)
	})
}
