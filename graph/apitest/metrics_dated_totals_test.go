package apitest

// The dated reports whose bounds fall on the totals' periods read the kept
// totals for the accounts without plans or tier changes (graph/metrics,
// dated_totals.go): random accounts, plans, tier changes, deals and revenue,
// against figures recomputed from the raw rows.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/opportunity"
	"github.com/accountplan/accountplan/ent/schema/viewer"
)

// newRandomPhaseFixture writes accounts of random tier, owner and industry:
// some without plans or history, the others with plans of random periods
// and statuses (set through the API, so the history records them) and tier
// changes; each with quarterly revenue and deals over 2024 and 2025.
func newRandomPhaseFixture(t *testing.T, e *env, seed uint64) {
	t.Helper()
	ctx := context.Background()
	api := viewer.NewContext(ctx, viewer.Open)
	c := e.client
	rnd := rand.New(rand.NewPCG(seed, 17))
	day := func(from time.Time, days int) time.Time { return from.AddDate(0, 0, rnd.IntN(days)) }
	start := at("2024-01-01")
	tiers := []account.Tier{account.TierSTRATEGIC, account.TierKEY, account.TierGENERAL}
	statuses := []accountplan.Status{accountplan.StatusDRAFT, accountplan.StatusACTIVE, accountplan.StatusARCHIVED}
	owners := []*ent.User{
		c.User.Create().SetName("Ana").SetEmail(fmt.Sprintf("ana%d@example.com", seed)).SaveX(ctx),
		c.User.Create().SetName("Bo").SetEmail(fmt.Sprintf("bo%d@example.com", seed)).SaveX(ctx),
	}
	for i := range 14 {
		create := c.Account.Create().SetName(fmt.Sprintf("Account %02d", i)).SetTier(tiers[rnd.IntN(3)]).SetIndustry([]string{"Retail", "Energy"}[rnd.IntN(2)])
		if rnd.IntN(3) > 0 {
			create.SetOwner(owners[rnd.IntN(2)])
		}
		a := create.SaveX(api)
		for range rnd.IntN(3) * rnd.IntN(2) {
			from := day(start, 700)
			p := c.AccountPlan.Create().SetName("Plan").SetAccount(a).SetPeriodStart(from).SetPeriodEnd(day(from.AddDate(0, 0, 1), 300)).SaveX(api)
			for range rnd.IntN(3) {
				c.AccountPlan.UpdateOne(p).SetStatus(statuses[rnd.IntN(3)]).ExecX(api)
			}
		}
		if rnd.IntN(3) == 0 {
			c.Account.UpdateOne(a).SetTier(tiers[rnd.IntN(3)]).ExecX(api)
		}
		arr := int64(rnd.IntN(90)+10) * 100_000
		for q := range 8 {
			from := start.AddDate(0, 3*q, 0)
			exp, churn := arr*int64(rnd.IntN(8))/100, int64(0)
			if rnd.IntN(10) == 0 {
				churn = arr / 5
			}
			c.RevenueRecord.Create().SetAccount(a).SetPeriodStart(from).SetPeriodEnd(from.AddDate(0, 3, -1)).
				SetStartingRevenue(arr).SetExpansion(exp).SetChurn(churn).ExecX(ctx)
			arr += exp - churn
		}
		plans := a.QueryPlans().AllX(ctx)
		for range rnd.IntN(6) {
			opened := day(start.AddDate(0, -3, 0), 800)
			d := c.Opportunity.Create().SetName("Deal").SetAccount(a).SetOpenedAt(opened).SetAmount(int64(rnd.IntN(50)+1) * 10_000)
			switch rnd.IntN(3) {
			case 0:
				d.SetStage(opportunity.StageNEGOTIATION)
			case 1:
				d.SetStage(opportunity.StageCLOSED_WON).SetClosedAt(day(opened, 300))
			default:
				d.SetStage(opportunity.StageCLOSED_LOST).SetClosedAt(day(opened, 300))
			}
			if len(plans) > 0 && rnd.IntN(3) == 0 {
				d.SetPlan(plans[rnd.IntN(len(plans))])
			}
			d.ExecX(ctx)
		}
	}
}

func TestMetricsDatedTotalsMatchRecomputation(t *testing.T) {
	t.Parallel()
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			t.Parallel()
			eachDatabase(t, func(t *testing.T, e *env) {
				newRandomPhaseFixture(t, e, seed)
				ref := loadPhaseReference(t, e)
				samePhaseReports(t, e, ref, []phaseCase{
					{name: "phase by quarter", start: "2024-01-01", end: "2026-01-01", months: 3, groupBy: []string{"PLAN_PHASE", "QUARTER"}},
					{name: "phase and planned in period by month", start: "2024-04-01", end: "2025-10-01", months: 1, groupBy: []string{"PLAN_PHASE", "PLANNED_IN_PERIOD", "MONTH"}},
					{name: "tier then, deal planned, by year", start: "2024-01-01", end: "2026-01-01", months: 12, groupBy: []string{"TIER_AT_PERIOD", "DEAL_PLANNED", "YEAR"}},
					{
						// A filter by industry reads the fine segments.
						name: "retail, tier then, by quarter", start: "2024-01-01", end: "2026-01-01", months: 3, groupBy: []string{"TIER_AT_PERIOD", "QUARTER"},
						filter: map[string]any{"industries": []string{"Retail"}},
						keep:   func(a *ent.Account, _, _ int) bool { return a.Industry == "Retail" },
					},
					{name: "tier and phase, no period grouped", start: "2024-01-01", end: "2026-01-01", groupBy: []string{"TIER", "PLAN_PHASE"}},
					{
						name: "strategic then, by phase and quarter", start: "2024-01-01", end: "2026-01-01", months: 3, groupBy: []string{"PLAN_PHASE", "QUARTER"},
						filter: map[string]any{"tiersAtPeriod": []string{"STRATEGIC"}},
						keep:   func(a *ent.Account, first, _ int) bool { return ref.tierAt(a, first) == "STRATEGIC" },
					},
					{
						name: "never planned or before, by quarter", start: "2024-01-01", end: "2026-01-01", months: 3, groupBy: []string{"TIER", "QUARTER"},
						filter: map[string]any{"planPhases": []string{"BEFORE_FIRST_PLAN", "NEVER_PLANNED"}},
						keep: func(a *ent.Account, first, last int) bool {
							p := ref.phase(a, first, last)
							return p == "BEFORE_FIRST_PLAN" || p == "NEVER_PLANNED"
						},
					},
					{
						name: "planned in period, by year", start: "2024-01-01", end: "2026-01-01", months: 12, groupBy: []string{"YEAR"},
						filter: map[string]any{"plannedInPeriod": true},
						keep:   func(a *ent.Account, first, last int) bool { return ref.phase(a, first, last) == "DURING_PLAN" },
					},
					{
						name: "unplanned deals, key now, by phase and quarter", start: "2024-01-01", end: "2026-01-01", months: 3, groupBy: []string{"PLAN_PHASE", "QUARTER"},
						filter: map[string]any{"dealPlanned": false, "tiers": []string{"KEY"}}, keepDeal: func(p bool) bool { return !p },
						keep: func(a *ent.Account, _, _ int) bool { return a.Tier == account.TierKEY },
					},
					{
						// The deals read once serve the stretches and the subtraction, under both filters.
						name: "unplanned deals, strategic then, by deal planned and year", start: "2024-01-01", end: "2026-01-01", months: 12, groupBy: []string{"DEAL_PLANNED", "YEAR"},
						filter: map[string]any{"dealPlanned": false, "tiersAtPeriod": []string{"STRATEGIC"}}, keepDeal: func(p bool) bool { return !p },
						keep: func(a *ent.Account, first, _ int) bool { return ref.tierAt(a, first) == "STRATEGIC" },
					},
				})
			})
		})
	}
}
