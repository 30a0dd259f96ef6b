package metrics

import (
	"slices"
	"strconv"
	"strings"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/schema/calendar"
)

// Most accounts' dated keys are those of their segment in the metric totals
// (ent/schema/totals): an account without a plan, of any status, is
// NEVER_PLANNED, planned in no period and has no planned deal; one whose
// history records no other tier than its tier now had that one in every
// period. Only the
// other accounts, the eventful ones, need their stretches (datedCTEs). So a
// dated report whose bounds fall on the totals' periods sums, per group:
// the totals of the segments, under the keys of an account without events
// (plain), less what the eventful accounts of those segments add to them,
// read from their rows as the totals count them, plus the eventful
// accounts' figures by their stretches. Each sum is exact, and the
// statements read the rows of the eventful accounts alone. The segments
// know whether their accounts have a plan (has_plan): when a report needs
// the plans, plain holds the segments without, whose accounts it subtracts
// nothing from but for their tier changes, which the segments do not know.

// datedTotalsCTEs adds the CTEs the statements below share: ev, the
// eventful accounts; acc, those of them the filter lets through, and the
// CTEs of datedCTEs over them; seg, the segments the filter lets through;
// plain, those of them the dated filters keep for accounts without events,
// with the keys of such accounts (for the deals, whose deals are all
// unplanned; revenue figures come from no deal); held, the eventful
// accounts those segments hold. The statements read the rows of the
// accounts held or with a stretch alone.
func (r *request) datedTotalsCTEs(s *statement, d dialectSQL, deals bool) {
	var events []string
	var args []any
	if r.needsPlans() {
		events = append(events, "SELECT p.{plan.account} AS id FROM {plans} p")
	}
	if r.needsTiers() {
		// A change that records no other tier than the account's now (its
		// creation, say) leaves its tier then that one in every period.
		events = append(events, "SELECT c.{change.subject_id} FROM {changes} c JOIN {accounts} a ON a.{account.id} = c.{change.subject_id}, "+
			d.elements("c.{change.fields}")+" WHERE c.{change.subject_type} = ? AND "+d.get("field")+" = ?"+
			" AND (COALESCE("+d.get("new")+", '') <> a.{account.tier} OR COALESCE("+d.get("old")+", a.{account.tier}) <> a.{account.tier})")
		args = append(args, ent.TypeAccount, account.FieldTier)
	}
	s.add("ev AS MATERIALIZED ("+strings.Join(events, " UNION ")+"),\n", args...)
	eventful := accountRows
	eventful.where = "a.{account.id} IN (SELECT id FROM ev)"
	r.accountsCTE(s, "acc", eventful, false)
	r.datedCTEs(s, d)
	s.add(",\n")
	segments := r.segmentRows()
	if r.needsPlans() {
		segments.where += " AND a.has_plan = 0"
	}
	r.accountsCTE(s, "seg", segments, false)
	s.add(",\nplain AS MATERIALIZED (SELECT seg.id AS id")
	for _, dim := range dimensions {
		if r.keys[dim] {
			s.add(", seg." + keyColumn(dim) + " AS " + keyColumn(dim))
		}
	}
	if r.keys[PlanPhaseDim] {
		s.add(", '" + string(NeverPlanned) + "' AS " + keyColumn(PlanPhaseDim))
	}
	if r.keys[PlannedInPeriod] {
		s.add(", 0 AS " + keyColumn(PlannedInPeriod))
	}
	if r.keys[TierAtPeriod] {
		s.add(", seg.now_tier AS " + keyColumn(TierAtPeriod))
	}
	s.add(" FROM seg WHERE 1 = 1")
	f := r.filter
	if f.PlanPhases != nil && !slices.Contains(f.PlanPhases, NeverPlanned) ||
		f.PlannedInPeriod != nil && *f.PlannedInPeriod || deals && f.DealPlanned != nil && *f.DealPlanned {
		s.add(" AND 1 = 0")
	}
	in(s, "seg.now_tier", f.TiersAtPeriod)
	s.add(")")
	if r.less() {
		s.add(`,
held AS (SELECT a.{account.id} AS id FROM acc JOIN {accounts} a ON a.{account.id} = acc.id` + r.lessEventful() + `)`)
	}
}

// lessFromXD tells whether dealsDatedTotalsSQL reads the deals it
// subtracts from xd: when every account of acc has a stretch, so that xd
// holds the deals of every account held.
func (r *request) lessFromXD() bool { return !r.stretchFilter() }

// less tells whether the plain segments may hold eventful accounts, whose
// rows the statements subtract (held): those with a tier change, when the
// report needs the tiers. No plain segment holds an account with a plan.
func (r *request) less() bool { return r.needsTiers() }

// lessEventful joins the account aliased a to the plain segment its rows
// add to in the totals read (its fine one, or the broad one holding it).
func (r *request) lessEventful() string {
	into := "fs.id"
	if r.broad() {
		into = "fs.broad_segment"
	}
	return " JOIN {segments} fs ON fs.id = a.{account.segment} JOIN plain ON plain.id = " + into
}

// revenueDatedTotalsSQL is revenueSQL for a dated request, from the
// revenue totals of the plain segments, less the eventful accounts' records
// there, plus those by their stretches.
func (r *request) revenueDatedTotalsSQL(d dialectSQL) *statement {
	s := &statement{}
	s.add("WITH ")
	r.datedTotalsCTEs(s, d, false)
	s.add(",\nx AS MATERIALIZED (")
	started := "CASE WHEN x.starting > 0 THEN 1 ELSE 0 END"
	retained := "CASE WHEN x.starting > 0 AND x.starting + x.expansion - x.contraction - x.churn > 0 THEN 1 ELSE 0 END"
	accounts, less := "SELECT account FROM stretches", ""
	if r.less() {
		accounts = "SELECT id FROM held UNION " + accounts
		less = `
  UNION ALL
  SELECT ` + r.grouped("plain.") + `x.bucket, x.currency, -1, -x.starting, -x.expansion, -x.contraction, -x.churn, -` + started + `, -` + retained + `
  FROM x JOIN {accounts} a ON a.{account.id} = x.account` + r.lessEventful()
	}
	r.accountRecords(s, d, " AND rr.{revenue.account} IN ("+accounts+")")
	s.add(`)
SELECT `+r.outKeys("u.")+`u.bucket, u.currency,
`+revenueSums("u.")+`
FROM (
  SELECT `+r.grouped("plain.")+`t.period - `+strconv.Itoa(r.first)+` AS bucket, t.currency AS currency, t.accounts AS accounts,
    t.starting AS starting, t.expansion AS expansion, t.contraction AS contraction, t.churn AS churn,
    t.starting_accounts AS starting_accounts, t.retained_accounts AS retained_accounts
  FROM {revenue_totals} t JOIN plain ON plain.id = t.segment
  WHERE t.months = ? AND t.period >= ? AND t.period < ?`+less+`
  UNION ALL
  SELECT `+r.grouped("k.")+`x.bucket, x.currency, 1, x.starting, x.expansion, x.contraction, x.churn, `+started+`, `+retained+`
  FROM x JOIN stretches k ON k.account = x.account AND k.first <= x.bucket AND x.bucket < k.stop
) u
GROUP BY u.bucket, `+r.grouped("u.")+`u.currency
HAVING SUM(u.accounts) > 0`+limit(1), r.months, r.first, r.first+r.buckets)
	return s
}

// dealsDatedTotalsSQL is dealsDatedSQL from the deal totals and won
// cycles of the plain segments, less the eventful accounts' deals there
// (less), plus those by their stretches (counted). Each source is read once
// into moves, one table in the form of the totals: kind 0 the deals opened
// less those closed per period (open deals and pipeline are their running
// totals, as in dealTotalsSQL), kind 1 the deals won and lost per period,
// outcome and cycle (the medians' input, as in dealsSQL). The rows carry
// their group's keys rather than a number: numbering the groups of both
// parts together would make SQLite expand the stretches' CTEs once per
// use, beyond its limit on nested subqueries.
func (r *request) dealsDatedTotalsSQL(d dialectSQL) *statement {
	first, end := calendar.Month(r.period.Start), calendar.Month(r.period.End)
	notClosed := strconv.Itoa(r.buckets)
	s := &statement{}
	s.add("WITH RECURSIVE ")
	r.datedTotalsCTEs(s, d, true)
	dp := r.countedCTE(s, d, true)
	counted, none := "", "" // the DEAL_PLANNED column of counted, and of the totals
	if dp != "" {
		counted, none = "counted.k_deal_planned, ", "0, "
	}
	keys, plainKeys := r.grouped("groups."), r.grouped("plain.")
	bucket := r.bucketSQL
	// less: the deals of the eventful accounts, counted as dealsSQL counts
	// them, under the keys of the plain segments holding them: what they
	// add to those segments' totals in the report's periods.
	lessMoves := ""
	if r.less() {
		s.add(`,
less AS MATERIALIZED (
  SELECT ` + r.grouped("") + `currency, ` + r.unpackKind() + `, n, amount FROM (`)
		if r.lessFromXD() {
			// xd holds them, in the columns dealKind packs.
			s.add(`
    SELECT ` + plainKeys + `x.currency AS currency, ` + r.packKind("x.days", "x.opened", "x.closed", "x.outcome") + ` AS kind,
      COUNT(*) AS n, SUM(x.amount) AS amount
    FROM xd x JOIN {accounts} a ON a.{account.id} = x.account` + r.lessEventful() + `
    WHERE x.account IN (SELECT id FROM held)
    GROUP BY kind, ` + plainKeys + `x.currency`)
		} else {
			s.add(`
    SELECT ` + plainKeys + `o.{opportunity.currency} AS currency, `)
			r.dealKind(s, d)
			s.add(`, COUNT(*) AS n, SUM(o.{opportunity.amount}) AS amount
    FROM {opportunities} o JOIN {accounts} a ON a.{account.id} = o.{opportunity.account}` + r.lessEventful() + `
    WHERE o.{opportunity.account} IN (SELECT id FROM held) AND `)
			r.dealsInPeriod(s, d)
			s.add(`
    GROUP BY kind, ` + plainKeys + `o.{opportunity.currency}`)
		}
		s.add(`
  ) x
)`)
		lessMoves = `
    UNION ALL
    SELECT ` + r.grouped("less.") + none + `less.currency, CASE WHEN m.k = 2 THEN 1 ELSE 0 END,
      CASE WHEN m.k = 0 THEN less.opened ELSE less.closed END,
      CASE WHEN m.k = 2 THEN less.outcome ELSE 0 END, CASE WHEN m.k = 2 THEN less.days ELSE 0 END,
      CASE WHEN m.k = 1 THEN less.n ELSE -less.n END,
      CASE WHEN m.k = 0 THEN -less.amount WHEN m.k = 1 THEN less.amount WHEN less.outcome = 1 THEN -less.amount ELSE 0 END
    FROM less JOIN three m ON m.k = 0 OR (m.k = 1 AND less.closed < ` + notClosed + `) OR (m.k = 2 AND less.outcome > 0)`
	}
	s.add(`,
three(k) AS (SELECT 0 UNION ALL SELECT 1 UNION ALL SELECT 2),
moves AS MATERIALIZED (
  SELECT `+r.grouped("")+dp+`currency, kind, bucket, outcome, days, SUM(n) AS n, SUM(amount) AS amount FROM (
    SELECT `+keys+counted+`counted.currency AS currency, CASE WHEN m.k = 2 THEN 1 ELSE 0 END AS kind,
      CASE WHEN m.k = 0 THEN counted.opened ELSE counted.closed END AS bucket,
      CASE WHEN m.k = 2 THEN counted.outcome ELSE 0 END AS outcome, CASE WHEN m.k = 2 THEN counted.days ELSE 0 END AS days,
      CASE WHEN m.k = 1 THEN -counted.n ELSE counted.n END AS n,
      CASE WHEN m.k = 0 THEN counted.amount WHEN m.k = 1 THEN -counted.amount WHEN counted.outcome = 1 THEN counted.amount ELSE 0 END AS amount
    FROM counted JOIN groups ON groups.g = counted.g JOIN three m
      ON m.k = 0 OR (m.k = 1 AND counted.closed < `+notClosed+`) OR (m.k = 2 AND counted.outcome > 0)
    UNION ALL
    SELECT `+plainKeys+none+`t.currency, m.k, `+bucket("t.month")+`, m.k * 2, 0,
      CASE WHEN m.k = 0 THEN t.opened - t.won - t.lost ELSE t.lost END,
      CASE WHEN m.k = 0 THEN t.opened_amount - t.closed_amount ELSE 0 END
    FROM {deal_totals} t JOIN plain ON plain.id = t.segment JOIN three m ON m.k = 0 OR (m.k = 1 AND t.month >= ? AND t.lost <> 0)
    WHERE t.month < ?
    UNION ALL
    SELECT `+plainKeys+none+`c.currency, 1, `+bucket("c.month")+`, 1, c.days, c.deals, 0
    FROM {won_cycles} c JOIN plain ON plain.id = c.segment WHERE c.month >= ? AND c.month < ?
    UNION ALL
    SELECT `+plainKeys+none+`t.currency, 1, `+bucket("t.month")+`, 1, 0, 0, t.won_amount
    FROM {deal_totals} t JOIN plain ON plain.id = t.segment WHERE t.month >= ? AND t.month < ? AND t.won_amount <> 0`+lessMoves+`
  ) x
  GROUP BY `+r.grouped("")+dp+`currency, kind, bucket, outcome, days
),`, first, end, first, end, first, end)
	part := r.grouped("") + dp + "currency"
	s.add(`
runs AS (
  SELECT ` + part + `, bucket AS first, LEAD(bucket, 1, ` + notClosed + `) OVER (PARTITION BY ` + part + ` ORDER BY bucket) AS stop,
    SUM(n) OVER (PARTITION BY ` + part + ` ORDER BY bucket ROWS UNBOUNDED PRECEDING) AS n,
    SUM(amount) OVER (PARTITION BY ` + part + ` ORDER BY bucket ROWS UNBOUNDED PRECEDING) AS amount
  FROM (SELECT ` + part + `, bucket, SUM(n) AS n, SUM(amount) AS amount FROM moves WHERE kind = 0 GROUP BY ` + part + `, bucket) f
),
won_lost AS (
  SELECT moves.*,
    CAST(SUM(n) OVER (PARTITION BY ` + part + `, bucket, outcome ORDER BY days ROWS UNBOUNDED PRECEDING) AS BIGINT) AS upto,
    CAST(SUM(n) OVER (PARTITION BY ` + part + `, bucket, outcome) AS BIGINT) AS total
  FROM moves WHERE kind = 1
)
SELECT ` + r.outKeysFrom("c.", dp, "c.") + `c.bucket, c.currency, c.won, c.lost, c.won_amount, c.cycle_days, c.cycle_middle_days, 0 AS open, 0 AS pipeline FROM (
  SELECT ` + part + `, bucket,
    CAST(SUM(CASE WHEN outcome = 1 THEN n ELSE 0 END) AS BIGINT) AS won,
    CAST(SUM(CASE WHEN outcome = 2 THEN n ELSE 0 END) AS BIGINT) AS lost,
    CAST(SUM(CASE WHEN outcome = 1 THEN amount ELSE 0 END) AS BIGINT) AS won_amount,
    CAST(SUM(CASE WHEN outcome = 1 THEN days * n ELSE 0 END) AS BIGINT) AS cycle_days,
    CAST(SUM(CASE WHEN outcome = 1 AND upto - n < (total + 1) / 2 AND (total + 1) / 2 <= upto THEN days ELSE 0 END) +
      SUM(CASE WHEN outcome = 1 AND upto - n < (total + 2) / 2 AND (total + 2) / 2 <= upto THEN days ELSE 0 END) AS BIGINT) AS cycle_middle_days
  FROM won_lost
  GROUP BY ` + part + `, bucket
) c
WHERE c.won + c.lost > 0
UNION ALL
SELECT ` + r.outKeysFrom("runs.", dp, "runs.") + `b.bucket, runs.currency, 0, 0, 0, 0, 0, CAST(runs.n AS BIGINT), CAST(runs.amount AS BIGINT)
FROM runs JOIN buckets b ON runs.first <= b.bucket AND b.bucket < runs.stop
WHERE runs.n > 0` + limit(2))
	return s
}
