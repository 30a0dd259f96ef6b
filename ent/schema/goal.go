package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Goal is a measurable, time-bound aim of a plan.
type Goal struct{ ent.Schema }

// Mixin of the Goal.
func (Goal) Mixin() []ent.Mixin { return append(mixins(), VersionMixin{}) }

// Fields of the Goal.
func (Goal) Fields() []ent.Field {
	return []ent.Field{
		field.String("title").NotEmpty().MaxLen(300).
			Comment("e.g. Grow the account by $500K in 12 months.").
			Annotations(entgql.OrderField("TITLE")),
		field.Text("description").Comment("Details of the goal: why it matters to the customer and to us.").Optional(),
		field.String("metric").Optional().MaxLen(200).
			Comment("What is measured, e.g. annual recurring revenue."),
		field.String("baseline").Optional().Nillable().Match(decimalPattern).
			Comment("Value of the metric when the goal was set.").
			Annotations(decimal()...),
		field.String("target").Optional().Nillable().Match(decimalPattern).
			Comment("Value of the metric that achieves the goal.").
			Annotations(decimal()...),
		field.String("unit").Optional().MaxLen(50).
			Comment("Unit of baseline and target: a currency code such as USD, or %, deals, users..."),
		field.Time("due_at").Optional().Nillable().
			Comment("When the goal must be reached.").
			Annotations(entgql.OrderField("DUE_AT")),
		parentKey("plan_id", "account_plan_goals"),
	}
}

// Edges of the Goal.
func (Goal) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("plan", AccountPlan.Type).Comment("The plan the goal belongs to.").Ref("goals").Unique().Required().Immutable().Field("plan_id"),
		edge.To("objectives", Objective.Type).
			Comment("The shorter-term objectives the goal breaks into.").
			Annotations(cascadeConnection()...),
	}
}

// Indexes of the Goal: the parent edge, which every list of children reads by.
func (Goal) Indexes() []ent.Index {
	return []ent.Index{index.Edges("plan")}
}

// Annotations of the Goal.
func (Goal) Annotations() []schema.Annotation {
	return node("A measurable, time-bound goal of a plan: metric, baseline, target, unit and due date. Deleting a goal deletes its objectives, their KPIs and action items.")
}
