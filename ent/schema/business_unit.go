package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// BusinessUnit is a division of a customer account.
type BusinessUnit struct{ ent.Schema }

// Mixin of the BusinessUnit.
func (BusinessUnit) Mixin() []ent.Mixin { return append(mixins(), SyncMixin{}) }

// Fields of the BusinessUnit.
func (BusinessUnit) Fields() []ent.Field {
	return []ent.Field{
		externalID(),
		field.String("name").NotEmpty().MaxLen(200).
			Comment("Name of the division; unique within the account.").
			Annotations(entgql.OrderField("NAME")),
		field.Text("description").Comment("What the business unit does and what it buys.").Optional(),
		parentKey("account_id", "account_business_units"),
	}
}

// Edges of the BusinessUnit.
func (BusinessUnit) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("account", Account.Type).Comment("The account the business unit belongs to.").Ref("business_units").Unique().Required().Immutable().Field("account_id"),
		edge.To("stakeholders", Stakeholder.Type).
			Comment("Stakeholders who work in this business unit.").
			Annotations(detachConnection()...),
		edge.To("whitespace_cells", WhitespaceCell.Type).
			Comment("This business unit's row of the whitespace matrix.").
			Annotations(cascadeConnection()...),
	}
}

// Indexes of the BusinessUnit.
func (BusinessUnit) Indexes() []ent.Index {
	return []ent.Index{index.Fields("name").Edges("account").Unique(), index.Edges("account")}
}

// Annotations of the BusinessUnit.
func (BusinessUnit) Annotations() []schema.Annotation {
	return node("A division of a customer: a row of the whitespace matrix. Deleting it deletes its whitespace cells; its stakeholders stay, without a business unit.")
}
