package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/accountplan/accountplan/ent/schema/mapversion"
)

// relationshipLevels run from the weakest to the strongest standing with a stakeholder.
var relationshipLevels = []string{"VENDOR", "CREDIBLE_SOURCE", "PROBLEM_SOLVER", "TRUSTED_ADVISOR"}

// relationshipLevelDocs say what each level means.
var relationshipLevelDocs = valueDocs{
	"VENDOR":          "We are one vendor among others.",
	"CREDIBLE_SOURCE": "They trust what we say.",
	"PROBLEM_SOLVER":  "They bring us their problems to solve.",
	"TRUSTED_ADVISOR": "They seek our advice before deciding.",
}

// Relationship is one of our users' standing with one stakeholder.
type Relationship struct{ ent.Schema }

// Mixin of the Relationship.
func (Relationship) Mixin() []ent.Mixin { return append(mixins(), SyncMixin{}) }

// Fields of the Relationship.
func (Relationship) Fields() []ent.Field {
	return []ent.Field{
		externalID(),
		field.Enum("current_level").Annotations(relationshipLevelDocs).Values(relationshipLevels...).Default("VENDOR").
			Comment("How the stakeholder sees our user today: VENDOR, CREDIBLE_SOURCE, PROBLEM_SOLVER or TRUSTED_ADVISOR.").
			Annotations(entgql.OrderField("CURRENT_LEVEL")),
		field.Enum("desired_level").Annotations(relationshipLevelDocs).Values(relationshipLevels...).Optional().Nillable().
			Comment("The level we are working towards."),
		field.Time("last_contact_at").Comment("When our user last spoke with the stakeholder.").Optional().Nillable().
			Annotations(entgql.OrderField("LAST_CONTACT_AT")),
		field.Text("note").Comment("Notes on the relationship.").Optional(),
		parentKey("stakeholder_id", "stakeholder_relationships"),
		parentKey("user_id", "user_relationships"),
	}
}

// Edges of the Relationship.
func (Relationship) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Comment("Our user in the relationship.").Ref("relationships").Unique().Required().Immutable().Field("user_id"),
		edge.From("stakeholder", Stakeholder.Type).Comment("The customer's stakeholder in the relationship.").Ref("relationships").Unique().Required().Immutable().Field("stakeholder_id"),
	}
}

// Indexes of the Relationship.
func (Relationship) Indexes() []ent.Index {
	return []ent.Index{index.Edges("user", "stakeholder").Unique(), index.Edges("stakeholder")}
}

// Annotations of the Relationship.
func (Relationship) Annotations() []schema.Annotation {
	return node("One of our users' relationship with one stakeholder: the current and desired level and the last contact. One per user and stakeholder.")
}

// Hooks of the Relationship: its account's map changes.
func (Relationship) Hooks() []ent.Hook { return []ent.Hook{mapversion.TouchMaps} }
