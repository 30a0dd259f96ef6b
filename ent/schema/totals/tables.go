package totals

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"entgo.io/ent/dialect/sql/schema"
	"entgo.io/ent/schema/field"

	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/change"
	"github.com/accountplan/accountplan/ent/opportunity"
	"github.com/accountplan/accountplan/ent/revenuerecord"
)

// The tables of the totals and the account column naming its segment. Migrate
// adds them to ent's migration; ent's generated code never reads them.
const (
	AccountSegmentColumn = "metric_segment"
	SegmentsTable        = "metric_segments"
	DealTotalsTable      = "metric_deal_totals"
	WonCyclesTable       = "metric_won_cycles"
	RevenueTotalsTable   = "metric_revenue_totals"
)

// revenuePeriods are the calendar periods revenue totals are kept for, by
// length in months, and the column numbering a record's period of that
// length: the starting revenue and retention of an account in a period
// depend on all its records there, so no period sums from shorter ones.
var revenuePeriods = []struct {
	months int
	column string
}{{1, "{revenue.period_start_month}"}, {3, "{revenue.period_start_quarter}"}, {12, "{revenue.period_start_year}"}}

// AccountSegment is the column added to the accounts table.
var AccountSegment = &schema.Column{Name: AccountSegmentColumn, Type: field.TypeInt, Nullable: true}

// Tables are the tables of the totals, for the migration.
func Tables() []*schema.Table {
	text := func(name string) *schema.Column { return &schema.Column{Name: name, Type: field.TypeString} }
	integer := func(name string) *schema.Column { return &schema.Column{Name: name, Type: field.TypeInt64} }
	table := func(name string, key []*schema.Column, sums ...string) *schema.Table {
		t := &schema.Table{Name: name, Columns: key, PrimaryKey: key}
		for _, s := range sums {
			t.Columns = append(t.Columns, integer(s))
		}
		return t
	}
	id := &schema.Column{Name: "id", Type: field.TypeInt, Increment: true}
	// broad is 1 for a broad segment, whose owner, industry and region are
	// 0 and ''; broad_segment names the broad segment of a fine one.
	// has_plan is 1 when the accounts have a plan of any status: the dated
	// reports read the other segments whole. It is NULL in a database from
	// before it, which CountAll then counts anew.
	hasPlan := &schema.Column{Name: "has_plan", Type: field.TypeInt64, Nullable: true}
	dims := []*schema.Column{text("tier"), integer("owner"), text("industry"), text("region"), integer("planned"),
		{Name: "broad", Type: field.TypeInt64, Default: 0}}
	columns := append([]*schema.Column{id}, dims...)
	columns = append(columns, &schema.Column{Name: "broad_segment", Type: field.TypeInt, Nullable: true}, hasPlan)
	dims = append(dims, hasPlan)
	segments := &schema.Table{Name: SegmentsTable, Columns: columns, PrimaryKey: []*schema.Column{id},
		Indexes: []*schema.Index{{Name: SegmentsTable + "_dimensions", Unique: true, Columns: dims}}}
	return []*schema.Table{
		segments,
		// Per segment, currency and month: deals opened, and deals closed won or lost.
		table(DealTotalsTable, []*schema.Column{integer("segment"), text("currency"), integer("month")},
			"opened", "opened_amount", "won", "won_amount", "won_days", "lost", "closed_amount"),
		// Deals won per segment, currency, month closed and sales cycle in days: the median's input.
		table(WonCyclesTable, []*schema.Column{integer("segment"), text("currency"), integer("month"), integer("days")}, "deals"),
		// Per segment, currency and calendar period of each length in revenuePeriods.
		table(RevenueTotalsTable, []*schema.Column{integer("segment"), text("currency"), integer("months"), integer("period")},
			"accounts", "starting", "expansion", "contraction", "churn", "starting_accounts", "retained_accounts"),
	}
}

// rollupIndexes are indexes for the metric rollups, added by Migrate rather
// than declared in ent's schema, where an index could list an edge's column
// only after the fields until the account edges had fields (account_id).
// They lead with the account, so that the rollups read each account's rows
// from an index alone rather than the whole rows. The
// revenue statement groups records per account, currency and calendar
// period in the order of its index, which SQLite then needs no sort for.
var rollupIndexes = []struct {
	table, name string
	columns     []string
}{
	{opportunity.Table, "opportunity_account_rollup", []string{
		opportunity.FieldAccountID, opportunity.FieldStage, opportunity.FieldOpenedDay, opportunity.FieldOpenedMonth,
		opportunity.FieldClosedDay, opportunity.FieldClosedMonth, opportunity.FieldAmount, opportunity.FieldCurrency,
	}},
	{revenuerecord.Table, "revenuerecord_account_rollup", []string{
		revenuerecord.FieldAccountID, revenuerecord.FieldCurrency, revenuerecord.FieldPeriodStartYear,
		revenuerecord.FieldPeriodStartQuarter, revenuerecord.FieldPeriodStartMonth, revenuerecord.FieldPeriodStartDay,
		revenuerecord.FieldPeriodStart, revenuerecord.FieldStartingRevenue, revenuerecord.FieldExpansion,
		revenuerecord.FieldContraction, revenuerecord.FieldChurn,
	}},
}

// Migrate adds to ent's migration what the metrics need beyond ent's
// schema: rollupIndexes, and the metric totals' tables and account column
// (this package). It changes copies: ent's tables are shared
// by every store.
func Migrate(next schema.Creator) schema.Creator {
	return schema.CreateFunc(func(ctx context.Context, tables ...*schema.Table) error {
		tables = slices.Clone(tables)
		for i, t := range tables {
			copied := *t
			for _, x := range rollupIndexes {
				if x.table != t.Name {
					continue
				}
				idx := &schema.Index{Name: x.name}
				for _, name := range x.columns {
					c, ok := t.Column(name)
					if !ok {
						return fmt.Errorf("index %s: table %s has no column %s", x.name, t.Name, name)
					}
					idx.Columns = append(idx.Columns, c)
				}
				copied.Indexes = append(slices.Clone(copied.Indexes), idx)
			}
			if t.Name == account.Table {
				copied.Columns = append(slices.Clone(t.Columns), AccountSegment)
			}
			tables[i] = &copied
		}
		return next.Create(ctx, append(tables, Tables()...)...)
	})
}

// SQL replaces the {names} in the SQL text of the metric totals and
// the rollups (graph/metrics) by tables, columns and enum values. The
// statements above take no arguments: the IDs in them are numbers read from
// the database, and the enum values are the schema's.
func SQL(text string) string { return metricsNames.Replace(text) }

var metricsNames = strings.NewReplacer(
	"{segments}", SegmentsTable,
	"{deal_totals}", DealTotalsTable,
	"{won_cycles}", WonCyclesTable,
	"{revenue_totals}", RevenueTotalsTable,
	"{accounts}", account.Table,
	"{account.id}", account.FieldID,
	"{account.segment}", AccountSegmentColumn,
	"{account.tier}", account.FieldTier,
	"{account.owner}", account.FieldOwnerID,
	"{account.industry}", account.FieldIndustry,
	"{account.region}", account.FieldRegion,
	"{plans}", accountplan.Table,
	"{plan.id}", accountplan.FieldID,
	"{plan.account}", accountplan.FieldAccountID,
	"{plan.status}", accountplan.FieldStatus,
	"{plan.period_start_day}", accountplan.FieldPeriodStartDay,
	"{plan.period_end_day}", accountplan.FieldPeriodEndDay,
	"{changes}", change.Table,
	"{change.id}", change.FieldID,
	"{change.at}", change.FieldAt,
	"{change.operation}", change.FieldOperation,
	"{change.subject_type}", change.FieldSubjectType,
	"{change.subject_id}", change.FieldSubjectID,
	"{change.fields}", change.FieldFields,
	"{opportunities}", opportunity.Table,
	"{opportunity.id}", opportunity.FieldID,
	"{opportunity.account}", opportunity.FieldAccountID,
	"{opportunity.plan}", opportunity.PlanColumn,
	"{opportunity.amount}", opportunity.FieldAmount,
	"{opportunity.currency}", opportunity.FieldCurrency,
	"{opportunity.stage}", opportunity.FieldStage,
	"{opportunity.opened_at}", opportunity.FieldOpenedAt,
	"{opportunity.closed_at}", opportunity.FieldClosedAt,
	"{opportunity.opened_day}", opportunity.FieldOpenedDay,
	"{opportunity.opened_month}", opportunity.FieldOpenedMonth,
	"{opportunity.closed_day}", opportunity.FieldClosedDay,
	"{opportunity.closed_month}", opportunity.FieldClosedMonth,
	"{revenue_records}", revenuerecord.Table,
	"{revenue.account}", revenuerecord.FieldAccountID,
	"{revenue.period_start}", revenuerecord.FieldPeriodStart,
	"{revenue.period_start_day}", revenuerecord.FieldPeriodStartDay,
	"{revenue.period_start_month}", revenuerecord.FieldPeriodStartMonth,
	"{revenue.period_start_quarter}", revenuerecord.FieldPeriodStartQuarter,
	"{revenue.period_start_year}", revenuerecord.FieldPeriodStartYear,
	"{revenue.starting_revenue}", revenuerecord.FieldStartingRevenue,
	"{revenue.expansion}", revenuerecord.FieldExpansion,
	"{revenue.contraction}", revenuerecord.FieldContraction,
	"{revenue.churn}", revenuerecord.FieldChurn,
	"{revenue.currency}", revenuerecord.FieldCurrency,
	"{active}", string(accountplan.StatusACTIVE),
	"{won}", string(opportunity.StageCLOSED_WON),
	"{lost}", string(opportunity.StageCLOSED_LOST),
)
