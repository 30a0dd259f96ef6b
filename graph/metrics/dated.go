package metrics

import (
	"strconv"
	"strings"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/change"
	"github.com/accountplan/accountplan/ent/opportunity"
	"github.com/accountplan/accountplan/ent/schema/calendar"
)

// The dated dimensions describe an account in a row's period (its plan
// phase, whether a plan covers the period, its tier then) or a deal (whether
// it was planned), rather than the account as it is now. The statements
// look them up for each stretch of an account's calendar periods where they
// stay the same (datedCTEs), from the plans' periods and the change history;
// the rules are those of api/metrics.graphql, which the tests recompute from
// the raw rows.

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
//     account covers;
//   - stretches: each account's calendar periods cut into stretches
//     [first, stop) where its dated keys stay the same (turns: the periods
//     they may change in), with the keys of its first period, numbered g
//     per group as groups lists them. The statements look the keys of a
//     row of an account and period up there, in a row per stretch (a few
//     per account) rather than one per account and period.
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
	// The days a key may change on, each with the period it changes in, k
	// after the one holding the day: a plan covers the period holding its
	// first day (k 0) but not the one after that holding its last day (k
	// 1); tier then is the tier before a period's first day, so a tier
	// change shows in the next period (k 1).
	var events []string // a dated request needs the plans or the tiers
	if plans {
		events = append(events, "SELECT account, first_day AS day, 0 AS k FROM pl", "SELECT account, last_day, 1 FROM pl")
	}
	if tiers {
		events = append(events, "SELECT account, day, 1 AS k FROM tc")
	}
	numbered := "1"
	if keys := strings.TrimSuffix(r.grouped(""), ", "); keys != "" {
		numbered = "DENSE_RANK() OVER (ORDER BY " + keys + ")"
	}
	s.add(`,
turns AS (
  SELECT id AS account, 0 AS bucket FROM acc
  UNION
  SELECT e.account, s.bucket + e.k FROM (` + strings.Join(events, " UNION ALL ") + `) e
    JOIN spans s ON s.first_day <= e.day AND e.day <= s.last_day
  WHERE s.bucket + e.k < ` + strconv.Itoa(r.buckets) + `
),
stretches AS MATERIALIZED (
  SELECT k.*, ` + numbered + ` AS g FROM (
    SELECT t.account AS account, t.first AS first, t.stop AS stop` + r.datedKeys() + `
    FROM (SELECT account, bucket AS first, LEAD(bucket, 1, ` + strconv.Itoa(r.buckets) + `) OVER (PARTITION BY account ORDER BY bucket) AS stop FROM turns) t` +
		r.datedJoins("t.account", "t.first"))
	r.datedFilter(s)
	s.add(`
  ) k
),
groups AS (SELECT DISTINCT ` + r.grouped("") + `g FROM stretches)`)
}

// onlyStretched keeps the rows of the accounts that have a stretch, when a
// dated filter leaves some without: the revenue statement then reads only
// their records from the account index, not every record.
func (r *request) onlyStretched(accountColumn string) string {
	if !r.stretchFilter() {
		return ""
	}
	return " AND " + accountColumn + " IN (SELECT account FROM stretches)"
}

// stretchFilter tells whether a dated filter may leave an account of acc
// without a stretch.
func (r *request) stretchFilter() bool {
	f := r.filter
	return f.PlanPhases != nil || f.PlannedInPeriod != nil || f.TiersAtPeriod != nil
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
// report (the first of each stretch), what datedKeys and datedFilter read:
// the account in acc (an inner join, which filters), the period in spans,
// its plans and its tier changes. Each row looks its keys up, in small
// tables: no table of every account and period is built.
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

// dealsDatedSQL computes the deal figures as dealsSQL does, with the
// groups of the stretches rather than of the accounts: each deal counts, in
// the frequency table counted, once per stretch of its account that it is
// open in or closes in, open from the later of its opening and the
// stretch's start, until the earlier of its closing and the stretch's end,
// and won or lost in the stretch it closes in. So a won or lost deal takes
// the keys of the period it closed in, an open one those of each period it
// is open at the end of, and counted stays a table per group, not per
// account. DEAL_PLANNED, a key of the deal, is a column of its own.
// SQLite keeps the order of a CROSS JOIN: each stretch, then its account's
// deals from the account's index (PostgreSQL plans the join as it likes).
func (r *request) dealsDatedSQL(d dialectSQL) *statement {
	s := &statement{}
	s.add("WITH RECURSIVE ")
	r.accountsCTE(s, "acc", accountRows, false)
	r.datedCTEs(s, d)
	r.dealFigures(s, r.countedCTE(s, d, false))
	return s
}

// countedCTE adds, after the CTEs of datedCTEs, the CTEs buckets and
// counted of dealsDatedSQL, and returns the DEAL_PLANNED column of counted
// followed by ", " when grouped by it, else "". When the accounts with a
// stretch are few (dealsDatedTotalsSQL), it first reads their deals once,
// into xd, rather than once per stretch as its CROSS JOIN does. Without a
// dated filter every account of acc has a stretch, so xd reads acc's, which
// less reads too (lessFromXD); with one, a list of the accounts of
// stretches and held made SQLite 3.54 nest the CTEs too deep.
func (r *request) countedCTE(s *statement, d dialectSQL, few bool) string {
	notClosed := strconv.Itoa(r.buckets)
	dp, dpCol := "", "" // the DEAL_PLANNED column, when grouped by
	if r.keys[DealPlanned] {
		dp, dpCol = "k_deal_planned, ", "x.k_deal_planned, "
	}
	closes := "x.closed < k.stop" // the deal closes in stretch k
	kind := r.packKind("CASE WHEN "+closes+" AND x.outcome = 1 THEN x.days ELSE 0 END",
		"CASE WHEN x.opened < k.first THEN k.first ELSE x.opened END",
		"CASE WHEN "+closes+" THEN x.closed ELSE k.stop END",
		"CASE WHEN "+closes+" THEN x.outcome ELSE 0 END")
	// The columns of a deal-stretch pair that counted groups by, and
	// after the grouping what the table selects from them.
	grouped, ungrouped := kind+` AS kind,
      k.g AS g, `+dpCol+`x.currency AS currency`, "kind, k.g, "+dpCol+"x.currency"
	unpacked := "g, " + dp + "currency, kind"
	if m := r.packedGroups(); m != 0 {
		// One integer holds kind, the group and DEAL_PLANNED: the sort of
		// this GROUP BY is most of the statement, and it then compares
		// one column where it compared three.
		dpBit, dpOut := "", ""
		if dp != "" {
			dpBit, dpOut = " * 2 + x.k_deal_planned", "key / "+strconv.Itoa(m)+" % 2 AS k_deal_planned, "
		}
		kindOut := "key / " + strconv.Itoa(m) + " AS kind"
		if dp != "" {
			kindOut = "key / " + strconv.Itoa(2*m) + " AS kind"
		}
		grouped, ungrouped = "(("+kind+")"+dpBit+") * "+strconv.Itoa(m)+" + k.g AS key, x.currency AS currency", "key, x.currency"
		unpacked = "key % " + strconv.Itoa(m) + " AS g, " + dpOut + "currency, " + kindOut
	}
	s.add(`,
buckets(bucket) AS (SELECT 0 UNION ALL SELECT bucket + 1 FROM buckets WHERE bucket < ` + notClosed + ` - 1),`)
	deals, join := "", "stretches k CROSS JOIN ("
	if few {
		deals, join = `
xd AS MATERIALIZED (`, "xd x JOIN stretches k ON "
	}
	s.add(deals)
	if !few {
		s.add(`
counted AS MATERIALIZED (
  SELECT g, ` + dp + `currency, ` + r.unpackKind() + `, n, amount FROM (
   SELECT ` + unpacked + `, n, amount FROM (
    SELECT ` + grouped + `, COUNT(*) AS n, SUM(x.amount) AS amount
    FROM ` + join)
	}
	// xd keeps every deal of the accounts it reads, for less: the
	// DEAL_PLANNED filter applies in counted.
	filterDP := r.filter.DealPlanned != nil
	s.add(`
      SELECT o.{opportunity.account} AS account, `)
	if dp != "" || few && filterDP {
		s.add(dealPlanned + " AS k_deal_planned, ")
	}
	s.add(`o.{opportunity.currency} AS currency, o.{opportunity.amount} AS amount, `)
	r.dealColumns(s, d)
	s.add(`
      FROM {opportunities} o
      WHERE `)
	r.dealsInPeriod(s, d)
	on := "k.account = x.account AND k.first <= x.closed AND x.opened < k.stop"
	if f := r.filter.DealPlanned; f != nil {
		if few {
			on += " AND x.k_deal_planned = " + strconv.Itoa(b2i(*f))
		} else {
			s.add(" AND " + dealPlanned + " = " + strconv.Itoa(b2i(*f)))
		}
	}
	if few {
		accounts := "SELECT account FROM stretches"
		if r.lessFromXD() {
			accounts = "SELECT id FROM acc"
		}
		s.add(` AND o.{opportunity.account} IN (` + accounts + `)
),
counted AS MATERIALIZED (
  SELECT g, ` + dp + `currency, ` + r.unpackKind() + `, n, amount FROM (
   SELECT ` + unpacked + `, n, amount FROM (
    SELECT ` + grouped + `, COUNT(*) AS n, SUM(x.amount) AS amount
    FROM ` + join + on)
	} else {
		s.add(`
    ) x WHERE ` + on)
	}
	s.add(`
    GROUP BY ` + ungrouped + `
   ) y
  ) z
)`)
	return dp
}

// packedGroups is, when the groups of the stretches are few (no OWNER,
// INDUSTRY or REGION grouped by: at most 144 of them), a number above any
// of their g, by which dealsDatedSQL packs g into the integer it groups
// by; else 0. The kind of dealKind stays below 2^45 (cycles of fewer than
// 2^22 days, at most MaxBuckets periods), so the packed key fits 64 bits.
func (r *request) packedGroups() int {
	if r.keys[Owner] || r.keys[Industry] || r.keys[Region] {
		return 0
	}
	m := 1
	for d, n := range map[Dimension]int{Tier: len(tierOrder), Planned: 2, PlanPhaseDim: len(phaseOrder), PlannedInPeriod: 2, TierAtPeriod: len(tierOrder)} {
		if r.keys[d] {
			m *= n
		}
	}
	return m + 1
}

// dealColumns selects what dealKind packs, each in a column of its own:
// deal o's cycle in days when won (else 0), the periods it opened and
// closed in (the number of periods when not closed in the report), and its
// outcome (1 won, 2 lost, 0 not closed). dealsDatedSQL reads them in its
// join, per deal and stretch, where unpacking kind cost more than these.
func (r *request) dealColumns(s *statement, d dialectSQL) {
	won, lost := opportunity.StageCLOSED_WON, opportunity.StageCLOSED_LOST
	notClosed := func() {
		s.add("CASE WHEN ")
		timeIs(s, d, "o.{opportunity.closed_at}", ">=", r.period.End)
		s.add(" OR "+open+" THEN ", won, lost)
	}
	notClosed()
	s.add("0 WHEN o.{opportunity.stage} = ? THEN CAST(o.{opportunity.closed_day} - o.{opportunity.opened_day} AS BIGINT) ELSE 0 END AS days, ", won)
	s.add(r.bucketSQL(monthColumn("o.{opportunity.opened_at}")) + " AS opened, ")
	notClosed()
	s.add(strconv.Itoa(r.buckets) + " ELSE " + r.bucketSQL(monthColumn("o.{opportunity.closed_at}")) + " END AS closed, ")
	notClosed()
	s.add("0 WHEN o.{opportunity.stage} = ? THEN 1 ELSE 2 END AS outcome", won)
}
