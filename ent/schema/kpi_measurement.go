package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/accountplan/accountplan/ent/hook"
	"github.com/accountplan/accountplan/ent/schema/invariant"
)

// KPIMeasurement is one measured value of a KPI.
type KPIMeasurement struct{ ent.Schema }

// Mixin of the KPIMeasurement.
func (KPIMeasurement) Mixin() []ent.Mixin { return mixins() }

// Fields of the KPIMeasurement.
func (KPIMeasurement) Fields() []ent.Field {
	return []ent.Field{
		field.String("value").Comment("The value measured, in the KPI's unit, as an exact Decimal.").Match(decimalPattern).
			Annotations(decimal()...),
		field.Time("measured_at").Comment("When the value was measured; the latest measurement sets the KPI's currentValue.").Default(now).
			Annotations(entgql.OrderField("MEASURED_AT")),
		field.Text("note").Comment("Where the value comes from, or what explains it.").Optional(),
	}
}

// Edges of the KPIMeasurement.
func (KPIMeasurement) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("kpi", KPI.Type).Comment("The KPI measured.").Ref("measurements").Unique().Required().Immutable(),
	}
}

// Indexes of the KPIMeasurement: the parent edge, which every list of children reads by.
func (KPIMeasurement) Indexes() []ent.Index {
	return []ent.Index{index.Edges("kpi")}
}

// Annotations of the KPIMeasurement.
func (KPIMeasurement) Annotations() []schema.Annotation {
	return node("One measured value of a KPI. Recording the newest measurement sets the KPI's currentValue.",
		entgql.QueryField("kpiMeasurements"))
}

// Hooks of the KPIMeasurement: recording the newest measurement sets the KPI's current value.
func (KPIMeasurement) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(invariant.KPICurrentValue, ent.OpCreate)}
}
