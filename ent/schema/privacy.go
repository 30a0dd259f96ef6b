package schema

// Who may write what, enforced in the data layer so that no resolver can
// forget it. Everyone signed in reads everything (plans are meant to be
// transparent across departments), except API tokens, which only their user
// and admins see. The API turns a ForbiddenError into FORBIDDEN.

import (
	"context"
	"fmt"

	"entgo.io/ent"
	"entgo.io/ent/schema/mixin"

	gen "github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/accountteammember"
	"github.com/accountplan/accountplan/ent/actionitem"
	"github.com/accountplan/accountplan/ent/apitoken"
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
	"github.com/accountplan/accountplan/ent/privacy"
	"github.com/accountplan/accountplan/ent/relationship"
	"github.com/accountplan/accountplan/ent/revenuerecord"
	"github.com/accountplan/accountplan/ent/review"
	"github.com/accountplan/accountplan/ent/stakeholder"
	"github.com/accountplan/accountplan/ent/swotitem"
	"github.com/accountplan/accountplan/ent/user"
	"github.com/accountplan/accountplan/ent/whitespacecell"
	"github.com/accountplan/accountplan/graph/viewer"
)

// ForbiddenError is a write the viewer may not make.
type ForbiddenError struct{ Message string }

func (e *ForbiddenError) Error() string { return e.Message }

// Unwrap makes the error a deny decision for ent's privacy layer.
func (e *ForbiddenError) Unwrap() error { return privacy.Deny }

func forbidden(format string, a ...any) error {
	return &ForbiddenError{Message: fmt.Sprintf(format, a...)}
}

// PolicyMixin holds the rules every schema shares. A type that belongs to no
// account (users, products, ICP criteria, tokens) adds its own rules, which
// end in a refusal.
type PolicyMixin struct{ mixin.Schema }

// Policy of the PolicyMixin.
func (PolicyMixin) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{
			privacy.MutationRuleFunc(denyReadOnly),
			privacy.MutationRuleFunc(allowServerAndAdmins),
			privacy.MutationRuleFunc(allowAccountTeam),
		},
	}
}

func denyReadOnly(ctx context.Context, _ ent.Mutation) error {
	if v, ok := viewer.FromContext(ctx); ok && v.ReadOnly {
		return forbidden("this token is read-only: use a token without readOnly to make changes")
	}
	return privacy.Skip
}

// allowServerAndAdmins lets admins write anything, and the server's own code
// (a context without a viewer: demo data, the first admin) too.
func allowServerAndAdmins(ctx context.Context, _ ent.Mutation) error {
	if v, ok := viewer.FromContext(ctx); !ok || v.IsAdmin() {
		return privacy.Allow
	}
	return privacy.Skip
}

// allowAccountTeam lets an editor change an account and everything under it
// when they own the account or are on its team.
func allowAccountTeam(ctx context.Context, m ent.Mutation) error {
	if _, ok := parents[m.Type()]; !ok && m.Type() != gen.TypeAccount {
		return privacy.Skip
	}
	v, _ := viewer.FromContext(ctx)
	if v.Role != viewer.RoleEditor {
		return forbidden("your role is %s: only an editor on the account's team or an admin may change it", v.Role)
	}
	if am, ok := m.(*gen.AccountMutation); ok && m.Op().Is(ent.OpCreate) {
		if owner, ok := am.OwnerID(); !ok || owner != v.UserID {
			return forbidden("an editor may create an account only as its owner: set ownerID to your own user")
		}
		return privacy.Allow
	}
	where, err := mutationAccounts(ctx, m)
	if err != nil {
		return err
	}
	client := m.(interface{ Client() *gen.Client }).Client()
	outside, err := client.Account.Query().
		Where(where, account.Not(account.Or(
			account.HasOwnerWith(user.ID(v.UserID)),
			account.HasTeamMembersWith(accountteammember.HasUserWith(user.ID(v.UserID))),
		))).
		Exist(ctx)
	switch {
	case err != nil:
		return err
	case outside:
		return forbidden("you may change only the accounts you own or are on the team of, and what is under them")
	}
	return privacy.Allow
}

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
	gen.TypeReview:            {"plan", gen.TypeAccountPlan},
	gen.TypeSwotItem:          {"plan", gen.TypeAccountPlan},
	gen.TypeObjective:         {"goal", gen.TypeGoal},
	gen.TypeKPI:               {"objective", gen.TypeObjective},
	gen.TypeKPIMeasurement:    {"kpi", gen.TypeKPI},
	gen.TypeInfluenceEdge:     {"from", gen.TypeStakeholder},
	gen.TypeRelationship:      {"stakeholder", gen.TypeStakeholder},
}

// mutationAccounts is a predicate on the accounts the mutation's records belong
// to (their parent's, for records being created). Only for types under an
// account, and for existing accounts: a new account belongs to none yet.
func mutationAccounts(ctx context.Context, m ent.Mutation) (predicate.Account, error) {
	typ, ids := m.Type(), []int(nil)
	if m.Op().Is(ent.OpCreate) {
		p := parents[typ]
		for _, id := range m.AddedIDs(p.edge) {
			ids = append(ids, id.(int))
		}
		typ = p.typ
	} else {
		var err error
		if ids, err = m.(interface {
			IDs(context.Context) ([]int, error)
		}).IDs(ctx); err != nil {
			return nil, err
		}
	}
	return accountWhere(typ, ids), nil
}

// accountWhere is a predicate on the accounts of the given records.
func accountWhere(typ string, ids []int) predicate.Account {
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
		return plans(accountplan.HasReviewsWith(review.IDIn(ids...)))
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
	panic("accountWhere: " + typ + " belongs to no account")
}

// Policy of the User: admins manage users and roles; everyone may edit their
// own name, title and e-mail address.
func (User) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{
			privacy.UserMutationRuleFunc(func(ctx context.Context, m *gen.UserMutation) error {
				v, _ := viewer.FromContext(ctx)
				id, ok := m.ID()
				if !m.Op().Is(ent.OpUpdateOne) || !ok || id != v.UserID {
					return privacy.Skip
				}
				if _, setsRole := m.Role(); setsRole {
					return forbidden("only an admin may change roles")
				}
				return privacy.Allow
			}),
			denyAll("only an admin may create, change or delete other users"),
		},
	}
}

// Policy of the Product: the catalogue is the admins'.
func (Product) Policy() ent.Policy {
	return privacy.Policy{Mutation: privacy.MutationPolicy{denyAll("only an admin may change the product catalogue")}}
}

// Policy of the IcpCriterion: the ideal customer profile is the admins'.
func (IcpCriterion) Policy() ent.Policy {
	return privacy.Policy{Mutation: privacy.MutationPolicy{denyAll("only an admin may change the ideal customer profile")}}
}

// Policy of the APIToken: users see and manage their own tokens.
func (APIToken) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			privacy.APITokenQueryRuleFunc(func(ctx context.Context, q *gen.APITokenQuery) error {
				if v, ok := viewer.FromContext(ctx); ok && !v.IsAdmin() {
					q.Where(apitoken.HasUserWith(user.ID(v.UserID)))
				}
				return privacy.Skip
			}),
		},
		Mutation: privacy.MutationPolicy{
			privacy.APITokenMutationRuleFunc(func(ctx context.Context, m *gen.APITokenMutation) error {
				v, _ := viewer.FromContext(ctx)
				if m.Op().Is(ent.OpCreate) {
					if owner, _ := m.UserID(); owner == v.UserID {
						return privacy.Allow
					}
					return forbidden("only an admin may create tokens for another user")
				}
				ids, err := m.IDs(ctx)
				if err != nil {
					return err
				}
				others, err := m.Client().APIToken.Query().
					Where(apitoken.IDIn(ids...), apitoken.Not(apitoken.HasUserWith(user.ID(v.UserID)))).
					Exist(ctx)
				switch {
				case err != nil:
					return err
				case others:
					return forbidden("only an admin may change another user's tokens")
				}
				return privacy.Allow
			}),
			denyAll("only an admin may change another user's tokens"),
		},
	}
}

// Policy of the Change: the history is written by the server alone.
func (Change) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{
			privacy.MutationRuleFunc(func(ctx context.Context, _ ent.Mutation) error {
				if _, ok := viewer.FromContext(ctx); !ok {
					return privacy.Allow
				}
				return privacy.Skip
			}),
			denyAll("the change history cannot be edited"),
		},
	}
}

func denyAll(message string) privacy.MutationRule {
	return privacy.MutationRuleFunc(func(context.Context, ent.Mutation) error { return forbidden("%s", message) })
}
