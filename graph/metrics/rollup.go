package metrics

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/ent/user"
)

// sums is a result row of either statement: its group, and the sums of
// that statement; the others stay 0.
type sums struct {
	Tier     sql.NullString `sql:"k_tier"`
	Owner    sql.NullInt64  `sql:"k_owner"`
	Industry sql.NullString `sql:"k_industry"`
	Region   sql.NullString `sql:"k_region"`
	Planned  sql.NullInt64  `sql:"k_planned"`
	Phase    sql.NullString `sql:"k_plan_phase"`
	InPeriod sql.NullInt64  `sql:"k_planned_in_period"`
	TierAt   sql.NullString `sql:"k_tier_at_period"`
	Deal     sql.NullInt64  `sql:"k_deal_planned"`
	Bucket   int64          `sql:"bucket"`
	Currency string         `sql:"currency"`

	// revenueSQL
	Accounts         int64 `sql:"accounts"`
	Starting         int64 `sql:"starting"`
	Expansion        int64 `sql:"expansion"`
	Contraction      int64 `sql:"contraction"`
	Churn            int64 `sql:"churn"`
	StartingAccounts int64 `sql:"starting_accounts"`
	RetainedAccounts int64 `sql:"retained_accounts"`
	// dealsSQL
	Won             int64 `sql:"won"`
	Lost            int64 `sql:"lost"`
	WonAmount       int64 `sql:"won_amount"`
	CycleDays       int64 `sql:"cycle_days"`
	CycleMiddleDays int64 `sql:"cycle_middle_days"`
	Open            int64 `sql:"open"`
	Pipeline        int64 `sql:"pipeline"`
}

// groupKey is the group of a statement's row, which the rows of the other statements share.
type groupKey struct {
	tier, industry, region, phase, tierAt sql.NullString
	owner, planned, inPeriod, deal        sql.NullInt64
	bucket                                int64
	currency                              string
}

func (s sums) key() groupKey {
	return groupKey{tier: s.Tier, industry: s.Industry, region: s.Region, owner: s.Owner, planned: s.Planned,
		phase: s.Phase, tierAt: s.TierAt, inPeriod: s.InPeriod, deal: s.Deal, bucket: s.Bucket, currency: s.Currency}
}

// Rollup answers a metrics request with SQL statements run side by side, on
// as many connections, so that the wait is that of the slowest: one for
// revenue and one or two for deals, and one more that loads the owners when
// the rows are grouped by OWNER. So client must not be a transaction's, whose
// one connection serves one statement at a time (GraphQL queries run
// outside transactions; only mutations run in one).
//
// The statements read the metric totals when they can (see statements), and
// the deals and revenue records otherwise.
func Rollup(ctx context.Context, client *ent.Client, period Period, filter *Filter, groupBy []Dimension) (*Report, error) {
	r, err := newRequest(period, filter, groupBy)
	if err != nil {
		return nil, err
	}
	statements := r.statements()
	results := make([][]sums, len(statements))
	errs := make([]error, len(statements))
	var wg sync.WaitGroup
	for i, st := range statements {
		wg.Go(func() {
			if err := scan(ctx, client, st.build, &results[i]); err != nil {
				errs[i] = fmt.Errorf("metrics: %s: %w", st.what, err)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	// A group has up to four result rows (revenue, won and lost, median,
	// open): adding them up merges them.
	rows := map[groupKey]*Row{}
	cut := false
	for i, result := range results {
		// Each statement reads one row more than MaxRows groups give.
		cut = cut || len(result) > statements[i].rowsPerGroup*MaxRows
		for _, s := range result {
			k := s.key()
			if rows[k] == nil {
				rows[k] = r.newRow(s)
			}
			rows[k].sums.add(s)
		}
	}
	if cut || len(rows) > MaxRows {
		return nil, &clienterr.InputError{Field: "groupBy", Message: fmt.Sprintf("the report would have more than %d rows: filter further or group by fewer dimensions", MaxRows)}
	}

	report := &Report{PeriodStart: r.period.Start, PeriodEnd: r.period.End, GroupBy: append([]Dimension{}, groupBy...)}
	owners := map[int][]*Row{}
	for k, x := range rows {
		x.finish()
		report.Rows = append(report.Rows, x)
		if k.owner.Valid {
			owners[int(k.owner.Int64)] = append(owners[int(k.owner.Int64)], x)
		}
	}
	if len(owners) > 0 {
		users, err := client.User.Query().Where(user.IDIn(slices.Collect(maps.Keys(owners))...)).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("metrics: loading owners: %w", err)
		}
		for _, u := range users {
			for _, x := range owners[u.ID] {
				x.Owner = u
			}
		}
	}
	slices.SortFunc(report.Rows, r.compare)
	return report, nil
}

// rollupStatement is one statement of a report.
type rollupStatement struct {
	what         string
	build        func(dialectSQL) *statement
	rowsPerGroup int // the most result rows it has per group
}

// statements are those that answer the request. The totals hold no account
// IDs, and sum per month (per calendar period, for revenue): they answer
// when the filter names no accounts and the report's bounds fall on their
// periods. Revenue without calendar periods grouped by reads the records:
// an account's starting revenue is that of its first record in the whole
// report, which no sum per period keeps; but grouped per account and
// currency in index order, that statement sorts a row per account, not per
// record.
func (r *request) statements() []rollupStatement {
	totals := r.filter.AccountIDs == nil && startsMonth(r.period.Start) && startsMonth(r.period.End)
	revenueTotals := totals && r.months != 0 && r.bucketStart(0).Equal(r.period.Start) && r.bucketStart(r.buckets).Equal(r.period.End)
	if r.dated {
		// The totals know no account's plans or history: they answer for
		// the accounts without any (dated_totals.go).
		revenue, deals := rollupStatement{"summing revenue records", r.revenueSQL, 1}, rollupStatement{"summing opportunities", r.dealsDatedSQL, 2}
		if revenueTotals {
			revenue = rollupStatement{"summing revenue totals and records", r.revenueDatedTotalsSQL, 1}
		}
		if totals {
			deals = rollupStatement{"summing deal totals and opportunities", r.dealsDatedTotalsSQL, 2}
		}
		return []rollupStatement{revenue, deals}
	}
	revenue := rollupStatement{"summing revenue records", r.revenueSQL, 1}
	if revenueTotals {
		revenue = rollupStatement{"summing revenue totals", r.revenueTotalsSQL, 1}
	}
	if !totals {
		return []rollupStatement{revenue, {"summing opportunities", r.dealsSQL, 2}}
	}
	return []rollupStatement{revenue, {"summing deal totals", r.dealTotalsSQL, 2}, {"finding median sales cycles", r.cyclesSQL, 1}}
}

// startsMonth tells whether t is the first instant of a month, in UTC.
func startsMonth(t time.Time) bool {
	t = t.UTC()
	return t.Equal(time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC))
}

// scan runs a statement through the ent client, so that it goes through the
// client's driver like any other query. ent's generated code has no Modify
// (the sql/modifier feature is off), but an aggregate function may shape its
// selector: it makes the statement the FROM of SELECT * FROM (statement) AS m.
func scan(ctx context.Context, client *ent.Client, build func(dialectSQL) *statement, v any) error {
	return client.RevenueRecord.Query().Aggregate(func(s *sql.Selector) string {
		st := build(dialects[s.Dialect()])
		s.FromExpr(sql.ExprFunc(func(b *sql.Builder) {
			b.WriteString("(")
			for i, part := range strings.Split(st.text.String(), "?") {
				if i > 0 {
					b.Arg(st.args[i-1]) // $n on PostgreSQL, ? on SQLite
				}
				b.WriteString(part)
			}
			b.WriteString(") AS m")
		}))
		return "*"
	}).Scan(ctx, v)
}

// newRow starts the row of a group, with its dimension values and period.
func (r *request) newRow(k sums) *Row {
	x := &Row{Currency: k.Currency}
	x.PeriodStart, x.PeriodEnd, x.PeriodLabel = r.span(int(k.Bucket))
	if k.Tier.Valid {
		t := account.Tier(k.Tier.String)
		x.Tier = &t
	}
	if k.Industry.Valid && k.Industry.String != "" {
		x.Industry = &k.Industry.String
	}
	if k.Region.Valid && k.Region.String != "" {
		x.Region = &k.Region.String
	}
	if k.Planned.Valid {
		p := k.Planned.Int64 == 1
		x.Planned = &p
	}
	if k.Phase.Valid {
		p := PlanPhase(k.Phase.String)
		x.PlanPhase = &p
	}
	if k.InPeriod.Valid {
		p := k.InPeriod.Int64 == 1
		x.PlannedInPeriod = &p
	}
	if k.TierAt.Valid {
		t := account.Tier(k.TierAt.String)
		x.TierAtPeriod = &t
	}
	if k.Deal.Valid {
		p := k.Deal.Int64 == 1
		x.DealPlanned = &p
	}
	return x
}

// add adds the sums of b to those of a.
func (a *sums) add(b sums) {
	a.Accounts += b.Accounts
	a.Starting += b.Starting
	a.Expansion += b.Expansion
	a.Contraction += b.Contraction
	a.Churn += b.Churn
	a.StartingAccounts += b.StartingAccounts
	a.RetainedAccounts += b.RetainedAccounts
	a.Won += b.Won
	a.Lost += b.Lost
	a.WonAmount += b.WonAmount
	a.CycleDays += b.CycleDays
	a.CycleMiddleDays += b.CycleMiddleDays
	a.Open += b.Open
	a.Pipeline += b.Pipeline
}

// finish sets the row's figures from its exact sums.
func (x *Row) finish() {
	s := x.sums
	rev := Revenue{Starting: s.Starting, Expansion: s.Expansion, Contraction: s.Contraction, Churn: s.Churn}
	x.Accounts, x.StartingAccounts, x.RetainedAccounts = s.Accounts, s.StartingAccounts, s.RetainedAccounts
	x.StartingRevenue, x.Expansion, x.Contraction, x.Churn = rev.Starting, rev.Expansion, rev.Contraction, rev.Churn
	x.EndingRevenue = rev.Ending()
	x.NetRevenueRetention = rev.NetRetention()
	x.GrossRevenueRetention = rev.GrossRetention()
	x.RevenueGrowth = rev.Growth()
	x.LogoRetention = LogoRetention(s.RetainedAccounts, s.StartingAccounts)
	x.OpportunitiesWon, x.OpportunitiesLost, x.OpportunitiesOpen = s.Won, s.Lost, s.Open
	x.WonAmount, x.PipelineAmount = s.WonAmount, s.Pipeline
	x.WinRate = WinRate(s.Won, s.Lost)
	x.SalesCycleMedianDays = MedianDays(s.CycleMiddleDays, s.Won)
	x.SalesCycleMeanDays = MeanDays(s.CycleDays, s.Won)
}

// tierOrder puts tiers in the order of their importance.
var tierOrder = map[account.Tier]int{account.TierSTRATEGIC: 0, account.TierKEY: 1, account.TierGENERAL: 2}

// compare orders rows by the dimensions in the order they were grouped by,
// then by period and currency. Missing values (no owner, no industry) come last.
func (r *request) compare(a, b *Row) int {
	for _, d := range r.groupBy {
		var c int
		switch d {
		case Tier:
			c = cmpMissingLast(a.Tier, b.Tier, func(x, y account.Tier) int { return cmp.Compare(tierOrder[x], tierOrder[y]) })
		case Owner:
			c = cmpMissingLast(a.Owner, b.Owner, func(x, y ent.User) int {
				return cmp.Or(strings.Compare(x.Name, y.Name), cmp.Compare(x.ID, y.ID))
			})
		case Industry:
			c = cmpMissingLast(a.Industry, b.Industry, strings.Compare)
		case Region:
			c = cmpMissingLast(a.Region, b.Region, strings.Compare)
		case Planned:
			c = cmpMissingLast(a.Planned, b.Planned, plannedFirst)
		case PlanPhaseDim:
			c = cmpMissingLast(a.PlanPhase, b.PlanPhase, func(x, y PlanPhase) int { return cmp.Compare(phaseOrder[x], phaseOrder[y]) })
		case PlannedInPeriod:
			c = cmpMissingLast(a.PlannedInPeriod, b.PlannedInPeriod, plannedFirst)
		case TierAtPeriod:
			c = cmpMissingLast(a.TierAtPeriod, b.TierAtPeriod, func(x, y account.Tier) int { return cmp.Compare(tierOrder[x], tierOrder[y]) })
		case DealPlanned:
			c = cmpMissingLast(a.DealPlanned, b.DealPlanned, plannedFirst)
		}
		if c != 0 {
			return c
		}
	}
	return cmp.Or(a.PeriodStart.Compare(b.PeriodStart), strings.Compare(a.Currency, b.Currency))
}

func plannedFirst(x, y bool) int { return -cmp.Compare(b2i(x), b2i(y)) }

func cmpMissingLast[T any](a, b *T, compare func(x, y T) int) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return compare(*a, *b)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
