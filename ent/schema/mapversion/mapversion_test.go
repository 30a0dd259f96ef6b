package mapversion_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/change"
	"github.com/accountplan/accountplan/ent/influenceedge"
	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/ent/stakeholder"
	"github.com/accountplan/accountplan/ent/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestMovesWithTheMap: every kind of change to what an account's org map
// shows (its stakeholders, the influence edges between them, our
// relationships with them and those relationships' users, the account
// itself) moves the map version of that account and of no other; a change
// to anything else moves none.
func TestMovesWithTheMap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		server := context.Background()
		a, b, z := storetest.NewTree(t, c, "a"), storetest.NewTree(t, c, "b"), storetest.NewTree(t, c, "z")
		A, B, Z := a.Account, b.Account, z.Account
		// a's user knows people at A (the tree's relationship) and at B; a
		// loner owns Z and is on its team, with no relationships.
		c.Relationship.Create().SetUserID(a.User).SetStakeholderID(b.Stakeholder).ExecX(server)
		loner := c.User.Create().SetName("Loner").SetEmail("loner@example.com").SaveX(server).ID
		c.Account.UpdateOneID(Z).SetOwnerID(loner).ExecX(server)
		c.AccountTeamMember.Create().SetAccountID(Z).SetUserID(loner).SetRole("OTHER").ExecX(server)
		c.Relationship.DeleteOneID(z.IDs[ent.TypeRelationship]).ExecX(server)

		as := viewer.NewContext(server, viewer.Open)
		versions := func() map[int]int {
			out := map[int]int{}
			for _, acc := range c.Account.Query().AllX(server) {
				out[acc.ID] = acc.MapVersion
			}
			return out
		}
		day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		var newcomer, edge int
		for _, step := range []struct {
			what  string
			write func(ctx context.Context) error
			moves []int
		}{
			{"creating a stakeholder", func(ctx context.Context) error {
				s, err := c.Stakeholder.Create().SetName("New").SetAccountID(A).Save(ctx)
				if err == nil {
					newcomer = s.ID
				}
				return err
			}, []int{A}},
			{"renaming a stakeholder", func(ctx context.Context) error {
				return c.Stakeholder.UpdateOneID(b.Stakeholder).SetName("Renamed").Exec(ctx)
			}, []int{B}},
			{"changing a manager", func(ctx context.Context) error {
				return c.Stakeholder.UpdateOneID(newcomer).SetReportsToID(a.Stakeholder).Exec(ctx)
			}, []int{A}},
			{"updating stakeholders of two accounts at once", func(ctx context.Context) error {
				return c.Stakeholder.Update().Where(stakeholder.IDIn(a.Other, z.Other)).SetCoverage(stakeholder.CoverageIN_DEPTH).Exec(ctx)
			}, []int{A, Z}},
			{"deleting a stakeholder", func(ctx context.Context) error { return c.Stakeholder.DeleteOneID(newcomer).Exec(ctx) }, []int{A}},
			{"creating an influence edge", func(ctx context.Context) error {
				e, err := c.InfluenceEdge.Create().SetFromID(b.Other).SetToID(b.Stakeholder).Save(ctx)
				if err == nil {
					edge = e.ID
				}
				return err
			}, []int{B}},
			{"changing an influence edge", func(ctx context.Context) error {
				return c.InfluenceEdge.UpdateOneID(a.IDs[ent.TypeInfluenceEdge]).SetStrength(5).Exec(ctx)
			}, []int{A}},
			{"changing influence edges of two accounts at once", func(ctx context.Context) error {
				return c.InfluenceEdge.Update().Where(influenceedge.IDIn(edge, z.IDs[ent.TypeInfluenceEdge])).SetNote("Why").Exec(ctx)
			}, []int{B, Z}},
			{"deleting an influence edge", func(ctx context.Context) error { return c.InfluenceEdge.DeleteOneID(edge).Exec(ctx) }, []int{B}},
			{"renaming a user who owns an account and is on its team, without relationships", func(ctx context.Context) error {
				return c.User.UpdateOneID(loner).SetName("Renamed").Exec(ctx)
			}, nil},
			{"creating a relationship", func(ctx context.Context) error {
				return c.Relationship.Create().SetUserID(loner).SetStakeholderID(z.Stakeholder).Exec(ctx)
			}, []int{Z}},
			{"changing a relationship", func(ctx context.Context) error {
				return c.Relationship.UpdateOneID(a.IDs[ent.TypeRelationship]).SetLastContactAt(day).Exec(ctx)
			}, []int{A}},
			{"renaming a user with relationships at two accounts", func(ctx context.Context) error {
				return c.User.UpdateOneID(a.User).SetName("Renamed").Exec(ctx)
			}, []int{A, B}},
			{"creating a user", func(ctx context.Context) error {
				return c.User.Create().SetName("New").SetEmail("new@example.com").Exec(ctx)
			}, nil},
			{"deleting a relationship", func(ctx context.Context) error {
				return c.Relationship.DeleteOneID(a.IDs[ent.TypeRelationship]).Exec(ctx)
			}, []int{A}},
			{"renaming the account", func(ctx context.Context) error { return c.Account.UpdateOneID(B).SetName("Renamed").Exec(ctx) }, []int{B}},
			{"changing two accounts at once", func(ctx context.Context) error {
				return c.Account.Update().Where(account.IDIn(A, Z)).SetRegion("EMEA").Exec(ctx)
			}, []int{A, Z}},
			{"deleting a user with relationships at two accounts", func(ctx context.Context) error {
				return c.User.DeleteOneID(a.User).Exec(ctx)
			}, []int{B}}, // their relationship at A is gone already

			// What the map does not show moves nothing.
			{"renaming a business unit", func(ctx context.Context) error {
				return c.BusinessUnit.UpdateOneID(a.IDs[ent.TypeBusinessUnit]).SetName("Renamed").Exec(ctx)
			}, nil},
			{"renaming a plan", func(ctx context.Context) error {
				return c.AccountPlan.UpdateOneID(a.IDs[ent.TypeAccountPlan]).SetName("Renamed").SetStatus("ACTIVE").Exec(ctx)
			}, nil},
			{"creating a deal", func(ctx context.Context) error {
				return c.Opportunity.Create().SetName("Deal").SetAccountID(A).SetAmount(5).SetStage("CLOSED_WON").Exec(ctx)
			}, nil},
			{"changing a revenue record", func(ctx context.Context) error {
				return c.RevenueRecord.UpdateOneID(a.IDs[ent.TypeRevenueRecord]).SetExpansion(7).Exec(ctx)
			}, nil},
			{"putting a user on a team", func(ctx context.Context) error {
				return c.AccountTeamMember.Create().SetAccountID(A).SetUserID(loner).SetRole("OTHER").Exec(ctx)
			}, nil},
			{"giving an action item to a stakeholder", func(ctx context.Context) error {
				return c.ActionItem.UpdateOneID(a.IDs[ent.TypeActionItem]).SetStakeholderOwnerID(a.Stakeholder).Exec(ctx)
			}, nil},
			{"giving an insight a stakeholder", func(ctx context.Context) error {
				return c.Insight.UpdateOneID(a.IDs[ent.TypeInsight]).SetStakeholderID(a.Stakeholder).Exec(ctx)
			}, nil},
			{"recording feedback of a stakeholder", func(ctx context.Context) error {
				return c.Feedback.UpdateOneID(a.IDs[ent.TypeFeedback]).SetStakeholderID(a.Other).SetScore(9).Exec(ctx)
			}, nil},
			{"measuring a KPI", func(ctx context.Context) error {
				return c.KPIMeasurement.Create().SetKpiID(a.IDs[ent.TypeKPI]).SetValue("4").Exec(ctx)
			}, nil},
			{"renaming a product", func(ctx context.Context) error { return c.Product.UpdateOneID(a.Product).SetName("Renamed").Exec(ctx) }, nil},
			{"a refused change of a stakeholder", func(ctx context.Context) error {
				if err := c.Stakeholder.UpdateOneID(a.Stakeholder).SetReportsToID(b.Stakeholder).Exec(ctx); err == nil {
					t.Error("a manager from another account was accepted")
				}
				return nil
			}, nil},
		} {
			before := versions()
			if err := step.write(as); err != nil {
				t.Fatalf("%s: %v", step.what, err)
			}
			var moved []int
			for id, v := range versions() {
				if v != before[id] {
					moved = append(moved, id)
				}
			}
			slices.Sort(moved)
			slices.Sort(step.moves)
			if !slices.Equal(moved, step.moves) {
				t.Errorf("%s moved the map versions of %v, want %v", step.what, moved, step.moves)
			}
		}
	})
}

// TestNotAChangeOfTheAccount: moving the map version is no change anyone
// made to the account: its history and update time stay.
func TestNotAChangeOfTheAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		a := storetest.NewTree(t, c, "a")
		before := c.Account.GetX(context.Background(), a.Account)
		as := viewer.NewContext(context.Background(), viewer.Open)
		c.Stakeholder.UpdateOneID(a.Stakeholder).SetName("Renamed").ExecX(as)
		after := c.Account.GetX(context.Background(), a.Account)
		if after.MapVersion != before.MapVersion+1 || !after.UpdatedAt.Equal(before.UpdatedAt) {
			t.Errorf("the account went from version %d, updated %v to version %d, updated %v", before.MapVersion, before.UpdatedAt, after.MapVersion, after.UpdatedAt)
		}
		if n := c.Change.Query().Where(change.SubjectType(ent.TypeAccount)).CountX(as); n != 0 {
			t.Errorf("the account's history has %d changes", n)
		}
	})
}
