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

// WhitespaceCell is one business unit × product cell of an account's whitespace matrix.
type WhitespaceCell struct{ ent.Schema }

// Mixin of the WhitespaceCell.
func (WhitespaceCell) Mixin() []ent.Mixin { return mixins() }

// Fields of the WhitespaceCell.
func (WhitespaceCell) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("status").Annotations(valueDocs{
			"IN_USE":      "The business unit uses the product.",
			"OPPORTUNITY": "The business unit could use it: potential to sell.",
			"COMPETITOR":  "The business unit uses a competitor's product.",
			"NOT_A_FIT":   "The product does not fit the business unit.",
			"UNKNOWN":     "Not yet known.",
		}).Values("IN_USE", "OPPORTUNITY", "COMPETITOR", "NOT_A_FIT", "UNKNOWN").Default("UNKNOWN").
			Comment("IN_USE: they use our product here; OPPORTUNITY: room to expand; COMPETITOR: a competitor's product is in place; NOT_A_FIT; UNKNOWN.").
			Annotations(entgql.OrderField("STATUS")),
		field.Int64("potential_value").Optional().Nillable().Min(0).
			Comment("Estimated value of the cell, in minor units of the currency. Empty potential marks unexplored whitespace.").
			Annotations(money, entgql.OrderField("POTENTIAL_VALUE")),
		field.Int64("current_value").Default(0).Min(0).
			Comment("Revenue we already earn in the cell, in minor units of the currency.").
			Annotations(money, entgql.OrderField("CURRENT_VALUE")),
		currency(),
		field.String("competitor").Optional().MaxLen(200).
			Comment("The competitor in place, where there is one."),
		field.Text("note").Comment("Notes on the cell: who uses what, or why it is not a fit.").Optional(),
	}
}

// Edges of the WhitespaceCell.
func (WhitespaceCell) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("account", Account.Type).Comment("The account of the cell's business unit.").Ref("whitespace_cells").Unique().Required().Immutable(),
		edge.From("business_unit", BusinessUnit.Type).Ref("whitespace_cells").Unique().Required().Immutable().
			Comment("The row: a business unit of the same account."),
		edge.From("product", Product.Type).Ref("whitespace_cells").Unique().Required().Immutable().
			Comment("The column: one of our products."),
	}
}

// Indexes of the WhitespaceCell: one cell per account, business unit and
// product, and the cells of a business unit or a product.
func (WhitespaceCell) Indexes() []ent.Index {
	return []ent.Index{index.Edges("account", "business_unit", "product").Unique(), index.Edges("business_unit"), index.Edges("product")}
}

// Annotations of the WhitespaceCell.
func (WhitespaceCell) Annotations() []schema.Annotation {
	return node("One business unit × product cell of an account's whitespace matrix; unique per account, business unit and product.")
}

// Hooks of the WhitespaceCell: its business unit belongs to its account.
func (WhitespaceCell) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(invariant.WhitespaceCellOfOneAccount, ent.OpCreate)}
}
