package metrics

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/opportunity"
	"github.com/accountplan/accountplan/ent/schema/calendar"
	"github.com/accountplan/accountplan/ent/schema/totals"
)

// The statements below are SQL text that runs unchanged on SQLite and
// PostgreSQL, apart from dialectSQL. User input only ever reaches them as ?
// parameters; {names} are replaced by the table and column names of the
// generated ent packages (totals.SQL).

// statement is SQL text whose ? placeholders take args in order.
type statement struct {
	text strings.Builder
	args []any
}

func (s *statement) add(text string, args ...any) {
	if n := strings.Count(text, "?"); n != len(args) {
		panic(fmt.Sprintf("metrics: %d placeholders, %d arguments in %q", n, len(args), text))
	}
	s.text.WriteString(totals.SQL(text))
	s.args = append(s.args, args...)
}

// dimensions are the account dimensions, in the order of the k_ columns every
// statement returns.
var dimensions = []Dimension{Tier, Owner, Industry, Region, Planned}

// keyColumn is the column a statement returns an account dimension in.
func keyColumn(d Dimension) string { return "k_" + strings.ToLower(string(d)) }

// grouped lists the k_ columns of the account dimensions grouped by (in
// each period, too, but not DEAL_PLANNED), each followed by ", " so that it
// can lead a GROUP BY or select list.
func (r *request) grouped(qualifier string) string {
	var b strings.Builder
	for _, d := range append(dimensions, datedDimensions...) {
		if r.keys[d] && d != DealPlanned {
			b.WriteString(qualifier + keyColumn(d) + ", ")
		}
	}
	return b.String()
}

// outKeys selects every k_ column, NULL for the dimensions not grouped by, so
// that all statements return the same columns; DEAL_PLANNED is NULL but in
// the deal figures of dealsDatedSQL.
func (r *request) outKeys(qualifier string) string { return r.outKeysFrom(qualifier, "", "") }

// outKeysFrom is outKeys, with k_deal_planned too, from dealQualifier, when
// deal (the column's name followed by ", ") is not "".
func (r *request) outKeysFrom(qualifier, deal, dealQualifier string) string {
	var b strings.Builder
	all := dimensions
	if r.dated {
		// Only dated statements return the dated k_ columns: the others
		// would scan four more columns of NULLs per row.
		all = append(all, datedDimensions...)
	}
	for _, d := range all {
		switch {
		case d == DealPlanned && deal != "":
			b.WriteString(dealQualifier + keyColumn(d) + ", ")
		case r.keys[d] && d != DealPlanned:
			b.WriteString(qualifier + keyColumn(d) + ", ")
		default:
			b.WriteString("NULL AS " + keyColumn(d) + ", ")
		}
	}
	return b.String()
}

// rowSource is where accountsCTE reads the account dimensions: each
// expression selects one, and filters on it.
type rowSource struct {
	from, where                            string
	tier, owner, industry, region, planned string
	args                                   []any // of planned
}

// accountRows are the accounts themselves.
var accountRows = rowSource{
	from: "{accounts} a", where: "1 = 1", tier: "a.{account.tier}", owner: "a.{account.owner}",
	industry: "COALESCE(a.{account.industry}, '')", region: "COALESCE(a.{account.region}, '')",
	planned: "CASE WHEN " + planned + " THEN 1 ELSE 0 END", args: []any{accountplan.StatusACTIVE},
}

// segmentRows are the segments of the metric totals
// (ent/schema/totals), whose owner is 0 for none: the broad ones
// when the request groups and filters by tier and plan alone, since they
// hold the same sums in fewer rows, else the fine ones.
func (r *request) segmentRows() rowSource {
	return rowSource{
		from: "{segments} a", where: "a.broad = " + strconv.Itoa(b2i(r.broad())), tier: "a.tier", owner: "NULLIF(a.owner, 0)",
		industry: "a.industry", region: "a.region", planned: "a.planned",
	}
}

// broad tells whether the request reads the broad segments (segmentRows).
func (r *request) broad() bool {
	f := r.filter
	return f.OwnerIDs == nil && f.Industries == nil && f.Regions == nil && !r.keys[Owner] && !r.keys[Industry] && !r.keys[Region]
}

// accountsCTE selects the accounts (or segments) the filter lets through,
// as the CTE name (acc but in datedTotalsCTEs) with the account dimensions grouped by. When numbered, it
// also numbers their groups g, from 1, and lists them as the CTE groups, so
// that a statement can group rows by that number rather than by the
// dimensions: an integer is a quicker sort key than text (on 200,000 deals,
// tier as text cost SQLite a fifth more). Numbering costs a pass over the
// accounts, which a statement over fewer rows (revenueSQL) does not win back.
func (r *request) accountsCTE(s *statement, name string, src rowSource, numbered bool) {
	key := func(d Dimension, expr string, args ...any) {
		if r.keys[d] {
			s.add(", "+expr+" AS "+keyColumn(d), args...)
		}
	}
	switch {
	case !numbered:
		s.add(name + " AS (SELECT a.id AS id")
	case len(r.keys) == 0:
		s.add(name + " AS (SELECT a.id AS id, 1 AS g")
	default:
		s.add(name + " AS MATERIALIZED (SELECT *, DENSE_RANK() OVER (ORDER BY " + strings.TrimSuffix(r.grouped(""), ", ") + ") AS g FROM (SELECT a.id AS id")
	}
	key(Tier, src.tier)
	key(Owner, src.owner)
	key(Industry, src.industry)
	key(Region, src.region)
	key(Planned, src.planned, src.args...)
	if r.dated {
		s.add(", " + src.tier + " AS now_tier")
	}
	s.add(" FROM " + src.from + " WHERE " + src.where)
	f := r.filter
	in(s, "a.id", f.AccountIDs)
	in(s, src.tier, f.Tiers)
	in(s, src.owner, f.OwnerIDs)
	in(s, src.industry, f.Industries)
	in(s, src.region, f.Regions)
	if f.Planned != nil {
		s.add(" AND "+src.planned+" = "+strconv.Itoa(b2i(*f.Planned)), src.args...)
	}
	switch {
	case !numbered:
		s.add(")")
	case len(r.keys) == 0:
		s.add("),\ngroups AS (SELECT 1 AS g)")
	default:
		s.add(") f),\ngroups AS (SELECT DISTINCT " + r.grouped("") + "g FROM acc)")
	}
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
	// first is, in a GROUP BY that also selects MIN(order), the value of the
	// row of the group with the least order.
	first func(value, order string) string
	// scan is a time column to compare, as a scan rather than an index lookup.
	scan func(col string) string
	// day is the calendar day (UTC) of a time column, as calendar.Day numbers it.
	day func(col string) string
	// elements is a FROM item listing the elements of a JSON array column
	// as j, and get the text of a key of element j.
	elements func(col string) string
	get      func(key string) string
	// same is a = b, true also when both are NULL.
	same func(a, b string) string
}

var dialects = map[string]dialectSQL{
	dialect.SQLite: {
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
		// 2440587.5 is the Julian day of 1970-01-01T00:00Z; the history
		// holds no time before 1970, where CAST would round up.
		day:      func(col string) string { return "CAST(julianday(" + col + ") - 2440587.5 AS INTEGER)" },
		elements: func(col string) string { return "json_each(" + col + ") j" },
		get:      func(key string) string { return "json_extract(j.value, '$." + key + "')" },
		same:     func(a, b string) string { return a + " IS " + b },
	},
	dialect.Postgres: {
		first: func(value, order string) string {
			return fmt.Sprintf("(ARRAY_AGG(%s ORDER BY %s))[1]", value, order)
		},
		scan: func(col string) string { return col },
		day: func(col string) string {
			return "CAST(FLOOR(EXTRACT(EPOCH FROM " + col + ") / 86400) AS BIGINT)"
		},
		elements: func(col string) string { return "jsonb_array_elements(" + col + ") j" },
		get:      func(key string) string { return "(j.value ->> '" + key + "')" },
		same:     func(a, b string) string { return a + " IS NOT DISTINCT FROM " + b },
	},
}

// The statements read the calendar numbers kept beside each time (see
// ent/schema/calendar) rather than the time: on SQLite a time is
// text, and reading its date on every row cost more than the rest of a row's
// work. A bound that does not start a day also compares the time itself, on
// that day's rows only.

// timeIs is the condition "the time in timeCol op t", op being "<" or
// ">=", where dayCol holds its day number; NULL when the time is. Inside
// t's day, the strict half of op (< or >) decides by day alone.
func timeIs(s *statement, d dialectSQL, timeCol, op string, t time.Time) {
	day := calendar.Day(t)
	if startsDay(t) {
		s.add(dayColumn(timeCol)+" "+op+" ?", day)
		return
	}
	s.add("("+dayColumn(timeCol)+" "+op[:1]+" ? OR ("+dayColumn(timeCol)+" = ? AND "+d.scan(timeCol)+" "+op+" ?))", day, day, t)
}

func startsDay(t time.Time) bool { return t.Equal(time.Unix(int64(calendar.Day(t))*86400, 0)) }

// dayColumn and monthColumn name the calendar numbers of a time column
// written as "alias.{table.column}".
func dayColumn(timeCol string) string {
	return calendar.DayField(strings.TrimSuffix(timeCol, "}")) + "}"
}

func monthColumn(timeCol string) string {
	return calendar.MonthField(strings.TrimSuffix(timeCol, "}")) + "}"
}

// bucketSQL numbers the calendar period of the report that a month (as
// calendar.Month numbers it) falls in, from 0, as request.bucketStart does;
// months before the period count in period 0. The report starts in period 0,
// so a month before its first period's first month is before the report.
func (r *request) bucketSQL(month string) string {
	if r.months == 0 {
		return "0"
	}
	first := r.first * r.months
	return fmt.Sprintf("(CASE WHEN %[1]s < %[2]d THEN 0 ELSE (%[1]s - %[2]d) / %[3]d END)", month, first, r.months)
}

// groupBucket adds the calendar period of a month to a GROUP BY, unless
// there is only one: a constant there would name a column by position.
func (r *request) groupBucket(month string) string {
	if r.months == 0 {
		return ""
	}
	return ", " + r.bucketSQL(month)
}

// limit reads one row more than a statement may return for a report of
// MaxRows rows, to tell when the report would hold too many.
func limit(rowsPerGroup int) string { return " LIMIT " + strconv.Itoa(rowsPerGroup*MaxRows+1) }

// revenueSQL sums the revenue records whose periodStart falls in the period:
// first per account, currency and calendar period (the account's starting
// revenue is that of its earliest record there), then per row. The first
// step groups by the calendar columns, coarsest first, in the order of an
// index (ent/schema/totals/tables.go), so that SQLite reads each group whole from
// the index and sorts nothing; every record is in or after the report's
// first period, so its period is its calendar number less the first's.
func (r *request) revenueSQL(d dialectSQL) *statement {
	// The keys come from the accounts, or from the stretches of the
	// accounts' periods (dated.go).
	keys, join := "acc.", " JOIN acc ON acc.id = x.account"
	if r.dated {
		keys, join = "k.", " JOIN stretches k ON k.account = x.account AND k.first <= x.bucket AND x.bucket < k.stop"
	}
	s := &statement{}
	s.add("WITH ")
	r.accountsCTE(s, "acc", accountRows, false)
	if r.dated {
		r.datedCTEs(s, d)
	}
	s.add(` SELECT ` + r.outKeys(keys) + `x.bucket, x.currency,
  COUNT(*) AS accounts,
  CAST(SUM(x.starting) AS BIGINT) AS starting,
  CAST(SUM(x.expansion) AS BIGINT) AS expansion,
  CAST(SUM(x.contraction) AS BIGINT) AS contraction,
  CAST(SUM(x.churn) AS BIGINT) AS churn,
  SUM(CASE WHEN x.starting > 0 THEN 1 ELSE 0 END) AS starting_accounts,
  SUM(CASE WHEN x.starting > 0 AND x.starting + x.expansion - x.contraction - x.churn > 0 THEN 1 ELSE 0 END) AS retained_accounts
FROM (`)
	r.accountRecords(s, d, r.onlyFiltered("rr.{revenue.account}")+r.onlyStretched("rr.{revenue.account}"))
	s.add(`) x` + join + `
GROUP BY x.bucket, ` + r.grouped(keys) + `x.currency` + limit(1))
	return s
}

// accountRecords selects the sums of the revenue records of each account,
// currency and calendar period in the report, as revenueSQL explains, of
// the accounts the condition only (after AND, or "") keeps.
func (r *request) accountRecords(s *statement, d dialectSQL, only string) {
	periods, bucket := "", "0"
	for _, c := range []struct {
		months int
		column string
	}{{12, "rr.{revenue.period_start_year}"}, {3, "rr.{revenue.period_start_quarter}"}, {1, "rr.{revenue.period_start_month}"}} {
		if r.months != 0 && c.months >= r.months {
			periods += ", " + c.column
			bucket = c.column + " - " + strconv.Itoa(r.first)
		}
	}
	s.add(`
  SELECT rr.{revenue.account} AS account, ` + bucket + ` AS bucket, rr.{revenue.currency} AS currency,
    MIN(rr.{revenue.period_start}) AS first_start,
    ` + d.first("rr.{revenue.starting_revenue}", "rr.{revenue.period_start}") + ` AS starting,
    SUM(rr.{revenue.expansion}) AS expansion, SUM(rr.{revenue.contraction}) AS contraction, SUM(rr.{revenue.churn}) AS churn
  FROM {revenue_records} rr
  WHERE `)
	timeIs(s, d, "rr.{revenue.period_start}", ">=", r.period.Start)
	s.add(" AND ")
	timeIs(s, d, "rr.{revenue.period_start}", "<", r.period.End)
	s.add(only + `
  GROUP BY rr.{revenue.account}, rr.{revenue.currency}` + periods + "\n")
}

// dealsSQL computes every deal figure from one pass over the opportunities:
// it counts them into a small frequency table, counted, by group, calendar
// period opened in (the first, when earlier), period closed in (won or
// lost; the number of periods when not closed in the period), outcome and,
// for won deals, sales cycle in days. From that table:
//   - won, lost and the cycle total per period closed in, and the median
//     cycle from the cumulative count in cycle order (the two middle deals,
//     or the middle one twice, of the total);
//   - open at the end of each period b: opened in or before b and not closed
//     in or before b. A deal closed in the period was opened before it
//     closed, so that is the running total of deals opened less deals
//     closed, over the periods up to b; the pipeline is their amount. The
//     running totals change only in periods where deals open or close
//     (moves), and each holds until the next such period (runs).
//
// The two parts are separate rows of the result, which Rollup adds up.
//
// The pass packs cycle, periods and outcome into one integer, kind, to group
// by: SQLite sorts every deal for a GROUP BY and pays for each column of the
// key on every deal. A cycle is never negative
// (closedAt is never before openedAt), so kind unpacks exactly. One CASE
// per outcome computes kind, so that each deal reads its columns and
// compares its stage once or twice, not once per part of kind.
// The table is MATERIALIZED: every part reads it, and the databases would
// otherwise be free to run the pass once for each.
func (r *request) dealsSQL(d dialectSQL) *statement {
	notClosed := strconv.Itoa(r.buckets)
	s := &statement{}
	s.add("WITH RECURSIVE ")
	r.accountsCTE(s, "acc", accountRows, true)
	s.add(`,
buckets(bucket) AS (SELECT 0 UNION ALL SELECT bucket + 1 FROM buckets WHERE bucket < ` + notClosed + ` - 1),
counted AS MATERIALIZED (
  SELECT g, currency, ` + r.unpackKind() + `, n, amount
  FROM (
    SELECT `)
	r.dealKind(s, d)
	s.add(`,
      acc.g AS g, o.{opportunity.currency} AS currency, COUNT(*) AS n, SUM(o.{opportunity.amount}) AS amount
    FROM {opportunities} o JOIN acc ON acc.id = o.{opportunity.account}
    WHERE `)
	r.dealsInPeriod(s, d)
	s.add(`
    GROUP BY kind, acc.g, o.{opportunity.currency}
  ) x
)`)
	r.dealFigures(s, "")
	return s
}

// dealFigures adds, after the CTEs groups, buckets and counted (with the
// k_deal_planned column named in dp, when not ""), the rest of a deals
// statement: won, lost and the cycles per period closed in, and the deals
// open at each period's end, as dealsSQL explains. A counted row's opened
// and closed are the periods it is open from and until; it leaves the open
// deals when closed is in the report, won or lost when outcome says so.
func (r *request) dealFigures(s *statement, dp string) {
	notClosed := strconv.Itoa(r.buckets)
	part := "g, " + dp + "currency"
	s.add(`,
won_lost AS (
  SELECT counted.*,
    CAST(SUM(n) OVER (PARTITION BY ` + part + `, closed, outcome ORDER BY days ROWS UNBOUNDED PRECEDING) AS BIGINT) AS upto,
    CAST(SUM(n) OVER (PARTITION BY ` + part + `, closed, outcome) AS BIGINT) AS total
  FROM counted WHERE outcome > 0
),
moves AS (
  SELECT ` + part + `, bucket, SUM(n) AS n, SUM(amount) AS amount FROM (
    SELECT ` + part + `, opened AS bucket, n, amount FROM counted
    UNION ALL
    SELECT ` + part + `, closed, -n, -amount FROM counted WHERE closed < ` + notClosed + `
  ) m
  GROUP BY ` + part + `, bucket
),
runs AS (
  SELECT ` + part + `, bucket AS first, LEAD(bucket, 1, ` + notClosed + `) OVER (PARTITION BY ` + part + ` ORDER BY bucket) AS stop,
    SUM(n) OVER (PARTITION BY ` + part + ` ORDER BY bucket ROWS UNBOUNDED PRECEDING) AS n,
    SUM(amount) OVER (PARTITION BY ` + part + ` ORDER BY bucket ROWS UNBOUNDED PRECEDING) AS amount
  FROM moves
)
SELECT ` + r.outKeysFrom("groups.", dp, "c.") + `c.bucket, c.currency, c.won, c.lost, c.won_amount, c.cycle_days, c.cycle_middle_days, c.open, c.pipeline FROM (
  SELECT ` + part + `, closed AS bucket,
    CAST(SUM(CASE WHEN outcome = 1 THEN n ELSE 0 END) AS BIGINT) AS won,
    CAST(SUM(CASE WHEN outcome = 2 THEN n ELSE 0 END) AS BIGINT) AS lost,
    CAST(SUM(CASE WHEN outcome = 1 THEN amount ELSE 0 END) AS BIGINT) AS won_amount,
    CAST(SUM(CASE WHEN outcome = 1 THEN days * n ELSE 0 END) AS BIGINT) AS cycle_days,
    CAST(SUM(CASE WHEN outcome = 1 AND upto - n < (total + 1) / 2 AND (total + 1) / 2 <= upto THEN days ELSE 0 END) +
      SUM(CASE WHEN outcome = 1 AND upto - n < (total + 2) / 2 AND (total + 2) / 2 <= upto THEN days ELSE 0 END) AS BIGINT) AS cycle_middle_days,
    0 AS open, 0 AS pipeline
  FROM won_lost
  GROUP BY ` + part + `, closed
) c JOIN groups ON groups.g = c.g
UNION ALL
SELECT ` + r.outKeysFrom("groups.", dp, "runs.") + `b.bucket, runs.currency, 0, 0, 0, 0, 0, CAST(runs.n AS BIGINT), CAST(runs.amount AS BIGINT)
FROM runs JOIN buckets b ON runs.first <= b.bucket AND b.bucket < runs.stop
  JOIN groups ON groups.g = runs.g
WHERE runs.n > 0` + limit(2))
}

// packKind is the kind of dealKind: a deal's cycle in days, its opening and
// closing periods and its outcome in one integer, which unpackKind reads.
func (r *request) packKind(days, opened, closed, outcome string) string {
	base := strconv.Itoa(r.buckets + 1)
	return "((" + days + " * " + base + " + " + opened + ") * " + base + " + " + closed + ") * 4 + " + outcome
}

// unpackKind selects days, opened, closed and outcome from the kind of dealKind.
func (r *request) unpackKind() string {
	base := strconv.Itoa(r.buckets + 1)
	return "kind / (4 * " + base + " * " + base + ") AS days, kind / (4 * " + base + ") % " + base + " AS opened, kind / 4 % " + base + " AS closed, kind % 4 AS outcome"
}

// open is the condition that deal o is in an open stage. Not "NOT IN":
// SQLite tests its operand for NULL by reading the stage as a number.
const open = "(o.{opportunity.stage} <> ? AND o.{opportunity.stage} <> ?)"

// dealKind selects, as kind, deal o's cycle, periods and outcome packed into
// one integer, as dealsSQL explains.
func (r *request) dealKind(s *statement, d dialectSQL) {
	won, lost := opportunity.StageCLOSED_WON, opportunity.StageCLOSED_LOST
	notClosed := strconv.Itoa(r.buckets)
	base := strconv.Itoa(r.buckets + 1) // periods run from 0 to notClosed
	opened, closed := r.bucketSQL(monthColumn("o.{opportunity.opened_at}")), r.bucketSQL(monthColumn("o.{opportunity.closed_at}"))
	s.add("CASE WHEN ")
	timeIs(s, d, "o.{opportunity.closed_at}", ">=", r.period.End)
	s.add(" OR "+open+" THEN ("+opened+" * "+base+" + "+notClosed+`) * 4
        WHEN o.{opportunity.stage} = ? THEN `+r.packKind("CAST(o.{opportunity.closed_day} - o.{opportunity.opened_day} AS BIGINT)", opened, closed, "1")+`
        ELSE (`+opened+" * "+base+" + "+closed+`) * 4 + 2
      END AS kind`, won, lost, won)
}

// dealsInPeriod is the condition that deal o opened before the period ends
// and is open or closed at or after it starts.
func (r *request) dealsInPeriod(s *statement, d dialectSQL) {
	timeIs(s, d, "o.{opportunity.opened_at}", "<", r.period.End)
	s.add(" AND ("+open+" OR ", opportunity.StageCLOSED_WON, opportunity.StageCLOSED_LOST)
	timeIs(s, d, "o.{opportunity.closed_at}", ">=", r.period.Start)
	s.add(")")
}

// The statements below read the metric totals (ent/schema/totals)
// instead of the deals and revenue records: sums per segment of accounts
// and calendar month (or period, for revenue), kept in step with every
// write. Rollup uses them when the report's bounds fall on the totals'
// periods and its filter names no accounts, which the totals do not know.

// revenueTotalsSQL sums the revenue totals of the report's periods.
func (r *request) revenueTotalsSQL(dialectSQL) *statement {
	s := &statement{}
	s.add("WITH ")
	r.accountsCTE(s, "acc", r.segmentRows(), false)
	s.add(` SELECT `+r.outKeys("acc.")+`t.period - `+strconv.Itoa(r.first)+` AS bucket, t.currency,
`+revenueSums("t.")+`
FROM {revenue_totals} t JOIN acc ON acc.id = t.segment
WHERE t.months = ? AND t.period >= ? AND t.period < ?
GROUP BY t.period, `+r.grouped("acc.")+`t.currency
HAVING SUM(t.accounts) > 0`+limit(1), r.months, r.first, r.first+r.buckets)
	return s
}

// dealTotalsSQL computes, from the deal totals, won and lost deals, won
// amount and cycle total per period closed in, and open deals and pipeline
// at each period's end: the running total of deals opened less deals
// closed, from the first month on record (months before the report count
// in its first period), as dealsSQL explains.
func (r *request) dealTotalsSQL(dialectSQL) *statement {
	first, end := calendar.Month(r.period.Start), calendar.Month(r.period.End)
	notClosed := strconv.Itoa(r.buckets)
	s := &statement{}
	s.add("WITH RECURSIVE ")
	r.accountsCTE(s, "acc", r.segmentRows(), true)
	s.add(`,
buckets(bucket) AS (SELECT 0 UNION ALL SELECT bucket + 1 FROM buckets WHERE bucket < `+notClosed+` - 1),
moves AS (
  SELECT acc.g AS g, t.currency AS currency, `+r.bucketSQL("t.month")+` AS bucket,
    SUM(t.opened - t.won - t.lost) AS n, SUM(t.opened_amount - t.closed_amount) AS amount,
    SUM(CASE WHEN t.month >= ? THEN t.won ELSE 0 END) AS won,
    SUM(CASE WHEN t.month >= ? THEN t.lost ELSE 0 END) AS lost,
    SUM(CASE WHEN t.month >= ? THEN t.won_amount ELSE 0 END) AS won_amount,
    SUM(CASE WHEN t.month >= ? THEN t.won_days ELSE 0 END) AS won_days
  FROM {deal_totals} t JOIN acc ON acc.id = t.segment
  WHERE t.month < ?
  GROUP BY acc.g, t.currency`+r.groupBucket("t.month")+`
),
runs AS (
  SELECT g, currency, bucket AS first, LEAD(bucket, 1, `+notClosed+`) OVER (PARTITION BY g, currency ORDER BY bucket) AS stop,
    SUM(n) OVER (PARTITION BY g, currency ORDER BY bucket ROWS UNBOUNDED PRECEDING) AS n,
    SUM(amount) OVER (PARTITION BY g, currency ORDER BY bucket ROWS UNBOUNDED PRECEDING) AS amount
  FROM moves
)
SELECT `+r.outKeys("groups.")+`m.bucket, m.currency, CAST(m.won AS BIGINT) AS won, CAST(m.lost AS BIGINT) AS lost,
  CAST(m.won_amount AS BIGINT) AS won_amount, CAST(m.won_days AS BIGINT) AS cycle_days, 0 AS cycle_middle_days, 0 AS open, 0 AS pipeline
FROM moves m JOIN groups ON groups.g = m.g
WHERE m.won + m.lost > 0
UNION ALL
SELECT `+r.outKeys("groups.")+`b.bucket, runs.currency, 0, 0, 0, 0, 0, CAST(runs.n AS BIGINT), CAST(runs.amount AS BIGINT)
FROM runs JOIN buckets b ON runs.first <= b.bucket AND b.bucket < runs.stop
  JOIN groups ON groups.g = runs.g
WHERE runs.n > 0`+limit(2), first, first, first, first, end)
	return s
}

// cycleDaysBound bounds a sales cycle in days (about 11,000 years), so that
// cyclesSQL can pack period and cycle into one integer to group by.
const cycleDaysBound = 1 << 22

// cyclesSQL computes the median sales cycle of the deals won in each period
// from the won-cycle totals: their count per cycle length, in the order of
// that length, and the cumulative count, which holds the middle deals, as
// in dealsSQL. It groups by group number and one integer, kind, packing
// period and cycle: the sort of that GROUP BY is most of the statement. Both
// windows share one order, which that GROUP BY's matches, and only the
// middle rows reach the last GROUP BY (BenchmarkRollup measures it).
func (r *request) cyclesSQL(dialectSQL) *statement {
	bound := strconv.Itoa(cycleDaysBound)
	kind := r.bucketSQL("c.month") + " * " + bound + " + c.days"
	window := "PARTITION BY g, currency, kind / " + bound + " ORDER BY kind ROWS "
	s := &statement{}
	s.add("WITH ")
	r.accountsCTE(s, "acc", r.segmentRows(), true)
	s.add(`,
counted AS (
  SELECT acc.g AS g, c.currency AS currency, `+kind+` AS kind, CAST(SUM(c.deals) AS BIGINT) AS n
  FROM {won_cycles} c JOIN acc ON acc.id = c.segment
  WHERE c.month >= ? AND c.month < ?
  GROUP BY acc.g, c.currency, `+kind+`
),
ranked AS (
  SELECT g, currency, kind / `+bound+` AS bucket, kind % `+bound+` AS days, n,
    CAST(SUM(n) OVER (`+window+`UNBOUNDED PRECEDING) AS BIGINT) AS upto,
    CAST(SUM(n) OVER (`+window+`BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS BIGINT) AS total
  FROM counted WHERE n > 0
)
SELECT `+r.outKeys("groups.")+`c.bucket, c.currency, c.cycle_middle_days FROM (
  SELECT g, currency, bucket,
    CAST(SUM(CASE WHEN upto - n < (total + 1) / 2 AND (total + 1) / 2 <= upto THEN days ELSE 0 END) +
      SUM(CASE WHEN upto - n < (total + 2) / 2 AND (total + 2) / 2 <= upto THEN days ELSE 0 END) AS BIGINT) AS cycle_middle_days
  FROM ranked
  WHERE upto - n < (total + 2) / 2 AND (total + 1) / 2 <= upto
  GROUP BY g, currency, bucket
) c JOIN groups ON groups.g = c.g`+limit(1), calendar.Month(r.period.Start), calendar.Month(r.period.End))
	return s
}

// revenueSums sums the revenue totals' columns of the rows aliased by the qualifier.
func revenueSums(qualifier string) string {
	var sums []string
	for _, c := range []string{"accounts", "starting", "expansion", "contraction", "churn", "starting_accounts", "retained_accounts"} {
		sums = append(sums, "  CAST(SUM("+qualifier+c+") AS BIGINT) AS "+c)
	}
	return strings.Join(sums, ",\n")
}
