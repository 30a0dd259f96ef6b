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
		field.Enum("kind").Annotations(valueDocs{
			"STRENGTH":    "Where we are strong in this account.",
			"WEAKNESS":    "Where we are weak in this account.",
			"OPPORTUNITY": "What we could win.",
			"THREAT":      "What could cost us the account, e.g. a competitor.",
		}).Comment("Which quadrant of the SWOT analysis the item is in.").Values("STRENGTH", "WEAKNESS", "OPPORTUNITY", "THREAT").
			Annotations(entgql.OrderField("KIND")),
		field.Text("text").Comment("The strength, weakness, opportunity or threat, in a line.").NotEmpty(),
	}
}

// Edges of the SwotItem.
func (SwotItem) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("plan", AccountPlan.Type).Comment("The plan whose SWOT analysis this item is part of.").Ref("swot_items").Unique().Required().Immutable(),
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
