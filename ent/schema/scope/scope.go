// Package scope answers, once for every rule and hook that asks, which
// accounts a write touches: the account being written, or the account the
// written records belong to, through their parents.
package scope

import (
	"context"

	"entgo.io/ent"

	gen "github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/accountteammember"
	"github.com/accountplan/accountplan/ent/actionitem"
	"github.com/accountplan/accountplan/ent/businessunit"
	"github.com/accountplan/accountplan/ent/feedback"
	"github.com/accountplan/accountplan/ent/goal"
	"github.com/accountplan/accountplan/ent/influenceedge"
	"github.com/accountplan/accountplan/ent/insight"
	"github.com/accountplan/accountplan/ent/kpi"
	"github.com/accountplan/accountplan/ent/kpimeasurement"
	"github.com/accountplan/accountplan/ent/objective"
	"github.com/accountplan/accountplan/ent/opportunity"
	"github.com/accountplan/accountplan/ent/predicate"
	"github.com/accountplan/accountplan/ent/relationship"
	"github.com/accountplan/accountplan/ent/revenuerecord"
	"github.com/accountplan/accountplan/ent/review"
	"github.com/accountplan/accountplan/ent/schema/bulk"
	"github.com/accountplan/accountplan/ent/stakeholder"
	"github.com/accountplan/accountplan/ent/swotitem"
	"github.com/accountplan/accountplan/ent/whitespacecell"
)

// parents names, for every type under an account, the edge to the record it
// belongs to and that record's type. Those edges are immutable, so a record
// never moves to another account.
var parents = map[string]struct{ edge, typ string }{
	gen.TypeAccountPlan:       {"account", gen.TypeAccount},
	gen.TypeAccountTeamMember: {"account", gen.TypeAccount},
	gen.TypeBusinessUnit:      {"account", gen.TypeAccount},
	gen.TypeFeedback:          {"account", gen.TypeAccount},
	gen.TypeOpportunity:       {"account", gen.TypeAccount},
	gen.TypeRevenueRecord:     {"account", gen.TypeAccount},
	gen.TypeStakeholder:       {"account", gen.TypeAccount},
	gen.TypeWhitespaceCell:    {"account", gen.TypeAccount},
	gen.TypeActionItem:        {"plan", gen.TypeAccountPlan},
	gen.TypeGoal:              {"plan", gen.TypeAccountPlan},
	gen.TypeInsight:           {"plan", gen.TypeAccountPlan},
	gen.TypeReview:            {"account", gen.TypeAccount},
	gen.TypeSwotItem:          {"plan", gen.TypeAccountPlan},
	gen.TypeObjective:         {"goal", gen.TypeGoal},
	gen.TypeKPI:               {"objective", gen.TypeObjective},
	gen.TypeKPIMeasurement:    {"kpi", gen.TypeKPI},
	gen.TypeInfluenceEdge:     {"from", gen.TypeStakeholder},
	gen.TypeRelationship:      {"stakeholder", gen.TypeStakeholder},
}

// InAccount tells whether records of the type are an account or belong to one.
func InAccount(typ string) bool {
	_, belongs := parents[typ]
	return belongs || typ == gen.TypeAccount
}

// under is the parent a created record names: its account, or, for a review
// given only its plan (the invariants then take the plan's account), the plan.
func under(m ent.Mutation) (string, []ent.Value) {
	p := parents[m.Type()]
	ids := m.AddedIDs(p.edge)
	if len(ids) == 0 && m.Type() == gen.TypeReview {
		return gen.TypeAccountPlan, m.AddedIDs("plan")
	}
	return p.typ, ids
}

// Direct is the one account the mutation names without a lookup: the
// account being changed, or the parent of a record created under it.
func Direct(m ent.Mutation) (int, bool) {
	var ids []ent.Value
	switch {
	case m.Op().Is(ent.OpCreate) && parents[m.Type()].typ == gen.TypeAccount:
		var typ string
		if typ, ids = under(m); typ != gen.TypeAccount {
			ids = nil
		}
	case m.Op().Is(ent.OpUpdateOne|ent.OpDeleteOne) && m.Type() == gen.TypeAccount:
		id, _ := m.(interface{ ID() (int, bool) }).ID()
		ids = []ent.Value{id}
	}
	if len(ids) != 1 {
		return 0, false
	}
	return ids[0].(int), true
}

// Where is a predicate on the accounts the mutation's records belong to
// (their parent's, for records being created). Only for types InAccount,
// and for existing accounts: a new account belongs to none yet.
func Where(ctx context.Context, m ent.Mutation) (predicate.Account, error) {
	typ, ids := m.Type(), []int(nil)
	if m.Op().Is(ent.OpCreate) {
		var added []ent.Value
		typ, added = under(m)
		for _, id := range added {
			ids = append(ids, id.(int))
		}
	} else {
		var err error
		if ids, err = IDs(ctx, m); err != nil {
			return nil, err
		}
	}
	return of(typ, ids), nil
}

// IDs are the IDs of the records an update or delete writes.
func IDs(ctx context.Context, m ent.Mutation) ([]int, error) {
	return m.(interface {
		IDs(context.Context) ([]int, error)
	}).IDs(ctx)
}

// Accounts are the IDs of the accounts the mutation's records belong to:
// Direct when it names one, else those matching Where.
func Accounts(ctx context.Context, client *gen.Client, m ent.Mutation) ([]int, error) {
	if id, ok := Direct(m); ok {
		return []int{id}, nil
	}
	if id, ok := known(ctx, m); ok && id != 0 {
		return []int{id}, nil
	}
	where, err := Where(ctx, m)
	if err != nil {
		return nil, err
	}
	return client.Account.Query().Where(where).IDs(ctx)
}

// known is the account of the record a create names as its parent, or of
// the record an update writes, when the bulk call it runs in knows it.
func known(ctx context.Context, m ent.Mutation) (int, bool) {
	call := bulk.FromContext(ctx)
	if call == nil {
		return 0, false
	}
	if m.Op().Is(ent.OpCreate) {
		p := parents[m.Type()]
		if ids := m.AddedIDs(p.edge); len(ids) == 1 {
			return call.AccountOf(p.typ, ids[0].(int))
		}
		return 0, false
	}
	if m.Op().Is(ent.OpUpdateOne) {
		if id, ok := m.(interface{ ID() (int, bool) }).ID(); ok {
			return call.AccountOf(m.Type(), id)
		}
	}
	return 0, false
}

// of is a predicate on the accounts of the given records.
func of(typ string, ids []int) predicate.Account {
	plans := func(p predicate.AccountPlan) predicate.Account { return account.HasPlansWith(p) }
	objectives := func(p predicate.Objective) predicate.Account {
		return plans(accountplan.HasGoalsWith(goal.HasObjectivesWith(p)))
	}
	stakeholders := func(p predicate.Stakeholder) predicate.Account { return account.HasStakeholdersWith(p) }
	switch typ {
	case gen.TypeAccount:
		return account.IDIn(ids...)
	case gen.TypeAccountPlan:
		return plans(accountplan.IDIn(ids...))
	case gen.TypeAccountTeamMember:
		return account.HasTeamMembersWith(accountteammember.IDIn(ids...))
	case gen.TypeBusinessUnit:
		return account.HasBusinessUnitsWith(businessunit.IDIn(ids...))
	case gen.TypeFeedback:
		return account.HasFeedbackWith(feedback.IDIn(ids...))
	case gen.TypeOpportunity:
		return account.HasOpportunitiesWith(opportunity.IDIn(ids...))
	case gen.TypeRevenueRecord:
		return account.HasRevenueRecordsWith(revenuerecord.IDIn(ids...))
	case gen.TypeStakeholder:
		return stakeholders(stakeholder.IDIn(ids...))
	case gen.TypeWhitespaceCell:
		return account.HasWhitespaceCellsWith(whitespacecell.IDIn(ids...))
	case gen.TypeActionItem:
		return plans(accountplan.HasActionItemsWith(actionitem.IDIn(ids...)))
	case gen.TypeGoal:
		return plans(accountplan.HasGoalsWith(goal.IDIn(ids...)))
	case gen.TypeInsight:
		return plans(accountplan.HasInsightsWith(insight.IDIn(ids...)))
	case gen.TypeReview:
		return account.HasReviewsWith(review.IDIn(ids...))
	case gen.TypeSwotItem:
		return plans(accountplan.HasSwotItemsWith(swotitem.IDIn(ids...)))
	case gen.TypeObjective:
		return objectives(objective.IDIn(ids...))
	case gen.TypeKPI:
		return objectives(objective.HasKpisWith(kpi.IDIn(ids...)))
	case gen.TypeKPIMeasurement:
		return objectives(objective.HasKpisWith(kpi.HasMeasurementsWith(kpimeasurement.IDIn(ids...))))
	case gen.TypeInfluenceEdge:
		return stakeholders(stakeholder.HasInfluenceOutWith(influenceedge.IDIn(ids...)))
	case gen.TypeRelationship:
		return stakeholders(stakeholder.HasRelationshipsWith(relationship.IDIn(ids...)))
	}
	panic("scope: " + typ + " belongs to no account")
}
