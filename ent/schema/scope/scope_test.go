package scope_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	entgo "entgo.io/ent"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/schema/scope"
	"github.com/accountplan/accountplan/ent/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// parents are, for every type that belongs to an account, the type of the
// record it belongs to: what the scope must follow up to the account.
var parents = map[string]string{
	ent.TypeAccountPlan:       ent.TypeAccount,
	ent.TypeAccountTeamMember: ent.TypeAccount,
	ent.TypeBusinessUnit:      ent.TypeAccount,
	ent.TypeFeedback:          ent.TypeAccount,
	ent.TypeOpportunity:       ent.TypeAccount,
	ent.TypeRevenueRecord:     ent.TypeAccount,
	ent.TypeStakeholder:       ent.TypeAccount,
	ent.TypeWhitespaceCell:    ent.TypeAccount,
	ent.TypeActionItem:        ent.TypeAccountPlan,
	ent.TypeGoal:              ent.TypeAccountPlan,
	ent.TypeInsight:           ent.TypeAccountPlan,
	ent.TypeReview:            ent.TypeAccountPlan,
	ent.TypeSwotItem:          ent.TypeAccountPlan,
	ent.TypeObjective:         ent.TypeGoal,
	ent.TypeKPI:               ent.TypeObjective,
	ent.TypeKPIMeasurement:    ent.TypeKPI,
	ent.TypeInfluenceEdge:     ent.TypeStakeholder,
	ent.TypeRelationship:      ent.TypeStakeholder,
}

// TestInAccount: accounts and every type under one are in an account; users,
// products, ICP criteria, tokens, the history and the webhooks' records are not. Every type of the
// schema is one or the other here, so a new type needs a decision.
func TestInAccount(t *testing.T) {
	outside := []string{ent.TypeUser, ent.TypeProduct, ent.TypeIcpCriterion, ent.TypeAPIToken, ent.TypeChange,
		ent.TypeWebhookEndpoint, ent.TypeWebhookEvent, ent.TypeWebhookDelivery, ent.TypeWebhookDeliveryAttempt, ent.TypeOrgMapSignal}
	for typ := range ent.GraphQLNames {
		_, under := parents[typ]
		want := under || typ == ent.TypeAccount
		if !want && !slices.Contains(outside, typ) {
			t.Errorf("%s is neither under an account nor outside in this test: say which", typ)
		}
		if got := scope.InAccount(typ); got != want {
			t.Errorf("InAccount(%s) = %v, want %v", typ, got, want)
		}
	}
}

var errStop = errors.New("stopped by the test")

// answer is what scope said of one write.
type answer struct {
	accounts []int
	direct   int // 0 when not Direct
}

// TestAccounts: for every type in an account and every kind of write, the
// accounts the write touches are those of its records (their parent's, for
// a create), and Direct names the account when the write itself does.
func TestAccounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, client *ent.Client) {
		ctx := context.Background()
		a, b := storetest.NewTree(t, client, "a"), storetest.NewTree(t, client, "b")

		// A hook ahead of every other answers for the write, then stops it.
		var got *answer
		client.Use(func(next entgo.Mutator) entgo.Mutator {
			return entgo.MutateFunc(func(ctx context.Context, m entgo.Mutation) (entgo.Value, error) {
				if got == nil {
					return next.Mutate(ctx, m)
				}
				accounts, err := scope.Accounts(ctx, client, m)
				if err != nil {
					return nil, err
				}
				slices.Sort(accounts)
				got.accounts = accounts
				if id, ok := scope.Direct(m); ok {
					got.direct = id
				}
				return nil, errStop
			})
		})
		ask := func(t *testing.T, write func() error) answer {
			t.Helper()
			got = &answer{}
			defer func() { got = nil }()
			if err := write(); !errors.Is(err, errStop) {
				t.Fatalf("the write did not reach the hook: %v", err)
			}
			return *got
		}
		expect := func(t *testing.T, what string, got answer, direct int, accounts ...int) {
			t.Helper()
			if accounts == nil {
				accounts = []int{}
			}
			if got.accounts == nil {
				got.accounts = []int{}
			}
			if !slices.Equal(got.accounts, accounts) || got.direct != direct {
				t.Errorf("%s: accounts %v, direct %d; want %v, direct %d", what, got.accounts, got.direct, accounts, direct)
			}
		}

		creates := creators(client)
		for typ := range ent.GraphQLNames {
			if !scope.InAccount(typ) {
				continue
			}
			t.Run(typ, func(t *testing.T) {
				// The account itself is written under none: it has no create here.
				if typ != ent.TypeAccount {
					create, ok := creates[typ]
					if !ok {
						t.Fatalf("no create for %s in this test", typ)
					}
					direct := 0
					if parents[typ] == ent.TypeAccount {
						direct = a.Account
					}
					expect(t, "create", ask(t, func() error { return create(ctx, a.IDs[parents[typ]]) }), direct, a.Account)
				}
				id, other := a.IDs[typ], b.IDs[typ]
				direct := 0
				if typ == ent.TypeAccount {
					direct = a.Account
				}
				both := []int{a.Account, b.Account}
				slices.Sort(both)
				expect(t, "update one", ask(t, func() error { return storetest.Write(ctx, client, typ, "UpdateOneID", id) }), direct, a.Account)
				expect(t, "delete one", ask(t, func() error { return storetest.Write(ctx, client, typ, "DeleteOneID", id) }), direct, a.Account)
				expect(t, "bulk update", ask(t, func() error { return storetest.Write(ctx, client, typ, "Update", id) }), 0, a.Account)
				expect(t, "bulk update of both", ask(t, func() error { return storetest.Write(ctx, client, typ, "Update", id, other) }), 0, both...)
				expect(t, "bulk update of none", ask(t, func() error { return storetest.Write(ctx, client, typ, "Update", -1) }), 0)
				expect(t, "bulk delete", ask(t, func() error { return storetest.Write(ctx, client, typ, "Delete", other) }), 0, b.Account)
			})
		}
	})
}

// creators create a record of each type under an account, under the parent
// with the ID; the required fields besides the parent are left out, since
// the test stops the write before they are checked.
func creators(c *ent.Client) map[string]func(context.Context, int) error {
	return map[string]func(context.Context, int) error{
		ent.TypeAccountPlan:       func(ctx context.Context, p int) error { return c.AccountPlan.Create().SetAccountID(p).Exec(ctx) },
		ent.TypeAccountTeamMember: func(ctx context.Context, p int) error { return c.AccountTeamMember.Create().SetAccountID(p).Exec(ctx) },
		ent.TypeBusinessUnit:      func(ctx context.Context, p int) error { return c.BusinessUnit.Create().SetAccountID(p).Exec(ctx) },
		ent.TypeFeedback:          func(ctx context.Context, p int) error { return c.Feedback.Create().SetAccountID(p).Exec(ctx) },
		ent.TypeOpportunity:       func(ctx context.Context, p int) error { return c.Opportunity.Create().SetAccountID(p).Exec(ctx) },
		ent.TypeRevenueRecord:     func(ctx context.Context, p int) error { return c.RevenueRecord.Create().SetAccountID(p).Exec(ctx) },
		ent.TypeStakeholder:       func(ctx context.Context, p int) error { return c.Stakeholder.Create().SetAccountID(p).Exec(ctx) },
		ent.TypeWhitespaceCell:    func(ctx context.Context, p int) error { return c.WhitespaceCell.Create().SetAccountID(p).Exec(ctx) },
		ent.TypeActionItem:        func(ctx context.Context, p int) error { return c.ActionItem.Create().SetPlanID(p).Exec(ctx) },
		ent.TypeGoal:              func(ctx context.Context, p int) error { return c.Goal.Create().SetPlanID(p).Exec(ctx) },
		ent.TypeInsight:           func(ctx context.Context, p int) error { return c.Insight.Create().SetPlanID(p).Exec(ctx) },
		ent.TypeReview:            func(ctx context.Context, p int) error { return c.Review.Create().SetPlanID(p).Exec(ctx) },
		ent.TypeSwotItem:          func(ctx context.Context, p int) error { return c.SwotItem.Create().SetPlanID(p).Exec(ctx) },
		ent.TypeObjective:         func(ctx context.Context, p int) error { return c.Objective.Create().SetGoalID(p).Exec(ctx) },
		ent.TypeKPI:               func(ctx context.Context, p int) error { return c.KPI.Create().SetObjectiveID(p).Exec(ctx) },
		ent.TypeKPIMeasurement:    func(ctx context.Context, p int) error { return c.KPIMeasurement.Create().SetKpiID(p).Exec(ctx) },
		ent.TypeInfluenceEdge:     func(ctx context.Context, p int) error { return c.InfluenceEdge.Create().SetFromID(p).Exec(ctx) },
		ent.TypeRelationship:      func(ctx context.Context, p int) error { return c.Relationship.Create().SetStakeholderID(p).Exec(ctx) },
	}
}
