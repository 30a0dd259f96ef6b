package store

import (
	"context"
	"fmt"
	"slices"

	"entgo.io/ent/dialect/sql/schema"

	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/opportunity"
	"github.com/accountplan/accountplan/ent/revenuerecord"
	entschema "github.com/accountplan/accountplan/ent/schema"
)

// rollupIndexes are indexes for the metric rollups that ent's schema cannot
// declare, because an index declared there lists an edge's column after the
// fields, and these lead with the account. The rollups read each account's
// rows from an index alone, rather than every whole row of the table: on
// 200,000 deals that took a quarter off the deals statement on SQLite. The
// revenue statement groups records per account, currency and calendar
// period in the order of its index, which SQLite then needs no sort for.
var rollupIndexes = []struct {
	table, name string
	columns     []string
}{
	{opportunity.Table, "opportunity_account_rollup", []string{
		opportunity.AccountColumn, opportunity.FieldStage, opportunity.FieldOpenedDay, opportunity.FieldOpenedMonth,
		opportunity.FieldClosedDay, opportunity.FieldClosedMonth, opportunity.FieldAmount, opportunity.FieldCurrency,
	}},
	{revenuerecord.Table, "revenuerecord_account_rollup", []string{
		revenuerecord.AccountColumn, revenuerecord.FieldCurrency, revenuerecord.FieldPeriodStartYear,
		revenuerecord.FieldPeriodStartQuarter, revenuerecord.FieldPeriodStartMonth, revenuerecord.FieldPeriodStartDay,
		revenuerecord.FieldPeriodStart, revenuerecord.FieldStartingRevenue, revenuerecord.FieldExpansion,
		revenuerecord.FieldContraction, revenuerecord.FieldChurn,
	}},
}

// withMetricsTables adds to the migration what the metrics need beyond ent's
// schema: rollupIndexes, and the metric totals' tables and account column
// (ent/schema/metric_totals.go). It changes copies: ent's tables are shared
// by every store.
func withMetricsTables(next schema.Creator) schema.Creator {
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
				copied.Columns = append(slices.Clone(t.Columns), entschema.AccountSegment)
			}
			tables[i] = &copied
		}
		return next.Create(ctx, append(tables, entschema.TotalsTables()...)...)
	})
}
