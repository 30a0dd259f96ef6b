package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// KPI is a key performance indicator of an objective.
type KPI struct{ ent.Schema }

// Mixin of the KPI.
func (KPI) Mixin() []ent.Mixin { return append(mixins(), VersionMixin{}) }

// Fields of the KPI.
func (KPI) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Comment("What the KPI measures, e.g. NPS or weekly active users.").NotEmpty().MaxLen(200).
			Annotations(entgql.OrderField("NAME")),
		field.String("unit").Optional().MaxLen(50).
			Comment("Unit of target and values: a currency code such as USD, or %, meetings, users..."),
		field.String("target").Comment("The value the KPI should reach, in its unit, as an exact Decimal.").Optional().Nillable().Match(decimalPattern).
			Annotations(decimal()...),
		field.String("current_value").Optional().Nillable().Match(decimalPattern).
			Comment("The latest measured value; recording a newer measurement updates it.").
			Annotations(decimal()...),
		parentKey("objective_id", "objective_kpis"),
	}
}

// Edges of the KPI.
func (KPI) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("objective", Objective.Type).Comment("The objective this KPI measures.").Ref("kpis").Unique().Required().Immutable().Field("objective_id"),
		edge.To("measurements", KPIMeasurement.Type).
			Comment("The history of measured values.").
			Annotations(cascadeConnection()...),
	}
}

// Indexes of the KPI: the parent edge, which every list of children reads by.
func (KPI) Indexes() []ent.Index {
	return []ent.Index{index.Edges("objective")}
}

// Annotations of the KPI.
func (KPI) Annotations() []schema.Annotation {
	return node("A key performance indicator of an objective: unit, target, current value and the history of measurements.",
		entsql.Table("kpis"), entgql.QueryField("kpis"))
}
