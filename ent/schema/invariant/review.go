package invariant

import (
	"context"

	"entgo.io/ent"

	gen "github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/hook"
	"github.com/accountplan/accountplan/ent/review"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/ent/stakeholder"
)

// ReviewRules gives a review the account of its plan, refuses a plan or a
// customer attendee of another account, fills scheduledAt from heldAt, and
// keeps heldAt in step with the status: set while HELD, empty otherwise.
func ReviewRules(next ent.Mutator) ent.Mutator {
	return hook.ReviewFunc(func(ctx context.Context, m *gen.ReviewMutation) (ent.Value, error) {
		if err := reviewTimes(ctx, m); err != nil {
			return nil, err
		}
		if err := reviewAccount(ctx, m); err != nil {
			return nil, err
		}
		return next.Mutate(ctx, m)
	})
}

// reviewTimes fills scheduledAt and heldAt and refuses a heldAt that the status contradicts.
func reviewTimes(ctx context.Context, m *gen.ReviewMutation) error {
	held, givenHeld := m.HeldAt()
	if m.Op().Is(ent.OpCreate) {
		if at, _ := m.ScheduledAt(); at.IsZero() {
			if !givenHeld {
				return &clienterr.InputError{Field: "scheduledAt", Message: "give scheduledAt, or heldAt for a review already held"}
			}
			m.SetScheduledAt(held)
		}
	}
	status, givenStatus := m.Status()
	if !givenStatus && (givenHeld || m.HeldAtCleared()) {
		return heldAtAlone(ctx, m, givenHeld)
	}
	switch {
	case status == review.StatusHELD && m.HeldAtCleared():
		return &clienterr.InputError{Field: "clearHeldAt", Message: "a HELD review keeps heldAt: set status to SCHEDULED or CANCELLED instead"}
	case status == review.StatusHELD && !givenHeld && givenStatus:
		return holdAtSchedule(ctx, m)
	case status != review.StatusHELD && givenHeld:
		return &clienterr.InputError{Field: "heldAt", Message: "only a HELD review has heldAt: set status to HELD with it"}
	case givenStatus && status != review.StatusHELD && !m.Op().Is(ent.OpCreate):
		m.ClearHeldAt()
	}
	return nil
}

// heldAtAlone refuses to set heldAt on reviews that are not HELD, or to clear
// it on reviews that are.
func heldAtAlone(ctx context.Context, m *gen.ReviewMutation, set bool) error {
	ids, err := m.IDs(ctx)
	if err != nil {
		return err
	}
	held := review.StatusEQ(review.StatusHELD)
	if set {
		held = review.StatusNEQ(review.StatusHELD)
	}
	wrong, err := m.Client().Review.Query().Where(review.IDIn(ids...), held).Exist(ctx)
	switch {
	case err != nil:
		return err
	case wrong && set:
		return &clienterr.InputError{Field: "heldAt", Message: "only a HELD review has heldAt: set status to HELD with it"}
	case wrong:
		return &clienterr.InputError{Field: "clearHeldAt", Message: "a HELD review keeps heldAt: set status to SCHEDULED or CANCELLED instead"}
	}
	return nil
}

// holdAtSchedule records a review set HELD without heldAt as held when it was
// scheduled, and keeps the heldAt of one that was HELD already.
func holdAtSchedule(ctx context.Context, m *gen.ReviewMutation) error {
	switch {
	case m.Op().Is(ent.OpCreate):
		at, _ := m.ScheduledAt()
		m.SetHeldAt(at)
		return nil
	case !m.Op().Is(ent.OpUpdateOne):
		return &clienterr.InputError{Field: "heldAt", Message: "a bulk update to HELD sets heldAt too"}
	}
	old, err := m.OldHeldAt(ctx)
	if err != nil || old != nil {
		return err
	}
	at, ok := m.ScheduledAt()
	if !ok {
		if at, err = m.OldScheduledAt(ctx); err != nil {
			return err
		}
	}
	m.SetHeldAt(at)
	return nil
}

// reviewAccount takes the plan's account for a review given only a plan, and
// refuses a plan or customer attendees of another account.
func reviewAccount(ctx context.Context, m *gen.ReviewMutation) error {
	c := m.Client()
	if m.Op().Is(ent.OpCreate) {
		acc, setAcc := m.AccountID()
		plan, setPlan := m.PlanID()
		switch {
		case !setAcc && !setPlan:
			return &clienterr.InputError{Field: "accountID", Message: "a review needs an account: give accountID, or planID for a plan review"}
		case !setAcc:
			got, err := c.AccountPlan.Query().Where(accountplan.ID(plan)).Select(accountplan.FieldAccountID).Int(ctx)
			if err != nil {
				return err
			}
			m.SetAccountID(got)
		case setPlan:
			if err := sameAccount(ctx, c.AccountPlan.Query().Where(accountplan.ID(plan)).QueryAccount(), acc, "planID", "the plan must belong to the review's account"); err != nil {
				return err
			}
		}
	}
	people := m.CustomerAttendeesIDs()
	if len(people) == 0 {
		return nil
	}
	accounts, err := accountsOf(ctx, m.AccountID, m.IDs, func(ids []int) *gen.AccountQuery {
		return c.Review.Query().Where(review.IDIn(ids...)).QueryAccount()
	})
	if err != nil {
		return err
	}
	field := gen.GraphQLNames[gen.TypeReview][review.EdgeCustomerAttendees]
	name := field.Field
	if !m.Op().Is(ent.OpCreate) {
		name = field.Update
	}
	for _, acc := range accounts {
		other, err := c.Stakeholder.Query().Where(stakeholder.IDIn(people...), stakeholder.AccountIDNEQ(acc)).Exist(ctx)
		if err != nil {
			return err
		}
		if other {
			return &clienterr.InputError{Field: name, Message: "customer attendees must be stakeholders of the review's account"}
		}
	}
	return nil
}
