package invariant

import (
	"context"

	"entgo.io/ent"

	gen "github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/businessunit"
	"github.com/accountplan/accountplan/ent/hook"
	"github.com/accountplan/accountplan/ent/schema/bulk"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/ent/stakeholder"
)

// AccountAcyclic refuses to put an account under itself or one of its
// subsidiaries: the parent hierarchy never forms a cycle.
func AccountAcyclic(next ent.Mutator) ent.Mutator {
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
}

// StakeholderLinks refuses a manager or business unit from another account,
// and a reporting line that would form a cycle.
func StakeholderLinks(next ent.Mutator) ent.Mutator {
	return hook.StakeholderFunc(func(ctx context.Context, m *gen.StakeholderMutation) (ent.Value, error) {
		if err := checkStakeholderLinks(ctx, m); err != nil {
			return nil, err
		}
		return next.Mutate(ctx, m)
	})
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
			if err := sameStakeholderAccount(ctx, c, manager, t.account, "reportsToID", "the manager must be a stakeholder of the same account"); err != nil {
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

// sameStakeholderAccount refuses a stakeholder of another account than want,
// asking the database only when the bulk call does not know the stakeholder.
func sameStakeholderAccount(ctx context.Context, c *gen.Client, id, want int, field, message string) error {
	if acc, ok := bulk.FromContext(ctx).AccountOf(gen.TypeStakeholder, id); ok {
		if acc != want {
			return &clienterr.InputError{Field: field, Message: message}
		}
		return nil
	}
	return sameAccount(ctx, c.Stakeholder.Query().Where(stakeholder.ID(id)).QueryAccount(), want, field, message)
}

// PromoteDirectReports moves the direct reports of deleted stakeholders up
// to their manager, so that nobody is left reporting to a deleted person.
func PromoteDirectReports(next ent.Mutator) ent.Mutator {
	return hook.StakeholderFunc(func(ctx context.Context, m *gen.StakeholderMutation) (ent.Value, error) {
		if err := promoteDirectReports(ctx, m); err != nil {
			return nil, err
		}
		return next.Mutate(ctx, m)
	})
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

// InfluenceEdgeJoinsOneAccount refuses an edge from a stakeholder to
// themselves, or between stakeholders of two accounts.
func InfluenceEdgeJoinsOneAccount(next ent.Mutator) ent.Mutator {
	return hook.InfluenceEdgeFunc(func(ctx context.Context, m *gen.InfluenceEdgeMutation) (ent.Value, error) {
		from, okFrom := m.FromID()
		to, okTo := m.ToID()
		if okFrom && okTo {
			if from == to {
				return nil, &clienterr.InputError{Field: "toID", Message: "an influence edge cannot join a stakeholder to themselves"}
			}
			c := m.Client()
			acc, known := bulk.FromContext(ctx).AccountOf(gen.TypeStakeholder, from)
			if !known {
				var err error
				if acc, err = c.Stakeholder.Query().Where(stakeholder.ID(from)).QueryAccount().OnlyID(ctx); err != nil {
					return nil, err
				}
			}
			if err := sameStakeholderAccount(ctx, c, to, acc, "toID", "both stakeholders must belong to the same account"); err != nil {
				return nil, err
			}
		}
		return next.Mutate(ctx, m)
	})
}
