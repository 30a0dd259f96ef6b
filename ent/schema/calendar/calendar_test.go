package calendar_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/opportunity"
	"github.com/accountplan/accountplan/ent/revenuerecord"
	"github.com/accountplan/accountplan/ent/schema/calendar"
	"github.com/accountplan/accountplan/ent/store"
	"github.com/accountplan/accountplan/ent/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// at parses an RFC 3339 time; its offset is kept.
func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestDay: days since 1970-01-01 of the UTC day, floored before 1970, whatever the offset.
func TestDay(t *testing.T) {
	for _, c := range []struct {
		at   string
		want int
	}{
		{"1970-01-01T00:00:00Z", 0},
		{"1970-01-01T23:59:59.999999999Z", 0},
		{"1970-01-02T00:00:00Z", 1},
		{"1969-12-31T23:59:59Z", -1},
		{"1969-12-31T00:00:00Z", -1},
		{"1969-12-30T12:00:00Z", -2},
		{"1900-03-01T06:00:00Z", -25508},
		{"2000-01-01T00:00:00Z", 10957},
		{"2024-02-29T12:00:00Z", 19782},
		{"2024-03-01T01:00:00+02:00", 19782}, // 2024-02-29T23:00Z
		{"2024-03-31T23:30:00-02:00", 19814}, // 2024-04-01T01:30Z
		{"2024-12-31T23:59:59.999Z", 20088},
		{"2025-01-01T00:00:00Z", 20089},
	} {
		if got := calendar.Day(at(t, c.at)); got != c.want {
			t.Errorf("Day(%s) = %d, want %d", c.at, got, c.want)
		}
	}
}

// TestMonth: months since January of year 0 of the UTC month, whatever the offset.
func TestMonth(t *testing.T) {
	for _, c := range []struct {
		at   string
		want int
	}{
		{"0000-01-01T00:00:00Z", 0},
		{"0000-12-31T00:00:00Z", 11},
		{"0001-01-01T00:00:00Z", 12},
		{"1969-12-31T23:59:59Z", 1969*12 + 11},
		{"1970-01-01T00:00:00Z", 1970 * 12},
		{"2024-01-15T00:00:00Z", 2024 * 12},
		{"2024-12-31T23:59:59Z", 2024*12 + 11},
		{"2025-01-01T00:30:00+01:00", 2024*12 + 11}, // 2024-12-31T23:30Z
		{"2024-03-31T23:30:00-02:00", 2024*12 + 3},  // 2024-04-01T01:30Z
	} {
		if got := calendar.Month(at(t, c.at)); got != c.want {
			t.Errorf("Month(%s) = %d, want %d", c.at, got, c.want)
		}
	}
}

// TestFieldNames: the numbers of a time field are named after it; only a
// field that starts periods has quarter and year numbers.
func TestFieldNames(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{calendar.DayField("opened_at"), "opened_day"},
		{calendar.MonthField("closed_at"), "closed_month"},
		{calendar.DayField("period_start"), "period_start_day"},
		{calendar.MonthField("period_start"), "period_start_month"},
		{calendar.QuarterField("period_start"), "period_start_quarter"},
		{calendar.YearField("period_start"), "period_start_year"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	for field, want := range map[string]bool{"period_start": true, "opened_at": false, "closed_at": false, "period_end": false} {
		if got := calendar.StartsPeriods(field); got != want {
			t.Errorf("StartsPeriods(%s) = %v, want %v", field, got, want)
		}
	}
}

// TestNow: the current time in UTC, at microseconds.
func TestNow(t *testing.T) {
	before := time.Now()
	now := calendar.Now()
	if now.Location() != time.UTC || now.Nanosecond()%1000 != 0 || now.Before(before.Truncate(time.Microsecond)) || now.After(time.Now()) {
		t.Errorf("Now() = %v", now)
	}
}

// numbers are the calendar numbers of a record's time fields, by field name.
type numbers map[string]*int

func opportunityNumbers(o *ent.Opportunity) numbers {
	return numbers{"opened_day": o.OpenedDay, "opened_month": o.OpenedMonth, "closed_day": o.ClosedDay, "closed_month": o.ClosedMonth}
}

func revenueNumbers(r *ent.RevenueRecord) numbers {
	return numbers{"period_start_day": r.PeriodStartDay, "period_start_month": r.PeriodStartMonth,
		"period_start_quarter": r.PeriodStartQuarter, "period_start_year": r.PeriodStartYear}
}

// expect are the numbers of the times, computed without the hook: nil for no time.
func expect(fields map[string]*time.Time) numbers {
	out := numbers{}
	for field, v := range fields {
		for _, name := range []string{calendar.DayField(field), calendar.MonthField(field), calendar.QuarterField(field), calendar.YearField(field)} {
			if (name == calendar.QuarterField(field) || name == calendar.YearField(field)) && !calendar.StartsPeriods(field) {
				continue
			}
			out[name] = nil
		}
		if v == nil {
			continue
		}
		day, month := calendar.Day(*v), calendar.Month(*v)
		out[calendar.DayField(field)], out[calendar.MonthField(field)] = &day, &month
		if calendar.StartsPeriods(field) {
			quarter, year := month/3, v.UTC().Year()
			out[calendar.QuarterField(field)], out[calendar.YearField(field)] = &quarter, &year
		}
	}
	return out
}

func check(t *testing.T, what string, got, want numbers) {
	t.Helper()
	for name, w := range want {
		g := got[name]
		if (g == nil) != (w == nil) || (g != nil && *g != *w) {
			t.Errorf("%s: %s = %v, want %v", what, name, show(g), show(w))
		}
	}
}

func show(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestHook: every write that sets a time sets its numbers, and every write
// that clears it clears them: creates, single and bulk updates, on both
// types that keep them.
func TestHook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, client *ent.Client) {
		ctx := context.Background()
		acc := client.Account.Create().SetName("Acme").SaveX(ctx)
		opened, closed, moved := at(t, "2024-03-31T23:30:00-02:00"), at(t, "2024-06-30T22:00:00-05:00"), at(t, "1969-12-31T23:00:00Z")
		read := func(id int) numbers { return opportunityNumbers(client.Opportunity.GetX(ctx, id)) }

		deal := client.Opportunity.Create().SetName("Renewal").SetAccountID(acc.ID).SetOpenedAt(opened).SaveX(ctx)
		want := expect(map[string]*time.Time{"opened_at": &opened, "closed_at": nil})
		check(t, "created, as returned", opportunityNumbers(deal), want)
		check(t, "created", read(deal.ID), want)

		client.Opportunity.UpdateOneID(deal.ID).SetClosedAt(closed).ExecX(ctx)
		check(t, "closed", read(deal.ID), expect(map[string]*time.Time{"opened_at": &opened, "closed_at": &closed}))

		// A bulk update sets both ends of the sales cycle (see the invariants).
		client.Opportunity.Update().Where(opportunity.ID(deal.ID)).SetOpenedAt(moved).SetClosedAt(closed).ExecX(ctx)
		check(t, "bulk update", read(deal.ID), expect(map[string]*time.Time{"opened_at": &moved, "closed_at": &closed}))

		client.Opportunity.UpdateOneID(deal.ID).ClearClosedAt().ExecX(ctx)
		check(t, "reopened", read(deal.ID), expect(map[string]*time.Time{"opened_at": &moved, "closed_at": nil}))

		// Closing by stage sets closedAt, and so its numbers.
		client.Opportunity.UpdateOneID(deal.ID).SetStage(opportunity.StageCLOSED_LOST).ExecX(ctx)
		got := client.Opportunity.GetX(ctx, deal.ID)
		check(t, "closed by stage", opportunityNumbers(got), expect(map[string]*time.Time{"opened_at": &moved, "closed_at": got.ClosedAt}))
		client.Opportunity.Update().Where(opportunity.ID(deal.ID)).SetStage(opportunity.StagePROPOSAL).ExecX(ctx)
		check(t, "reopened by stage, in bulk", read(deal.ID), expect(map[string]*time.Time{"opened_at": &moved, "closed_at": nil}))

		// Revenue records also number the quarter and year of their period start.
		start, end := at(t, "2024-03-31T23:30:00-02:00"), at(t, "2024-07-01T00:00:00Z")
		rec := client.RevenueRecord.Create().SetAccountID(acc.ID).SetPeriodStart(start).SetPeriodEnd(end).SaveX(ctx)
		check(t, "revenue record created", revenueNumbers(client.RevenueRecord.GetX(ctx, rec.ID)), expect(map[string]*time.Time{"period_start": &start}))
		if q := *client.RevenueRecord.GetX(ctx, rec.ID).PeriodStartQuarter; q != 2024*4+1 {
			t.Errorf("the quarter of April 2024 is %d, want %d", q, 2024*4+1)
		}
		start = at(t, "2023-12-31T23:59:59Z")
		client.RevenueRecord.UpdateOneID(rec.ID).SetPeriodStart(start).ExecX(ctx)
		check(t, "revenue record moved", revenueNumbers(client.RevenueRecord.GetX(ctx, rec.ID)), expect(map[string]*time.Time{"period_start": &start}))
		start = at(t, "2025-01-01T00:00:00+01:00")
		client.RevenueRecord.Update().Where(revenuerecord.ID(rec.ID)).SetPeriodStart(start).SetPeriodEnd(start.AddDate(1, 0, 0)).ExecX(ctx)
		check(t, "revenue record moved in bulk", revenueNumbers(client.RevenueRecord.GetX(ctx, rec.ID)), expect(map[string]*time.Time{"period_start": &start}))

		// A write that sets no time leaves the numbers alone.
		client.RevenueRecord.UpdateOneID(rec.ID).SetExpansion(5).ExecX(ctx)
		check(t, "revenue record without a new period", revenueNumbers(client.RevenueRecord.GetX(ctx, rec.ID)), expect(map[string]*time.Time{"period_start": &start}))
	})
}

// TestFill: the store fills the numbers of rows written before they
// existed, every one of them, and leaves rows without times alone.
func TestFill(t *testing.T) {
	storetest.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		client := s.Client
		acc := client.Account.Create().SetName("Acme").SaveX(ctx)
		opened, closed := at(t, "2024-03-31T23:30:00-02:00"), at(t, "2019-01-01T00:00:00Z")
		open := client.Opportunity.Create().SetName("Open").SetAccountID(acc.ID).SetOpenedAt(opened).SaveX(ctx)
		done := client.Opportunity.Create().SetName("Won").SetAccountID(acc.ID).SetOpenedAt(closed.AddDate(-1, 0, 0)).SetClosedAt(closed).
			SetStage(opportunity.StageCLOSED_WON).SaveX(ctx)
		start := at(t, "2023-10-01T00:00:00Z")
		rec := client.RevenueRecord.Create().SetAccountID(acc.ID).SetPeriodStart(start).SetPeriodEnd(start.AddDate(0, 3, 0)).SaveX(ctx)
		rec2 := client.RevenueRecord.Create().SetAccountID(acc.ID).SetPeriodStart(closed).SetPeriodEnd(closed.AddDate(0, 3, 0)).SaveX(ctx)
		plan := client.AccountPlan.Create().SetName("Plan").SetAccountID(acc.ID).SetPeriodStart(start).SetPeriodEnd(opened).SaveX(ctx)

		// As a database from before the numbers: all of them empty, or (a
		// database from before quarters and years) only those.
		for _, st := range []string{
			`UPDATE opportunities SET opened_day = NULL, opened_month = NULL, closed_day = NULL, closed_month = NULL`,
			`UPDATE revenue_records SET period_start_day = NULL, period_start_month = NULL, period_start_quarter = NULL, period_start_year = NULL WHERE id = ` + strconv.Itoa(rec.ID),
			`UPDATE revenue_records SET period_start_quarter = NULL, period_start_year = NULL WHERE id = ` + strconv.Itoa(rec2.ID),
			`UPDATE account_plans SET period_start_day = NULL, period_start_month = NULL, period_end_day = NULL, period_end_month = NULL`,
		} {
			if _, err := client.ExecContext(ctx, st); err != nil {
				t.Fatal(err)
			}
		}
		if err := calendar.Fill(ctx, s.DB, s.Dialect); err != nil {
			t.Fatal(err)
		}
		check(t, "open deal", opportunityNumbers(client.Opportunity.GetX(ctx, open.ID)), expect(map[string]*time.Time{"opened_at": &open.OpenedAt, "closed_at": nil}))
		check(t, "won deal", opportunityNumbers(client.Opportunity.GetX(ctx, done.ID)), expect(map[string]*time.Time{"opened_at": &done.OpenedAt, "closed_at": &closed}))
		check(t, "revenue record", revenueNumbers(client.RevenueRecord.GetX(ctx, rec.ID)), expect(map[string]*time.Time{"period_start": &start}))
		// A plan's period in days, which the metrics' plan phases compare.
		p := client.AccountPlan.GetX(ctx, plan.ID)
		if p.PeriodStartDay == nil || *p.PeriodStartDay != calendar.Day(start) || p.PeriodEndDay == nil || *p.PeriodEndDay != calendar.Day(opened) ||
			p.PeriodEndMonth == nil || *p.PeriodEndMonth != calendar.Month(opened) {
			t.Errorf("plan: days %v %v, end month %v, want %d %d %d", p.PeriodStartDay, p.PeriodEndDay, p.PeriodEndMonth, calendar.Day(start), calendar.Day(opened), calendar.Month(opened))
		}
		check(t, "revenue record without a quarter", revenueNumbers(client.RevenueRecord.GetX(ctx, rec2.ID)), expect(map[string]*time.Time{"period_start": &closed}))

		// Once filled, filling again changes nothing.
		before := storetest.Dump(t, client)
		if err := calendar.Fill(ctx, s.DB, s.Dialect); err != nil {
			t.Fatal(err)
		}
		if changes := storetest.Changes(before, storetest.Dump(t, client)); changes != "" {
			t.Errorf("filling a filled database changed:\n%s", changes)
		}
	})
}
