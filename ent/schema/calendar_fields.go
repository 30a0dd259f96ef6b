package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/field"

	"github.com/accountplan/accountplan/ent/schema/calendar"
)

// calendarFields are the day and month numbers of a time field. They are
// optional only for rows written before they existed, which the store fills
// in when it migrates.
func calendarFields(timeField string) []ent.Field {
	fields := []ent.Field{
		field.Int(calendar.DayField(timeField)).Optional().Nillable().
			Comment("Calendar day (UTC) of " + timeField + ", in days since 1970-01-01; kept by a hook.").
			Annotations(entgql.Skip()),
		field.Int(calendar.MonthField(timeField)).Optional().Nillable().
			Comment("Calendar month (UTC) of " + timeField + ", in months since January of year 0; kept by a hook.").
			Annotations(entgql.Skip()),
	}
	if calendar.StartsPeriods(timeField) {
		fields = append(fields,
			field.Int(calendar.QuarterField(timeField)).Optional().Nillable().
				Comment("Calendar quarter (UTC) of "+timeField+", in quarters since year 0; kept by a hook.").
				Annotations(entgql.Skip()),
			field.Int(calendar.YearField(timeField)).Optional().Nillable().
				Comment("Calendar year (UTC) of "+timeField+"; kept by a hook.").
				Annotations(entgql.Skip()))
	}
	return fields
}
