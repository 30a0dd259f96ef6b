package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/accountplan/accountplan/ent/hook"
	"github.com/accountplan/accountplan/ent/schema/calendar"
	"github.com/accountplan/accountplan/ent/schema/invariant"
	"github.com/accountplan/accountplan/ent/schema/totals"
)

// Opportunity is a deal in an account.
type Opportunity struct{ ent.Schema }

// Mixin of the Opportunity.
func (Opportunity) Mixin() []ent.Mixin { return append(mixins(), SyncMixin{}) }

// Fields of the Opportunity.
func (Opportunity) Fields() []ent.Field {
	return append([]ent.Field{
		field.String("name").Comment("The deal's name, as the CRM shows it.").NotEmpty().MaxLen(300).
			Annotations(entgql.OrderField("NAME")),
		externalID(),
		field.Int64("amount").Default(0).Min(0).
			Comment("Deal value, in minor units of the currency.").
			Annotations(money, entgql.OrderField("AMOUNT")),
		currency(),
		field.Enum("stage").Annotations(valueDocs{
			"PROSPECTING":   "A possible deal, not yet qualified.",
			"QUALIFICATION": "Checking need, budget, authority and timing.",
			"PROPOSAL":      "A proposal is with the customer.",
			"NEGOTIATION":   "Agreeing terms.",
			"CLOSED_WON":    "Won: counts in win rate and sales cycle length.",
			"CLOSED_LOST":   "Lost: counts in win rate.",
		}).Values("PROSPECTING", "QUALIFICATION", "PROPOSAL", "NEGOTIATION", "CLOSED_WON", "CLOSED_LOST").Default("PROSPECTING").
			Comment("Sales stage. Moving to CLOSED_WON or CLOSED_LOST records closedAt when none is given.").
			Annotations(entgql.OrderField("STAGE")),
		field.Time("opened_at").Default(now).
			Comment("When the deal was created in the sales process; start of the sales cycle.").
			Annotations(entgql.OrderField("OPENED_AT")),
		field.Time("closed_at").Optional().Nillable().
			Comment("When the deal was won or lost; never before openedAt.").
			Annotations(entgql.OrderField("CLOSED_AT")),
		parentKey("account_id", "account_opportunities"),
	}, append(calendarFields("opened_at"), calendarFields("closed_at")...)...)
}

// Edges of the Opportunity.
func (Opportunity) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("account", Account.Type).Comment("The account the deal is in.").Ref("opportunities").Unique().Required().Immutable().Field("account_id"),
		edge.From("plan", AccountPlan.Type).Ref("opportunities").Unique().
			Comment("The plan the deal is pursued under; of the same account."),
		edge.From("product", Product.Type).Comment("The product sold, when the deal is for one.").Ref("opportunities").Unique(),
		edge.From("owner", User.Type).Comment("Our user who owns the deal.").Ref("owned_opportunities").Unique(),
	}
}

// Indexes of the Opportunity: by stage, and every edge.
func (Opportunity) Indexes() []ent.Index {
	return []ent.Index{index.Fields("stage", "closed_at"), index.Edges("account"), index.Edges("plan"), index.Edges("product"), index.Edges("owner")}
}

// Annotations of the Opportunity.
func (Opportunity) Annotations() []schema.Annotation {
	return node("A deal in an account: amount, stage, product and dates. Closed deals feed win rate and sales cycle length.")
}

// Hooks of the Opportunity: its plan belongs to its account, a closed deal has
// a close date, and it never closes before it opened; the calendar numbers
// and the metric totals follow it.
func (Opportunity) Hooks() []ent.Hook {
	return []ent.Hook{
		hook.On(invariant.OpportunityRules, writes),
		calendar.Hook("opened_at", "closed_at"),
		totals.Hook(ent.OpCreate | ent.OpUpdate | ent.OpUpdateOne | ent.OpDelete | ent.OpDeleteOne),
	}
}
