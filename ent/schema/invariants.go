package schema

// The invariants the data layer enforces, whichever client writes. The API
// turns an InputError into BAD_USER_INPUT and a ReferenceError into NOT_FOUND.

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema/mixin"
	"github.com/99designs/gqlgen/graphql"

	gen "github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
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
	"github.com/accountplan/accountplan/ent/stakeholder"
)

// InputError is a write refused because of the client's input.
type InputError struct {
	Field   string // the GraphQL input field at fault
	Message string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Message }

// ReferenceError is a write that names an object that does not exist.
type ReferenceError struct {
	Field string // the GraphQL input field at fault
	Type  string // the type the field expects
	ID    int
}

func (e *ReferenceError) Error() string {
	return fmt.Sprintf("%s: no %s with id %d", e.Field, e.Type, e.ID)
}

// all lists every schema, so that edges can be described by name.
var all = []ent.Interface{
	Account{}, AccountPlan{}, AccountTeamMember{}, ActionItem{}, BusinessUnit{}, Feedback{}, Goal{},
	InfluenceEdge{}, Insight{}, KPI{}, KPIMeasurement{}, Objective{}, Opportunity{}, Product{},
	Relationship{}, RevenueRecord{}, Review{}, Stakeholder{}, SwotItem{}, User{}, WhitespaceCell{}, APIToken{}, Change{},
}

type edgeInfo struct {
	target string
	unique bool
}

// edges maps a type name and an edge name to the edge's target type.
var edges = func() map[string]map[string]edgeInfo {
	m := map[string]map[string]edgeInfo{}
	for _, s := range all {
		name := reflect.TypeOf(s).Name()
		m[name] = map[string]edgeInfo{}
		for _, e := range s.Edges() {
			d := e.Descriptor()
			m[name][d.Name] = edgeInfo{target: d.Type, unique: d.Unique}
			if d.Ref != nil {
				m[name][d.Ref.Name] = edgeInfo{target: d.Ref.Type, unique: d.Ref.Unique}
			}
		}
	}
	return m
}()

// inputField is the GraphQL input field that sets an edge: reportsToID, and
// for a to-many edge attendeeIDs on create but addAttendeeIDs on update (the
// create input has no add prefix; naming addAttendeeIDs there was wrong).
func inputField(edge string, unique, create bool) string {
	parts := strings.Split(edge, "_")
	for i := range parts {
		if i > 0 || !unique {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	if unique {
		return strings.Join(parts, "") + "ID"
	}
	name := strings.TrimSuffix(strings.Join(parts, ""), "s") + "IDs"
	if create {
		return strings.ToLower(name[:1]) + name[1:]
	}
	return "add" + name
}

// ReferenceMixin refuses writes that point an edge at a missing object or at
// an object of another type, naming the input field.
type ReferenceMixin struct{ mixin.Schema }

// Hooks of the ReferenceMixin.
func (ReferenceMixin) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(checkReferences, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)}
}

func checkReferences(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		c, ok := m.(interface{ Client() *gen.Client })
		if !ok {
			return nil, fmt.Errorf("unexpected mutation %T", m)
		}
		// Inside a GraphQL request, Noder eager-loads the field's selection set
		// onto what it finds, so a lookup under the mutation's own field context
		// loaded the returned object's edges onto every referenced object (wasted
		// queries). An empty selection makes it read the ID only.
		lookup := ctx
		if fc := graphql.GetFieldContext(ctx); fc != nil {
			lookup = graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: fc.Object})
		}
		for _, name := range m.AddedEdges() {
			e := edges[m.Type()][name]
			for _, v := range m.AddedIDs(name) {
				id := v.(int)
				n, err := c.Client().Noder(lookup, id)
				switch {
				case gen.IsNotFound(err) || (err == nil && reflect.TypeOf(n).Elem().Name() != e.target):
					return nil, &ReferenceError{Field: inputField(name, e.unique, m.Op().Is(ent.OpCreate)), Type: e.target, ID: id}
				case err != nil:
					return nil, err
				}
			}
		}
		return next.Mutate(ctx, m)
	})
}

// mixins are the mixins every schema uses.
func mixins() []ent.Mixin {
	return []ent.Mixin{PolicyMixin{}, HistoryMixin{}, TimeMixin{}, ReferenceMixin{}}
}

// writes are the operations that can break a cross-record invariant.
const writes = ent.OpCreate | ent.OpUpdate | ent.OpUpdateOne

// Hooks of the Account: its map version moves; the parent hierarchy never
// forms a cycle; the metric totals follow its segment.
func (Account) Hooks() []ent.Hook {
	return []ent.Hook{touchAccountMap, hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.AccountFunc(func(ctx context.Context, m *gen.AccountMutation) (ent.Value, error) {
			parent, ok := m.ParentID()
			if !ok || m.Op().Is(ent.OpCreate) {
				return next.Mutate(ctx, m)
			}
			ids, err := m.IDs(ctx)
			if err != nil {
				return nil, err
			}
			parentOf := func(ctx context.Context, id int) ([]int, error) {
				return m.Client().Account.Query().Where(account.ID(id)).QueryParent().IDs(ctx)
			}
			for _, id := range ids {
				if err := checkAncestry(ctx, parentOf, id, parent, "parentID", "account"); err != nil {
					return nil, err
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpUpdate|ent.OpUpdateOne), totalsHook(ent.OpUpdate | ent.OpUpdateOne | ent.OpDelete | ent.OpDeleteOne)}
}

// checkAncestry refuses to put node under newParent when newParent is node itself or one of its descendants.
func checkAncestry(ctx context.Context, parentOf func(context.Context, int) ([]int, error), node, newParent int, field, noun string) error {
	seen := map[int]bool{}
	for cur := newParent; !seen[cur]; {
		if cur == node {
			return &InputError{Field: field, Message: fmt.Sprintf("this change would make the %s its own ancestor: the hierarchy cannot form a cycle", noun)}
		}
		seen[cur] = true
		up, err := parentOf(ctx, cur)
		if err != nil || len(up) == 0 {
			return err
		}
		cur = up[0]
	}
	return nil
}

// Hooks of the Stakeholder: its account's map version moves; manager and
// business unit of the same account, no reporting cycle; deleting a
// stakeholder moves their direct reports up.
func (Stakeholder) Hooks() []ent.Hook {
	return []ent.Hook{
		touchMaps,
		hook.On(func(next ent.Mutator) ent.Mutator {
			return hook.StakeholderFunc(func(ctx context.Context, m *gen.StakeholderMutation) (ent.Value, error) {
				if err := checkStakeholderLinks(ctx, m); err != nil {
					return nil, err
				}
				return next.Mutate(ctx, m)
			})
		}, writes),
		hook.On(func(next ent.Mutator) ent.Mutator {
			return hook.StakeholderFunc(func(ctx context.Context, m *gen.StakeholderMutation) (ent.Value, error) {
				if err := promoteDirectReports(ctx, m); err != nil {
					return nil, err
				}
				return next.Mutate(ctx, m)
			})
		}, ent.OpDelete|ent.OpDeleteOne),
	}
}

func checkStakeholderLinks(ctx context.Context, m *gen.StakeholderMutation) error {
	manager, setManager := m.ReportsToID()
	unit, setUnit := m.BusinessUnitID()
	if !setManager && !setUnit {
		return nil
	}
	c := m.Client()
	type target struct{ id, account int }
	var targets []target
	if acc, ok := m.AccountID(); ok {
		targets = append(targets, target{account: acc})
	} else {
		ids, err := m.IDs(ctx)
		if err != nil {
			return err
		}
		for _, id := range ids {
			acc, err := c.Stakeholder.Query().Where(stakeholder.ID(id)).QueryAccount().OnlyID(ctx)
			if err != nil {
				return err
			}
			targets = append(targets, target{id: id, account: acc})
		}
	}
	parentOf := func(ctx context.Context, id int) ([]int, error) {
		return c.Stakeholder.Query().Where(stakeholder.ID(id)).QueryReportsTo().IDs(ctx)
	}
	for _, t := range targets {
		if setManager {
			if err := sameAccount(ctx, c.Stakeholder.Query().Where(stakeholder.ID(manager)).QueryAccount(), t.account, "reportsToID", "the manager must be a stakeholder of the same account"); err != nil {
				return err
			}
			if t.id != 0 {
				if err := checkAncestry(ctx, parentOf, t.id, manager, "reportsToID", "stakeholder"); err != nil {
					return err
				}
			}
		}
		if setUnit {
			if err := sameAccount(ctx, c.BusinessUnit.Query().Where(businessunit.ID(unit)).QueryAccount(), t.account, "businessUnitID", "the business unit must belong to the stakeholder's account"); err != nil {
				return err
			}
		}
	}
	return nil
}

// sameAccount refuses the write when the account q leads to is not want.
func sameAccount(ctx context.Context, q *gen.AccountQuery, want int, field, message string) error {
	got, err := q.OnlyID(ctx)
	if err != nil {
		return err
	}
	if got != want {
		return &InputError{Field: field, Message: message}
	}
	return nil
}

func promoteDirectReports(ctx context.Context, m *gen.StakeholderMutation) error {
	ids, err := m.IDs(ctx)
	if err != nil {
		return err
	}
	c := m.Client()
	for _, id := range ids {
		managers, err := c.Stakeholder.Query().Where(stakeholder.ID(id)).QueryReportsTo().IDs(ctx)
		if err != nil {
			return err
		}
		reports := c.Stakeholder.Update().Where(stakeholder.HasReportsToWith(stakeholder.ID(id)))
		if len(managers) == 1 {
			reports.SetReportsToID(managers[0])
		} else {
			reports.ClearReportsTo()
		}
		if err := reports.Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Hooks of the InfluenceEdge: its account's map version moves; it joins two
// different stakeholders of one account.
func (InfluenceEdge) Hooks() []ent.Hook {
	return []ent.Hook{touchMaps, hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.InfluenceEdgeFunc(func(ctx context.Context, m *gen.InfluenceEdgeMutation) (ent.Value, error) {
			from, okFrom := m.FromID()
			to, okTo := m.ToID()
			if okFrom && okTo {
				if from == to {
					return nil, &InputError{Field: "toID", Message: "an influence edge cannot join a stakeholder to themselves"}
				}
				c := m.Client()
				acc, err := c.Stakeholder.Query().Where(stakeholder.ID(from)).QueryAccount().OnlyID(ctx)
				if err != nil {
					return nil, err
				}
				if err := sameAccount(ctx, c.Stakeholder.Query().Where(stakeholder.ID(to)).QueryAccount(), acc, "toID", "both stakeholders must belong to the same account"); err != nil {
					return nil, err
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate)}
}

// Hooks of the WhitespaceCell: its business unit belongs to its account.
func (WhitespaceCell) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(func(next ent.Mutator) ent.Mutator {
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
	}, ent.OpCreate)}
}

// Hooks of the ActionItem: one owner at most, objective of the same plan,
// stakeholder owner of the plan's account, completedAt follows status.
func (ActionItem) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.ActionItemFunc(func(ctx context.Context, m *gen.ActionItemMutation) (ent.Value, error) {
			if err := checkActionItem(ctx, m); err != nil {
				return nil, err
			}
			return next.Mutate(ctx, m)
		})
	}, writes)}
}

func checkActionItem(ctx context.Context, m *gen.ActionItemMutation) error {
	_, setUser := m.OwnerID()
	person, setPerson := m.StakeholderOwnerID()
	switch {
	case setUser && setPerson:
		return &InputError{Field: "stakeholderOwnerID", Message: "an action item has one owner: give ownerID or stakeholderOwnerID, not both"}
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
				m.SetCompletedAt(now())
			}
		default:
			m.SetCompletedAt(now())
		}
	}
	obj, setObj := m.ObjectiveID()
	if !setObj && !setPerson {
		return nil
	}
	c := m.Client()
	plans, err := planIDs(ctx, m)
	if err != nil {
		return err
	}
	for _, plan := range plans {
		if setObj {
			got, err := c.Objective.Query().Where(objective.ID(obj)).QueryGoal().QueryPlan().OnlyID(ctx)
			if err != nil {
				return err
			}
			if got != plan {
				return &InputError{Field: "objectiveID", Message: "the objective must belong to the action item's plan"}
			}
		}
		if setPerson {
			acc, err := c.AccountPlan.Query().Where(accountplan.ID(plan)).QueryAccount().OnlyID(ctx)
			if err != nil {
				return err
			}
			if err := sameAccount(ctx, c.Stakeholder.Query().Where(stakeholder.ID(person)).QueryAccount(), acc, "stakeholderOwnerID", "the stakeholder must belong to the plan's account"); err != nil {
				return err
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

// Hooks of the Insight: its stakeholder belongs to the plan's account.
func (Insight) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(func(next ent.Mutator) ent.Mutator {
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
	}, writes)}
}

// Hooks of the Feedback: its plan and stakeholder belong to its account.
func (Feedback) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(func(next ent.Mutator) ent.Mutator {
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
	}, writes)}
}

// accountsOf is the account a create names, or the accounts of the rows an update writes.
func accountsOf(ctx context.Context, created func() (int, bool), ids func(context.Context) ([]int, error), query func([]int) *gen.AccountQuery) ([]int, error) {
	if acc, ok := created(); ok {
		return []int{acc}, nil
	}
	rows, err := ids(ctx)
	if err != nil {
		return nil, err
	}
	return query(rows).IDs(ctx)
}

// Hooks of the Opportunity: its plan belongs to its account, a closed deal has
// a close date, and it never closes before it opened; the metric totals follow it.
func (Opportunity) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(func(next ent.Mutator) ent.Mutator {
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
	}, writes), calendarHook("opened_at", "closed_at"), totalsHook(ent.OpCreate | ent.OpUpdate | ent.OpUpdateOne | ent.OpDelete | ent.OpDeleteOne)}
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
	m.SetClosedAt(now())
	return nil
}

// checkPeriod refuses an end that is not after the start (or before it, when
// equal is allowed). Values missing from the mutation are read from the row;
// a zero time means unset. A bulk update must set both ends or neither.
func checkPeriod(ctx context.Context, op ent.Op, start, end func() (time.Time, bool), oldStart, oldEnd func(context.Context) (time.Time, error), endField, startField string, equal bool) error {
	s, setS := start()
	e, setE := end()
	if !setS && !setE {
		return nil
	}
	if op.Is(ent.OpUpdate) && setS != setE {
		return &InputError{Field: endField, Message: fmt.Sprintf("a bulk update sets %s and %s together", startField, endField)}
	}
	var err error
	if !setS && op.Is(ent.OpUpdateOne) {
		s, err = oldStart(ctx)
	}
	if err == nil && !setE && op.Is(ent.OpUpdateOne) {
		e, err = oldEnd(ctx)
	}
	if err != nil || s.IsZero() || e.IsZero() {
		return err
	}
	if e.Before(s) || (!equal && e.Equal(s)) {
		return &InputError{Field: endField, Message: fmt.Sprintf("%s must be after %s", endField, startField)}
	}
	return nil
}

// Hooks of the AccountPlan: the period ends after it starts; the metric
// totals follow whether its account has an ACTIVE plan.
func (AccountPlan) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.AccountPlanFunc(func(ctx context.Context, m *gen.AccountPlanMutation) (ent.Value, error) {
			if err := checkPeriod(ctx, m.Op(), m.PeriodStart, m.PeriodEnd, m.OldPeriodStart, m.OldPeriodEnd, "periodEnd", "periodStart", false); err != nil {
				return nil, err
			}
			return next.Mutate(ctx, m)
		})
	}, writes), totalsHook(ent.OpCreate | ent.OpUpdate | ent.OpUpdateOne | ent.OpDelete | ent.OpDeleteOne)}
}

// Hooks of the RevenueRecord: the period ends after it starts; the metric totals follow it.
func (RevenueRecord) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.RevenueRecordFunc(func(ctx context.Context, m *gen.RevenueRecordMutation) (ent.Value, error) {
			if err := checkPeriod(ctx, m.Op(), m.PeriodStart, m.PeriodEnd, m.OldPeriodStart, m.OldPeriodEnd, "periodEnd", "periodStart", false); err != nil {
				return nil, err
			}
			return next.Mutate(ctx, m)
		})
	}, writes), calendarHook("period_start"), totalsHook(ent.OpCreate | ent.OpUpdate | ent.OpUpdateOne | ent.OpDelete | ent.OpDeleteOne)}
}

// Hooks of the KPIMeasurement: recording the newest measurement sets the KPI's current value.
func (KPIMeasurement) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(func(next ent.Mutator) ent.Mutator {
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
	}, ent.OpCreate)}
}
