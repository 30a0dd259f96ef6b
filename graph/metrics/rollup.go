package metrics

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/schema"
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
	tier, industry, region sql.NullString
	owner, planned         sql.NullInt64
	bucket                 int64
	currency               string
}

func (s sums) key() groupKey {
	return groupKey{tier: s.Tier, industry: s.Industry, region: s.Region, owner: s.Owner, planned: s.Planned, bucket: s.Bucket, currency: s.Currency}
}

// Rollup answers a metrics request with two SQL statements (revenue records,
// opportunities), and a third that loads the owners when the rows are
// grouped by OWNER. The two run side by side, so client must not be a
// transaction's, whose one connection serves one statement at a time
// (GraphQL queries run outside transactions; only mutations run in one).
func Rollup(ctx context.Context, client *ent.Client, period Period, filter *Filter, groupBy []Dimension) (*Report, error) {
	r, err := newRequest(period, filter, groupBy)
	if err != nil {
		return nil, err
	}
	// The statements read different tables: running them side by side, on
	// two connections, makes the wait that of the slower one.
	var (
		revenue, deals       []sums
		revenueErr, dealsErr error
		wg                   sync.WaitGroup
	)
	wg.Go(func() { revenueErr = scan(ctx, client, r.revenueSQL, &revenue) })
	wg.Go(func() { dealsErr = scan(ctx, client, r.dealsSQL, &deals) })
	wg.Wait()
	if revenueErr != nil {
		return nil, fmt.Errorf("metrics: summing revenue records: %w", revenueErr)
	}
	if dealsErr != nil {
		return nil, fmt.Errorf("metrics: summing opportunities: %w", dealsErr)
	}

	// A group has up to three result rows (revenue, won and lost, open):
	// adding them up merges them.
	rows := map[groupKey]*Row{}
	for _, s := range slices.Concat(revenue, deals) {
		k := s.key()
		if rows[k] == nil {
			rows[k] = r.newRow(s)
		}
		rows[k].sums.add(s)
	}
	// Each statement reads at most one row more than MaxRows groups give, so
	// none was cut short unless one of these holds.
	if len(rows) > MaxRows || len(revenue) > MaxRows || len(deals) > 2*MaxRows {
		return nil, &schema.InputError{Field: "groupBy", Message: fmt.Sprintf("the report would have more than %d rows: filter further or group by fewer dimensions", MaxRows)}
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
			c = cmpMissingLast(a.Planned, b.Planned, func(x, y bool) int { return -cmp.Compare(b2i(x), b2i(y)) })
		}
		if c != 0 {
			return c
		}
	}
	return cmp.Or(a.PeriodStart.Compare(b.PeriodStart), strings.Compare(a.Currency, b.Currency))
}

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
