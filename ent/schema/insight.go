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

// Insight is a structured piece of customer research in a plan.
type Insight struct{ ent.Schema }

// Mixin of the Insight.
func (Insight) Mixin() []ent.Mixin { return mixins() }

// Fields of the Insight.
func (Insight) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").Annotations(valueDocs{
			"GOAL":       "What the customer wants to achieve.",
			"PRESSURE":   "What pushes the customer: market, competition, regulation.",
			"INITIATIVE": "A project the customer runs to reach a goal.",
			"OBSTACLE":   "What stands in the customer's way.",
			"SOLUTION":   "How we can help.",
		}).Values("GOAL", "PRESSURE", "INITIATIVE", "OBSTACLE", "SOLUTION").
			Comment("What the insight is about.").
			Annotations(entgql.OrderField("KIND")),
		field.Text("text").Comment("The insight, in the customer's words where possible.").NotEmpty(),
		field.Bool("confirmed").Default(false).
			Comment("Whether the customer has confirmed it."),
		parentKey("plan_id", "account_plan_insights"),
	}
}

// Edges of the Insight.
func (Insight) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("plan", AccountPlan.Type).Comment("The plan whose research this insight is part of.").Ref("insights").Unique().Required().Immutable().Field("plan_id"),
		edge.From("stakeholder", Stakeholder.Type).Ref("insights").Unique().
			Comment("The stakeholder who owns the goal, pressure or initiative; of the plan's account."),
	}
}

// Indexes of the Insight: every edge, which lists of children read by.
func (Insight) Indexes() []ent.Index {
	return []ent.Index{index.Edges("plan"), index.Edges("stakeholder")}
}

// Annotations of the Insight.
func (Insight) Annotations() []schema.Annotation {
	return node("Customer research in a plan: a goal, pressure, initiative, obstacle or solution, optionally owned by a stakeholder and confirmed by the customer.")
}

// Hooks of the Insight: its stakeholder belongs to the plan's account.
func (Insight) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(invariant.InsightStakeholderOfPlanAccount, writes)}
}
