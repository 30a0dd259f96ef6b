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

// ActionItem is a task that carries out an objective.
type ActionItem struct{ ent.Schema }

// Mixin of the ActionItem.
func (ActionItem) Mixin() []ent.Mixin { return append(mixins(), VersionMixin{}, SyncMixin{}) }

// Fields of the ActionItem.
func (ActionItem) Fields() []ent.Field {
	return []ent.Field{
		externalID(),
		field.String("title").Comment("What is to be done, in a line.").NotEmpty().MaxLen(300).
			Annotations(entgql.OrderField("TITLE")),
		field.Text("description").Comment("Details of the action item.").Optional(),
		field.Enum("status").Annotations(valueDocs{
			"OPEN":        "Not started.",
			"IN_PROGRESS": "Being worked on.",
			"BLOCKED":     "Cannot go on until something else happens.",
			"DONE":        "Done; completedAt says when.",
			"CANCELED":    "Will not be done.",
		}).Values("OPEN", "IN_PROGRESS", "BLOCKED", "DONE", "CANCELED").Default("OPEN").
			Comment("Setting DONE records completedAt; leaving DONE clears it.").
			Annotations(entgql.OrderField("STATUS")),
		field.Time("due_at").Comment("When the action item is due; overdue open items lower the plan's health.").Optional().Nillable().
			Annotations(entgql.OrderField("DUE_AT")),
		field.Time("completed_at").Optional().Nillable().
			Comment("When the item was done.").
			Annotations(entgql.OrderField("COMPLETED_AT")),
		parentKey("plan_id", "account_plan_action_items"),
		optionalKey("review_id", "review_action_items"),
		optionalKey("objective_id", "objective_action_items"),
		optionalKey("owner_id", "user_action_items"),
		optionalKey("stakeholder_owner_id", "stakeholder_action_items"),
	}
}

// Edges of the ActionItem.
func (ActionItem) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("plan", AccountPlan.Type).Comment("The plan the action item belongs to.").Ref("action_items").Unique().Required().Immutable().Field("plan_id"),
		edge.From("objective", Objective.Type).Ref("action_items").Unique().Field("objective_id").
			Comment("The objective the item carries out; of the same plan."),
		edge.From("owner", User.Type).Ref("action_items").Unique().Field("owner_id").
			Comment("Our user who owns the item. An item has at most one owner: a user or a stakeholder."),
		edge.From("stakeholder_owner", Stakeholder.Type).Ref("action_items").Unique().Field("stakeholder_owner_id").
			Comment("The customer stakeholder who owns the item, for a mutual action plan; of the plan's account."),
		edge.From("review", Review.Type).Ref("action_items").Unique().Field("review_id").
			Comment("The meeting that raised the item; of the plan's account."),
	}
}

// Indexes of the ActionItem: every edge, which lists of children read by.
func (ActionItem) Indexes() []ent.Index {
	return []ent.Index{index.Edges("plan"), index.Edges("objective"), index.Edges("owner"), index.Edges("stakeholder_owner"), index.Edges("review")}
}

// Annotations of the ActionItem.
func (ActionItem) Annotations() []schema.Annotation {
	return node("A task of a plan, usually under an objective, owned by one of our users or, in a mutual action plan, by a customer stakeholder.")
}

// Hooks of the ActionItem: one owner at most, objective of the same plan,
// stakeholder owner and review of the plan's account, completedAt follows status.
func (ActionItem) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(invariant.ActionItemRules, writes)}
}
