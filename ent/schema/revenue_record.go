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

// RevenueRecord is an account's revenue movement over one period.
type RevenueRecord struct{ ent.Schema }

// Mixin of the RevenueRecord.
func (RevenueRecord) Mixin() []ent.Mixin { return append(mixins(), SyncMixin{}) }

// Fields of the RevenueRecord.
func (RevenueRecord) Fields() []ent.Field {
	return append([]ent.Field{
		externalID(),
		field.Time("period_start").
			Comment("First day of the period; unique per account.").
			Annotations(entgql.OrderField("PERIOD_START")),
		field.Time("period_end").
			Comment("Last day of the period; always after periodStart.").
			Annotations(entgql.OrderField("PERIOD_END")),
		field.Int64("starting_revenue").Default(0).Min(0).
			Comment("Recurring revenue at the start of the period, in minor units.").
			Annotations(money, entgql.OrderField("STARTING_REVENUE")),
		field.Int64("expansion").Default(0).Min(0).
			Comment("Revenue added by existing customers during the period (upsell, cross-sell).").
			Annotations(money),
		field.Int64("contraction").Default(0).Min(0).
			Comment("Revenue lost to downgrades during the period.").
			Annotations(money),
		field.Int64("churn").Default(0).Min(0).
			Comment("Revenue lost to cancellations during the period.").
			Annotations(money),
		currency(),
		parentKey("account_id", "account_revenue_records"),
	}, calendarFields("period_start")...)
}

// Edges of the RevenueRecord.
func (RevenueRecord) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("account", Account.Type).Comment("The account the revenue is from.").Ref("revenue_records").Unique().Required().Immutable().Field("account_id"),
	}
}

// Indexes of the RevenueRecord.
func (RevenueRecord) Indexes() []ent.Index {
	return []ent.Index{index.Fields("period_start").Edges("account").Unique(), index.Edges("account")}
}

// Annotations of the RevenueRecord.
func (RevenueRecord) Annotations() []schema.Annotation {
	return node("An account's recurring revenue over one period: starting revenue, expansion, contraction and churn. Feeds retention and net revenue retention (NRR).")
}

// Hooks of the RevenueRecord: the period ends after it starts; the calendar
// numbers and the metric totals follow it.
func (RevenueRecord) Hooks() []ent.Hook {
	return []ent.Hook{
		hook.On(invariant.RevenuePeriod, writes),
		calendar.Hook("period_start"),
		totals.Hook(ent.OpCreate | ent.OpUpdate | ent.OpUpdateOne | ent.OpDelete | ent.OpDeleteOne),
	}
}
