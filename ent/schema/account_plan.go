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

// AccountPlan is the living plan for one account and one period.
type AccountPlan struct{ ent.Schema }

// Mixin of the AccountPlan.
func (AccountPlan) Mixin() []ent.Mixin { return append(mixins(), VersionMixin{}, SyncMixin{}) }

// Fields of the AccountPlan.
func (AccountPlan) Fields() []ent.Field {
	return append([]ent.Field{
		externalID(),
		field.String("name").NotEmpty().MaxLen(200).
			Comment("Title of the plan, e.g. FY27 Expansion.").
			Annotations(entgql.OrderField("NAME")),
		field.Enum("type").Annotations(valueDocs{
			"ACQUISITION":      "Win a new customer.",
			"EXPANSION":        "Grow an existing customer: upsell and cross-sell.",
			"CUSTOMER_SUCCESS": "Keep a customer: adoption, satisfaction and renewal.",
		}).Values("ACQUISITION", "EXPANSION", "CUSTOMER_SUCCESS").Default("EXPANSION").
			Comment("What the plan sets out to do: win the account, grow it, or make it successful.").
			Annotations(entgql.OrderField("TYPE")),
		field.Enum("status").Annotations(valueDocs{
			"DRAFT":    "Being written; not yet in force.",
			"ACTIVE":   "In force: the team works to it and plan health judges it.",
			"ARCHIVED": "No longer in force; kept for the record.",
		}).Values("DRAFT", "ACTIVE", "ARCHIVED").Default("DRAFT").
			Comment("DRAFT while being written, ACTIVE while in force, ARCHIVED afterwards.").
			Annotations(entgql.OrderField("STATUS")),
		field.Time("period_start").
			Comment("First day of the period the plan covers.").
			Annotations(entgql.OrderField("PERIOD_START")),
		field.Time("period_end").
			Comment("Last day of the period the plan covers; always after periodStart.").
			Annotations(entgql.OrderField("PERIOD_END")),
		field.Enum("review_cadence").Annotations(valueDocs{
			"WEEKLY":    "Reviewed every week.",
			"MONTHLY":   "Reviewed every month.",
			"QUARTERLY": "Reviewed every quarter, as tiers 1 and 2 require.",
			"ANNUAL":    "Reviewed once a year.",
		}).Values("WEEKLY", "MONTHLY", "QUARTERLY", "ANNUAL").Default("QUARTERLY").
			Comment("How often the team reviews the plan."),
		field.Text("customer_goals").Optional().Comment("Overview: the customer's own goals."),
		field.Text("challenges").Optional().Comment("Overview: the customer's challenges."),
		field.Text("key_initiatives").Optional().Comment("Overview: the customer's key initiatives."),
		field.Text("competitors").Optional().Comment("Overview: competitors present in the account."),
		field.Text("team_structure").Optional().Comment("Overview: how the customer's team is organised."),
		parentKey("account_id", "account_plans"),
		optionalKey("owner_id", "user_owned_plans"),
	}, append(calendarFields("period_start"), calendarFields("period_end")...)...)
}

// Edges of the AccountPlan.
func (AccountPlan) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("account", Account.Type).Comment("The account this plan is for.").Ref("plans").Unique().Required().Immutable().Field("account_id"),
		edge.From("owner", User.Type).Ref("owned_plans").Unique().Field("owner_id").
			Comment("Our user accountable for the plan."),
		edge.To("goals", Goal.Type).
			Comment("The plan's goals; 3 to 6 is the guide.").
			Annotations(cascadeConnection()...),
		edge.To("action_items", ActionItem.Type).
			Comment("Every action item of the plan, with or without an objective.").
			Annotations(cascadeConnection()...),
		edge.To("insights", Insight.Type).
			Comment("Customer insights: goals, pressures, initiatives, obstacles, solutions.").
			Annotations(cascadeConnection()...),
		edge.To("swot_items", SwotItem.Type).
			Comment("Strengths, weaknesses, opportunities and threats.").
			Annotations(cascadeConnection()...),
		edge.To("reviews", Review.Type).
			Comment("Planning meetings held for this plan.").
			Annotations(cascadeConnection()...),
		edge.To("feedback", Feedback.Type).
			Comment("Customer feedback gathered for this plan.").
			Annotations(detachConnection()...),
		edge.To("opportunities", Opportunity.Type).
			Comment("Deals pursued under this plan.").
			Annotations(detachConnection()...),
	}
}

// Indexes of the AccountPlan: every edge, which lists of children read by.
func (AccountPlan) Indexes() []ent.Index {
	return []ent.Index{index.Edges("account"), index.Edges("owner")}
}

// Annotations of the AccountPlan.
func (AccountPlan) Annotations() []schema.Annotation {
	return node("The living plan for one account and one period: research, goals, objectives, KPIs and action items. Deleting a plan deletes its goals, objectives, KPIs, action items, insights, SWOT items and reviews; feedback and opportunities stay, without the plan.")
}

// Hooks of the AccountPlan: the period ends after it starts; the calendar
// numbers of the period (which the metrics' plan phases read) follow it; the
// metric totals follow whether its account has an ACTIVE plan.
func (AccountPlan) Hooks() []ent.Hook {
	return []ent.Hook{
		hook.On(invariant.PlanPeriod, writes),
		calendar.Hook("period_start", "period_end"),
		totals.Hook(ent.OpCreate | ent.OpUpdate | ent.OpUpdateOne | ent.OpDelete | ent.OpDeleteOne),
	}
}
