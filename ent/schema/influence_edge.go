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
	"github.com/accountplan/accountplan/ent/schema/mapversion"
	"github.com/accountplan/accountplan/ent/schema/schematype"
)

// InfluenceEdge is a directed, typed link between two stakeholders beyond the reporting line.
type InfluenceEdge struct{ ent.Schema }

// Mixin of the InfluenceEdge.
func (InfluenceEdge) Mixin() []ent.Mixin { return append(mixins(), SyncMixin{}) }

// Fields of the InfluenceEdge.
func (InfluenceEdge) Fields() []ent.Field {
	return []ent.Field{
		externalID(),
		field.Enum("kind").Annotations(valueDocs{
			"INFLUENCES":     "`from` sways `to`'s decisions, with the edge's strength.",
			"CONFLICTS_WITH": "They work against each other.",
			"INFORMAL":       "A dotted reporting line from `from` to `to`.",
		}).Values("INFLUENCES", "CONFLICTS_WITH", "INFORMAL").Default("INFLUENCES").
			Comment("INFLUENCES: `from` sways `to`'s decisions; CONFLICTS_WITH: they work against each other; INFORMAL: a dotted reporting line.").
			Annotations(entgql.OrderField("KIND")),
		field.Int("strength").Default(3).Validate(schematype.Within(1, 5)).
			Comment("How strong the link is, from 1 (weak) to 5 (strong).").
			Annotations(entgql.OrderField("STRENGTH")),
		field.Text("note").Comment("What the influence rests on, e.g. they golf together.").Optional(),
		parentKey("from_id", "stakeholder_influence_out"),
		parentKey("to_id", "stakeholder_influence_in"),
	}
}

// Edges of the InfluenceEdge.
func (InfluenceEdge) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("from", Stakeholder.Type).Ref("influence_out").Unique().Required().Immutable().Field("from_id").
			Comment("The stakeholder the link starts from."),
		edge.From("to", Stakeholder.Type).Ref("influence_in").Unique().Required().Immutable().Field("to_id").
			Comment("The stakeholder the link points to: of the same account, never `from` itself."),
	}
}

// Indexes of the InfluenceEdge: one link per pair and kind, led by from for
// the outgoing edges (named by edge fields, since ent puts Fields before
// Edges); the incoming edges.
func (InfluenceEdge) Indexes() []ent.Index {
	return []ent.Index{index.Fields("from_id", "to_id", "kind").Unique(), index.Edges("to")}
}

// Annotations of the InfluenceEdge.
func (InfluenceEdge) Annotations() []schema.Annotation {
	return node("A directed link between two stakeholders of one account beyond the reporting line: influence (with a strength), conflict, or an informal dotted line. These may form cycles; one link per pair and kind.")
}

// Hooks of the InfluenceEdge: its account's map version moves; it joins two
// different stakeholders of one account.
func (InfluenceEdge) Hooks() []ent.Hook {
	return []ent.Hook{mapversion.TouchMaps, hook.On(invariant.InfluenceEdgeJoinsOneAccount, ent.OpCreate)}
}
