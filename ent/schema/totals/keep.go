// Package totals keeps the metric totals: sums per segment and calendar
// month that the metrics rollups (graph/metrics) read instead of every deal
// and revenue record, since SQLite sorts every row a GROUP BY reads. A
// segment is the accounts alike in every dimension a report filters and
// groups by: tier, owner, industry, region, and whether they have an ACTIVE
// plan, and whether they have a plan of any status (which the dated reports
// need). Each such (fine) segment also adds to a broad one, alike in tier and
// plans alone, which the reports by tier or plan read: fine segments barely
// sum won deals, so the median would read nearly one row per deal.
//
// Every account whose rows the totals hold names its fine segment in
// metric_segment; NULL means they hold none of them. A mutation that changes
// what an account contributes takes the account out of the totals before it
// writes (uncount) and puts it back after (count), under its segment then,
// in the same transaction. Both steps skip accounts already out (or in), so
// that nested hooks, as a bulk create runs them, count an account once.
// CountAll counts any account left out when the store opens (a database from
// before the totals, or before has_plan). Two writes to one account outside a
// transaction may leave its totals stale: the API runs every mutation in a
// transaction.
//
// The tables are declared in tables.go and added to ent's migration by Migrate.
package totals

import (
	"context"
	stdsql "database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"

	gen "github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/hook"
	"github.com/accountplan/accountplan/ent/opportunity"
	"github.com/accountplan/accountplan/ent/privacy"
	"github.com/accountplan/accountplan/ent/revenuerecord"
	"github.com/accountplan/accountplan/ent/schema/bulk"
	"github.com/accountplan/accountplan/ent/schema/scope"
	"github.com/accountplan/accountplan/ent/user"
)

// totalled names, per type, the fields and edges whose change changes what
// an account contributes to the totals.
var totalled = map[string][]string{
	gen.TypeOpportunity: {opportunity.FieldAmount, opportunity.FieldCurrency, opportunity.FieldStage, opportunity.FieldOpenedAt, opportunity.FieldClosedAt},
	gen.TypeRevenueRecord: {revenuerecord.FieldPeriodStart, revenuerecord.FieldStartingRevenue, revenuerecord.FieldExpansion,
		revenuerecord.FieldContraction, revenuerecord.FieldChurn, revenuerecord.FieldCurrency},
	gen.TypeAccountPlan: {accountplan.FieldStatus},
	gen.TypeAccount:     {account.FieldTier, account.FieldIndustry, account.FieldRegion, account.EdgeOwner},
}

// heldAccounts names, in a bulk call, the accounts taken out of the totals until it ends.
const heldAccounts = "totals"

// keepTotals takes the accounts a mutation changes the contribution of out
// of the totals before it, and puts them back after, also when it fails.
func keepTotals(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		if m.Op().Is(ent.OpUpdate|ent.OpUpdateOne) && !changesAny(m, totalled[m.Type()]) {
			return next.Mutate(ctx, m)
		}
		client := m.(interface{ Client() *gen.Client }).Client()
		accounts, err := totalledAccounts(ctx, client, m)
		if err != nil {
			return nil, err
		}
		if len(accounts) == 0 {
			return next.Mutate(ctx, m)
		}
		if call := bulk.FromContext(ctx); call != nil {
			// In a bulk call, each account is taken out once, before its
			// first write (with every account the write creates records in),
			// and put back once, when the call ends: the shared totals rows
			// are written once per call, not once per record or account.
			if err := uncount(ctx, client, call.Hold(heldAccounts, append(accounts, call.Expected()...))); err != nil {
				return nil, fmt.Errorf("metric totals: %w", err)
			}
			call.OnFlush(heldAccounts, func(ctx context.Context, client *gen.Client) error {
				return count(ctx, client, call.Held(heldAccounts))
			})
			call.OnRollback(heldAccounts, func(ctx context.Context, client *gen.Client) error {
				return uncount(ctx, client, call.Held(heldAccounts))
			})
			return next.Mutate(ctx, m)
		}
		if err := uncount(ctx, client, accounts); err != nil {
			return nil, fmt.Errorf("metric totals: %w", err)
		}
		v, err := next.Mutate(ctx, m)
		if cerr := count(ctx, client, accounts); cerr != nil && err == nil {
			return nil, fmt.Errorf("metric totals: %w", cerr)
		}
		return v, err
	})
}

// Hook is keepTotals on the operations of a type that change totals.
func Hook(op ent.Op) ent.Hook { return hook.On(keepTotals, op) }

// changesAny tells whether the mutation sets, adds to or clears any of the named fields and edges.
func changesAny(m ent.Mutation, names []string) bool {
	for _, list := range [][]string{m.Fields(), m.AddedFields(), m.ClearedFields(), m.AddedEdges(), m.ClearedEdges()} {
		for _, n := range list {
			if slices.Contains(names, n) {
				return true
			}
		}
	}
	return false
}

// totalledAccounts are the accounts of the mutation's records (a record
// never moves to another account: the edges are immutable); for a user
// being deleted, the accounts they own, which lose their owner.
func totalledAccounts(ctx context.Context, client *gen.Client, m ent.Mutation) ([]int, error) {
	// Finding the accounts is the server's business, whoever asked.
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	if m.Type() != gen.TypeUser {
		return scope.Accounts(ctx, client, m)
	}
	ids, err := scope.IDs(ctx, m)
	if err != nil {
		return nil, err
	}
	return client.Account.Query().Where(account.HasOwnerWith(user.IDIn(ids...))).IDs(ctx)
}

// CountAll puts every account the totals do not hold into them: when the
// store opens, after the migration, and before anything else writes. Totals
// kept before there were broad segments, or has_plan, are counted anew.
func CountAll(ctx context.Context, client *gen.Client) error {
	rows, err := client.QueryContext(ctx, SQL(`SELECT COUNT(*) FROM {segments} WHERE (broad = 0 AND broad_segment IS NULL) OR has_plan IS NULL`))
	if err != nil {
		return err
	}
	var unlinked int
	if err := scanOne(rows, &unlinked); err != nil {
		return err
	}
	if unlinked > 0 {
		for _, st := range []string{`DELETE FROM {deal_totals}`, `DELETE FROM {won_cycles}`, `DELETE FROM {revenue_totals}`,
			`DELETE FROM {segments}`, `UPDATE {accounts} SET {account.segment} = NULL`} {
			if _, err := client.ExecContext(ctx, SQL(st)); err != nil {
				return err
			}
		}
	}
	ids, err := accountIDs(ctx, client, nil, false)
	if err != nil {
		return err
	}
	return count(ctx, client, ids)
}

// scanOne reads the one value of a one-row result.
func scanOne(rows *stdsql.Rows, v any) error {
	defer rows.Close()
	if !rows.Next() {
		return errors.Join(rows.Err(), stdsql.ErrNoRows)
	}
	return errors.Join(rows.Scan(v), rows.Close())
}

// count puts the accounts that the totals do not hold into them, under
// their segment as it is now.
func count(ctx context.Context, client *gen.Client, accounts []int) error {
	if len(accounts) == 0 {
		return nil
	}
	out, err := accountIDs(ctx, client, accounts, false)
	if err != nil || len(out) == 0 {
		return err
	}
	in := idList(out)
	added, err := client.ExecContext(ctx, SQL(`INSERT INTO {segments} (tier, owner, industry, region, planned, has_plan, broad)
SELECT DISTINCT `+segmentOf("a")+`, 0 FROM {accounts} a WHERE a.{account.id} IN (`+in+`)
ON CONFLICT (tier, owner, industry, region, planned, has_plan, broad) DO NOTHING`))
	if err != nil {
		return err
	}
	// A driver that cannot tell how many rows it added links anyway.
	if n, err := added.RowsAffected(); err != nil || n > 0 {
		if err := linkBroadSegments(ctx, client); err != nil {
			return err
		}
	}
	if _, err := client.ExecContext(ctx, SQL(`UPDATE {accounts} SET {account.segment} = (
  SELECT s.id FROM {segments} s WHERE s.broad = 0 AND (s.tier, s.owner, s.industry, s.region, s.planned, s.has_plan) = (SELECT `+segmentOf("a")+` FROM {accounts} a WHERE a.{account.id} = {accounts}.{account.id}))
WHERE {account.id} IN (`+in+`)`)); err != nil {
		return err
	}
	return addTotals(ctx, client, in, "")
}

// linkBroadSegments adds the broad segments of new fine ones and names them there.
func linkBroadSegments(ctx context.Context, client *gen.Client) error {
	for _, st := range []string{`INSERT INTO {segments} (tier, owner, industry, region, planned, has_plan, broad)
SELECT DISTINCT tier, 0, '', '', planned, has_plan, 1 FROM {segments} WHERE broad = 0 AND broad_segment IS NULL
ON CONFLICT (tier, owner, industry, region, planned, has_plan, broad) DO NOTHING`, `UPDATE {segments} SET broad_segment = (
  SELECT b.id FROM {segments} b WHERE b.broad = 1 AND b.tier = {segments}.tier AND b.planned = {segments}.planned AND b.has_plan = {segments}.has_plan)
WHERE broad = 0 AND broad_segment IS NULL`} {
		if _, err := client.ExecContext(ctx, SQL(st)); err != nil {
			return err
		}
	}
	return nil
}

// uncount takes the accounts that the totals hold out of them. It first
// writes the accounts' rows, unchanged: on PostgreSQL that locks them until
// the transaction ends, so that a concurrent one changing the same account
// waits here, then finds it counted again with the first one's rows, and
// never subtracts what another already took out. SQLite runs one writing
// transaction at a time.
func uncount(ctx context.Context, client *gen.Client, accounts []int) error {
	if len(accounts) == 0 {
		return nil
	}
	if _, err := client.ExecContext(ctx, SQL(`UPDATE {accounts} SET {account.segment} = {account.segment} WHERE {account.id} IN (`+idList(accounts)+`)`)); err != nil {
		return err
	}
	in, err := accountIDs(ctx, client, accounts, true)
	if err != nil || len(in) == 0 {
		return err
	}
	if err := addTotals(ctx, client, idList(in), "-"); err != nil {
		return err
	}
	_, err = client.ExecContext(ctx, SQL(`UPDATE {accounts} SET {account.segment} = NULL WHERE {account.id} IN (`+idList(in)+`)`))
	return err
}

// segmentOf selects the segment dimensions of the account aliased a.
func segmentOf(a string) string {
	return strings.ReplaceAll(`a.{account.tier}, COALESCE(a.{account.owner}, 0), COALESCE(a.{account.industry}, ''), COALESCE(a.{account.region}, ''),
  CASE WHEN a.{account.id} IN (SELECT p.{plan.account} FROM {plans} p WHERE p.{plan.status} = '{active}') THEN 1 ELSE 0 END,
  CASE WHEN a.{account.id} IN (SELECT p.{plan.account} FROM {plans} p) THEN 1 ELSE 0 END`, "a.", a+".")
}

// addsTo joins the account aliased a to the segments its rows add to, as
// into: its own (fine) one and the broad one holding it, a row for each.
const (
	addsTo = ` JOIN {segments} fs ON fs.id = a.{account.segment} CROSS JOIN (SELECT 0 AS broad UNION ALL SELECT 1 AS broad) lv`
	into   = `CASE WHEN lv.broad = 1 THEN fs.broad_segment ELSE fs.id END`
)

// addTotals adds (sign "") or subtracts (sign "-") the contributions of the
// listed accounts, under the segments of each (addsTo), to the totals. Each
// statement groups by the totals' key first, so that no two of its rows
// update the same total. Sums of zero stay; the rollups skip them.
func addTotals(ctx context.Context, client *gen.Client, in, sign string) error {
	deals := `FROM {opportunities} o JOIN {accounts} a ON a.{account.id} = o.{opportunity.account}` + addsTo + ` WHERE a.{account.id} IN (` + in + `)`
	closed := deals + ` AND (o.{opportunity.stage} = '{won}' OR o.{opportunity.stage} = '{lost}') AND o.{opportunity.closed_month} IS NOT NULL`
	var periods []string
	for _, p := range revenuePeriods {
		periods = append(periods, `SELECT {into} AS segment, rr.{revenue.currency} AS currency, `+strconv.Itoa(p.months)+` AS months, rr.`+p.column+` AS period,
      rr.{revenue.starting_revenue} AS starting_revenue, rr.{revenue.expansion} AS expansion, rr.{revenue.contraction} AS contraction, rr.{revenue.churn} AS churn,
      ROW_NUMBER() OVER (PARTITION BY a.{account.id}, lv.broad, rr.{revenue.currency}, rr.`+p.column+` ORDER BY rr.{revenue.period_start}) AS nth,
      a.{account.id} AS account
    FROM {revenue_records} rr JOIN {accounts} a ON a.{account.id} = rr.{revenue.account}`+addsTo+` WHERE a.{account.id} IN (`+in+`)`)
	}
	statements := []string{`INSERT INTO {deal_totals} (segment, currency, month, opened, opened_amount, won, won_amount, won_days, lost, closed_amount)
SELECT segment, currency, month, {sign}SUM(opened), {sign}SUM(opened_amount), {sign}SUM(won), {sign}SUM(won_amount), {sign}SUM(won_days), {sign}SUM(lost), {sign}SUM(closed_amount) FROM (
  SELECT {into} AS segment, o.{opportunity.currency} AS currency, o.{opportunity.opened_month} AS month,
    1 AS opened, o.{opportunity.amount} AS opened_amount, 0 AS won, 0 AS won_amount, 0 AS won_days, 0 AS lost, 0 AS closed_amount ` + deals + `
  UNION ALL
  SELECT {into}, o.{opportunity.currency}, o.{opportunity.closed_month}, 0, 0,
    CASE WHEN o.{opportunity.stage} = '{won}' THEN 1 ELSE 0 END, CASE WHEN o.{opportunity.stage} = '{won}' THEN o.{opportunity.amount} ELSE 0 END,
    CASE WHEN o.{opportunity.stage} = '{won}' THEN o.{opportunity.closed_day} - o.{opportunity.opened_day} ELSE 0 END,
    CASE WHEN o.{opportunity.stage} = '{lost}' THEN 1 ELSE 0 END, o.{opportunity.amount} ` + closed + `
) x GROUP BY segment, currency, month
ON CONFLICT (segment, currency, month) DO UPDATE SET opened = {deal_totals}.opened + excluded.opened,
  opened_amount = {deal_totals}.opened_amount + excluded.opened_amount, won = {deal_totals}.won + excluded.won,
  won_amount = {deal_totals}.won_amount + excluded.won_amount, won_days = {deal_totals}.won_days + excluded.won_days,
  lost = {deal_totals}.lost + excluded.lost, closed_amount = {deal_totals}.closed_amount + excluded.closed_amount`, `INSERT INTO {won_cycles} (segment, currency, month, days, deals)
SELECT {into}, o.{opportunity.currency}, o.{opportunity.closed_month}, o.{opportunity.closed_day} - o.{opportunity.opened_day}, {sign}COUNT(*) ` + deals + `
  AND o.{opportunity.stage} = '{won}' AND o.{opportunity.closed_month} IS NOT NULL
GROUP BY {into}, o.{opportunity.currency}, o.{opportunity.closed_month}, o.{opportunity.closed_day} - o.{opportunity.opened_day}
ON CONFLICT (segment, currency, month, days) DO UPDATE SET deals = {won_cycles}.deals + excluded.deals`,
		// An account's starting revenue in a period is that of its first
		// record there (nth = 1); it is retained when it ends the period above 0.
		`INSERT INTO {revenue_totals} (segment, currency, months, period, accounts, starting, expansion, contraction, churn, starting_accounts, retained_accounts)
SELECT segment, currency, months, period, {sign}COUNT(*), {sign}SUM(starting), {sign}SUM(expansion), {sign}SUM(contraction), {sign}SUM(churn),
  {sign}SUM(CASE WHEN starting > 0 THEN 1 ELSE 0 END),
  {sign}SUM(CASE WHEN starting > 0 AND starting + expansion - contraction - churn > 0 THEN 1 ELSE 0 END)
FROM (
  SELECT segment, currency, months, period, SUM(CASE WHEN nth = 1 THEN starting_revenue ELSE 0 END) AS starting,
    SUM(expansion) AS expansion, SUM(contraction) AS contraction, SUM(churn) AS churn
  FROM (` + strings.Join(periods, "\n    UNION ALL ") + `) r
  GROUP BY account, segment, currency, months, period
) x GROUP BY segment, currency, months, period
ON CONFLICT (segment, currency, months, period) DO UPDATE SET accounts = {revenue_totals}.accounts + excluded.accounts,
  starting = {revenue_totals}.starting + excluded.starting, expansion = {revenue_totals}.expansion + excluded.expansion,
  contraction = {revenue_totals}.contraction + excluded.contraction, churn = {revenue_totals}.churn + excluded.churn,
  starting_accounts = {revenue_totals}.starting_accounts + excluded.starting_accounts,
  retained_accounts = {revenue_totals}.retained_accounts + excluded.retained_accounts`,
	}
	for _, st := range statements {
		if _, err := client.ExecContext(ctx, strings.NewReplacer("{sign}", sign, "{into}", into).Replace(SQL(st))); err != nil {
			return err
		}
	}
	return nil
}

// accountIDs are those of the accounts the totals hold (or not), among ids
// when given. It reads through ent, like any query.
func accountIDs(ctx context.Context, client *gen.Client, ids []int, counted bool) ([]int, error) {
	q := client.Account.Query().Where(func(s *sql.Selector) {
		if counted {
			s.Where(sql.NotNull(s.C(AccountSegmentColumn)))
		} else {
			s.Where(sql.IsNull(s.C(AccountSegmentColumn)))
		}
	})
	if ids != nil {
		q.Where(account.IDIn(ids...))
	}
	return q.IDs(privacy.DecisionContext(ctx, privacy.Allow))
}

// idList writes IDs read from the database into SQL text.
func idList(ids []int) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.Itoa(id)
	}
	return strings.Join(s, ", ")
}
