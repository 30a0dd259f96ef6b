package apitest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/opportunity"
)

// metricsRowFields are every figure of a metrics row.
const metricsRowFields = `periodStart periodEnd periodLabel currency accounts startingRevenue expansion contraction churn endingRevenue
	netRevenueRetention { value reason } grossRevenueRetention { value reason } revenueGrowth { value reason }
	startingAccounts retainedAccounts logoRetention { value reason }
	opportunitiesWon opportunitiesLost opportunitiesOpen wonAmount pipelineAmount
	winRate { value reason } salesCycleMedianDays { value reason } salesCycleMeanDays { value reason }`

// TestReviewPackMetrics: the pack's metrics are the metrics query's answer
// for the plan's account over the previous quarter and this one to the
// pack's time, grouped by quarter, figure for figure; another account's
// records stay out, and the Markdown shows them.
func TestReviewPackMetrics(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		c, ctx := e.client, context.Background()
		p := newParents(t, e)
		acc := atoi(t, p.account)
		other := c.Account.Create().SetName("Other").SaveX(ctx).ID
		now := time.Now().UTC()
		this := time.Date(now.Year(), now.Month()-(now.Month()-1)%3, 1, 0, 0, 0, 0, time.UTC)
		prev, older := this.AddDate(0, -3, 0), this.AddDate(0, -6, 0)
		inThis := this.Add(time.Second) // this quarter, before now
		for _, r := range []struct {
			account                              int
			start                                time.Time
			starting, expansion, contraction, ch int64
		}{
			{acc, older, 90_000_00, 5_000_00, 0, 0}, // before the pack's quarters
			{acc, prev, 100_000_00, 20_000_00, 5_000_00, 0},
			{acc, inThis, 115_000_00, 3_000_00, 0, 10_000_00},
			{other, prev, 50_000_00, 0, 0, 50_000_00},
		} {
			c.RevenueRecord.Create().SetAccountID(r.account).SetPeriodStart(r.start).SetPeriodEnd(r.start.AddDate(0, 3, -1)).
				SetStartingRevenue(r.starting).SetExpansion(r.expansion).SetContraction(r.contraction).SetChurn(r.ch).ExecX(ctx)
		}
		for _, d := range []struct {
			account        int
			stage          opportunity.Stage
			opened, closed time.Time
			amount         int64
		}{
			{acc, opportunity.StageCLOSED_WON, prev.AddDate(0, 0, -20), prev.AddDate(0, 0, 10), 30_000_00},
			{acc, opportunity.StageCLOSED_WON, prev.AddDate(0, 0, 5), prev.AddDate(0, 1, 0), 12_000_00},
			{acc, opportunity.StageCLOSED_LOST, prev.AddDate(0, 0, 1), prev.AddDate(0, 2, 0), 8_000_00},
			{acc, opportunity.StageCLOSED_WON, prev.AddDate(0, 1, 0), inThis, 40_000_00},
			{acc, opportunity.StageCLOSED_LOST, prev.AddDate(0, 2, 0), inThis, 9_000_00},
			{acc, opportunity.StagePROPOSAL, prev.AddDate(0, 2, 10), time.Time{}, 55_000_00},
			{other, opportunity.StageCLOSED_WON, prev.AddDate(0, 0, 2), prev.AddDate(0, 0, 3), 1_000_00},
		} {
			o := c.Opportunity.Create().SetName("Deal").SetAccountID(d.account).SetStage(d.stage).SetOpenedAt(d.opened).SetAmount(d.amount)
			if !d.closed.IsZero() {
				o.SetClosedAt(d.closed)
			}
			o.ExecX(ctx)
		}

		pack := get(e.must(`query($p: ID!) { reviewPack(planID: $p) { until metrics { periodStart periodEnd groupBy rows { `+metricsRowFields+` } } markdown } }`,
			map[string]any{"p": p.plan}), "reviewPack")
		until := get(pack, "until").(string)
		want := get(e.must(`query($a: ID!, $s: Time!, $e: Time!) { metrics(period: {start: $s, end: $e}, filter: {accountIDs: [$a]}, groupBy: [QUARTER]) {
			periodStart periodEnd groupBy rows { `+metricsRowFields+` } } }`,
			map[string]any{"a": p.account, "s": prev.Format(time.RFC3339), "e": until}), "metrics")
		if !sameJSON(get(pack, "metrics"), want) {
			t.Errorf("reviewPack.metrics = %v\nmetrics = %v", asJSON(get(pack, "metrics")), asJSON(want))
		}
		// Worked out by hand, so that the comparison is not of two empty reports.
		rows := get(pack, "metrics", "rows").([]any)
		if len(rows) != 2 {
			t.Fatalf("%d rows, want the previous quarter and this one: %v", len(rows), asJSON(rows))
		}
		for i, w := range []map[string]any{
			{"startingRevenue": 100_000_00, "endingRevenue": 115_000_00, "opportunitiesWon": 2, "opportunitiesLost": 1, "opportunitiesOpen": 3, "wonAmount": 42_000_00},
			{"startingRevenue": 115_000_00, "endingRevenue": 108_000_00, "opportunitiesWon": 1, "opportunitiesLost": 1, "opportunitiesOpen": 1, "pipelineAmount": 55_000_00},
		} {
			for k, v := range w {
				if !sameJSON(get(rows[i], k), v) {
					t.Errorf("row %d: %s = %v, want %v", i, k, get(rows[i], k), v)
				}
			}
		}
		for i, w := range []string{"115.00", "93.91"} {
			if got := get(rows[i], "netRevenueRetention", "value"); got != w {
				t.Errorf("row %d: NRR %v, want %s", i, got, w)
			}
		}
		for i, w := range []string{"66.67", "50.00"} {
			if got := get(rows[i], "winRate", "value"); got != w {
				t.Errorf("row %d: win rate %v, want %s", i, got, w)
			}
		}
		md := get(pack, "markdown").(string)
		for _, s := range []string{"## Metrics", "| Net revenue retention | 115.00% | 93.91% |", "| Win rate | 66.67% | 50.00% |",
			"| Starting revenue | 100,000.00 | 115,000.00 |", "| Opportunities won / lost | 2 / 1 | 1 / 1 |"} {
			if !strings.Contains(md, s) {
				t.Errorf("the Markdown lacks %q:\n%s", s, md)
			}
		}

		// A plan of an account without records or deals: an empty report, said so.
		bare := c.AccountPlan.Create().SetName("Bare").SetAccountID(other).SetStatus(accountplan.StatusDRAFT).
			SetPeriodStart(day("2027-01-01")).SetPeriodEnd(day("2027-12-31")).SaveX(ctx)
		c.RevenueRecord.Delete().ExecX(ctx)
		c.Opportunity.Delete().ExecX(ctx)
		empty := get(e.must(`query($p: ID!) { reviewPack(planID: $p) { metrics { rows { currency } } markdown } }`, map[string]any{"p": gid(bare.ID)}), "reviewPack")
		if n := len(get(empty, "metrics", "rows").([]any)); n != 0 || !strings.Contains(get(empty, "markdown").(string), "No revenue records or opportunities") {
			t.Errorf("%d rows; markdown:\n%s", n, get(empty, "markdown"))
		}
	})
}
