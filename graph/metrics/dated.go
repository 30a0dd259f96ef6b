package metrics

import (
	"strconv"
	"strings"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/change"
	"github.com/accountplan/accountplan/ent/schema/calendar"
)

// The dated dimensions describe an account in a row's period (its plan
// phase, whether a plan covers the period, its tier then) or a deal (whether
// it was planned), rather than the account as it is now. The statements
// look them up for each account and calendar period of the report
// (datedJoins), from the plans' periods and the change history; the rules are those of
// api/metrics.graphql, which the tests recompute from the raw rows.

// datedDimensions follow dimensions in the k_ columns every statement returns.
var datedDimensions = []Dimension{PlanPhaseDim, PlannedInPeriod, TierAtPeriod, DealPlanned}

// needsPlans and needsTiers tell which dated CTEs a request reads.
func (r *request) needsPlans() bool {
	f := r.filter
	return r.keys[PlanPhaseDim] || r.keys[PlannedInPeriod] || r.keys[DealPlanned] ||
		f.PlanPhases != nil || f.PlannedInPeriod != nil || f.DealPlanned != nil
}

func (r *request) needsTiers() bool { return r.keys[TierAtPeriod] || r.filter.TiersAtPeriod != nil }

// countedPlan is the condition that plan p counts for the dated dimensions:
// it is ACTIVE now; or the change history records it ACTIVE once (created
// ACTIVE or changed to ACTIVE); or it is ARCHIVED and the history does not
// record its creation (it was written by the server, before the history,
// and was in force once, as an archived plan is).
func countedPlan(s *statement, d dialectSQL) {
	s.add(`(p.{plan.status} = ?
    OR (p.{plan.status} = ? AND NOT EXISTS (SELECT 1 FROM {changes} c
      WHERE c.{change.subject_id} = p.{plan.id} AND c.{change.subject_type} = ? AND c.{change.operation} = ?))
    OR EXISTS (SELECT 1 FROM {changes} c, `+d.elements("c.{change.fields}")+`
      WHERE c.{change.subject_id} = p.{plan.id} AND c.{change.subject_type} = ? AND `+d.get("field")+` = ? AND `+d.get("new")+` = ?))`,
		accountplan.StatusACTIVE, accountplan.StatusARCHIVED, ent.TypeAccountPlan, change.OperationCREATE,
		ent.TypeAccountPlan, accountplan.FieldStatus, accountplan.StatusACTIVE)
}

// datedCTEs adds, after acc, the CTEs the dated dimensions read (see
// datedJoins). Plans and their periods
// count in days: a period covers the calendar days (UTC) of its start
// through those of its last instant, a plan those of its periodStart through
// those of its periodEnd (its last day).
//
//   - spans: each calendar period's first and last day;
//   - pl: the counted plans (countedPlan), pa their first day per account,
//     during the periods a counted plan overlaps;
//   - tc: the tier changes of the history, tier_before the tier set by the
//     last of them before each period's first day, tier_after the tier
//     before the first of them on or after it;
//   - closed_planned: the deals closed on a day a counted plan of their
//     account covers.
func (r *request) datedCTEs(s *statement, d dialectSQL) {
	var spans []string
	for b := range r.buckets {
		start, end, _ := r.span(b)
		spans = append(spans, "("+strconv.Itoa(b)+", "+strconv.Itoa(calendar.Day(start))+", "+strconv.Itoa(calendar.Day(end.Add(-time.Nanosecond)))+")")
	}
	s.add(",\nspans(bucket, first_day, last_day) AS (VALUES " + strings.Join(spans, ", ") + ")")
	plans, tiers := r.needsPlans(), r.needsTiers()
	if plans {
		s.add(`,
pl AS MATERIALIZED (
  SELECT p.{plan.account} AS account, p.{plan.period_start_day} AS first_day, p.{plan.period_end_day} AS last_day
  FROM {plans} p WHERE p.{plan.account} IN (SELECT id FROM acc) AND `)
		countedPlan(s, d)
		s.add(`),
pa AS (SELECT account, MIN(first_day) AS first_day FROM pl GROUP BY account),
during AS (SELECT DISTINCT pl.account AS account, s.bucket AS bucket FROM pl JOIN spans s ON pl.first_day <= s.last_day AND s.first_day <= pl.last_day)`)
	}
	if tiers {
		s.add(`,
tc AS MATERIALIZED (
  SELECT c.{change.subject_id} AS account, c.{change.id} AS seq, `+d.day("c.{change.at}")+` AS day,
    `+d.get("old")+` AS old_tier, `+d.get("new")+` AS new_tier
  FROM {changes} c, `+d.elements("c.{change.fields}")+`
  WHERE c.{change.subject_type} = ? AND c.{change.subject_id} IN (SELECT id FROM acc) AND `+d.get("field")+` = ?
),
tier_before AS (
  SELECT tc.account AS account, s.bucket AS bucket, MIN(-tc.seq) AS o, `+d.first("tc.new_tier", "-tc.seq")+` AS tier
  FROM tc JOIN spans s ON tc.day < s.first_day GROUP BY tc.account, s.bucket
),
tier_after AS (
  SELECT tc.account AS account, s.bucket AS bucket, MIN(tc.seq) AS o, `+d.first("COALESCE(tc.old_tier, tc.new_tier)", "tc.seq")+` AS tier
  FROM tc JOIN spans s ON tc.day >= s.first_day GROUP BY tc.account, s.bucket
)`, ent.TypeAccount, account.FieldTier)
	}
	if r.keys[DealPlanned] || r.filter.DealPlanned != nil {
		// The deals closed on a day a counted plan of their account covers.
		s.add(`,
closed_planned AS (
  SELECT o.{opportunity.id} AS id FROM {opportunities} o JOIN pl ON pl.account = o.{opportunity.account}
  WHERE pl.first_day <= o.{opportunity.closed_day} AND o.{opportunity.closed_day} <= pl.last_day
)`)
	}
}

// The dated keys of an account in a calendar period of the report.
const (
	phaseKey = `CASE WHEN pa.account IS NULL THEN '` + string(NeverPlanned) + `' WHEN during.account IS NOT NULL THEN '` + string(DuringPlan) +
		`' WHEN s.last_day < pa.first_day THEN '` + string(BeforeFirstPlan) + `' ELSE '` + string(AfterPlan) + `' END`
	inPeriodKey = "CASE WHEN during.account IS NULL THEN 0 ELSE 1 END"
	tierAtKey   = "COALESCE(tier_before.tier, tier_after.tier, acc.now_tier)"
)

// datedKeys selects, after a select list, the k_ column of every dimension
// grouped by but DEAL_PLANNED, from the joins of datedJoins.
func (r *request) datedKeys() string {
	var b strings.Builder
	for _, dim := range dimensions {
		if r.keys[dim] {
			b.WriteString(", acc." + keyColumn(dim) + " AS " + keyColumn(dim))
		}
	}
	for _, k := range []struct {
		dim  Dimension
		expr string
	}{{PlanPhaseDim, phaseKey}, {PlannedInPeriod, inPeriodKey}, {TierAtPeriod, tierAtKey}} {
		if r.keys[k.dim] {
			b.WriteString(", " + k.expr + " AS " + keyColumn(k.dim))
		}
	}
	return b.String()
}

// datedJoins joins, to rows of an account and a calendar period of the
// report, what datedKeys and datedFilter read: the account in acc (an inner
// join, which filters), the period in spans, its plans and its tier changes.
// Each row looks its keys up, in small tables: no table of every account
// and period is built.
func (r *request) datedJoins(accountCol, bucketCol string) string {
	j := " JOIN acc ON acc.id = " + accountCol + " JOIN spans s ON s.bucket = " + bucketCol
	if r.needsPlans() {
		j += " LEFT JOIN pa ON pa.account = " + accountCol + " LEFT JOIN during ON during.account = " + accountCol + " AND during.bucket = " + bucketCol
	}
	if r.needsTiers() {
		j += " LEFT JOIN tier_before ON tier_before.account = " + accountCol + " AND tier_before.bucket = " + bucketCol +
			" LEFT JOIN tier_after ON tier_after.account = " + accountCol + " AND tier_after.bucket = " + bucketCol
	}
	return j
}

// datedFilter adds the WHERE clause of the dated filters over datedJoins.
func (r *request) datedFilter(s *statement) {
	f := r.filter
	s.add(" WHERE 1 = 1")
	in(s, phaseKey, f.PlanPhases)
	if f.PlannedInPeriod != nil {
		s.add(" AND " + inPeriodKey + " = " + strconv.Itoa(b2i(*f.PlannedInPeriod)))
	}
	in(s, tierAtKey, f.TiersAtPeriod)
}

// dealPlanned is 1 when deal o is planned: attached to a plan, or closed on
// a day a counted plan of its account covers; else 0.
const dealPlanned = "CASE WHEN o.{opportunity.plan} IS NOT NULL OR o.{opportunity.id} IN (SELECT id FROM closed_planned) THEN 1 ELSE 0 END"

// dealsDatedSQL computes the deal figures as dealsSQL does, but per account
// rather than per group, since an account's dated keys may differ from one
// period to the next: won and lost deals take them from the period they
// closed in, open deals from each period they are open at the end of. The
// frequency table counted is per account (and DEAL_PLANNED, when grouped by);
// the won and lost deals are then summed per group, closing period, outcome
// and cycle, for the median; the running totals of open deals are per
// account, spread over their periods, then summed per group.
func (r *request) dealsDatedSQL(d dialectSQL) *statement {
	notClosed := strconv.Itoa(r.buckets)
	dp := "" // the DEAL_PLANNED column of counted
	if r.keys[DealPlanned] {
		dp = "k_deal_planned, "
	}
	// keys are the grouped k_ columns, and dpCol selects DEAL_PLANNED from a table.
	keys := r.grouped("") + dp
	dpCol := func(table string) string {
		if dp == "" {
			return ""
		}
		return table + ".k_deal_planned AS k_deal_planned, "
	}
	s := &statement{}
	s.add("WITH RECURSIVE ")
	r.accountsCTE(s, accountRows, false)
	r.datedCTEs(s, d)
	s.add(`,
buckets(bucket) AS (SELECT 0 UNION ALL SELECT bucket + 1 FROM buckets WHERE bucket < ` + notClosed + ` - 1),
counted AS MATERIALIZED (
  SELECT account, ` + dp + `currency, ` + r.unpackKind() + `, n, amount
  FROM (
    SELECT `)
	r.dealKind(s, d)
	s.add(`,
      o.{opportunity.account} AS account, `)
	if dp != "" {
		s.add(dealPlanned + " AS k_deal_planned, ")
	}
	s.add(`o.{opportunity.currency} AS currency, COUNT(*) AS n, SUM(o.{opportunity.amount}) AS amount
    FROM {opportunities} o
    WHERE `)
	r.dealsInPeriod(s, d)
	s.add(" AND o.{opportunity.account} IN (SELECT id FROM acc)")
	if f := r.filter.DealPlanned; f != nil {
		s.add(" AND " + dealPlanned + " = " + strconv.Itoa(b2i(*f)))
	}
	s.add(`
    GROUP BY kind, o.{opportunity.account}, ` + dp + `o.{opportunity.currency}
  ) x
),
won_lost AS (
  SELECT ` + keys + `bucket, currency, outcome, days, CAST(SUM(n) AS BIGINT) AS n, SUM(amount) AS amount FROM (
    SELECT ` + dpCol("c") + `c.closed AS bucket, c.currency AS currency, c.outcome AS outcome, c.days AS days, c.n AS n, c.amount AS amount` + r.datedKeys() + `
    FROM counted c` + r.datedJoins("c.account", "c.closed"))
	r.datedFilter(s)
	s.add(` AND c.outcome > 0
  ) w
  GROUP BY ` + keys + `bucket, currency, outcome, days
),
ranked AS (
  SELECT w.*,
    CAST(SUM(n) OVER (PARTITION BY ` + keys + `bucket, currency, outcome ORDER BY days ROWS UNBOUNDED PRECEDING) AS BIGINT) AS upto,
    CAST(SUM(n) OVER (PARTITION BY ` + keys + `bucket, currency, outcome) AS BIGINT) AS total
  FROM won_lost w
),
moves AS (
  SELECT account, ` + dp + `currency, bucket, SUM(n) AS n, SUM(amount) AS amount FROM (
    SELECT account, ` + dp + `currency, opened AS bucket, n, amount FROM counted
    UNION ALL
    SELECT account, ` + dp + `currency, closed, -n, -amount FROM counted WHERE outcome > 0
  ) m
  GROUP BY account, ` + dp + `currency, bucket
),
runs AS (
  SELECT account, ` + dp + `currency, bucket AS first, LEAD(bucket, 1, ` + notClosed + `) OVER (PARTITION BY account, ` + dp + `currency ORDER BY bucket) AS stop,
    SUM(n) OVER (PARTITION BY account, ` + dp + `currency ORDER BY bucket ROWS UNBOUNDED PRECEDING) AS n,
    SUM(amount) OVER (PARTITION BY account, ` + dp + `currency ORDER BY bucket ROWS UNBOUNDED PRECEDING) AS amount
  FROM moves
),
open_at AS MATERIALIZED (
  SELECT runs.account AS account, ` + dpCol("runs") + `runs.currency AS currency, b.bucket AS bucket, runs.n AS n, runs.amount AS amount
  FROM runs JOIN buckets b ON runs.first <= b.bucket AND b.bucket < runs.stop
  WHERE runs.n > 0
)
SELECT ` + r.outKeysDeal("", true) + `c.bucket, c.currency, c.won, c.lost, c.won_amount, c.cycle_days, c.cycle_middle_days, 0 AS open, 0 AS pipeline FROM (
  SELECT ` + keys + `bucket, currency,
    CAST(SUM(CASE WHEN outcome = 1 THEN n ELSE 0 END) AS BIGINT) AS won,
    CAST(SUM(CASE WHEN outcome = 2 THEN n ELSE 0 END) AS BIGINT) AS lost,
    CAST(SUM(CASE WHEN outcome = 1 THEN amount ELSE 0 END) AS BIGINT) AS won_amount,
    CAST(SUM(CASE WHEN outcome = 1 THEN days * n ELSE 0 END) AS BIGINT) AS cycle_days,
    CAST(SUM(CASE WHEN outcome = 1 AND upto - n < (total + 1) / 2 AND (total + 1) / 2 <= upto THEN days ELSE 0 END) +
      SUM(CASE WHEN outcome = 1 AND upto - n < (total + 2) / 2 AND (total + 2) / 2 <= upto THEN days ELSE 0 END) AS BIGINT) AS cycle_middle_days
  FROM ranked
  GROUP BY ` + keys + `bucket, currency
) c
UNION ALL
SELECT ` + r.outKeysDeal("", true) + `o.bucket, o.currency, 0, 0, 0, 0, 0, o.open, o.pipeline FROM (
  SELECT ` + keys + `bucket, currency, CAST(SUM(n) AS BIGINT) AS open, CAST(SUM(amount) AS BIGINT) AS pipeline FROM (
    SELECT ` + dpCol("o") + `o.bucket AS bucket, o.currency AS currency, o.n AS n, o.amount AS amount` + r.datedKeys() + `
    FROM open_at o` + r.datedJoins("o.account", "o.bucket"))
	r.datedFilter(s)
	s.add(`
  ) o
  GROUP BY ` + keys + `bucket, currency
) o` + limit(2))
	return s
}
