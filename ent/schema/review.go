package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Review is a planning meeting held for a plan.
type Review struct{ ent.Schema }

// Mixin of the Review.
func (Review) Mixin() []ent.Mixin { return mixins() }

// Fields of the Review.
func (Review) Fields() []ent.Field {
	return []ent.Field{
		field.Time("held_at").
			Comment("When the meeting took place.").
			Annotations(entgql.OrderField("HELD_AT")),
		field.Text("notes").Comment("What the review found and decided.").Optional(),
		parentKey("plan_id", "account_plan_reviews"),
	}
}

// Edges of the Review.
func (Review) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("plan", AccountPlan.Type).Comment("The plan reviewed.").Ref("reviews").Unique().Required().Immutable().Field("plan_id"),
		edge.To("attendees", User.Type).
			Comment("Our users who attended.").
			Annotations(entgql.RelayConnection()),
	}
}

// Indexes of the Review: the parent edge, which every list of children reads by.
func (Review) Indexes() []ent.Index {
	return []ent.Index{index.Edges("plan")}
}

// Annotations of the Review.
func (Review) Annotations() []schema.Annotation {
	return node("A planning meeting for a plan: when, who attended, notes. Each review starts from the action items of the one before.")
}
