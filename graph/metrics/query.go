package metrics

import (
	"fmt"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"

	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/opportunity"
	"github.com/accountplan/accountplan/ent/revenuerecord"
)

// The statements below are SQL text that runs unchanged on SQLite and
// PostgreSQL, apart from dialectSQL. User input only ever reaches them as ?
// parameters; {names} are replaced by the table and column names of the
// generated ent packages.
var names = strings.NewReplacer(
	"{accounts}", account.Table,
	"{account.id}", account.FieldID,
	"{account.tier}", account.FieldTier,
	"{account.owner}", account.OwnerColumn,
	"{account.industry}", account.FieldIndustry,
	"{account.region}", account.FieldRegion,
	"{plans}", accountplan.Table,
	"{plan.account}", accountplan.AccountColumn,
	"{plan.status}", accountplan.FieldStatus,
	"{revenue_records}", revenuerecord.Table,
	"{revenue.account}", revenuerecord.AccountColumn,
	"{revenue.period_start}", revenuerecord.FieldPeriodStart,
	"{revenue.starting_revenue}", revenuerecord.FieldStartingRevenue,
	"{revenue.expansion}", revenuerecord.FieldExpansion,
	"{revenue.contraction}", revenuerecord.FieldContraction,
	"{revenue.churn}", revenuerecord.FieldChurn,
	"{revenue.currency}", revenuerecord.FieldCurrency,
	"{opportunities}", opportunity.Table,
	"{opportunity.account}", opportunity.AccountColumn,
	"{opportunity.amount}", opportunity.FieldAmount,
	"{opportunity.currency}", opportunity.FieldCurrency,
	"{opportunity.stage}", opportunity.FieldStage,
	"{opportunity.opened_at}", opportunity.FieldOpenedAt,
	"{opportunity.closed_at}", opportunity.FieldClosedAt,
)

// statement is SQL text whose ? placeholders take args in order.
type statement struct {
	text strings.Builder
	args []any
}

func (s *statement) add(text string, args ...any) {
	if n := strings.Count(text, "?"); n != len(args) {
		panic(fmt.Sprintf("metrics: %d placeholders, %d arguments in %q", n, len(args), text))
	}
	s.text.WriteString(names.Replace(text))
	s.args = append(s.args, args...)
}

// dimensions are the account dimensions, in the order of the k_ columns every
// statement returns.
var dimensions = []Dimension{Tier, Owner, Industry, Region, Planned}

// keyColumn is the column a statement returns an account dimension in.
func keyColumn(d Dimension) string { return "k_" + strings.ToLower(string(d)) }

// grouped lists the k_ columns of the account dimensions grouped by, each
// followed by ", " so that it can lead a GROUP BY or select list.
func (r *request) grouped(qualifier string) string {
	var b strings.Builder
	for _, d := range dimensions {
		if r.keys[d] {
			b.WriteString(qualifier + keyColumn(d) + ", ")
		}
	}
	return b.String()
}

// outKeys selects every k_ column, NULL for the dimensions not grouped by, so
// that all statements return the same columns.
func (r *request) outKeys(qualifier string) string {
	var b strings.Builder
	for _, d := range dimensions {
		if r.keys[d] {
			b.WriteString(qualifier + keyColumn(d) + ", ")
		} else {
			b.WriteString("NULL AS " + keyColumn(d) + ", ")
		}
	}
	return b.String()
}

// accountsCTE selects the accounts the filter lets through, as the CTE acc
// with the account dimensions grouped by.
func (r *request) accountsCTE(s *statement) {
	key := func(d Dimension, expr string, args ...any) {
		if r.keys[d] {
			s.add(", "+expr+" AS "+keyColumn(d), args...)
		}
	}
	s.add("acc AS (SELECT a.{account.id} AS id")
	key(Tier, "a.{account.tier}")
	key(Owner, "a.{account.owner}")
	key(Industry, "COALESCE(a.{account.industry}, '')")
	key(Region, "COALESCE(a.{account.region}, '')")
	key(Planned, "CASE WHEN "+planned+" THEN 1 ELSE 0 END", accountplan.StatusACTIVE)
	s.add(" FROM {accounts} a WHERE 1 = 1")
	f := r.filter
	in(s, "a.{account.id}", f.AccountIDs)
	in(s, "a.{account.tier}", f.Tiers)
	in(s, "a.{account.owner}", f.OwnerIDs)
	in(s, "COALESCE(a.{account.industry}, '')", f.Industries)
	in(s, "COALESCE(a.{account.region}, '')", f.Regions)
	switch {
	case f.Planned == nil:
	case *f.Planned:
		s.add(" AND "+planned, accountplan.StatusACTIVE)
	default:
		s.add(" AND NOT "+planned, accountplan.StatusACTIVE)
	}
	s.add(")")
}

// onlyFiltered keeps the rows of the accounts the filter lets through, before
// they are grouped per account, when there is a filter.
func (r *request) onlyFiltered(accountColumn string) string {
	f := r.filter
	if f.AccountIDs == nil && f.Tiers == nil && f.OwnerIDs == nil && f.Industries == nil && f.Regions == nil && f.Planned == nil {
		return ""
	}
	return " AND " + accountColumn + " IN (SELECT id FROM acc)"
}

// planned tells whether account a has an ACTIVE plan. An uncorrelated IN
// lets both databases hash the planned accounts once.
const planned = "a.{account.id} IN (SELECT p.{plan.account} FROM {plans} p WHERE p.{plan.status} = ?)"

// in adds "AND expr IN (values)" unless values is nil; an empty list matches nothing.
func in[T any](s *statement, expr string, values []T) {
	switch {
	case values == nil:
	case len(values) == 0:
		s.add(" AND 1 = 0")
	default:
		args := make([]any, len(values))
		for i, v := range values {
			args[i] = v
		}
		s.add(" AND "+expr+" IN (?"+strings.Repeat(", ?", len(values)-1)+")", args...)
	}
}

// dialectSQL is the SQL that differs between the databases.
type dialectSQL struct {
	// monthIndex numbers the calendar month (UTC) of a time column: months
	// since January of year 0.
	monthIndex func(col string) string
	// days is the number of calendar days (UTC) from the date of one time
	// column to that of another.
	days func(from, to string) string
	// first is, in a GROUP BY that also selects MIN(order), the value of the
	// row of the group with the least order.
	first func(value, order string) string
	// scan is a time column to compare, as a scan rather than an index lookup.
	scan func(col string) string
}

var dialects = map[string]dialectSQL{
	dialect.SQLite: {
		// SQLite keeps a time as text, "2006-01-02 15:04:05.999999999-07:00",
		// in the offset it was written with. The period filter compares that
		// text, and this reads its month the same way, at a fraction of
		// strftime's cost; both are UTC for times written in UTC.
		monthIndex: func(col string) string {
			return fmt.Sprintf("(CAST(substr(%[1]s, 1, 4) AS INTEGER) * 12 + CAST(substr(%[1]s, 6, 2) AS INTEGER) - 1)", col)
		},
		// julianday reads the text. The Julian day number of a date is that of
		// its noon, so floor(jd + 0.5) is the day number of jd's date; at this
		// magnitude a double keeps milliseconds, so the floor is exact.
		days: func(from, to string) string {
			return fmt.Sprintf("(CAST(julianday(%s) + 0.5 AS INTEGER) - CAST(julianday(%s) + 0.5 AS INTEGER))", to, from)
		},
		// With a single min() aggregate, SQLite takes a bare column from the
		// row holding the minimum (sqlite.org/lang_select.html#bareagg): no
		// window or sort of its own, where a window function costs a pass.
		first: func(value, _ string) string { return value },
		// A unary + makes a column an expression: SQLite then neither uses an
		// index for the comparison (without statistics it would take the
		// periodStart index for any range and read rows in its order, three
		// times slower than a scan when the period holds most of them) nor
		// applies the column's NUMERIC affinity to the text compared with it,
		// an attempt to read a number on every comparison.
		scan: func(col string) string { return "+" + col },
	},
	dialect.Postgres: {
		monthIndex: func(col string) string {
			return fmt.Sprintf("(CAST(EXTRACT(YEAR FROM %[1]s AT TIME ZONE 'UTC') AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM %[1]s AT TIME ZONE 'UTC') AS INTEGER) - 1)", col)
		},
		days: func(from, to string) string {
			return fmt.Sprintf("(CAST(%s AT TIME ZONE 'UTC' AS DATE) - CAST(%s AT TIME ZONE 'UTC' AS DATE))", to, from)
		},
		first: func(value, order string) string {
			return fmt.Sprintf("(ARRAY_AGG(%s ORDER BY %s))[1]", value, order)
		},
		scan: func(col string) string { return col },
	},
}

// bucketSQL numbers the calendar period of the report that col falls in,
// from 0, as request.bucketStart does; times before the period count in
// period 0.
func (r *request) bucketSQL(s *statement, d dialectSQL, col string) {
	if r.months == 0 {
		s.add("0")
		return
	}
	s.add(fmt.Sprintf("(CASE WHEN %s < ? THEN 0 ELSE %s / %d - %d END)", d.scan(col), d.monthIndex(col), r.months, r.first), r.period.Start)
}

// limit reads one row more than a statement may return for a report of
// MaxRows rows, to tell when the report would hold too many.
func limit(rowsPerGroup int) string { return " LIMIT " + strconv.Itoa(rowsPerGroup*MaxRows+1) }

// revenueSQL sums the revenue records whose periodStart falls in the period:
// first per account, calendar period and currency (the account's starting
// revenue is that of its earliest record there), then per row.
func (r *request) revenueSQL(d dialectSQL) *statement {
	s := &statement{}
	s.add("WITH ")
	r.accountsCTE(s)
	s.add(` SELECT ` + r.outKeys("acc.") + `x.bucket, x.currency,
  COUNT(*) AS accounts,
  CAST(SUM(x.starting) AS BIGINT) AS starting,
  CAST(SUM(x.expansion) AS BIGINT) AS expansion,
  CAST(SUM(x.contraction) AS BIGINT) AS contraction,
  CAST(SUM(x.churn) AS BIGINT) AS churn,
  SUM(CASE WHEN x.starting > 0 THEN 1 ELSE 0 END) AS starting_accounts,
  SUM(CASE WHEN x.starting > 0 AND x.starting + x.expansion - x.contraction - x.churn > 0 THEN 1 ELSE 0 END) AS retained_accounts
FROM (
  SELECT rr.{revenue.account} AS account, `)
	r.bucketSQL(s, d, "rr.{revenue.period_start}")
	s.add(` AS bucket, rr.{revenue.currency} AS currency,
    MIN(rr.{revenue.period_start}) AS first_start,
    `+d.first("rr.{revenue.starting_revenue}", "rr.{revenue.period_start}")+` AS starting,
    SUM(rr.{revenue.expansion}) AS expansion, SUM(rr.{revenue.contraction}) AS contraction, SUM(rr.{revenue.churn}) AS churn
  FROM {revenue_records} rr
  WHERE `+d.scan("rr.{revenue.period_start}")+` >= ? AND `+d.scan("rr.{revenue.period_start}")+` < ?`+r.onlyFiltered("rr.{revenue.account}")+`
  GROUP BY account, bucket, currency
) x JOIN acc ON acc.id = x.account
GROUP BY x.bucket, `+r.grouped("acc.")+`x.currency`+limit(1), r.period.Start, r.period.End)
	return s
}

// dealsSQL computes every deal figure from one pass over the opportunities:
// it counts them into a small frequency table by group, calendar period
// opened in (the first, when earlier), period closed in (won or lost; the
// number of periods when not closed in the period), outcome and, for won
// deals, sales cycle in days. From that table:
//   - won, lost and the cycle total per period closed in, and the median
//     cycle from the cumulative count in cycle order (the two middle deals,
//     or the middle one twice, of the total);
//   - open at the end of each period b: opened in or before b and not closed
//     in or before b; the pipeline is their amount.
//
// The two parts are separate rows of the result, which Rollup adds up.
//
// The pass packs cycle, periods and outcome into one integer, kind, to group
// by: SQLite sorts every deal for a GROUP BY and pays for each column of the
// key on every deal (on 200,000 deals, grouping by one integer instead of
// four columns takes about 120 ms less CPU). A cycle is never negative
// (closedAt is never before openedAt), so kind unpacks exactly.
// The table is MATERIALIZED: both parts read it, and the databases would
// otherwise be free to run the pass once for each.
func (r *request) dealsSQL(d dialectSQL) *statement {
	won, lost := opportunity.StageCLOSED_WON, opportunity.StageCLOSED_LOST
	opened, closed := d.scan("o.{opportunity.opened_at}"), d.scan("o.{opportunity.closed_at}")
	notClosed := strconv.Itoa(r.buckets)
	base := strconv.Itoa(r.buckets + 1) // periods run from 0 to notClosed
	g := r.grouped("")
	s := &statement{}
	s.add("WITH RECURSIVE ")
	r.accountsCTE(s)
	s.add(`,
buckets(bucket) AS (SELECT 0 UNION ALL SELECT bucket + 1 FROM buckets WHERE bucket < `+notClosed+` - 1),
deals AS MATERIALIZED (
  SELECT `+g+`currency, kind / (4 * `+base+` * `+base+`) AS days, kind / (4 * `+base+`) % `+base+` AS opened,
    kind / 4 % `+base+` AS closed, kind % 4 AS outcome, n, amount
  FROM (
    SELECT `+g+`currency, ((CAST(days AS BIGINT) * `+base+` + opened) * `+base+` + CASE WHEN outcome = 0 THEN `+notClosed+` ELSE closed_in END) * 4 + outcome AS kind,
      COUNT(*) AS n, SUM(amount) AS amount
    FROM (
      SELECT `+r.grouped("acc.")+`o.{opportunity.currency} AS currency, o.{opportunity.amount} AS amount,
        CASE WHEN `+closed+` >= ? THEN 0 WHEN o.{opportunity.stage} = ? THEN 1 WHEN o.{opportunity.stage} = ? THEN 2 ELSE 0 END AS outcome,
        CASE WHEN o.{opportunity.stage} = ? AND `+closed+` < ? THEN `+d.days("o.{opportunity.opened_at}", "o.{opportunity.closed_at}")+` ELSE 0 END AS days,
        `, r.period.End, won, lost, won, r.period.End)
	r.bucketSQL(s, d, "o.{opportunity.opened_at}")
	s.add(` AS opened, `)
	r.bucketSQL(s, d, "o.{opportunity.closed_at}")
	s.add(` AS closed_in
      FROM {opportunities} o JOIN acc ON acc.id = o.{opportunity.account}
      WHERE `+opened+` < ? AND (o.{opportunity.stage} NOT IN (?, ?) OR `+closed+` >= ?)
    ) deal
    GROUP BY kind, `+g+`currency
  ) counted
),
won_lost AS (
  SELECT deals.*,
    CAST(SUM(n) OVER (PARTITION BY `+g+`currency, closed, outcome ORDER BY days ROWS UNBOUNDED PRECEDING) AS BIGINT) AS upto,
    CAST(SUM(n) OVER (PARTITION BY `+g+`currency, closed, outcome) AS BIGINT) AS total
  FROM deals WHERE outcome > 0
)
SELECT `+r.outKeys("")+`closed AS bucket, currency,
  CAST(SUM(CASE WHEN outcome = 1 THEN n ELSE 0 END) AS BIGINT) AS won,
  CAST(SUM(CASE WHEN outcome = 2 THEN n ELSE 0 END) AS BIGINT) AS lost,
  CAST(SUM(CASE WHEN outcome = 1 THEN amount ELSE 0 END) AS BIGINT) AS won_amount,
  CAST(SUM(CASE WHEN outcome = 1 THEN days * n ELSE 0 END) AS BIGINT) AS cycle_days,
  CAST(SUM(CASE WHEN outcome = 1 AND upto - n < (total + 1) / 2 AND (total + 1) / 2 <= upto THEN days ELSE 0 END) +
    SUM(CASE WHEN outcome = 1 AND upto - n < (total + 2) / 2 AND (total + 2) / 2 <= upto THEN days ELSE 0 END) AS BIGINT) AS cycle_middle_days,
  0 AS open, 0 AS pipeline
FROM won_lost
GROUP BY `+g+`closed, currency
UNION ALL
SELECT `+r.outKeys("deals.")+`b.bucket, currency, 0, 0, 0, 0, 0,
  CAST(SUM(n) AS BIGINT), CAST(SUM(amount) AS BIGINT)
FROM deals JOIN buckets b ON deals.opened <= b.bucket AND b.bucket < deals.closed
GROUP BY `+r.grouped("deals.")+`b.bucket, currency`+limit(2),
		r.period.End, won, lost, r.period.Start)
	return s
}
