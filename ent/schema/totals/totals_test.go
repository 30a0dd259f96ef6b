package totals_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/opportunity"
	"github.com/accountplan/accountplan/ent/revenuerecord"
	"github.com/accountplan/accountplan/ent/schema/bulk"
	"github.com/accountplan/accountplan/ent/schema/totals"
	"github.com/accountplan/accountplan/ent/schema/viewer"
	"github.com/accountplan/accountplan/ent/store"
	"github.com/accountplan/accountplan/ent/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// dims are a segment's dimensions, which name it in the snapshots (its ID
// depends on the order segments were added in).
const dims = `s.tier, s.owner, s.industry, s.region, s.planned, s.has_plan, s.broad`

// snapshot is the content of the totals as text, a line per total, sorted:
// keyed by segment dimensions, without totals whose sums are all zero (they
// stay when the rows they summed go, and the rollups skip them). Accounts
// name their segment's dimensions, or none.
func snapshot(t *testing.T, c *ent.Client) string {
	t.Helper()
	var out []string
	for _, q := range []struct {
		query string
		keys  int // the columns before the sums
	}{
		{`SELECT ` + dims + `, d.currency, d.month, d.opened, d.opened_amount, d.won, d.won_amount, d.won_days, d.lost, d.closed_amount
			FROM {deal_totals} d JOIN {segments} s ON s.id = d.segment`, 9},
		{`SELECT ` + dims + `, w.currency, w.month, w.days, w.deals FROM {won_cycles} w JOIN {segments} s ON s.id = w.segment`, 10},
		{`SELECT ` + dims + `, r.currency, r.months, r.period, r.accounts, r.starting, r.expansion, r.contraction, r.churn, r.starting_accounts, r.retained_accounts
			FROM {revenue_totals} r JOIN {segments} s ON s.id = r.segment`, 10},
	} {
		out = append(out, lines(t, c, q.query, q.keys)...)
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}

// segments are the dimensions of the segment of each account the totals
// hold, by account name.
func segments(t *testing.T, c *ent.Client) string {
	t.Helper()
	return strings.Join(lines(t, c, `SELECT a.name, `+dims+` FROM {accounts} a JOIN {segments} s ON s.id = a.{account.segment}`, 8), "\n")
}

// lines runs a query and writes each row as a line, leaving out rows whose
// columns after the first keys are all 0; sorted.
func lines(t *testing.T, c *ent.Client, query string, keys int) []string {
	t.Helper()
	rows, err := c.QueryContext(context.Background(), totals.SQL(query))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	columns, _ := rows.Columns()
	var out []string
	for rows.Next() {
		values := make([]any, len(columns))
		dest := make([]any, len(columns))
		for i := range values {
			dest[i] = &values[i]
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		text := make([]string, len(values))
		zero := true
		for i, v := range values {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			text[i] = fmt.Sprint(v)
			zero = zero && (i < keys || text[i] == "0")
		}
		if !zero || keys == len(columns) {
			out = append(out, strings.Join(text, " "))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// recount empties the totals and counts every account anew, as CountAll
// does when a database from before them opens.
func recount(t *testing.T, c *ent.Client) {
	t.Helper()
	ctx := context.Background()
	for _, st := range []string{`DELETE FROM {deal_totals}`, `DELETE FROM {won_cycles}`, `DELETE FROM {revenue_totals}`,
		`UPDATE {accounts} SET {account.segment} = NULL`, `DELETE FROM {segments}`} {
		if _, err := c.ExecContext(ctx, totals.SQL(st)); err != nil {
			t.Fatal(err)
		}
	}
	if err := totals.CountAll(ctx, c); err != nil {
		t.Fatal(err)
	}
}

func at(month, day int) time.Time {
	return time.Date(2025, time.Month(month), day, 12, 0, 0, 0, time.UTC)
}

// TestTotalsEqualARecount: after every kind of write that changes what an
// account contributes (deals, revenue records, plans, the account's
// segment, its owner's deletion, the account's deletion), in bulk and
// alone, in transactions and out, the totals hold what counting every
// account anew gives.
func TestTotalsEqualARecount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		ctx := viewer.NewContext(context.Background(), viewer.Open)
		ada := c.User.Create().SetName("Ada").SetEmail("ada@example.com").SaveX(ctx).ID
		bob := c.User.Create().SetName("Bob").SetEmail("bob@example.com").SaveX(ctx).ID
		newAccount := func(name string, tier account.Tier, owner int, industry string) int {
			q := c.Account.Create().SetName(name).SetTier(tier).SetIndustry(industry).SetRegion("EMEA")
			if owner != 0 {
				q.SetOwnerID(owner)
			}
			return q.SaveX(ctx).ID
		}
		A := newAccount("A", account.TierSTRATEGIC, ada, "Retail")
		B := newAccount("B", account.TierKEY, bob, "Banking")
		C := newAccount("C", account.TierGENERAL, 0, "Retail")
		D := newAccount("D", account.TierSTRATEGIC, ada, "Retail") // A's segment
		planA := c.AccountPlan.Create().SetName("A").SetAccountID(A).SetStatus(accountplan.StatusACTIVE).SetPeriodStart(at(1, 1)).SetPeriodEnd(at(12, 31)).SaveX(ctx).ID
		planB := c.AccountPlan.Create().SetName("B").SetAccountID(B).SetPeriodStart(at(1, 1)).SetPeriodEnd(at(12, 31)).SaveX(ctx).ID

		deal := func(acc int, amount int64, currency string, opened time.Time, stage opportunity.Stage, closed *time.Time) int {
			return c.Opportunity.Create().SetName("Deal").SetAccountID(acc).SetAmount(amount).SetCurrency(currency).
				SetOpenedAt(opened).SetStage(stage).SetNillableClosedAt(closed).SaveX(ctx).ID
		}
		won := func(m, d int) *time.Time { v := at(m, d); return &v }
		d1 := deal(A, 1000, "USD", at(1, 10), opportunity.StageCLOSED_WON, won(3, 5))
		d2 := deal(A, 500, "EUR", at(2, 1), opportunity.StagePROPOSAL, nil)
		d3 := deal(B, 700, "USD", at(1, 20), opportunity.StageCLOSED_LOST, won(2, 2))
		d4 := deal(D, 300, "USD", at(3, 3), opportunity.StageCLOSED_WON, won(3, 30))
		deal(C, 200, "USD", at(4, 4), opportunity.StageQUALIFICATION, nil)
		revenue := func(acc int, start time.Time, starting, expansion, churn int64, currency string) int {
			return c.RevenueRecord.Create().SetAccountID(acc).SetPeriodStart(start).SetPeriodEnd(start.AddDate(0, 1, 0)).
				SetStartingRevenue(starting).SetExpansion(expansion).SetChurn(churn).SetCurrency(currency).SaveX(ctx).ID
		}
		r1 := revenue(A, at(1, 1), 100, 10, 0, "USD")
		revenue(A, at(2, 1), 110, 0, 110, "USD")
		r3 := revenue(B, at(1, 1), 0, 50, 0, "EUR")
		revenue(D, at(5, 1), 40, 5, 5, "USD")

		check := func(what string) {
			t.Helper()
			kept, keptSegments := snapshot(t, c), segments(t, c)
			if kept == "" {
				t.Fatalf("%s: the totals are empty", what)
			}
			recount(t, c)
			if counted := snapshot(t, c); kept != counted {
				t.Errorf("%s: the totals kept differ from a recount:\nkept:\n%s\nrecounted:\n%s", what, kept, counted)
			}
			// Every account the totals held is in the segment a recount puts it in.
			recounted := segments(t, c)
			for _, line := range strings.Split(keptSegments, "\n") {
				if !strings.Contains("\n"+recounted+"\n", "\n"+line+"\n") {
					t.Errorf("%s: account segment %q, recounted:\n%s", what, line, recounted)
				}
			}
		}
		check("after creating")

		// Deals: one at a time, in bulk, created in bulk, closed, reopened, deleted.
		c.Opportunity.UpdateOneID(d2).SetAmount(800).SetStage(opportunity.StageCLOSED_WON).ExecX(ctx)
		c.Opportunity.UpdateOneID(d1).SetStage(opportunity.StageNEGOTIATION).ExecX(ctx)
		c.Opportunity.Update().Where(opportunity.IDIn(d3, d4)).SetCurrency("EUR").ExecX(ctx)
		c.Opportunity.CreateBulk(
			c.Opportunity.Create().SetName("Bulk 1").SetAccountID(B).SetAmount(10).SetOpenedAt(at(6, 1)),
			c.Opportunity.Create().SetName("Bulk 2").SetAccountID(B).SetAmount(20).SetOpenedAt(at(6, 2)).SetStage(opportunity.StageCLOSED_WON).SetClosedAt(at(7, 1)),
			c.Opportunity.Create().SetName("Bulk 3").SetAccountID(C).SetAmount(30).SetOpenedAt(at(6, 3)),
		).ExecX(ctx)
		c.Opportunity.DeleteOneID(d4).ExecX(ctx)
		// Revenue records.
		c.RevenueRecord.UpdateOneID(r1).SetPeriodStart(at(3, 1)).SetPeriodEnd(at(4, 1)).ExecX(ctx)
		c.RevenueRecord.Update().Where(revenuerecord.HasAccountWith(account.IDIn(A, B))).AddExpansion(1).ExecX(ctx)
		c.RevenueRecord.DeleteOneID(r3).ExecX(ctx)
		check("after deals and revenue")

		// Segments: tier, owner, industry and region, plans and their status.
		c.Account.UpdateOneID(A).SetTier(account.TierKEY).ExecX(ctx)
		c.Account.UpdateOneID(B).SetOwnerID(ada).ExecX(ctx)
		c.Account.UpdateOneID(D).ClearOwner().ExecX(ctx)
		c.Account.Update().Where(account.IDIn(A, C)).SetRegion("APAC").SetIndustry("Media").ExecX(ctx)
		c.AccountPlan.UpdateOneID(planB).SetStatus(accountplan.StatusACTIVE).ExecX(ctx)
		c.AccountPlan.DeleteOneID(planA).ExecX(ctx)
		c.AccountPlan.Create().SetName("C").SetAccountID(C).SetStatus(accountplan.StatusACTIVE).SetPeriodStart(at(1, 1)).SetPeriodEnd(at(12, 31)).ExecX(ctx)
		c.AccountPlan.Update().Where(accountplan.HasAccountWith(account.ID(B))).SetStatus(accountplan.StatusARCHIVED).ExecX(ctx)
		check("after segment changes")

		// In transactions, committed and rolled back; a refused write.
		committed, err := c.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		committed.Opportunity.UpdateOneID(d2).SetAmount(900).ExecX(ctx)
		committed.Account.UpdateOneID(C).SetTier(account.TierSTRATEGIC).ExecX(ctx)
		committed.RevenueRecord.Create().SetAccountID(C).SetPeriodStart(at(8, 1)).SetPeriodEnd(at(9, 1)).SetStartingRevenue(60).ExecX(ctx)
		if err := committed.Commit(); err != nil {
			t.Fatal(err)
		}
		rolledBack, err := c.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rolledBack.Opportunity.UpdateOneID(d2).SetAmount(1).ExecX(ctx)
		rolledBack.Account.UpdateOneID(A).SetTier(account.TierGENERAL).ExecX(ctx)
		if err := rolledBack.Rollback(); err != nil {
			t.Fatal(err)
		}
		if err := c.Opportunity.UpdateOneID(d2).SetClosedAt(at(1, 1)).Exec(ctx); err == nil {
			t.Error("a deal closing before it opened was accepted")
		}
		check("after transactions")

		// Deleting an owner moves their accounts to the segment without one;
		// deleting an account takes it out.
		c.User.DeleteOneID(ada).ExecX(ctx)
		c.Account.DeleteOneID(B).ExecX(ctx)
		c.Account.Delete().Where(account.ID(D)).ExecX(ctx)
		check("after deletes")
	})
}

// TestTotals: the totals of one account, counted by hand: deals opened
// and closed by month, a won deal's cycle, and revenue by month, quarter
// and year, in the account's segment and its broad one (tier and plan).
func TestTotals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		ctx := context.Background()
		acc := c.Account.Create().SetName("Solo").SetTier(account.TierKEY).SetIndustry("Solo").SaveX(ctx).ID
		c.AccountPlan.Create().SetName("Plan").SetAccountID(acc).SetStatus(accountplan.StatusACTIVE).SetPeriodStart(at(1, 1)).SetPeriodEnd(at(12, 31)).ExecX(ctx)
		c.Opportunity.Create().SetName("Won").SetAccountID(acc).SetAmount(1000).SetOpenedAt(at(1, 10)).
			SetStage(opportunity.StageCLOSED_WON).SetClosedAt(at(3, 5)).ExecX(ctx)
		c.Opportunity.Create().SetName("Lost").SetAccountID(acc).SetAmount(300).SetOpenedAt(at(1, 20)).
			SetStage(opportunity.StageCLOSED_LOST).SetClosedAt(at(3, 6)).ExecX(ctx)
		c.RevenueRecord.Create().SetAccountID(acc).SetPeriodStart(at(1, 1)).SetPeriodEnd(at(2, 1)).SetStartingRevenue(100).SetExpansion(10).ExecX(ctx)
		c.RevenueRecord.Create().SetAccountID(acc).SetPeriodStart(at(2, 1)).SetPeriodEnd(at(3, 1)).SetStartingRevenue(110).SetChurn(110).ExecX(ctx)

		jan, mar := 2025*12, 2025*12+2
		fine, broad := "KEY 0 Solo  1 1 0", "KEY 0   1 1 1"
		var want []string
		for _, s := range []string{fine, broad} {
			want = append(want,
				// opened, amount, won, amount, days, lost, closed amount
				fmt.Sprintf("%s USD %d 2 1300 0 0 0 0 0", s, jan),
				fmt.Sprintf("%s USD %d 0 0 1 1000 54 1 1300", s, mar),
				// won cycles: days, deals
				fmt.Sprintf("%s USD %d 54 1", s, mar),
				// revenue: accounts, starting, expansion, contraction, churn, starting accounts, retained
				fmt.Sprintf("%s USD 1 %d 1 100 10 0 0 1 1", s, jan),
				fmt.Sprintf("%s USD 1 %d 1 110 0 0 110 1 0", s, jan+1),
				fmt.Sprintf("%s USD 3 %d 1 100 10 0 110 1 0", s, jan/3), // 100 + 10 - 110: not retained
				fmt.Sprintf("%s USD 12 2025 1 100 10 0 110 1 0", s),
			)
		}
		slices.Sort(want)
		if got := snapshot(t, c); got != strings.Join(want, "\n") {
			t.Errorf("totals:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
		}
	})
}

// TestCountAllAfterBroadSegments: a database whose totals were kept before
// there were broad segments (a fine segment names no broad one) is counted
// anew when the store opens, to what keeping them gives.
func TestCountAllAfterBroadSegments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		ctx := context.Background()
		acc := c.Account.Create().SetName("A").SaveX(ctx).ID
		c.Opportunity.Create().SetName("Deal").SetAccountID(acc).SetAmount(5).ExecX(ctx)
		c.RevenueRecord.Create().SetAccountID(acc).SetPeriodStart(at(1, 1)).SetPeriodEnd(at(2, 1)).SetStartingRevenue(7).ExecX(ctx)
		kept := snapshot(t, c)
		if _, err := c.ExecContext(ctx, totals.SQL(`UPDATE {segments} SET broad_segment = NULL`)); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ExecContext(ctx, totals.SQL(`DELETE FROM {segments} WHERE broad = 1`)); err != nil {
			t.Fatal(err)
		}
		if err := totals.CountAll(ctx, c); err != nil {
			t.Fatal(err)
		}
		if got := snapshot(t, c); got != kept {
			t.Errorf("counted anew:\n%s\nwant:\n%s", got, kept)
		}
		// Counting again when nothing is left out changes nothing.
		before := storetest.Dump(t, c)
		if err := totals.CountAll(ctx, c); err != nil {
			t.Fatal(err)
		}
		if changes := storetest.Changes(before, storetest.Dump(t, c)); changes != "" {
			t.Errorf("counting a counted database changed:\n%s", changes)
		}
	})
}

// TestHasPlan: the segment of an account knows whether it has a plan of
// any status, which the dated reports read (graph/metrics): a plan created
// in draft sets it, archiving keeps it, deleting the last plan clears it;
// the broad segment follows, and the totals move with the account.
func TestHasPlan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		ctx := viewer.NewContext(context.Background(), viewer.Open)
		acc := c.Account.Create().SetName("A").SetTier(account.TierKEY).SaveX(ctx).ID
		c.Opportunity.Create().SetName("Deal").SetAccountID(acc).SetAmount(5).SetOpenedAt(at(1, 1)).ExecX(ctx)
		hasPlan := func(what, want string) {
			t.Helper()
			got := strings.Join(lines(t, c, `SELECT s.broad, s.planned, s.has_plan FROM {segments} s
				WHERE s.id IN (SELECT d.segment FROM {deal_totals} d WHERE d.opened <> 0)`, 3), "; ")
			if got != want {
				t.Errorf("%s: segments holding the deal (broad planned has_plan) %s, want %s", what, got, want)
			}
		}
		hasPlan("without a plan", "0 0 0; 1 0 0")
		draft := c.AccountPlan.Create().SetName("Draft").SetAccountID(acc).SetPeriodStart(at(1, 1)).SetPeriodEnd(at(12, 31)).SaveX(ctx).ID
		hasPlan("with a draft", "0 0 1; 1 0 1")
		second := c.AccountPlan.Create().SetName("Second").SetAccountID(acc).SetStatus(accountplan.StatusACTIVE).
			SetPeriodStart(at(1, 1)).SetPeriodEnd(at(12, 31)).SaveX(ctx).ID
		hasPlan("with an active plan", "0 1 1; 1 1 1")
		c.AccountPlan.UpdateOneID(second).SetStatus(accountplan.StatusARCHIVED).ExecX(ctx)
		hasPlan("archived", "0 0 1; 1 0 1")
		c.AccountPlan.DeleteOneID(draft).ExecX(ctx)
		hasPlan("one plan deleted", "0 0 1; 1 0 1")
		c.AccountPlan.Delete().Where(accountplan.ID(second)).ExecX(ctx)
		hasPlan("the last deleted", "0 0 0; 1 0 0")
		tx, err := c.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tx.AccountPlan.Create().SetName("Rolled back").SetAccountID(acc).SetPeriodStart(at(1, 1)).SetPeriodEnd(at(12, 31)).ExecX(ctx)
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		hasPlan("a plan rolled back", "0 0 0; 1 0 0")
	})
}

// TestCountAllBeforeHasPlan: a database from before has_plan (NULL in every
// segment after the migration) is counted anew when the store opens.
func TestCountAllBeforeHasPlan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		ctx := context.Background()
		for _, name := range []string{"A", "B"} {
			acc := c.Account.Create().SetName(name).SaveX(ctx).ID
			c.Opportunity.Create().SetName("Deal").SetAccountID(acc).SetAmount(5).ExecX(ctx)
			if name == "B" {
				c.AccountPlan.Create().SetName("Plan").SetAccountID(acc).SetPeriodStart(at(1, 1)).SetPeriodEnd(at(12, 31)).ExecX(ctx)
			}
		}
		kept := snapshot(t, c)
		if _, err := c.ExecContext(ctx, totals.SQL(`UPDATE {segments} SET has_plan = NULL`)); err != nil {
			t.Fatal(err)
		}
		if err := totals.CountAll(ctx, c); err != nil {
			t.Fatal(err)
		}
		if got := snapshot(t, c); got != kept {
			t.Errorf("counted anew:\n%s\nwant:\n%s", got, kept)
		}
	})
}

// TestMigrate: the migration adds the totals' tables, the account column
// naming its segment and the rollup indexes.
func TestMigrate(t *testing.T) {
	storetest.EachStore(t, func(t *testing.T, s *store.Store) {
		query := `SELECT name FROM sqlite_master WHERE type = 'index'`
		if s.Dialect == "postgres" {
			query = `SELECT indexname FROM pg_indexes`
		}
		var indexes []string
		rows, err := s.DB.Query(query)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				t.Fatal(err)
			}
			indexes = append(indexes, name)
		}
		rows.Close()
		for _, name := range []string{"opportunity_account_rollup", "revenuerecord_account_rollup", totals.SegmentsTable + "_dimensions"} {
			if !slices.Contains(indexes, name) {
				t.Errorf("no index %s", name)
			}
		}
		for _, table := range totals.Tables() {
			if _, err := s.DB.Exec(`SELECT * FROM ` + table.Name); err != nil {
				t.Errorf("table %s: %v", table.Name, err)
			}
		}
		if _, err := s.DB.Exec(totals.SQL(`SELECT {account.segment} FROM {accounts}`)); err != nil {
			t.Error(err)
		}
	})
}

// TestSQL: the names in the totals' SQL text are the tables' and columns'.
func TestSQL(t *testing.T) {
	got := totals.SQL(`SELECT a.{account.segment}, o.{opportunity.closed_month} FROM {accounts} a JOIN {opportunities} o JOIN {deal_totals} WHERE o.{opportunity.stage} = '{won}'`)
	want := `SELECT a.metric_segment, o.closed_month FROM accounts a JOIN opportunities o JOIN metric_deal_totals WHERE o.stage = 'CLOSED_WON'`
	if got != want {
		t.Errorf("SQL = %s\nwant  %s", got, want)
	}
}

// TestTotalsInABulkCall: in a bulk call the accounts leave the totals at
// their first write and come back once, at Flush, with what a recount gives.
func TestTotalsInABulkCall(t *testing.T) {
	storetest.Each(t, func(t *testing.T, c *ent.Client) {
		ctx := viewer.NewContext(context.Background(), viewer.Open)
		acc := c.Account.Create().SetName("A").SetTier(account.TierKEY).SaveX(ctx).ID
		first := c.Opportunity.Create().SetName("first").SetAccountID(acc).SetAmount(100).SetOpenedAt(at(1, 2)).SaveX(ctx)
		tx, err := c.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		bctx, call := bulk.NewContext(ctx)
		creates := make([]*ent.OpportunityCreate, 5)
		for i := range creates {
			creates[i] = tx.Opportunity.Create().SetName(fmt.Sprint("deal ", i)).SetAccountID(acc).SetAmount(int64(1000 * (i + 1))).
				SetStage(opportunity.StageCLOSED_WON).SetOpenedAt(at(2, 1)).SetClosedAt(at(3, 1+i))
		}
		tx.Opportunity.CreateBulk(creates...).ExecX(bctx)
		tx.Opportunity.UpdateOneID(first.ID).SetAmount(250).ExecX(bctx)
		if held := call.Held("totals"); len(held) != 1 || held[0] != acc {
			t.Errorf("held accounts: %v", held)
		}
		if err := call.Flush(bctx, tx.Client()); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		kept := snapshot(t, c)
		recount(t, c)
		if got := snapshot(t, c); got != kept || !strings.Contains(kept, "15000") {
			t.Errorf("kept:\n%s\nrecounted:\n%s", kept, got)
		}
	})
}
