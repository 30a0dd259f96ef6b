// Package calendar keeps calendar numbers beside the times the metric
// rollups read, so that their statements compare and bucket integers instead
// of reading time text (SQLite) on every row. A hook keeps them in step with
// the times in the same mutation; they are hidden from the API and from the
// change history.
package calendar

import (
	"context"
	"errors"
	"strings"
	"time"

	"entgo.io/ent"

	"github.com/accountplan/accountplan/ent/hook"
)

// Now is the current time at the precision every supported database keeps
// (PostgreSQL stores microseconds), so a value returned on create equals the
// value read back later.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// Day numbers the calendar day (UTC) of t: days since 1970-01-01.
func Day(t time.Time) int {
	s := t.Unix()
	d := s / 86400
	if s%86400 < 0 {
		d-- // floor, for times before 1970
	}
	return int(d)
}

// Month numbers the calendar month (UTC) of t: months since January of year 0.
func Month(t time.Time) int {
	t = t.UTC()
	return t.Year()*12 + int(t.Month()) - 1
}

// DayField, MonthField, QuarterField and YearField name the calendar numbers
// of a time field. Quarters and years are numbered from year 0, as months.
func DayField(timeField string) string     { return strings.TrimSuffix(timeField, "_at") + "_day" }
func MonthField(timeField string) string   { return strings.TrimSuffix(timeField, "_at") + "_month" }
func QuarterField(timeField string) string { return strings.TrimSuffix(timeField, "_at") + "_quarter" }
func YearField(timeField string) string    { return strings.TrimSuffix(timeField, "_at") + "_year" }

// StartsPeriods tells whether a time field starts periods, and so also has
// quarter and year numbers: the rollups group a revenue record by them (and
// by its month) in the order of an index, with no sort (see
// ent/schema/totals). Those numbers are never cleared: the field is required.
func StartsPeriods(timeField string) bool { return timeField == "period_start" }

// Hook sets or clears the numbers of the time fields a write sets or
// clears. It must run after any hook that sets or clears those fields.
func Hook(timeFields ...string) ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			for _, f := range timeFields {
				var err error
				if v, ok := m.Field(f); ok {
					t := v.(time.Time)
					err = errors.Join(m.SetField(DayField(f), Day(t)), m.SetField(MonthField(f), Month(t)))
					if StartsPeriods(f) && err == nil {
						err = errors.Join(m.SetField(QuarterField(f), Month(t)/3), m.SetField(YearField(f), Month(t)/12))
					}
				} else if m.FieldCleared(f) {
					err = errors.Join(m.ClearField(DayField(f)), m.ClearField(MonthField(f)))
				}
				if err != nil {
					return nil, err
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
}
