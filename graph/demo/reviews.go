package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/actionitem"
	"github.com/accountplan/accountplan/ent/review"
)

// reviewEvery is the number of days between reviews at each cadence.
var reviewEvery = map[string]int{"WEEKLY": 7, "MONTHLY": 30, "QUARTERLY": 91, "ANNUAL": 365}

// reviewKind is the kind of the reviews held at each cadence; a plan reviewed
// monthly holds a QBR every third month.
var reviewKind = map[string]review.Kind{"WEEKLY": review.KindWEEKLY, "MONTHLY": review.KindMONTHLY, "QUARTERLY": review.KindQBR, "ANNUAL": review.KindQBR}

var reviewNotes = []string{
	"Went through the action items from the last review; re-planned the overdue ones.",
	"Updated the stakeholder map after the reorganisation; agreed next steps with the executive sponsor.",
	"Reviewed the KPI trends and the whitespace matrix; two new opportunities qualified.",
	"Pipeline and renewal risk review with sales leadership.",
}

// loadReviews creates the reviews held at the plan's cadence, up to six, the
// last one a few days ago (or shortly before an archived plan ended), and an
// action item to prepare the next one. The account team attends; a STRATEGIC
// account's QBRs have our VP too, as the tier table asks.
func (l *loader) loadReviews(ctx context.Context, a *acct, plan *ent.AccountPlan, i int) error {
	every := reviewEvery[plan.ReviewCadence.String()]
	last := l.day(-5 - 3*i)
	if plan.Status == accountplan.StatusARCHIVED {
		last = plan.PeriodEnd.AddDate(0, 0, -10)
	}
	var team []int
	for _, m := range a.team {
		team = append(team, l.users[m.user])
	}
	story := a.name == flagship && plan.Status == accountplan.StatusACTIVE
	for k := 0; k < 6; k++ {
		held := last.AddDate(0, 0, -every*k)
		if held.Before(plan.PeriodStart) {
			break
		}
		kind := reviewKind[plan.ReviewCadence.String()]
		if kind == review.KindMONTHLY && k%3 == 0 {
			kind = review.KindQBR
		}
		attendees := team
		// The flagship's QBR before last had no VP: the story its health tells.
		if kind == review.KindQBR && a.tier == account.TierSTRATEGIC.String() && !(story && k == 1) {
			attendees = append(attendees[:len(attendees):len(attendees)], l.users["elena"])
		}
		err := l.c.Review.Create().SetPlanID(plan.ID).SetKind(kind).SetHeldAt(held.Add(15 * time.Hour)).
			SetNotes(reviewNotes[k%len(reviewNotes)]).AddAttendeeIDs(attendees...).Exec(ctx)
		if err != nil {
			return fmt.Errorf("review: %w", err)
		}
	}
	if plan.Status != accountplan.StatusACTIVE {
		return nil
	}
	if story {
		if err := l.loadFlagshipReviews(ctx, a, plan, last.Add(15*time.Hour), every); err != nil {
			return fmt.Errorf("the flagship's reviews: %w", err)
		}
	}
	return l.c.ActionItem.Create().SetPlanID(plan.ID).SetOwnerID(l.member(a, "ACCOUNT_MANAGER")).
		SetTitle("Prepare the next plan review").SetDueAt(last.AddDate(0, 0, every)).SetCreatedAt(last).Exec(ctx)
}

// flagship is the account whose reviews tell the fullest story.
const flagship = "Northwind Robotics"

// loadFlagshipReviews adds to the flagship's quarterly QBRs (the latest held
// at last) the meetings between them and the action items they raised: a
// monthly working session, an executive briefing with the CEO and the CFO, a
// cancelled session, and the next QBR, scheduled with its agenda.
func (l *loader) loadFlagshipReviews(ctx context.Context, a *acct, plan *ent.AccountPlan, last time.Time, every int) error {
	c := l.c
	people := func(names ...string) []int {
		var ids []int
		for _, n := range names {
			if id := l.ref(a.stakeholders, "stakeholder", n); id != nil {
				ids = append(ids, *id)
			}
		}
		return ids
	}
	team := func(keys ...string) []int {
		var ids []int
		for _, k := range keys {
			ids = append(ids, l.users[k])
		}
		return ids
	}
	latest, err := c.Review.Query().Where(review.PlanID(plan.ID), review.HeldAt(last)).Only(ctx)
	if err != nil {
		return err
	}
	err = c.Review.UpdateOne(latest).
		SetAgenda("1. Action items from the executive briefing\n2. EMEA consolidation: the Pipewise counter-offer\n3. Forecast accuracy against the 92.5% goal").
		SetDecisions("Consolidate EMEA on Forecast Studio in two waves, logistics first.\nDaniel Kim presents the North American results to the EMEA sales leaders.").
		AddCustomerAttendeeIDs(people("Marcus Bell", "Sofia Marchetti", "Daniel Kim")...).Exec(ctx)
	if err != nil {
		return err
	}
	monthly, err := c.Review.Create().SetPlanID(plan.ID).SetKind(review.KindMONTHLY).SetHeldAt(last.AddDate(0, 0, -45)).
		SetAgenda("Adoption by region; the architecture board's questions.").
		SetNotes("Weekly active sellers up to 71%; EMEA still below 40%.").
		AddAttendeeIDs(team("maya", "lena", "sam")...).AddCustomerAttendeeIDs(people("Sofia Marchetti", "Priyanka Shah")...).Save(ctx)
	if err != nil {
		return err
	}
	briefing, err := c.Review.Create().SetPlanID(plan.ID).SetKind(review.KindEXECUTIVE_BRIEFING).SetHeldAt(last.AddDate(0, 0, -22)).
		SetAgenda("The IPO timeline and what a predictable forecast is worth to the board.").
		SetNotes("The CEO asked for one global forecast before the next funding round; the CFO wants a three-year price lock.").
		SetDecisions("We propose a three-year price lock in exchange for the EMEA consolidation.").
		AddAttendeeIDs(team("ruth", "elena", "maya")...).AddCustomerAttendeeIDs(people("Helen Zhao", "Ingrid Solberg", "Marcus Bell")...).Save(ctx)
	if err != nil {
		return err
	}
	err = c.Review.Create().SetPlanID(plan.ID).SetKind(review.KindMONTHLY).SetStatus(review.StatusCANCELLED).
		SetScheduledAt(last.AddDate(0, 0, -15)).SetAgenda("Adoption by region.").
		SetNotes("Cancelled: the customer's board week.").AddAttendeeIDs(team("maya", "lena", "sam")...).Exec(ctx)
	if err != nil {
		return err
	}
	err = c.Review.Create().SetPlanID(plan.ID).SetKind(review.KindQBR).SetStatus(review.StatusSCHEDULED).
		SetScheduledAt(last.AddDate(0, 0, every)).
		SetAgenda("1. Action items from the last QBR\n2. EMEA wave 1: logistics go-live\n3. The three-year pricing proposal").
		AddAttendeeIDs(team("maya", "lena", "sam", "ruth", "elena")...).
		AddCustomerAttendeeIDs(people("Marcus Bell", "Sofia Marchetti", "Daniel Kim", "Victor Hale")...).Exec(ctx)
	if err != nil {
		return err
	}
	// What the meetings raised: some done since, some still open at the next QBR.
	items := []struct {
		title  string
		raised *ent.Review
		owner  string
		due    time.Time
		done   bool
	}{
		{"Answer the architecture board's questions on Data Connect", monthly, "lena", last.AddDate(0, 0, -30), true},
		{"Send the CFO the three-year pricing proposal", briefing, "maya", last.AddDate(0, 0, -10), true},
		{"Book Daniel Kim's session with the EMEA sales leaders", latest, "maya", last.AddDate(0, 0, 4), true},
		{"Plan EMEA wave 1 with the logistics unit", latest, "sam", last.AddDate(0, 0, 45), false},
	}
	for _, it := range items {
		create := c.ActionItem.Create().SetPlanID(plan.ID).SetReviewID(it.raised.ID).SetTitle(it.title).
			SetOwnerID(l.member(a, "ACCOUNT_MANAGER")).SetDueAt(it.due).SetCreatedAt(*it.raised.HeldAt)
		if it.owner != "maya" {
			create.SetOwnerID(l.users[it.owner])
		}
		if it.done {
			create.SetStatus(actionitem.StatusDONE).SetCompletedAt(it.due.AddDate(0, 0, -1))
		}
		if err := create.Exec(ctx); err != nil {
			return fmt.Errorf("action item %s: %w", it.title, err)
		}
	}
	return nil
}

// loadAccountReviews records the review of an account without a plan: the
// subsidiary (tier 3) has its annual review, driven by its seller.
func (l *loader) loadAccountReviews(ctx context.Context) error {
	a, ok := l.accounts["Northwind Robotics GmbH"]
	if !ok {
		return fmt.Errorf("the demo tables have no Northwind Robotics GmbH")
	}
	return l.c.Review.Create().SetAccountID(a.id).SetKind(review.KindQBR).SetHeldAt(l.day(-60).Add(10 * time.Hour)).
		SetAgenda("The year in review; the logistics roll-out in Germany.").
		SetNotes("Annual account review without a plan, as tier 3 asks: usage is steady, and the team wants the EMEA forecast when the parent consolidates.").
		SetDecisions("Stay on the current contract; revisit when the parent's EMEA wave 1 goes live.").
		AddAttendeeIDs(l.users[a.owner]).Exec(ctx)
}
