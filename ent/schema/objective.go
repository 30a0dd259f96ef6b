package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Objective is a shorter-term, owned step towards a goal.
type Objective struct{ ent.Schema }

// Mixin of the Objective.
func (Objective) Mixin() []ent.Mixin { return append(mixins(), VersionMixin{}) }

// Fields of the Objective.
func (Objective) Fields() []ent.Field {
	return []ent.Field{
		field.String("title").Comment("The objective, in a line: a measurable step towards the goal.").NotEmpty().MaxLen(300).
			Annotations(entgql.OrderField("TITLE")),
		field.Text("description").Comment("Details of the objective.").Optional(),
		field.Enum("status").Annotations(valueDocs{
			"NOT_STARTED": "Work has not begun.",
			"IN_PROGRESS": "Being worked on.",
			"DEFERRED":    "Put off to later.",
			"ACHIEVED":    "Reached.",
			"CANCELED":    "Dropped.",
		}).Comment("How far the objective has come.").Values("NOT_STARTED", "IN_PROGRESS", "DEFERRED", "ACHIEVED", "CANCELED").Default("NOT_STARTED").
			Annotations(entgql.OrderField("STATUS")),
		field.Time("due_at").Comment("When the objective is due.").Optional().Nillable().
			Annotations(entgql.OrderField("DUE_AT")),
		parentKey("goal_id", "goal_objectives"),
		optionalKey("owner_id", "user_owned_objectives"),
	}
}

// Edges of the Objective.
func (Objective) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("goal", Goal.Type).Comment("The goal this objective serves.").Ref("objectives").Unique().Required().Immutable().Field("goal_id"),
		edge.From("owner", User.Type).Ref("owned_objectives").Unique().Field("owner_id").
			Comment("Our user who owns the objective."),
		edge.To("kpis", KPI.Type).
			Comment("How progress on the objective is measured.").
			Annotations(cascadeConnection()...),
		edge.To("action_items", ActionItem.Type).
			Comment("The action items that carry the objective out.").
			Annotations(cascadeConnection()...),
	}
}

// Indexes of the Objective: every edge, which lists of children read by.
func (Objective) Indexes() []ent.Index {
	return []ent.Index{index.Edges("goal"), index.Edges("owner")}
}

// Annotations of the Objective.
func (Objective) Annotations() []schema.Annotation {
	return node("A shorter-term, owned objective under a goal, with a status, a due date, KPIs and action items. Deleting it deletes its KPIs and action items.")
}
