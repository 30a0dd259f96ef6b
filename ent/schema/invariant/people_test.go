package invariant_test

import (
	"context"
	"testing"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/stakeholder"
	"github.com/accountplan/accountplan/ent/store/storetest"
)

// TestAccountAcyclic: an account goes under neither itself nor any of its
// subsidiaries, at any depth, by a single or a bulk update.
func TestAccountAcyclic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		root := c.Account.Create().SetName("Root").SaveX(as).ID
		mid := c.Account.Create().SetName("Mid").SetParentID(root).SaveX(as).ID
		leaf := c.Account.Create().SetName("Leaf").SetParentID(mid).SaveX(as).ID
		other := c.Account.Create().SetName("Other").SaveX(as).ID

		for name, parent := range map[string]int{"itself": root, "its subsidiary": mid, "its subsidiary's subsidiary": leaf} {
			t.Run("under "+name, func(t *testing.T) {
				refused(t, c, inputError("parentID"), func(ctx context.Context) error {
					return c.Account.UpdateOneID(root).SetParentID(parent).Exec(ctx)
				})
			})
		}
		refused(t, c, inputError("parentID"), func(ctx context.Context) error {
			return c.Account.UpdateOneID(mid).SetParentID(leaf).Exec(ctx)
		})
		refused(t, c, inputError("parentID"), func(ctx context.Context) error {
			return c.Account.Update().Where(account.IDIn(other, root)).SetParentID(leaf).Exec(ctx)
		})

		// Moves that form no cycle are fine, and the refusals follow them.
		ok(t, c.Account.UpdateOneID(other).SetParentID(leaf).Exec(as))
		refused(t, c, inputError("parentID"), func(ctx context.Context) error {
			return c.Account.UpdateOneID(root).SetParentID(other).Exec(ctx)
		})
		ok(t, c.Account.UpdateOneID(leaf).ClearParent().Exec(as))
		ok(t, c.Account.UpdateOneID(leaf).SetParentID(root).Exec(as))
		ok(t, c.Account.Update().Where(account.IDIn(mid, leaf)).SetParentID(root).Exec(as))
	})
}

// TestStakeholderLinks: a stakeholder's manager and business unit are of
// their own account, and the reporting lines form no cycle.
func TestStakeholderLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		a, b := storetest.NewTree(t, c, "a"), storetest.NewTree(t, c, "b")
		unitA, unitB := a.IDs[ent.TypeBusinessUnit], b.IDs[ent.TypeBusinessUnit]

		refused(t, c, inputError("reportsToID"), func(ctx context.Context) error {
			return c.Stakeholder.Create().SetName("New").SetAccountID(a.Account).SetReportsToID(b.Stakeholder).Exec(ctx)
		})
		refused(t, c, inputError("businessUnitID"), func(ctx context.Context) error {
			return c.Stakeholder.Create().SetName("New").SetAccountID(a.Account).SetBusinessUnitID(unitB).Exec(ctx)
		})
		refused(t, c, inputError("reportsToID"), func(ctx context.Context) error {
			return c.Stakeholder.UpdateOneID(a.Stakeholder).SetReportsToID(b.Stakeholder).Exec(ctx)
		})
		refused(t, c, inputError("businessUnitID"), func(ctx context.Context) error {
			return c.Stakeholder.UpdateOneID(a.Stakeholder).SetBusinessUnitID(unitB).Exec(ctx)
		})
		refused(t, c, inputError("businessUnitID"), func(ctx context.Context) error {
			return c.Stakeholder.Update().Where(stakeholder.IDIn(a.Stakeholder, b.Stakeholder)).SetBusinessUnitID(unitA).Exec(ctx)
		})

		// a.Stakeholder ← a.Other ← third: nobody reports to themselves or
		// to anyone below them.
		ok(t, c.Stakeholder.UpdateOneID(a.Other).SetReportsToID(a.Stakeholder).SetBusinessUnitID(unitA).Exec(as))
		third := c.Stakeholder.Create().SetName("Third").SetAccountID(a.Account).SetReportsToID(a.Other).SetBusinessUnitID(unitA).SaveX(as).ID
		for name, manager := range map[string]int{"themselves": a.Stakeholder, "their report": a.Other, "their report's report": third} {
			t.Run("reporting to "+name, func(t *testing.T) {
				refused(t, c, inputError("reportsToID"), func(ctx context.Context) error {
					return c.Stakeholder.UpdateOneID(a.Stakeholder).SetReportsToID(manager).Exec(ctx)
				})
			})
		}
		refused(t, c, inputError("reportsToID"), func(ctx context.Context) error {
			return c.Stakeholder.Update().Where(stakeholder.IDIn(a.Stakeholder, a.Other)).SetReportsToID(third).Exec(ctx)
		})
		ok(t, c.Stakeholder.UpdateOneID(third).SetReportsToID(a.Stakeholder).Exec(as))
	})
}

// TestPromoteDirectReports: deleting stakeholders moves their direct
// reports up to the nearest manager left, or to nobody.
func TestPromoteDirectReports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		acc := c.Account.Create().SetName("Acme").SaveX(as).ID
		person := func(name string, manager int) int {
			create := c.Stakeholder.Create().SetName(name).SetAccountID(acc)
			if manager != 0 {
				create.SetReportsToID(manager)
			}
			return create.SaveX(as).ID
		}
		managerOf := func(id int) int {
			ids := c.Stakeholder.Query().Where(stakeholder.ID(id)).QueryReportsTo().IDsX(as)
			if len(ids) == 0 {
				return 0
			}
			return ids[0]
		}
		ceo := person("CEO", 0)
		vp := person("VP", ceo)
		r1, r2 := person("R1", vp), person("R2", vp)
		d1 := person("D1", r1)
		d2 := person("D2", d1)
		d3 := person("D3", d2)

		ok(t, c.Stakeholder.DeleteOneID(vp).Exec(as))
		for _, id := range []int{r1, r2} {
			if got := managerOf(id); got != ceo {
				t.Errorf("after the VP left, %d reports to %d, want the CEO", id, got)
			}
		}
		// Two levels deleted at once: D3 moves up past both.
		if _, err := c.Stakeholder.Delete().Where(stakeholder.IDIn(d2, d1)).Exec(as); err != nil {
			t.Fatal(err)
		}
		if got := managerOf(d3); got != r1 {
			t.Errorf("after D1 and D2 left, D3 reports to %d, want R1 (%d)", got, r1)
		}
		ok(t, c.Stakeholder.DeleteOneID(ceo).Exec(as))
		for _, id := range []int{r1, r2} {
			if got := managerOf(id); got != 0 {
				t.Errorf("after the CEO left, %d reports to %d, want nobody", id, got)
			}
		}
		if got := managerOf(d3); got != r1 {
			t.Errorf("D3 reports to %d, want R1 still", got)
		}
	})
}

// TestInfluenceEdgeJoinsOneAccount: an influence edge joins two stakeholders of one account.
func TestInfluenceEdgeJoinsOneAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		a, b := storetest.NewTree(t, c, "a"), storetest.NewTree(t, c, "b")
		refused(t, c, inputError("toID"), func(ctx context.Context) error {
			return c.InfluenceEdge.Create().SetFromID(a.Stakeholder).SetToID(a.Stakeholder).Exec(ctx)
		})
		refused(t, c, inputError("toID"), func(ctx context.Context) error {
			return c.InfluenceEdge.Create().SetFromID(a.Stakeholder).SetToID(b.Stakeholder).Exec(ctx)
		})
		refused(t, c, inputError("toID"), func(ctx context.Context) error {
			return c.InfluenceEdge.Create().SetFromID(b.Other).SetToID(a.Other).Exec(ctx)
		})
		ok(t, c.InfluenceEdge.Create().SetFromID(a.Other).SetToID(a.Stakeholder).Exec(as))
	})
}
