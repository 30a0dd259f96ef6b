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
	"github.com/accountplan/accountplan/ent/schema/schematype"
)

// Feedback is what the customer told us, ad hoc or through a survey or interview.
type Feedback struct{ ent.Schema }

// Mixin of the Feedback.
func (Feedback) Mixin() []ent.Mixin { return append(mixins(), SyncMixin{}) }

// Fields of the Feedback.
func (Feedback) Fields() []ent.Field {
	return []ent.Field{
		externalID(),
		field.Enum("kind").Annotations(valueDocs{
			"AD_HOC":            "Said in passing: a call, a meeting, an e-mail.",
			"PROJECT_SURVEY":    "A survey at the end of a project.",
			"CONTRACT_SURVEY":   "A survey at a contract milestone, such as renewal.",
			"ACCOUNT_INTERVIEW": "A structured interview about the whole relationship.",
		}).Comment("How the feedback was gathered.").Values("AD_HOC", "PROJECT_SURVEY", "CONTRACT_SURVEY", "ACCOUNT_INTERVIEW").
			Annotations(entgql.OrderField("KIND")),
		field.Int("score").Optional().Nillable().Validate(schematype.Within(0, 10)).
			Comment("Score from 0 (worst) to 10 (best), where the feedback has one.").
			Annotations(entgql.OrderField("SCORE")),
		field.Text("text").Comment("What the customer said.").Optional(),
		field.Time("received_at").Default(now).
			Comment("When the feedback was given.").
			Annotations(entgql.OrderField("RECEIVED_AT")),
		parentKey("account_id", "account_feedback"),
		optionalKey("plan_id", "account_plan_feedback"),
		optionalKey("stakeholder_id", "stakeholder_feedback"),
	}
}

// Edges of the Feedback.
func (Feedback) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("account", Account.Type).Comment("The account the feedback came from.").Ref("feedback").Unique().Required().Immutable().Field("account_id"),
		edge.From("plan", AccountPlan.Type).Ref("feedback").Unique().Field("plan_id").
			Comment("The plan it was gathered for; of the same account."),
		edge.From("stakeholder", Stakeholder.Type).Ref("feedback").Unique().Field("stakeholder_id").
			Comment("Who gave it; of the same account."),
	}
}

// Indexes of the Feedback: every edge, which lists of children read by.
func (Feedback) Indexes() []ent.Index {
	return []ent.Index{index.Edges("account"), index.Edges("plan"), index.Edges("stakeholder")}
}

// Annotations of the Feedback.
func (Feedback) Annotations() []schema.Annotation {
	return node("Customer feedback: ad hoc, a project or contract survey, or an account interview, with a score and text.",
		entgql.QueryField("feedback"))
}

// Hooks of the Feedback: its plan and stakeholder belong to its account.
func (Feedback) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(invariant.FeedbackOfOneAccount, writes)}
}
