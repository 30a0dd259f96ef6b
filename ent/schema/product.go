package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/accountplan/accountplan/ent/privacy"
	"github.com/accountplan/accountplan/ent/schema/rule"
)

// Product is one of our offerings.
type Product struct{ ent.Schema }

// Mixin of the Product.
func (Product) Mixin() []ent.Mixin { return append(mixins(), SyncMixin{}) }

// Fields of the Product.
func (Product) Fields() []ent.Field {
	return []ent.Field{
		externalID(),
		field.String("name").NotEmpty().MaxLen(200).Unique().
			Comment("Name of the offering; unique.").
			Annotations(entgql.OrderField("NAME")),
		field.String("family").Optional().MaxLen(100).
			Comment("Product family or line, e.g. Analytics.").
			Annotations(entgql.OrderField("FAMILY")),
		field.Text("description").Comment("What the product does, for the whitespace map and the deals.").Optional(),
	}
}

// Edges of the Product.
func (Product) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("whitespace_cells", WhitespaceCell.Type).
			Comment("This product's column of the whitespace matrices.").
			Annotations(cascadeConnection()...),
		edge.To("opportunities", Opportunity.Type).
			Comment("Deals for this product.").
			Annotations(detachConnection()...),
	}
}

// Annotations of the Product.
func (Product) Annotations() []schema.Annotation {
	return node("One of our offerings: a column of the whitespace matrix. Deleting it deletes its whitespace cells and clears it from opportunities.")
}

// Policy of the Product: the catalogue is the admins'.
func (Product) Policy() ent.Policy {
	return privacy.Policy{Mutation: privacy.MutationPolicy{rule.DenyAll("only an admin may change the product catalogue")}}
}
