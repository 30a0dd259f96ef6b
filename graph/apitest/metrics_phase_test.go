package apitest

// The dated metrics dimensions (PLAN_PHASE, PLANNED_IN_PERIOD,
// TIER_AT_PERIOD, DEAL_PLANNED) against figures recomputed from the raw rows
// and the change history, on accounts built on both sides of every boundary.

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/change"
	"github.com/accountplan/accountplan/ent/opportunity"
	"github.com/accountplan/accountplan/ent/schema/schematype"
	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/graph/demo"
)

const phaseQuery = `query($period: MetricsPeriodInput!, $filter: MetricsFilter, $groupBy: [MetricsDimension!]) {
  metrics(period: $period, filter: $filter, groupBy: $groupBy) {
    periodStart periodEnd groupBy
    rows {
      tier owner { name } industry region planned planPhase plannedInPeriod tierAtPeriod dealPlanned periodStart periodEnd periodLabel currency
      accounts startingRevenue expansion contraction churn endingRevenue
      netRevenueRetention { value reason } grossRevenueRetention { value reason } revenueGrowth { value reason }
      startingAccounts retainedAccounts logoRetention { value reason }
      opportunitiesWon opportunitiesLost opportunitiesOpen wonAmount pipelineAmount
      winRate { value reason } salesCycleMedianDays { value reason } salesCycleMeanDays { value reason }
    }
  }
}`

// newPhaseFixture builds accounts on both sides of each boundary (every plan
// period and row in days, the quarters of 2024 and 2025):
//
//	Before   ACTIVE plan 2025-04-01..2025-09-30: 2025-Q1 ends the day before it starts
//	Overlap  ACTIVE plan 2025-03-31..2025-12-31: 2025-Q1 overlaps it by one day
//	Revived  plan made ACTIVE then DRAFT again through the API (counted), 2024-07-01..2024-12-31
//	Drafted  a DRAFT plan, and a plan archived without being ACTIVE, through the API: never planned
//	Archived an ARCHIVED plan the server wrote (no history), 2024-01-01..2024-06-30
//	Moved    no plan; tier GENERAL, changed to STRATEGIC on 2024-07-01 at 10:00 (history
//	         written back-dated), then to KEY through the API now
//	Steady   no plan, no history
func newPhaseFixture(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	api := viewer.NewContext(ctx, viewer.Open) // writes the change history
	c := e.client
	acc := func(name string, tier account.Tier) *ent.Account {
		return c.Account.Create().SetName(name).SetTier(tier).SaveX(ctx)
	}
	plan := func(a *ent.Account, status accountplan.Status, start, end string) *ent.AccountPlan {
		return c.AccountPlan.Create().SetName("Plan").SetAccount(a).SetStatus(status).
			SetPeriodStart(at(start)).SetPeriodEnd(at(end)).SaveX(ctx)
	}
	before, overlap := acc("Before", account.TierSTRATEGIC), acc("Overlap", account.TierKEY)
	revived, drafted := acc("Revived", account.TierKEY), acc("Drafted", account.TierSTRATEGIC)
	archived, moved, steady := acc("Archived", account.TierGENERAL), acc("Moved", account.TierGENERAL), acc("Steady", account.TierGENERAL)

	beforePlan := plan(before, accountplan.StatusACTIVE, "2025-04-01", "2025-09-30")
	plan(overlap, accountplan.StatusACTIVE, "2025-03-31T00:00:00Z", "2025-12-31T00:00:00Z")
	r := plan(revived, accountplan.StatusDRAFT, "2024-07-01", "2024-12-31")
	c.AccountPlan.UpdateOne(r).SetStatus(accountplan.StatusACTIVE).ExecX(api)
	c.AccountPlan.UpdateOne(r).SetStatus(accountplan.StatusDRAFT).ExecX(api)
	c.AccountPlan.Create().SetName("Draft").SetAccount(drafted).SetPeriodStart(at("2024-01-01")).SetPeriodEnd(at("2025-12-31")).ExecX(api)
	gone := c.AccountPlan.Create().SetName("Shelved").SetAccount(drafted).SetPeriodStart(at("2024-01-01")).SetPeriodEnd(at("2025-12-31")).SaveX(api)
	c.AccountPlan.UpdateOne(gone).SetStatus(accountplan.StatusARCHIVED).ExecX(api)
	plan(archived, accountplan.StatusARCHIVED, "2024-01-01", "2024-06-30")

	// The history before the API existed, as an import would write it.
	tierChange := func(a *ent.Account, when string, op change.Operation, old, new string) {
		f := schematype.FieldChange{Field: "tier", New: json.RawMessage(`"` + new + `"`)}
		if old != "" {
			f.Old = json.RawMessage(`"` + old + `"`)
		}
		c.Change.Create().SetAt(at(when)).SetOperation(op).SetSubjectType(ent.TypeAccount).SetSubjectID(a.ID).
			SetAccountID(a.ID).SetFields([]schematype.FieldChange{f}).ExecX(ctx)
	}
	tierChange(moved, "2023-06-01", change.OperationCREATE, "", "GENERAL")
	tierChange(moved, "2024-07-01T10:00:00Z", change.OperationUPDATE, "GENERAL", "STRATEGIC")
	c.Account.UpdateOne(moved).SetTier(account.TierKEY).ExecX(api)

	quarters := []string{"2024-01-01", "2024-04-01", "2024-07-01", "2024-10-01", "2025-01-01", "2025-04-01", "2025-07-01", "2025-10-01"}
	for i, a := range []*ent.Account{before, overlap, revived, drafted, archived, moved, steady} {
		arr := int64(10_000_000 * (i + 1))
		for q, start := range quarters {
			exp, churn := arr*int64((q+i)%4)/100, int64(0)
			if (q*7+i)%9 == 0 {
				churn = arr / 10
			}
			c.RevenueRecord.Create().SetAccount(a).SetPeriodStart(at(start)).SetPeriodEnd(at(start).AddDate(0, 3, -1)).
				SetStartingRevenue(arr).SetExpansion(exp).SetChurn(churn).ExecX(ctx)
			arr += exp - churn
		}
	}
	deal := func(a *ent.Account, p *ent.AccountPlan, stage opportunity.Stage, opened, closed string, amount int64) {
		create := c.Opportunity.Create().SetName("Deal").SetAccount(a).SetStage(stage).SetOpenedAt(at(opened)).SetAmount(amount)
		if closed != "" {
			create.SetClosedAt(at(closed))
		}
		if p != nil {
			create.SetPlan(p)
		}
		create.ExecX(ctx)
	}
	won, lost, open := opportunity.StageCLOSED_WON, opportunity.StageCLOSED_LOST, opportunity.StageNEGOTIATION
	deal(before, nil, won, "2025-01-05", "2025-03-31", 100_000)        // closed the day before the plan: unplanned, BEFORE
	deal(before, nil, won, "2025-02-01", "2025-04-01", 200_000)        // closed on its first day: planned, DURING
	deal(before, beforePlan, won, "2025-09-01", "2025-10-20", 300_000) // attached, closed after it: planned, AFTER
	deal(before, nil, lost, "2025-08-01", "2025-10-01", 400_000)       // closed the day after it: unplanned, AFTER
	deal(before, nil, open, "2024-12-01", "", 500_000)                 // open all along: unplanned
	deal(before, nil, won, "2024-03-01", "2024-05-15", 600_000)
	deal(overlap, nil, won, "2025-01-10", "2025-03-31", 700_000) // closed on the overlapping day
	deal(overlap, nil, lost, "2025-01-10", "2025-03-30", 800_000)
	deal(overlap, nil, won, "2024-06-01", "2024-11-30", 900_000)
	deal(revived, nil, won, "2024-05-01", "2024-08-01", 1_000_000) // during the revived plan
	deal(revived, nil, lost, "2025-02-01", "2025-05-01", 1_100_000)
	deal(drafted, nil, won, "2025-02-01", "2025-05-01", 1_200_000) // a draft plan does not make it planned
	deal(archived, nil, won, "2024-02-01", "2024-06-30", 1_300_000)
	deal(archived, nil, won, "2024-02-01", "2024-07-01", 1_400_000)
	deal(moved, nil, won, "2024-05-01", "2024-09-01", 1_500_000)
	deal(moved, nil, lost, "2025-05-01", "2025-06-01", 1_600_000)
	deal(steady, nil, won, "2024-01-15", "2025-01-15", 1_700_000)
	deal(steady, nil, open, "2025-11-01", "", 1_800_000)
}

// phaseReference recomputes reports from the raw rows and the change
// history, by the rules written in api/metrics.graphql.
type phaseReference struct {
	metricsReference
	changes []*ent.Change
}

func loadPhaseReference(t *testing.T, e *env) phaseReference {
	t.Helper()
	ctx := context.Background()
	ref := phaseReference{metricsReference: loadMetricsReference(t, e), changes: e.client.Change.Query().Order(ent.Asc(change.FieldID)).AllX(ctx)}
	ref.deals = e.client.Opportunity.Query().WithAccount().WithPlan().AllX(ctx)
	return ref
}

func dayOf(t time.Time) int { return int(t.UTC().Truncate(24*time.Hour).Unix() / 86400) }

// counted tells whether a plan counts: ACTIVE now, recorded ACTIVE once,
// or ARCHIVED with no recorded creation.
func (m phaseReference) counted(p *ent.AccountPlan) bool {
	if p.Status == accountplan.StatusACTIVE {
		return true
	}
	created := false
	for _, c := range m.changes {
		if c.SubjectType != ent.TypeAccountPlan || c.SubjectID != p.ID {
			continue
		}
		created = created || c.Operation == change.OperationCREATE
		for _, f := range c.Fields {
			if f.Field == "status" && string(f.New) == `"ACTIVE"` {
				return true
			}
		}
	}
	return p.Status == accountplan.StatusARCHIVED && !created
}

// phase is the account's plan phase over the days [first, last].
func (m phaseReference) phase(a *ent.Account, first, last int) string {
	start := -1 // the first day of the first counted plan
	for _, p := range a.Edges.Plans {
		if !m.counted(p) {
			continue
		}
		ps, pe := dayOf(p.PeriodStart), dayOf(p.PeriodEnd)
		if ps <= last && first <= pe {
			return "DURING_PLAN"
		}
		if start < 0 || ps < start {
			start = ps
		}
	}
	switch {
	case start < 0:
		return "NEVER_PLANNED"
	case last < start:
		return "BEFORE_FIRST_PLAN"
	}
	return "AFTER_PLAN"
}

// tierAt is the account's tier at the start of day d.
func (m phaseReference) tierAt(a *ent.Account, d int) string {
	var before, after *schematype.FieldChange
	for _, c := range m.changes {
		if c.SubjectType != ent.TypeAccount || c.SubjectID != a.ID {
			continue
		}
		for _, f := range c.Fields {
			if f.Field != "tier" {
				continue
			}
			if dayOf(c.At) < d {
				before = &f
			} else if after == nil {
				after = &f
			}
		}
	}
	unquote := func(v json.RawMessage) string { return strings.Trim(string(v), `"`) }
	switch {
	case before != nil:
		return unquote(before.New)
	case after != nil && after.Old != nil:
		return unquote(after.Old)
	case after != nil:
		return unquote(after.New)
	}
	return a.Tier.String()
}

// dealPlanned tells whether a deal is attached to a plan or closed on a day
// a counted plan of its account covers.
func (m phaseReference) dealPlanned(o *ent.Opportunity, a *ent.Account) bool {
	if o.Edges.Plan != nil {
		return true
	}
	if o.ClosedAt == nil {
		return false
	}
	for _, p := range a.Edges.Plans {
		if m.counted(p) && dayOf(p.PeriodStart) <= dayOf(*o.ClosedAt) && dayOf(*o.ClosedAt) <= dayOf(p.PeriodEnd) {
			return true
		}
	}
	return false
}

// rows returns the report's rows in describeRows' format, sorted. keep
// filters an account in a row period (its first and last days); keepDeal
// filters deals.
func (m phaseReference) rows(start, end time.Time, months int, dims []string, keep func(a *ent.Account, first, last int) bool, keepDeal func(planned bool) bool) []string {
	byID := map[int]*ent.Account{}
	for _, a := range m.accounts {
		byID[a.ID] = a
	}
	yes := map[bool]string{true: "yes", false: "no"}
	rows := map[string]*referenceRow{}
	get := func(a *ent.Account, label string, first, last int, deal string, currency string) *referenceRow {
		var key strings.Builder
		for _, d := range dims {
			v := ""
			switch d {
			case "MONTH", "QUARTER", "YEAR":
				v = label
			case "TIER":
				v = a.Tier.String()
			case "PLAN_PHASE":
				v = m.phase(a, first, last)
			case "PLANNED_IN_PERIOD":
				v = yes[m.phase(a, first, last) == "DURING_PLAN"]
			case "TIER_AT_PERIOD":
				v = m.tierAt(a, first)
			case "DEAL_PLANNED":
				v = deal
			}
			key.WriteString(v + " ")
		}
		key.WriteString(currency)
		if rows[key.String()] == nil {
			rows[key.String()] = &referenceRow{accounts: map[int]*referenceAccount{}}
		}
		return rows[key.String()]
	}
	in := func(t time.Time, start, end time.Time) bool { return !t.Before(start) && t.Before(end) }
	for _, s := range spans(start, end, months) {
		first, last := dayOf(s.start), dayOf(s.end.Add(-time.Nanosecond))
		for _, r := range m.records {
			a := byID[r.Edges.Account.ID]
			if !keep(a, first, last) || !in(r.PeriodStart, s.start, s.end) {
				continue
			}
			x := get(a, s.label, first, last, "none", r.Currency)
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
			planned := m.dealPlanned(o, a)
			if !keep(a, first, last) || !keepDeal(planned) {
				continue
			}
			closed := o.Stage == opportunity.StageCLOSED_WON || o.Stage == opportunity.StageCLOSED_LOST
			if closed && in(*o.ClosedAt, s.start, s.end) {
				x := get(a, s.label, first, last, yes[planned], o.Currency)
				if o.Stage == opportunity.StageCLOSED_WON {
					x.won = append(x.won, int64(dayOf(*o.ClosedAt)-dayOf(o.OpenedAt)))
					x.wonAmount += o.Amount
				} else {
					x.lost++
				}
			}
			if o.OpenedAt.Before(s.end) && (!closed || !o.ClosedAt.Before(s.end)) {
				x := get(a, s.label, first, last, yes[planned], o.Currency)
				x.open++
				x.pipeline += o.Amount
			}
		}
	}
	return referenceLines(rows)
}

// describePhaseRows is describeRows with the dated dimensions.
func describePhaseRows(metrics any) []string {
	var groupBy []string
	for _, d := range get(metrics, "groupBy").([]any) {
		groupBy = append(groupBy, d.(string))
	}
	// describeRows writes the period label for any dimension it does not
	// know: swap in each row's value of the dated ones.
	yes := map[any]string{true: "yes", false: "no", nil: "none"}
	lines := describeRows(metrics)
	rows, _ := get(metrics, "rows").([]any)
	for i, row := range rows {
		fields := strings.SplitN(lines[i], " ", len(groupBy)+1)
		for j, d := range groupBy {
			switch d {
			case "PLAN_PHASE":
				fields[j] = fmt.Sprint(get(row, "planPhase"))
			case "PLANNED_IN_PERIOD":
				fields[j] = yes[get(row, "plannedInPeriod")]
			case "TIER_AT_PERIOD":
				fields[j] = fmt.Sprint(get(row, "tierAtPeriod"))
			case "DEAL_PLANNED":
				fields[j] = yes[get(row, "dealPlanned")]
			}
		}
		lines[i] = strings.Join(fields, " ")
	}
	return lines
}

type phaseCase struct {
	name       string
	start, end string
	months     int
	groupBy    []string
	filter     map[string]any
	keep       func(a *ent.Account, first, last int) bool
	keepDeal   func(planned bool) bool
	wantSome   []string // lines the answer must hold: the boundaries the case is about
}

func samePhaseReports(t *testing.T, e *env, ref phaseReference, cases []phaseCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			keep, keepDeal := c.keep, c.keepDeal
			if keep == nil {
				keep = func(*ent.Account, int, int) bool { return true }
			}
			if keepDeal == nil {
				keepDeal = func(bool) bool { return true }
			}
			want := ref.rows(at(c.start), at(c.end), c.months, c.groupBy, keep, keepDeal)
			if len(want) == 0 {
				t.Fatal("the case checks nothing: no rows")
			}
			d := e.forSubtest(t).must(phaseQuery, map[string]any{
				"period": map[string]any{"start": at(c.start).Format(time.RFC3339), "end": at(c.end).Format(time.RFC3339)}, "filter": c.filter, "groupBy": c.groupBy,
			})
			got := describePhaseRows(d["metrics"])
			slices.Sort(got)
			sameLines(t, c.name, got, want)
			for _, w := range c.wantSome {
				if !slices.ContainsFunc(got, func(l string) bool { return strings.HasPrefix(l, w) }) {
					t.Errorf("no row starts with %q", w)
				}
			}
		})
	}
}

func TestMetricsPlanPhasesMatchRecomputation(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		newPhaseFixture(t, e)
		ref := loadPhaseReference(t, e)
		name := func(names ...string) func(*ent.Account, int, int) bool {
			return func(a *ent.Account, _, _ int) bool { return slices.Contains(names, a.Name) }
		}
		ids := func(names ...string) []string {
			var out []string
			for _, a := range ref.accounts {
				if slices.Contains(names, a.Name) {
					out = append(out, gid(a.ID))
				}
			}
			return out
		}
		samePhaseReports(t, e, ref, []phaseCase{
			{
				name: "phase by quarter", start: "2024-01-01", end: "2026-01-01", months: 3, groupBy: []string{"PLAN_PHASE", "QUARTER"},
				wantSome: []string{"BEFORE_FIRST_PLAN 2025-Q1", "DURING_PLAN 2024-Q1", "AFTER_PLAN 2025-Q4", "NEVER_PLANNED 2025-Q4"},
			},
			{
				// Before: Q1 ends the day before its plan; Overlap: Q1 overlaps by a day.
				name: "each boundary, by account's phase", start: "2025-01-01", end: "2026-01-01", months: 3, groupBy: []string{"PLAN_PHASE", "QUARTER"},
				filter: map[string]any{"accountIDs": ids("Before")}, keep: name("Before"),
				wantSome: []string{"BEFORE_FIRST_PLAN 2025-Q1", "DURING_PLAN 2025-Q2", "DURING_PLAN 2025-Q3", "AFTER_PLAN 2025-Q4"},
			},
			{
				name: "overlap by a day", start: "2024-10-01", end: "2025-07-01", months: 3, groupBy: []string{"PLAN_PHASE", "QUARTER"},
				filter: map[string]any{"accountIDs": ids("Overlap")}, keep: name("Overlap"),
				wantSome: []string{"BEFORE_FIRST_PLAN 2024-Q4", "DURING_PLAN 2025-Q1"},
			},
			{
				name: "status history", start: "2024-01-01", end: "2026-01-01", months: 3, groupBy: []string{"PLAN_PHASE", "QUARTER"},
				filter: map[string]any{"accountIDs": ids("Revived", "Drafted", "Archived")}, keep: name("Revived", "Drafted", "Archived"),
				wantSome: []string{"DURING_PLAN 2024-Q3", "NEVER_PLANNED 2024-Q3", "AFTER_PLAN 2024-Q3", "BEFORE_FIRST_PLAN 2024-Q2"},
			},
			{
				name: "months around the boundaries", start: "2025-02-10", end: "2025-10-20", months: 1, groupBy: []string{"PLAN_PHASE", "PLANNED_IN_PERIOD", "MONTH"},
				wantSome: []string{"BEFORE_FIRST_PLAN no 2025-03", "DURING_PLAN yes 2025-03"},
			},
			{
				name: "the whole period, with the deals' planning", start: "2024-01-01", end: "2026-01-01", groupBy: []string{"PLAN_PHASE", "DEAL_PLANNED"},
				wantSome: []string{"DURING_PLAN none", "DURING_PLAN yes"},
			},
			{
				name: "deals' planning by quarter", start: "2024-01-01", end: "2026-01-01", months: 3, groupBy: []string{"DEAL_PLANNED", "QUARTER"},
				wantSome: []string{"yes 2025-Q2", "no 2025-Q1"},
			},
			{
				// Moved was GENERAL until the day after 1 July 2024, STRATEGIC until now, KEY now.
				name: "tier then and now", start: "2024-01-01", end: "2026-01-01", months: 3, groupBy: []string{"TIER", "TIER_AT_PERIOD", "QUARTER"},
				wantSome: []string{"KEY GENERAL 2024-Q3", "KEY STRATEGIC 2024-Q4", "KEY STRATEGIC 2025-Q4"},
			},
			{
				name: "tier then, by month", start: "2024-06-01", end: "2024-08-01", months: 1, groupBy: []string{"TIER_AT_PERIOD", "MONTH"},
				filter: map[string]any{"accountIDs": ids("Moved")}, keep: name("Moved"),
				wantSome: []string{"GENERAL 2024-06", "GENERAL 2024-07"},
			},
			{
				name: "before against never, by quarter", start: "2024-01-01", end: "2026-01-01", months: 3, groupBy: []string{"PLAN_PHASE", "QUARTER"},
				filter: map[string]any{"planPhases": []string{"BEFORE_FIRST_PLAN", "NEVER_PLANNED"}},
				keep: func(a *ent.Account, first, last int) bool {
					p := ref.phase(a, first, last)
					return p == "BEFORE_FIRST_PLAN" || p == "NEVER_PLANNED"
				},
			},
			{
				name: "not planned in the period", start: "2024-01-01", end: "2026-01-01", months: 12, groupBy: []string{"YEAR"},
				filter: map[string]any{"plannedInPeriod": false},
				keep:   func(a *ent.Account, first, last int) bool { return ref.phase(a, first, last) != "DURING_PLAN" },
			},
			{
				name: "strategic then", start: "2024-01-01", end: "2026-01-01", months: 3, groupBy: []string{"QUARTER"},
				filter: map[string]any{"tiersAtPeriod": []string{"STRATEGIC"}},
				keep:   func(a *ent.Account, first, _ int) bool { return ref.tierAt(a, first) == "STRATEGIC" },
			},
			{
				name: "planned deals", start: "2024-01-01", end: "2026-01-01", months: 3, groupBy: []string{"PLAN_PHASE", "QUARTER"},
				filter: map[string]any{"dealPlanned": true}, keepDeal: func(p bool) bool { return p },
			},
		})
	})
}

// The demo data's plans and deals, by phase, tier then and deal planning.
func TestMetricsPlanPhasesMatchRecomputationOnDemoData(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		if _, err := demo.Load(context.Background(), e.client, time.Date(2026, 5, 14, 15, 4, 5, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		ref := loadPhaseReference(t, e)
		samePhaseReports(t, e, ref, []phaseCase{
			{name: "phase by quarter", start: "2024-01-01", end: "2026-07-01", months: 3, groupBy: []string{"PLAN_PHASE", "QUARTER"}},
			{name: "phase, tier then and deal planning", start: "2024-01-01", end: "2026-07-01", groupBy: []string{"TIER_AT_PERIOD", "PLAN_PHASE", "DEAL_PLANNED"}},
			{name: "in period by month, cut within days", start: "2025-02-10T12:00:00Z", end: "2025-08-20T06:30:00Z", months: 1, groupBy: []string{"PLANNED_IN_PERIOD", "MONTH"}},
		})
	})
}
