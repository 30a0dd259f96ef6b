package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// SwotItem is one entry of a plan's SWOT analysis.
type SwotItem struct{ ent.Schema }

// Mixin of the SwotItem.
func (SwotItem) Mixin() []ent.Mixin { return mixins() }

// Fields of the SwotItem.
func (SwotItem) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").Values("STRENGTH", "WEAKNESS", "OPPORTUNITY", "THREAT").
			Annotations(entgql.OrderField("KIND")),
		field.Text("text").NotEmpty(),
	}
}

// Edges of the SwotItem.
func (SwotItem) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("plan", AccountPlan.Type).Ref("swot_items").Unique().Required().Immutable(),
	}
}

// Indexes of the SwotItem: the parent edge, which every list of children reads by.
func (SwotItem) Indexes() []ent.Index {
	return []ent.Index{index.Edges("plan")}
}

// Annotations of the SwotItem.
func (SwotItem) Annotations() []schema.Annotation {
	return node("One strength, weakness, opportunity or threat of a plan's SWOT analysis.")
}
