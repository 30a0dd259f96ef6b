package apitest

// The metrics rollups through the API, on a fixture small enough to compute
// every figure by hand (in the comments), and against an independent
// recomputation from the raw rows of the demo data.

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/opportunity"
	"github.com/accountplan/accountplan/ent/revenuerecord"
	"github.com/accountplan/accountplan/ent/schema/calendar"
	"github.com/accountplan/accountplan/ent/schema/totals"
	"github.com/accountplan/accountplan/ent/store"
	"github.com/accountplan/accountplan/graph/demo"
	"github.com/accountplan/accountplan/graph/httpedge"
)

const metricsQuery = `query($period: MetricsPeriodInput!, $filter: MetricsFilter, $groupBy: [MetricsDimension!]) {
  metrics(period: $period, filter: $filter, groupBy: $groupBy) {
    periodStart periodEnd groupBy
    rows {
      tier owner { name } industry region planned periodStart periodEnd periodLabel currency
      accounts startingRevenue expansion contraction churn endingRevenue
      netRevenueRetention { value reason } grossRevenueRetention { value reason } revenueGrowth { value reason }
      startingAccounts retainedAccounts logoRetention { value reason }
      opportunitiesWon opportunitiesLost opportunitiesOpen wonAmount pipelineAmount
      winRate { value reason } salesCycleMedianDays { value reason } salesCycleMeanDays { value reason }
    }
  }
}`

// metricsFixture holds the IDs of the hand-computed fixture:
//
//	account  tier       owner  industry   region         plan    currency
//	Acme     STRATEGIC  Ada    High Tech  EMEA           ACTIVE  USD
//	Bolt     KEY        Bob    Retail     EMEA           DRAFT   USD
//	Cobalt   GENERAL    Ada    (none)     North America  (none)  USD
//	Delta    STRATEGIC  (none) High Tech  APAC           ACTIVE  EUR
type metricsFixture struct {
	ada, bob, acme, bolt, cobalt, delta int
}

// at reads 2025-01-10 as midnight UTC, or a full RFC 3339 time.
func at(s string) time.Time {
	if len(s) == len(time.DateOnly) {
		s += "T00:00:00Z"
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func newMetricsFixture(t *testing.T, e *env) metricsFixture {
	t.Helper()
	ctx := context.Background()
	c := e.client
	ada := c.User.Create().SetName("Ada Lovelace").SetEmail("ada@example.com").SaveX(ctx)
	bob := c.User.Create().SetName("Bob Builder").SetEmail("bob@example.com").SaveX(ctx)
	acme := c.Account.Create().SetName("Acme").SetTier(account.TierSTRATEGIC).SetOwner(ada).SetIndustry("High Tech").SetRegion("EMEA").SaveX(ctx)
	bolt := c.Account.Create().SetName("Bolt").SetTier(account.TierKEY).SetOwner(bob).SetIndustry("Retail").SetRegion("EMEA").SaveX(ctx)
	cobalt := c.Account.Create().SetName("Cobalt").SetTier(account.TierGENERAL).SetOwner(ada).SetRegion("North America").SaveX(ctx)
	delta := c.Account.Create().SetName("Delta").SetTier(account.TierSTRATEGIC).SetIndustry("High Tech").SetRegion("APAC").SetCurrency("EUR").SaveX(ctx)
	for a, status := range map[*ent.Account]accountplan.Status{acme: accountplan.StatusACTIVE, bolt: accountplan.StatusDRAFT, delta: accountplan.StatusACTIVE} {
		c.AccountPlan.Create().SetName("Plan").SetAccount(a).SetStatus(status).
			SetPeriodStart(at("2025-01-01")).SetPeriodEnd(at("2025-12-31")).ExecX(ctx)
	}
	revenue := func(a *ent.Account, quarter string, start, expansion, contraction, churn int64) {
		c.RevenueRecord.Create().SetAccount(a).SetCurrency(a.Currency).
			SetPeriodStart(at(quarter)).SetPeriodEnd(at(quarter).AddDate(0, 3, -1)).
			SetStartingRevenue(start).SetExpansion(expansion).SetContraction(contraction).SetChurn(churn).ExecX(ctx)
	}
	revenue(acme, "2024-10-01", 40_000_000, 10_000_000, 0, 0) // before the period
	revenue(acme, "2025-01-01", 50_000_000, 10_000_000, 0, 5_000_000)
	revenue(acme, "2025-04-01", 55_000_000, 0, 2_000_000, 0)
	revenue(acme, "2025-07-01", 53_000_000, 3_000_000, 0, 0)
	revenue(acme, "2025-10-01", 56_000_000, 0, 0, 0)
	revenue(acme, "2026-01-01", 56_000_000, 9_999, 0, 0) // after the period
	revenue(bolt, "2025-01-01", 20_000_000, 1_000_000, 500_000, 0)
	revenue(bolt, "2025-04-01", 20_500_000, 0, 0, 20_500_000) // churns completely
	revenue(bolt, "2025-07-01", 0, 0, 0, 0)
	revenue(cobalt, "2025-07-01", 0, 3_000_000, 0, 0) // a new logo
	revenue(cobalt, "2025-10-01", 3_000_000, 333, 0, 0)
	revenue(delta, "2025-01-01", 10_000_000, 1_000_000, 0, 0)
	revenue(delta, "2025-04-01", 11_000_000, 0, 1_100_000, 0)
	deal := func(a *ent.Account, stage opportunity.Stage, opened, closed string, amount int64) {
		create := c.Opportunity.Create().SetName("Deal").SetAccount(a).SetCurrency(a.Currency).
			SetStage(stage).SetOpenedAt(at(opened)).SetAmount(amount)
		if closed != "" {
			create.SetClosedAt(at(closed))
		}
		create.ExecX(ctx)
	}
	won, lost := opportunity.StageCLOSED_WON, opportunity.StageCLOSED_LOST
	deal(acme, won, "2025-01-10", "2025-02-09", 1_000_000)                      // o1: Q1, 30 days
	deal(acme, won, "2024-12-01", "2025-03-01", 2_000_000)                      // o2: Q1, 31+31+28 = 90 days
	deal(acme, lost, "2025-02-01", "2025-04-15", 500_000)                       // o3: lost in Q2, open at the end of Q1
	deal(acme, opportunity.StageNEGOTIATION, "2025-05-01", "", 3_000_000)       // o4: open from Q2 on
	deal(acme, won, "2025-06-20T23:30:00Z", "2025-07-01T00:30:00Z", 700_000)    // o5: Q3, 11 calendar days; open at the end of Q2
	deal(acme, won, "2025-11-01", "2026-01-05", 900_000)                        // o6: won after the period: open at the end of Q4
	deal(acme, won, "2024-11-01", "2024-12-20", 800_000)                        // o7: won before the period
	deal(bolt, lost, "2025-01-05", "2025-01-20", 400_000)                       // o8: lost in Q1
	deal(bolt, won, "2025-03-01", "2025-05-01", 800_000)                        // o9: Q2, 31+30 = 61 days; open at the end of Q1
	deal(bolt, opportunity.StagePROSPECTING, "2026-02-01", "", 600_000)         // o10: opened after the period
	deal(cobalt, won, "2025-08-01", "2025-08-01", 100_000)                      // o11: Q3, 0 days
	deal(cobalt, won, "2025-07-01", "2025-09-15", 200_000)                      // o12: Q3, 31+31+14 = 76 days
	deal(cobalt, opportunity.StagePROPOSAL, "2025-12-31T23:59:59Z", "", 50_000) // o13: open at the end of Q4
	deal(delta, won, "2025-01-01", "2025-03-31", 5_000_000)                     // o14: Q1, 31+28+30 = 89 days (EUR)
	deal(delta, lost, "2025-02-01", "2025-02-28", 1_000_000)                    // o15: lost in Q1 (EUR)
	return metricsFixture{ada: ada.ID, bob: bob.ID, acme: acme.ID, bolt: bolt.ID, cobalt: cobalt.ID, delta: delta.ID}
}

var year2025 = map[string]any{"start": "2025-01-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"}

// describeRows writes each row of a metrics answer on one line: the values
// of the dimensions grouped by, the period label, the currency, and every figure.
func describeRows(metrics any) []string {
	var groupBy []string
	for _, d := range get(metrics, "groupBy").([]any) {
		groupBy = append(groupBy, d.(string))
	}
	lines := []string{}
	rows, _ := get(metrics, "rows").([]any)
	for _, row := range rows {
		var b strings.Builder
		for _, d := range groupBy {
			var v any
			switch d {
			case "TIER", "INDUSTRY", "REGION":
				v = get(row, strings.ToLower(d))
			case "OWNER":
				v = get(row, "owner", "name")
			case "PLANNED":
				v = map[any]any{true: "planned", false: "unplanned"}[get(row, "planned")]
			default:
				v = get(row, "periodLabel")
			}
			if v == nil {
				v = "none"
			}
			fmt.Fprintf(&b, "%v ", v)
		}
		figure := func(name string) string {
			if v := get(row, name, "value"); v != nil {
				return v.(string)
			}
			return fmt.Sprintf("null(%v)", get(row, name, "reason"))
		}
		n := func(name string) string { return fmt.Sprint(int64(get(row, name).(float64))) }
		fmt.Fprintf(&b, "%v: accounts %s start %s exp %s contr %s churn %s end %s nrr %s grr %s growth %s logo %s/%s %s"+
			" | won %s lost %s open %s wonAmount %s pipeline %s win %s median %s mean %s",
			get(row, "currency"), n("accounts"), n("startingRevenue"), n("expansion"), n("contraction"), n("churn"), n("endingRevenue"),
			figure("netRevenueRetention"), figure("grossRevenueRetention"), figure("revenueGrowth"),
			n("retainedAccounts"), n("startingAccounts"), figure("logoRetention"),
			n("opportunitiesWon"), n("opportunitiesLost"), n("opportunitiesOpen"), n("wonAmount"), n("pipelineAmount"),
			figure("winRate"), figure("salesCycleMedianDays"), figure("salesCycleMeanDays"))
		lines = append(lines, b.String())
	}
	return lines
}

func sameLines(t *testing.T, name string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\ngot\n\t%s\nwant\n\t%s", name, strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

// Figures of the fixture over 2025 that several cases share.
const (
	noRevenue = "nrr null(no starting revenue) grr null(no starting revenue) growth null(no starting revenue) logo 0/0 null(no account with starting revenue)"
	noDeals   = "won 0 lost 0 open 0 wonAmount 0 pipeline 0 win null(no opportunity won or lost) median null(no opportunity won) mean null(no opportunity won)"

	// Delta: starts the year at 10,000,000 (Q1), +1,000,000 −1,100,000 → 9,900,000: NRR 99%, GRR 89%.
	// o14 won in 89 days, o15 lost.
	deltaYear = "EUR: accounts 1 start 10000000 exp 1000000 contr 1100000 churn 0 end 9900000 nrr 99.00 grr 89.00 growth -1.00 logo 1/1 100.00" +
		" | won 1 lost 1 open 0 wonAmount 5000000 pipeline 0 win 50.00 median 89.00 mean 89.00"
	// Acme: starts the year at 50,000,000 (Q1, not the sum of four quarters),
	// +10,000,000 +3,000,000 −2,000,000 −5,000,000 → 56,000,000: NRR 112%, GRR 43/50 = 86%.
	// Won o1, o2, o5 (30, 90, 11 days: median 30, mean 131/3 = 43.67), lost o3: 75%.
	// Open at the end of the year: o4 and o6 (won in 2026), 3,900,000.
	acmeYear = "USD: accounts 1 start 50000000 exp 13000000 contr 2000000 churn 5000000 end 56000000 nrr 112.00 grr 86.00 growth 12.00 logo 1/1 100.00" +
		" | won 3 lost 1 open 2 wonAmount 3700000 pipeline 3900000 win 75.00 median 30.00 mean 43.67"
	// Bolt: 20,000,000 +1,000,000 −500,000 −20,500,000 → 0: NRR 0%, GRR −1,000,000/20,000,000 = −5%; the logo is lost.
	boltYear = "USD: accounts 1 start 20000000 exp 1000000 contr 500000 churn 20500000 end 0 nrr 0.00 grr -5.00 growth -100.00 logo 0/1 0.00" +
		" | won 1 lost 1 open 0 wonAmount 800000 pipeline 0 win 50.00 median 61.00 mean 61.00"
	// Cobalt: a new logo (starting revenue 0): no retention figures. Won o11, o12 (0 and 76 days); o13 open.
	cobaltYear = "USD: accounts 1 start 0 exp 3000333 contr 0 churn 0 end 3000333 " + noRevenue +
		" | won 2 lost 0 open 1 wonAmount 300000 pipeline 50000 win 100.00 median 38.00 mean 38.00"
	// Bolt and Cobalt: 20,000,000 +4,000,333 −500,000 −20,500,000 → 3,000,333: NRR 15.001665% → 15.00,
	// growth −84.998335% → −85.00. Won o9, o11, o12 (61, 0, 76 days: median 61, mean 137/3 = 45.67), lost o8.
	boltCobaltYear = "USD: accounts 2 start 20000000 exp 4000333 contr 500000 churn 20500000 end 3000333 nrr 15.00 grr -5.00 growth -85.00 logo 0/1 0.00" +
		" | won 3 lost 1 open 1 wonAmount 1100000 pipeline 50000 win 75.00 median 61.00 mean 45.67"
)

func TestMetricsHandComputed(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		f := newMetricsFixture(t, e)
		cases := []struct {
			name    string
			period  map[string]any
			filter  map[string]any
			groupBy []string
			want    []string
		}{
			{
				// One row per currency. USD: Acme + Bolt + Cobalt start at 50,000,000 + 20,000,000 + 0;
				// expansion 13,000,000 + 1,000,000 + 3,000,333; contraction 2,000,000 + 500,000;
				// churn 5,000,000 + 20,500,000; ending 56,000,000 + 0 + 3,000,333 = 59,000,333:
				// NRR 84.286%, GRR 42/70 = 60%, growth −15.714%. Logos: Acme kept, Bolt lost (Cobalt is new).
				// Won o1 o2 o5 o9 o11 o12 (30 90 11 61 0 76 days: median (30+61)/2, mean 268/6), lost o3 o8.
				name: "total", period: year2025,
				want: []string{
					deltaYear,
					"USD: accounts 3 start 70000000 exp 17000333 contr 2500000 churn 25500000 end 59000333 nrr 84.29 grr 60.00 growth -15.71 logo 1/2 50.00" +
						" | won 6 lost 2 open 3 wonAmount 4800000 pipeline 3950000 win 75.00 median 45.50 mean 44.67",
				},
			},
			{
				name: "by tier", period: year2025, groupBy: []string{"TIER"},
				want: []string{"STRATEGIC " + deltaYear, "STRATEGIC " + acmeYear, "KEY " + boltYear, "GENERAL " + cobaltYear},
			},
			{
				name: "by tier and quarter", period: year2025, groupBy: []string{"TIER", "QUARTER"},
				want: []string{
					// Delta Q1: 10,000,000 +1,000,000 → 110%; o14 won, o15 lost.
					"STRATEGIC 2025-Q1 EUR: accounts 1 start 10000000 exp 1000000 contr 0 churn 0 end 11000000 nrr 110.00 grr 100.00 growth 10.00 logo 1/1 100.00" +
						" | won 1 lost 1 open 0 wonAmount 5000000 pipeline 0 win 50.00 median 89.00 mean 89.00",
					// Acme Q1 is the source document's example: $500K +$100K −$50K → 110%.
					// Won o1, o2 (30 and 90 days); o3 is open at the end of Q1.
					"STRATEGIC 2025-Q1 USD: accounts 1 start 50000000 exp 10000000 contr 0 churn 5000000 end 55000000 nrr 110.00 grr 90.00 growth 10.00 logo 1/1 100.00" +
						" | won 2 lost 0 open 1 wonAmount 3000000 pipeline 500000 win 100.00 median 60.00 mean 60.00",
					"STRATEGIC 2025-Q2 EUR: accounts 1 start 11000000 exp 0 contr 1100000 churn 0 end 9900000 nrr 90.00 grr 90.00 growth -10.00 logo 1/1 100.00 | " + noDeals,
					// 53/55 = 96.36%. o3 lost; open at the end of Q2: o4, and o5 (won at 00:30 on 1 July).
					"STRATEGIC 2025-Q2 USD: accounts 1 start 55000000 exp 0 contr 2000000 churn 0 end 53000000 nrr 96.36 grr 96.36 growth -3.64 logo 1/1 100.00" +
						" | won 0 lost 1 open 2 wonAmount 0 pipeline 3700000 win 0.00 median null(no opportunity won) mean null(no opportunity won)",
					// 56/53 = 105.66%. o5 won in 11 calendar days (10 days and an hour).
					"STRATEGIC 2025-Q3 USD: accounts 1 start 53000000 exp 3000000 contr 0 churn 0 end 56000000 nrr 105.66 grr 100.00 growth 5.66 logo 1/1 100.00" +
						" | won 1 lost 0 open 1 wonAmount 700000 pipeline 3000000 win 100.00 median 11.00 mean 11.00",
					"STRATEGIC 2025-Q4 USD: accounts 1 start 56000000 exp 0 contr 0 churn 0 end 56000000 nrr 100.00 grr 100.00 growth 0.00 logo 1/1 100.00" +
						" | won 0 lost 0 open 2 wonAmount 0 pipeline 3900000 win null(no opportunity won or lost) median null(no opportunity won) mean null(no opportunity won)",
					"KEY 2025-Q1 USD: accounts 1 start 20000000 exp 1000000 contr 500000 churn 0 end 20500000 nrr 102.50 grr 97.50 growth 2.50 logo 1/1 100.00" +
						" | won 0 lost 1 open 1 wonAmount 0 pipeline 800000 win 0.00 median null(no opportunity won) mean null(no opportunity won)",
					"KEY 2025-Q2 USD: accounts 1 start 20500000 exp 0 contr 0 churn 20500000 end 0 nrr 0.00 grr 0.00 growth -100.00 logo 0/1 0.00" +
						" | won 1 lost 0 open 0 wonAmount 800000 pipeline 0 win 100.00 median 61.00 mean 61.00",
					"KEY 2025-Q3 USD: accounts 1 start 0 exp 0 contr 0 churn 0 end 0 " + noRevenue + " | " + noDeals,
					"GENERAL 2025-Q3 USD: accounts 1 start 0 exp 3000000 contr 0 churn 0 end 3000000 " + noRevenue +
						" | won 2 lost 0 open 0 wonAmount 300000 pipeline 0 win 100.00 median 38.00 mean 38.00",
					// 3,000,333/3,000,000 = 100.011%.
					"GENERAL 2025-Q4 USD: accounts 1 start 3000000 exp 333 contr 0 churn 0 end 3000333 nrr 100.01 grr 100.00 growth 0.01 logo 1/1 100.00" +
						" | won 0 lost 0 open 1 wonAmount 0 pipeline 50000 win null(no opportunity won or lost) median null(no opportunity won) mean null(no opportunity won)",
				},
			},
			{
				// Acme and Delta have an ACTIVE plan; Bolt's is a DRAFT.
				name: "planned against unplanned", period: year2025, groupBy: []string{"PLANNED"},
				want: []string{"planned " + deltaYear, "planned " + acmeYear, "unplanned " + boltCobaltYear},
			},
			{
				// Ada owns Acme and Cobalt: 50,000,000 → 59,000,333 = 118.00%; won o1 o2 o5 o11 o12
				// (30 90 11 0 76 days: median 30, mean 207/5 = 41.40), lost o3: 5/6 = 83.33%.
				name: "by owner", period: year2025, groupBy: []string{"OWNER"},
				want: []string{
					"Ada Lovelace USD: accounts 2 start 50000000 exp 16000333 contr 2000000 churn 5000000 end 59000333 nrr 118.00 grr 86.00 growth 18.00 logo 1/1 100.00" +
						" | won 5 lost 1 open 3 wonAmount 4000000 pipeline 3950000 win 83.33 median 30.00 mean 41.40",
					"Bob Builder " + boltYear,
					"none " + deltaYear,
				},
			},
			{
				name: "by industry", period: year2025, groupBy: []string{"INDUSTRY"},
				want: []string{"High Tech " + deltaYear, "High Tech " + acmeYear, "Retail " + boltYear, "none " + cobaltYear},
			},
			{name: "tiers", period: year2025, filter: map[string]any{"tiers": []string{"KEY", "GENERAL"}}, want: []string{boltCobaltYear}},
			{name: "unplanned", period: year2025, filter: map[string]any{"planned": false}, want: []string{boltCobaltYear}},
			{name: "owner", period: year2025, filter: map[string]any{"ownerIDs": []string{gid(f.bob)}}, want: []string{boltYear}},
			{name: "no industry", period: year2025, filter: map[string]any{"industries": []string{""}}, want: []string{cobaltYear}},
			{name: "accounts", period: year2025, filter: map[string]any{"accountIDs": []string{gid(f.delta), gid(f.cobalt)}}, want: []string{deltaYear, cobaltYear}},
			{name: "tier and region", period: year2025, filter: map[string]any{"tiers": []string{"STRATEGIC"}, "regions": []string{"APAC"}}, want: []string{deltaYear}},
			{name: "an empty list matches nothing", period: year2025, filter: map[string]any{"tiers": []string{}}, want: []string{}},
			{
				// Acme and Bolt: 70,000,000 → 56,000,000 = 80%; won o1 o2 o5 o9 (30 90 11 61 days:
				// median (30+61)/2, mean 192/4), lost o3 o8: 4/6 = 66.67%.
				name: "region", period: year2025, filter: map[string]any{"regions": []string{"EMEA"}},
				want: []string{
					"USD: accounts 2 start 70000000 exp 14000000 contr 2500000 churn 25500000 end 56000000 nrr 80.00 grr 60.00 growth -20.00 logo 1/2 50.00" +
						" | won 4 lost 2 open 2 wonAmount 4500000 pipeline 3900000 win 66.67 median 45.50 mean 48.00",
				},
			},
			{
				// Months cut to 15 February – 10 April. February has no revenue record and no deal
				// closed in it, but o2 (won at midnight on 1 March) and o3 are open at its end.
				name: "months of a part of a quarter", groupBy: []string{"MONTH"},
				period: map[string]any{"start": "2025-02-15T00:00:00Z", "end": "2025-04-10T00:00:00Z"},
				filter: map[string]any{"accountIDs": []string{gid(f.acme)}},
				want: []string{
					"2025-02 USD: accounts 0 start 0 exp 0 contr 0 churn 0 end 0 " + noRevenue +
						" | won 0 lost 0 open 2 wonAmount 0 pipeline 2500000 win null(no opportunity won or lost) median null(no opportunity won) mean null(no opportunity won)",
					"2025-03 USD: accounts 0 start 0 exp 0 contr 0 churn 0 end 0 " + noRevenue +
						" | won 1 lost 0 open 1 wonAmount 2000000 pipeline 500000 win 100.00 median 90.00 mean 90.00",
					"2025-04 USD: accounts 1 start 55000000 exp 0 contr 2000000 churn 0 end 53000000 nrr 96.36 grr 96.36 growth -3.64 logo 1/1 100.00" +
						" | won 0 lost 0 open 1 wonAmount 0 pipeline 500000 win null(no opportunity won or lost) median null(no opportunity won) mean null(no opportunity won)",
				},
			},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				d := e.forSubtest(t).must(metricsQuery, map[string]any{"period": c.period, "filter": c.filter, "groupBy": c.groupBy})
				sameLines(t, c.name, describeRows(d["metrics"]), c.want)
			})
		}

		// The rows of a calendar unit cut to the report period say so.
		d := e.must(metricsQuery, map[string]any{
			"period":  map[string]any{"start": "2025-02-15T00:00:00+01:00", "end": "2025-04-10T00:00:00Z"},
			"filter":  map[string]any{"accountIDs": []string{gid(f.acme)}},
			"groupBy": []string{"MONTH"},
		})
		m := d["metrics"]
		for _, c := range []struct {
			path []any
			want string
		}{
			{[]any{"periodStart"}, "2025-02-14T23:00:00Z"},
			{[]any{"periodEnd"}, "2025-04-10T00:00:00Z"},
			{[]any{"rows", 0, "periodStart"}, "2025-02-14T23:00:00Z"},
			{[]any{"rows", 0, "periodEnd"}, "2025-03-01T00:00:00Z"},
			{[]any{"rows", 1, "periodStart"}, "2025-03-01T00:00:00Z"},
			{[]any{"rows", 2, "periodEnd"}, "2025-04-10T00:00:00Z"},
		} {
			if got := parseTime(t, get(m, c.path...)).UTC().Format(time.RFC3339); got != c.want {
				t.Errorf("%v = %s, want %s", c.path, got, c.want)
			}
		}
		if got := get(m, "rows", 0, "tier"); got != nil {
			t.Errorf("tier %v on a report not grouped by tier", got)
		}
	})
}

// TestMetricsSourceExample is the source document's example as an API
// request: a $500K cohort grows $100K and churns $50K: NRR is exactly 110%.
func TestMetricsSourceExample(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		a := e.client.Account.Create().SetName("Cohort").SaveX(ctx)
		e.client.RevenueRecord.Create().SetAccount(a).SetPeriodStart(at("2025-01-01")).SetPeriodEnd(at("2025-12-31")).
			SetStartingRevenue(50_000_000).SetExpansion(10_000_000).SetChurn(5_000_000).ExecX(ctx)
		d := e.must(`{ metrics(period: {start: "2025-01-01T00:00:00Z", end: "2026-01-01T00:00:00Z"}) {
			rows { startingRevenue endingRevenue netRevenueRetention { value reason } grossRevenueRetention { value } } } }`, nil)
		want := map[string]any{
			"startingRevenue": 50_000_000, "endingRevenue": 55_000_000,
			"netRevenueRetention": map[string]any{"value": "110.00", "reason": nil}, "grossRevenueRetention": map[string]any{"value": "90.00"},
		}
		if got := get(d, "metrics", "rows", 0); !sameJSON(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
}

func TestMetricsRefusesBadInput(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		for _, c := range []struct {
			name, query, code, field string
		}{
			{"end before start", `{ metrics(period: {start: "2026-01-01T00:00:00Z", end: "2025-01-01T00:00:00Z"}) { rows { currency } } }`, "BAD_USER_INPUT", "end"},
			{"dimension twice", `{ metrics(period: {start: "2025-01-01T00:00:00Z", end: "2026-01-01T00:00:00Z"}, groupBy: [TIER, TIER]) { rows { currency } } }`, "BAD_USER_INPUT", "groupBy"},
			{"two calendar units", `{ metrics(period: {start: "2025-01-01T00:00:00Z", end: "2026-01-01T00:00:00Z"}, groupBy: [MONTH, YEAR]) { rows { currency } } }`, "BAD_USER_INPUT", "groupBy"},
			{"a century of months", `{ metrics(period: {start: "1900-01-01T00:00:00Z", end: "2026-01-01T00:00:00Z"}, groupBy: [MONTH]) { rows { currency } } }`, "BAD_USER_INPUT", "groupBy"},
			{"no such dimension", `{ metrics(period: {start: "2025-01-01T00:00:00Z", end: "2026-01-01T00:00:00Z"}, groupBy: [WEEK]) { rows { currency } } }`, "GRAPHQL_VALIDATION_FAILED", ""},
			{"no period", `{ metrics { rows { currency } } }`, "GRAPHQL_VALIDATION_FAILED", ""},
		} {
			code, field := e.code(c.query, nil)
			if code != c.code || field != c.field {
				t.Errorf("%s: %s on %q, want %s on %q", c.name, code, field, c.code, c.field)
			}
		}
	})
}

// metricsAccounts adds n accounts, each with an owner, four quarters of
// revenue and three deals, to make the data bigger without changing its shape.
func metricsAccounts(t *testing.T, e *env, from, n int) {
	t.Helper()
	ctx := context.Background()
	for i := from; i < from+n; i++ {
		owner := e.client.User.Create().SetName(fmt.Sprintf("Seller %d", i)).SetEmail(fmt.Sprintf("seller%d@example.com", i)).SaveX(ctx)
		a := e.client.Account.Create().SetName(fmt.Sprintf("Account %d", i)).SetOwner(owner).SetIndustry(fmt.Sprintf("Industry %d", i%3)).SaveX(ctx)
		e.client.RevenueRecord.MapCreateBulk([]string{"2025-01-01", "2025-04-01", "2025-07-01", "2025-10-01"}, func(c *ent.RevenueRecordCreate, q int) {
			start := at([]string{"2025-01-01", "2025-04-01", "2025-07-01", "2025-10-01"}[q])
			c.SetAccount(a).SetPeriodStart(start).SetPeriodEnd(start.AddDate(0, 3, -1)).SetStartingRevenue(int64(1000 * (i + q))).SetExpansion(100)
		}).ExecX(ctx)
		e.client.Opportunity.CreateBulk(
			e.client.Opportunity.Create().SetName("Won").SetAccount(a).SetStage(opportunity.StageCLOSED_WON).SetOpenedAt(at("2025-02-01")).SetClosedAt(at("2025-03-01")),
			e.client.Opportunity.Create().SetName("Lost").SetAccount(a).SetStage(opportunity.StageCLOSED_LOST).SetOpenedAt(at("2025-02-01")).SetClosedAt(at("2025-06-01")),
			e.client.Opportunity.Create().SetName("Open").SetAccount(a).SetOpenedAt(at("2025-05-01")).SetAmount(500),
		).ExecX(ctx)
	}
}

// The statements a metrics request runs do not grow with the data: three on
// the metric totals (revenue, deals, median sales cycles), or two on the
// rows (revenue records, opportunities) for a period the totals do not
// divide into or a dimension of the account in each period, and one more to
// load the owners.
func TestMetricsStatementsDoNotGrowWithAccounts(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		midMonth := map[string]any{"start": "2025-01-15T00:00:00Z", "end": "2026-01-01T00:00:00Z"}
		requests := []struct {
			period     map[string]any
			groupBy    []string
			statements int64
		}{
			{year2025, nil, 3},
			{year2025, []string{"TIER", "QUARTER"}, 3},
			{year2025, []string{"PLANNED", "INDUSTRY", "MONTH"}, 3},
			{year2025, []string{"OWNER", "YEAR"}, 4},
			{midMonth, []string{"TIER", "QUARTER"}, 2},
			{midMonth, []string{"OWNER"}, 3},
			// The dated dimensions read the rows, the plans and the history.
			{year2025, []string{"PLAN_PHASE", "QUARTER"}, 2},
			{year2025, []string{"TIER_AT_PERIOD", "DEAL_PLANNED", "OWNER", "MONTH"}, 3},
		}
		run := func(accounts int) {
			for _, r := range requests {
				var d map[string]any
				n := e.count(func() {
					d = e.must(metricsQuery, map[string]any{"period": r.period, "groupBy": r.groupBy})
				})
				rows := len(get(d, "metrics", "rows").([]any))
				t.Logf("%d accounts, %v, groupBy %v: %d rows, %d statements", accounts, r.period, r.groupBy, rows, n)
				if n != r.statements {
					t.Errorf("%d accounts, %v, groupBy %v: %d statements, want %d", accounts, r.period, r.groupBy, n, r.statements)
				}
			}
		}
		newMetricsFixture(t, e)
		run(4)
		metricsAccounts(t, e, 0, 40)
		run(44)
	})
}

// metricsReference recomputes a report from the raw rows, independently of
// the SQL, by the definitions written in api/metrics.graphql.
type metricsReference struct {
	accounts []*ent.Account // with owner and plans
	records  []*ent.RevenueRecord
	deals    []*ent.Opportunity
}

func loadMetricsReference(t *testing.T, e *env) metricsReference {
	t.Helper()
	ctx := context.Background()
	return metricsReference{
		accounts: e.client.Account.Query().WithOwner().WithPlans().AllX(ctx),
		records:  e.client.RevenueRecord.Query().WithAccount().AllX(ctx),
		deals:    e.client.Opportunity.Query().WithAccount().AllX(ctx),
	}
}

// spans are the row periods of a report: calendar months, quarters or years
// (months 1, 3, 12) cut to [start, end), or the whole period (months 0).
func spans(start, end time.Time, months int) (s []struct {
	start, end time.Time
	label      string
}) {
	if months == 0 {
		return append(s, struct {
			start, end time.Time
			label      string
		}{start, end, ""})
	}
	b := time.Date(start.Year(), (start.Month()-1)/time.Month(months)*time.Month(months)+1, 1, 0, 0, 0, 0, time.UTC)
	for ; b.Before(end); b = b.AddDate(0, months, 0) {
		label := map[int]string{1: b.Format("2006-01"), 3: fmt.Sprintf("%d-Q%d", b.Year(), (int(b.Month())+2)/3), 12: b.Format("2006")}[months]
		s = append(s, struct {
			start, end time.Time
			label      string
		}{later(b, start), earlier(b.AddDate(0, months, 0), end), label})
	}
	return s
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// rows returns the report's rows in describeRows' format, sorted.
func (m metricsReference) rows(start, end time.Time, months int, dims []string, keep func(*ent.Account) bool) []string {
	dimValue := func(a *ent.Account, d string) string {
		v := map[string]string{"TIER": a.Tier.String(), "INDUSTRY": a.Industry, "REGION": a.Region}[d]
		switch d {
		case "OWNER":
			if a.Edges.Owner != nil {
				v = a.Edges.Owner.Name
			}
		case "PLANNED":
			v = "unplanned"
			for _, p := range a.Edges.Plans {
				if p.Status == accountplan.StatusACTIVE {
					v = "planned"
				}
			}
		}
		if v == "" {
			v = "none"
		}
		return v
	}
	byID := map[int]*ent.Account{}
	for _, a := range m.accounts {
		byID[a.ID] = a
	}
	rows := map[string]*referenceRow{}
	get := func(a *ent.Account, label, currency string) *referenceRow {
		var key strings.Builder
		for _, d := range dims {
			if d == "MONTH" || d == "QUARTER" || d == "YEAR" {
				key.WriteString(label + " ")
			} else {
				key.WriteString(dimValue(a, d) + " ")
			}
		}
		key.WriteString(currency)
		if rows[key.String()] == nil {
			rows[key.String()] = &referenceRow{accounts: map[int]*referenceAccount{}}
		}
		return rows[key.String()]
	}
	in := func(t time.Time, start, end time.Time) bool { return !t.Before(start) && t.Before(end) }
	day := func(t time.Time) time.Time {
		t = t.UTC()
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	for _, s := range spans(start, end, months) {
		for _, r := range m.records {
			a := byID[r.Edges.Account.ID]
			if !keep(a) || !in(r.PeriodStart, s.start, s.end) {
				continue
			}
			x := get(a, s.label, r.Currency)
			p := x.accounts[a.ID]
			if p == nil {
				p = &referenceAccount{first: r.PeriodStart, starting: r.StartingRevenue}
				x.accounts[a.ID] = p
			} else if r.PeriodStart.Before(p.first) {
				p.first, p.starting = r.PeriodStart, r.StartingRevenue
			}
			p.expansion += r.Expansion
			p.contraction += r.Contraction
			p.churn += r.Churn
		}
		for _, o := range m.deals {
			a := byID[o.Edges.Account.ID]
			if !keep(a) {
				continue
			}
			closed := o.Stage == opportunity.StageCLOSED_WON || o.Stage == opportunity.StageCLOSED_LOST
			switch {
			case closed && o.ClosedAt != nil && in(*o.ClosedAt, s.start, s.end):
				x := get(a, s.label, o.Currency)
				if o.Stage == opportunity.StageCLOSED_WON {
					x.won = append(x.won, int64(day(*o.ClosedAt).Sub(day(o.OpenedAt)).Hours()/24))
					x.wonAmount += o.Amount
				} else {
					x.lost++
				}
			}
			if o.OpenedAt.Before(s.end) && (!closed || (o.ClosedAt != nil && !o.ClosedAt.Before(s.end))) {
				x := get(a, s.label, o.Currency)
				x.open++
				x.pipeline += o.Amount
			}
		}
	}
	return referenceLines(rows)
}

// TestMetricsMatchRecomputationOnDemoData compares the API's answers with
// figures recomputed in Go from the raw rows of the demo data, to the cent
// and to the documented rounding, for several filters and groupings.
func TestMetricsMatchRecomputationOnDemoData(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if _, err := demo.Load(ctx, e.client, time.Date(2026, 5, 14, 15, 4, 5, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		ref := loadMetricsReference(t, e)
		all := func(*ent.Account) bool { return true }
		for _, c := range []struct {
			name       string
			start, end string
			months     int
			groupBy    []string
			filter     map[string]any
			keep       func(*ent.Account) bool
		}{
			{name: "two years", start: "2024-01-01", end: "2026-01-01", keep: all},
			{name: "tier by quarter", start: "2024-04-01", end: "2026-07-01", months: 3, groupBy: []string{"TIER", "QUARTER"}, keep: all},
			{name: "planned against unplanned", start: "2025-01-01", end: "2026-01-01", groupBy: []string{"PLANNED"}, keep: all},
			{name: "owner by year", start: "2024-01-01", end: "2026-06-01", months: 12, groupBy: []string{"OWNER", "YEAR"}, keep: all},
			{name: "planned by month, cut", start: "2025-02-10", end: "2025-08-20", months: 1, groupBy: []string{"PLANNED", "MONTH"}, keep: all},
			{name: "tier by month, cut within days", start: "2025-02-10T12:00:00Z", end: "2025-08-20T06:30:00Z", months: 1, groupBy: []string{"TIER", "MONTH"}, keep: all},
			{
				name: "industry and region of tiers 1 and 2", start: "2024-07-01", end: "2026-04-01", groupBy: []string{"INDUSTRY", "REGION"},
				filter: map[string]any{"tiers": []string{"STRATEGIC", "KEY"}},
				keep:   func(a *ent.Account) bool { return a.Tier != account.TierGENERAL },
			},
			{
				name: "quarters of unplanned accounts in North America", start: "2024-01-01", end: "2026-07-01", months: 3, groupBy: []string{"QUARTER"},
				filter: map[string]any{"planned": false, "regions": []string{"North America"}},
				keep: func(a *ent.Account) bool {
					for _, p := range a.Edges.Plans {
						if p.Status == accountplan.StatusACTIVE {
							return false
						}
					}
					return a.Region == "North America"
				},
			},
		} {
			t.Run(c.name, func(t *testing.T) {
				want := ref.rows(at(c.start), at(c.end), c.months, c.groupBy, c.keep)
				d := e.forSubtest(t).must(metricsQuery, map[string]any{
					"period": map[string]any{"start": at(c.start).Format(time.RFC3339), "end": at(c.end).Format(time.RFC3339)}, "filter": c.filter, "groupBy": c.groupBy,
				})
				got := describeRows(d["metrics"])
				slices.Sort(got)
				if len(want) == 0 {
					t.Fatal("the case checks nothing: no rows")
				}
				sameLines(t, c.name, got, want)
			})
		}
	})
}

// TestMetricsFollowEditsAndMigratedRows changes the dates of the demo data's
// deals and revenue records through each kind of write, empties the calendar
// numbers of some rows as a database from before those columns would have
// them, opens the store again (which fills them), and checks every row's
// numbers and the API's answers against figures recomputed from the times.
func TestMetricsFollowEditsAndMigratedRows(t *testing.T) {
	t.Parallel()
	for name, target := range map[string]func(*testing.T) string{
		"sqlite":   sqliteDatabase,
		"postgres": postgresDatabase,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			target := target(t)
			e := newEnv(t, target, httpedge.Settings{Open: true})
			c := e.client
			if _, err := demo.Load(ctx, c, time.Date(2026, 5, 14, 15, 4, 5, 0, time.UTC)); err != nil {
				t.Fatal(err)
			}
			won := c.Opportunity.Query().Where(opportunity.StageEQ(opportunity.StageCLOSED_WON)).Order(ent.Asc(opportunity.FieldID)).IDsX(ctx)
			open := c.Opportunity.Query().Where(opportunity.ClosedAtIsNil()).Order(ent.Asc(opportunity.FieldID)).IDsX(ctx)
			if len(won) < 4 || len(open) < 2 {
				t.Fatalf("the demo data has %d won and %d open deals; the test needs 4 and 2", len(won), len(open))
			}
			c.Opportunity.Update().Where(opportunity.IDIn(won[:2]...)).
				SetOpenedAt(at("2025-03-31T22:00:00Z")).SetClosedAt(at("2025-07-01T01:30:00Z")).ExecX(ctx)
			c.Opportunity.UpdateOneID(won[2]).SetStage(opportunity.StagePROSPECTING).ExecX(ctx) // reopened: no close date
			w := c.Opportunity.GetX(ctx, won[3])
			c.Opportunity.UpdateOne(w).SetOpenedAt(w.ClosedAt.Add(-45*24*time.Hour - 13*time.Hour)).ExecX(ctx)
			o := c.Opportunity.GetX(ctx, open[0])
			c.Opportunity.UpdateOne(o).SetStage(opportunity.StageCLOSED_LOST).SetClosedAt(o.OpenedAt.Add(40*24*time.Hour + 11*time.Hour)).ExecX(ctx)
			c.Opportunity.UpdateOneID(open[1]).SetOpenedAt(at("2025-05-20T10:00:00Z")).ExecX(ctx)
			r := c.RevenueRecord.Query().Order(ent.Asc(revenuerecord.FieldID)).FirstX(ctx)
			c.RevenueRecord.UpdateOne(r).SetPeriodStart(r.PeriodStart.Add(-90 * time.Minute)).ExecX(ctx)

			old, err := store.Open(ctx, target)
			if err != nil {
				t.Fatal(err)
			}
			for _, stmt := range []string{
				"UPDATE opportunities SET opened_day = NULL, opened_month = NULL, closed_day = NULL, closed_month = NULL WHERE id % 3 = 0",
				"UPDATE revenue_records SET period_start_day = NULL, period_start_month = NULL WHERE id % 3 = 0",
				// Rows of the version before quarters and years were kept.
				"UPDATE revenue_records SET period_start_quarter = NULL, period_start_year = NULL WHERE id % 3 = 1",
			} {
				if _, err := old.DB.ExecContext(ctx, stmt); err != nil {
					t.Fatal(err)
				}
			}
			old.Close()
			reopened, err := store.Open(ctx, target)
			if err != nil {
				t.Fatal(err)
			}
			reopened.Close()

			same := func(what string, id int, got *int, want int) {
				if got == nil || *got != want {
					t.Errorf("%s of %d: %v, want %d", what, id, got, want)
				}
			}
			for _, o := range c.Opportunity.Query().AllX(ctx) {
				same("openedDay", o.ID, o.OpenedDay, calendar.Day(o.OpenedAt))
				same("openedMonth", o.ID, o.OpenedMonth, calendar.Month(o.OpenedAt))
				if o.ClosedAt == nil {
					if o.ClosedDay != nil || o.ClosedMonth != nil {
						t.Errorf("closed numbers of %d without a close date", o.ID)
					}
					continue
				}
				same("closedDay", o.ID, o.ClosedDay, calendar.Day(*o.ClosedAt))
				same("closedMonth", o.ID, o.ClosedMonth, calendar.Month(*o.ClosedAt))
			}
			for _, r := range c.RevenueRecord.Query().AllX(ctx) {
				same("periodStartDay", r.ID, r.PeriodStartDay, calendar.Day(r.PeriodStart))
				same("periodStartMonth", r.ID, r.PeriodStartMonth, calendar.Month(r.PeriodStart))
				same("periodStartQuarter", r.ID, r.PeriodStartQuarter, calendar.Month(r.PeriodStart)/3)
				same("periodStartYear", r.ID, r.PeriodStartYear, calendar.Month(r.PeriodStart)/12)
			}

			sameReports(t, e, "", []reportCase{
				{"2024-01-01", "2026-07-01", 3, []string{"TIER", "QUARTER"}},
				{"2025-01-01T12:00:00Z", "2025-10-01T00:30:00Z", 3, []string{"TIER", "QUARTER"}},
				{"2024-03-01", "2026-02-01", 1, []string{"MONTH"}},
				{"2024-03-01", "2026-02-01", 12, []string{"YEAR", "PLANNED"}},
				{"2024-03-01", "2026-02-01", 0, []string{"REGION"}},
			})
		})
	}
}

// TestMetricsTotalsFollowEveryWrite makes, on the demo data, each kind of
// write that changes what an account contributes to the metric totals, or
// the segment it contributes under (ent/schema/totals), including
// bulk creates with several rows of one account and writes that fail, and
// checks the reports the totals answer against figures recomputed from the
// rows; then that opening a database from before the totals, or before
// their broad segments, counts them.
func TestMetricsTotalsFollowEveryWrite(t *testing.T) {
	t.Parallel()
	for name, target := range map[string]func(*testing.T) string{
		"sqlite":   sqliteDatabase,
		"postgres": postgresDatabase,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			totalsFollowEveryWrite(t, target(t))
		})
	}
}

func totalsFollowEveryWrite(t *testing.T, target string) {
	ctx := context.Background()
	e := newEnv(t, target, httpedge.Settings{Open: true})
	c := e.client
	if _, err := demo.Load(ctx, c, time.Date(2026, 5, 14, 15, 4, 5, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	accounts := c.Account.Query().WithPlans().Order(ent.Asc(account.FieldID)).AllX(ctx)
	if len(accounts) < 6 {
		t.Fatalf("the demo data has %d accounts; the test needs 6", len(accounts))
	}
	a0, a1, a2, a3, a4, a5 := accounts[0], accounts[1], accounts[2], accounts[3], accounts[4], accounts[5]
	seller := c.User.Create().SetName("Leaving Seller").SetEmail("leaving@example.com").SaveX(ctx)

	// Segments move: tier, industry, region, owner, plans.
	c.Account.UpdateOne(a0).SetTier(account.TierGENERAL).ClearIndustry().SetRegion("LATAM").SetOwner(seller).ExecX(ctx)
	c.Account.Update().Where(account.IDIn(a1.ID, a2.ID)).SetTier(account.TierKEY).SetIndustry("Retail").ExecX(ctx)
	c.Account.UpdateOne(a3).SetOwner(seller).ExecX(ctx)
	c.User.DeleteOne(seller).ExecX(ctx) // a0 and a3 lose their owner
	for _, a := range []*ent.Account{a1, a4} {
		for _, p := range a.Edges.Plans {
			if p.Status == accountplan.StatusACTIVE {
				c.AccountPlan.UpdateOne(p).SetStatus(accountplan.StatusARCHIVED).ExecX(ctx)
			}
		}
	}
	c.AccountPlan.CreateBulk(
		c.AccountPlan.Create().SetName("New plan").SetAccount(a5).SetStatus(accountplan.StatusACTIVE).SetPeriodStart(at("2025-01-01")).SetPeriodEnd(at("2025-12-31")),
		c.AccountPlan.Create().SetName("Second plan").SetAccount(a5).SetStatus(accountplan.StatusACTIVE).SetPeriodStart(at("2025-01-01")).SetPeriodEnd(at("2025-12-31")),
	).ExecX(ctx)
	c.AccountPlan.Delete().Where(accountplan.HasAccountWith(account.ID(a2.ID))).ExecX(ctx)

	// Rows change: bulk creates with several rows of one account, edits,
	// deletes.
	c.RevenueRecord.MapCreateBulk([]int{0, 1, 2}, func(rc *ent.RevenueRecordCreate, i int) {
		start := at("2023-01-01").AddDate(0, i, 0)
		rc.SetAccount(a4).SetPeriodStart(start).SetPeriodEnd(start.AddDate(0, 1, -1)).SetStartingRevenue(int64(1000 + i)).SetExpansion(int64(10 * i))
	}).ExecX(ctx)
	c.Opportunity.MapCreateBulk([]int{0, 1, 2, 3}, func(oc *ent.OpportunityCreate, i int) {
		opened := at("2025-02-03T10:00:00Z").AddDate(0, i, 0)
		oc.SetAccount(a5).SetName(fmt.Sprint("Bulk ", i)).SetAmount(int64(100_000 * (i + 1))).SetOpenedAt(opened)
		if i%2 == 0 {
			oc.SetStage(opportunity.StageCLOSED_WON).SetClosedAt(opened.AddDate(0, 0, 20+i))
		}
	}).ExecX(ctx)
	deals := c.Opportunity.Query().Where(opportunity.HasAccountWith(account.ID(a1.ID))).AllX(ctx)
	records := c.RevenueRecord.Query().Where(revenuerecord.HasAccountWith(account.ID(a2.ID))).AllX(ctx)
	if len(deals) < 2 || len(records) < 2 {
		t.Fatalf("%d deals of account 1 and %d revenue records of account 2; the test needs 2 of each", len(deals), len(records))
	}
	c.Opportunity.UpdateOne(deals[0]).SetAmount(123_400).SetCurrency("EUR").ExecX(ctx)
	c.Opportunity.DeleteOne(deals[1]).ExecX(ctx)
	c.RevenueRecord.UpdateOne(records[0]).SetChurn(records[0].StartingRevenue).SetPeriodStart(records[0].PeriodStart.AddDate(0, -1, 0)).ExecX(ctx)
	c.RevenueRecord.DeleteOne(records[1]).ExecX(ctx)
	c.Account.DeleteOneID(accounts[len(accounts)-1].ID).ExecX(ctx)

	// A write refused by an invariant, and a transaction rolled back,
	// change nothing.
	if err := c.Opportunity.UpdateOne(deals[0]).SetStage(opportunity.StageCLOSED_WON).SetClosedAt(deals[0].OpenedAt.Add(-time.Hour)).Exec(ctx); err == nil {
		t.Fatal("a deal closed before it opened was accepted")
	}
	rollback, err := c.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rollback.Account.UpdateOneID(a4.ID).SetTier(account.TierSTRATEGIC).ExecX(ctx)
	rollback.Opportunity.DeleteOneID(deals[0].ID).ExecX(ctx)
	if err := rollback.Rollback(); err != nil {
		t.Fatal(err)
	}

	cases := []reportCase{
		{"2023-01-01", "2027-01-01", 3, []string{"TIER", "QUARTER"}},
		{"2024-01-01", "2026-07-01", 0, []string{"OWNER", "PLANNED"}},
		{"2024-03-01", "2026-02-01", 1, []string{"INDUSTRY", "REGION", "MONTH"}},
		{"2023-01-01", "2027-01-01", 12, []string{"YEAR", "PLANNED", "TIER"}},
	}
	sameReports(t, e, "after the writes", cases)

	// Databases from before broad segments (fine ones alone, unlinked) and
	// from before the totals: the store counts them when it opens.
	for _, old := range []struct {
		what       string
		statements []string
	}{
		{"before broad segments", []string{
			"DELETE FROM " + totals.SegmentsTable + " WHERE broad = 1", "UPDATE " + totals.SegmentsTable + " SET broad_segment = NULL",
		}},
		{"before the totals", []string{
			"DROP TABLE " + totals.DealTotalsTable, "DROP TABLE " + totals.WonCyclesTable,
			"DROP TABLE " + totals.RevenueTotalsTable, "DROP TABLE " + totals.SegmentsTable,
			"ALTER TABLE accounts DROP COLUMN " + totals.AccountSegmentColumn,
		}},
	} {
		s, err := store.Open(ctx, target)
		if err != nil {
			t.Fatal(err)
		}
		for _, stmt := range old.statements {
			if _, err := s.DB.ExecContext(ctx, stmt); err != nil {
				t.Fatal(err)
			}
		}
		s.Close()
		reopened, err := store.Open(ctx, target)
		if err != nil {
			t.Fatal(err)
		}
		reopened.Close()
		sameReports(t, e, "counted when a database from "+old.what+" opened", cases)
	}
}

// reportCase is a report to compare with recomputation from the rows:
// period, calendar unit in months (0 for none) and dimensions.
type reportCase struct {
	start, end string
	months     int
	groupBy    []string
}

// sameReports checks the API's answer to each case against the figures
// recomputed from the rows as they are now.
func sameReports(t *testing.T, e *env, when string, cases []reportCase) {
	t.Helper()
	ref := loadMetricsReference(t, e)
	all := func(*ent.Account) bool { return true }
	for _, p := range cases {
		want := ref.rows(at(p.start), at(p.end), p.months, p.groupBy, all)
		d := e.must(metricsQuery, map[string]any{
			"period":  map[string]any{"start": at(p.start).Format(time.RFC3339), "end": at(p.end).Format(time.RFC3339)},
			"groupBy": p.groupBy,
		})
		got := describeRows(d["metrics"])
		slices.Sort(got)
		sameLines(t, strings.TrimSpace(fmt.Sprint(when, " ", p.start, p.groupBy)), got, want)
	}
}

// referenceAccount is an account's revenue in a row of a recomputed report.
type referenceAccount struct {
	first                                   time.Time
	starting, expansion, contraction, churn int64
}

// referenceRow is a row of a report recomputed from the raw rows.
type referenceRow struct {
	accounts            map[int]*referenceAccount
	won                 []int64 // cycle days of the deals won
	lost                int64
	open                int64
	wonAmount, pipeline int64
}

// referenceLines are the rows' figures, a line each as describeRows writes
// the API's, keyed by the dimension values and the currency.
func referenceLines(rows map[string]*referenceRow) []string {
	pct := func(num, den int64, why string) string {
		if den == 0 {
			return "null(" + why + ")"
		}
		return new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(num), big.NewInt(100)), big.NewInt(den)).FloatString(2)
	}
	var lines []string
	for key, x := range rows {
		var n, starting, expansion, contraction, churn, startingAccounts, retained int64
		for _, p := range x.accounts {
			n++
			starting += p.starting
			expansion += p.expansion
			contraction += p.contraction
			churn += p.churn
			if p.starting > 0 {
				startingAccounts++
				if p.starting+p.expansion-p.contraction-p.churn > 0 {
					retained++
				}
			}
		}
		ending := starting + expansion - contraction - churn
		median, mean := "null(no opportunity won)", "null(no opportunity won)"
		if w := x.won; len(w) > 0 {
			slices.Sort(w)
			var total int64
			for _, d := range w {
				total += d
			}
			median = big.NewRat(w[(len(w)-1)/2]+w[len(w)/2], 2).FloatString(2)
			mean = big.NewRat(total, int64(len(w))).FloatString(2)
		}
		won := int64(len(x.won))
		sep := strings.LastIndex(key, " ") + 1 // the currency follows the dimension values
		lines = append(lines, fmt.Sprintf("%s%s: accounts %d start %d exp %d contr %d churn %d end %d nrr %s grr %s growth %s logo %d/%d %s"+
			" | won %d lost %d open %d wonAmount %d pipeline %d win %s median %s mean %s",
			key[:sep], key[sep:], n, starting, expansion, contraction, churn, ending,
			pct(ending, starting, "no starting revenue"), pct(starting-contraction-churn, starting, "no starting revenue"),
			pct(ending-starting, starting, "no starting revenue"),
			retained, startingAccounts, pct(retained, startingAccounts, "no account with starting revenue"),
			won, x.lost, x.open, x.wonAmount, x.pipeline, pct(won, won+x.lost, "no opportunity won or lost"), median, mean))
	}
	slices.Sort(lines)
	return lines
}
