package calendar

import (
	"context"
	"database/sql"
	"fmt"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/opportunity"
	"github.com/accountplan/accountplan/ent/revenuerecord"
)

// calendarTimes are the time columns that have calendar numbers beside them
// (see Hook), by table.
var calendarTimes = map[string][]string{
	opportunity.Table:   {opportunity.FieldOpenedAt, opportunity.FieldClosedAt},
	revenuerecord.Table: {revenuerecord.FieldPeriodStart},
	accountplan.Table:   {accountplan.FieldPeriodStart, accountplan.FieldPeriodEnd},
}

// Fill sets the calendar numbers of rows written before those
// columns existed, which the migration added empty; writes through ent keep
// them from then on. Once every row has them, it costs one scan per table.
func Fill(ctx context.Context, db *sql.DB, dialect string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	for table, columns := range calendarTimes {
		var missing []*entsql.Predicate
		for _, col := range columns {
			unset := entsql.IsNull(DayField(col))
			if StartsPeriods(col) {
				unset = entsql.Or(unset, entsql.IsNull(QuarterField(col)))
			}
			missing = append(missing, entsql.And(entsql.NotNull(col), unset))
		}
		query, args := entsql.Dialect(dialect).Select(append([]string{"id"}, columns...)...).
			From(entsql.Table(table)).Where(entsql.Or(missing...)).Query()
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		times := map[int][]sql.NullTime{}
		for rows.Next() {
			var id int
			t := make([]sql.NullTime, len(columns))
			dest := []any{&id}
			for i := range t {
				dest = append(dest, &t[i])
			}
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return err
			}
			times[id] = t
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for id, t := range times {
			update := entsql.Dialect(dialect).Update(table).Where(entsql.EQ("id", id))
			for i, col := range columns {
				if t[i].Valid {
					month := Month(t[i].Time)
					update.Set(DayField(col), Day(t[i].Time)).Set(MonthField(col), month)
					if StartsPeriods(col) {
						update.Set(QuarterField(col), month/3).Set(YearField(col), month/12)
					}
				}
			}
			query, args := update.Query()
			if _, err := tx.ExecContext(ctx, query, args...); err != nil {
				return fmt.Errorf("filling the calendar numbers of %s: %w", table, err)
			}
		}
	}
	return tx.Commit()
}
