package invariant_test

import (
	"context"
	"testing"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/review"
	"github.com/accountplan/accountplan/ent/store/storetest"
)

// TestReviewRules: a review is of an account, its plan's when only a plan is
// given; its plan, customer attendees and the action items it raised are of
// that account; heldAt is set while it is HELD, and only then.
func TestReviewRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		a, b := storetest.NewTree(t, c, "a"), storetest.NewTree(t, c, "b")
		plan := a.IDs[ent.TypeAccountPlan]

		got := c.Review.Create().SetPlanID(plan).SetHeldAt(day(1)).SaveX(as)
		if got.AccountID == nil || *got.AccountID != a.Account || got.Status != review.StatusHELD || !got.ScheduledAt.Equal(day(1)) {
			t.Errorf("a review given a plan and heldAt: account %v, status %s, scheduled %v", got.AccountID, got.Status, got.ScheduledAt)
		}
		refused(t, c, inputError("accountID"), func(ctx context.Context) error {
			return c.Review.Create().SetScheduledAt(day(1)).Exec(ctx)
		})
		refused(t, c, inputError("scheduledAt"), func(ctx context.Context) error {
			return c.Review.Create().SetAccountID(a.Account).Exec(ctx)
		})
		refused(t, c, inputError("planID"), func(ctx context.Context) error {
			return c.Review.Create().SetAccountID(a.Account).SetPlanID(b.IDs[ent.TypeAccountPlan]).SetHeldAt(day(1)).Exec(ctx)
		})
		refused(t, c, inputError("customerAttendeeIDs"), func(ctx context.Context) error {
			return c.Review.Create().SetAccountID(a.Account).SetHeldAt(day(1)).AddCustomerAttendeeIDs(a.Stakeholder, b.Stakeholder).Exec(ctx)
		})
		refused(t, c, inputError("addCustomerAttendeeIDs"), func(ctx context.Context) error {
			return c.Review.UpdateOneID(got.ID).AddCustomerAttendeeIDs(b.Stakeholder).Exec(ctx)
		})
		refused(t, c, inputError("heldAt"), func(ctx context.Context) error {
			return c.Review.Create().SetAccountID(a.Account).SetStatus(review.StatusSCHEDULED).SetHeldAt(day(1)).Exec(ctx)
		})
		refused(t, c, inputError("clearHeldAt"), func(ctx context.Context) error {
			return c.Review.UpdateOneID(got.ID).ClearHeldAt().Exec(ctx)
		})
		refused(t, c, inputError("reviewID"), func(ctx context.Context) error {
			return c.ActionItem.Create().SetTitle("Follow up").SetPlanID(b.IDs[ent.TypeAccountPlan]).SetReviewID(got.ID).Exec(ctx)
		})
		refused(t, c, inputError("reviewID"), func(ctx context.Context) error {
			return c.ActionItem.UpdateOneID(b.IDs[ent.TypeActionItem]).SetReviewID(got.ID).Exec(ctx)
		})

		// A tier 3 review: scheduled, then held, then cancelled.
		tier3 := c.Review.Create().SetAccountID(a.Account).SetStatus(review.StatusSCHEDULED).SetScheduledAt(day(5)).
			AddCustomerAttendeeIDs(a.Stakeholder, a.Other).SaveX(as)
		if tier3.HeldAt != nil || tier3.PlanID != nil {
			t.Errorf("a scheduled review without a plan: held %v, plan %v", tier3.HeldAt, tier3.PlanID)
		}
		held := c.Review.UpdateOneID(tier3.ID).SetStatus(review.StatusHELD).SaveX(as)
		if held.HeldAt == nil || !held.HeldAt.Equal(day(5)) {
			t.Errorf("held without heldAt: heldAt %v, want the scheduled time", held.HeldAt)
		}
		ok(t, c.Review.Update().Where(review.ID(tier3.ID)).SetHeldAt(day(6)).Exec(as))
		if cancelled := c.Review.UpdateOneID(tier3.ID).SetStatus(review.StatusCANCELLED).SaveX(as); cancelled.HeldAt != nil {
			t.Errorf("cancelled: heldAt %v, want none", cancelled.HeldAt)
		}
		ok(t, c.ActionItem.Create().SetTitle("Follow up").SetPlanID(plan).SetReviewID(tier3.ID).Exec(as))
	})
}
