package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/accountplan/accountplan/ent/hook"
	"github.com/accountplan/accountplan/ent/schema/invariant"
)

// Review is a meeting about an account: a plan review, a QBR, an executive
// briefing; held, scheduled or cancelled.
type Review struct{ ent.Schema }

// Mixin of the Review.
func (Review) Mixin() []ent.Mixin { return mixins() }

// Fields of the Review.
func (Review) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").Annotations(valueDocs{
			"WEEKLY":             "The account team's weekly working meeting on the plan.",
			"MONTHLY":            "The monthly review of the plan's progress.",
			"QBR":                "The quarterly business review, with the customer: the review the tier table asks of tier 1 and 2 accounts.",
			"EXECUTIVE_BRIEFING": "A briefing with executives, ours and the customer's: the way to ask executive leadership into a tier 2 account's review.",
		}).Values("WEEKLY", "MONTHLY", "QBR", "EXECUTIVE_BRIEFING").Default("QBR").
			Comment("What kind of meeting it is; QBR when not given. QBR and EXECUTIVE_BRIEFING are the tier reviews that plan health judges by the tier table.").
			Annotations(entgql.OrderField("KIND")),
		field.Enum("status").Annotations(valueDocs{
			"SCHEDULED": "Planned for scheduledAt; not held yet.",
			"HELD":      "Took place, at heldAt.",
			"CANCELLED": "Did not take place and will not.",
		}).Values("SCHEDULED", "HELD", "CANCELLED").Default("HELD").
			Comment("HELD when not given, as every review recorded before reviews had a status; send SCHEDULED to plan a meeting. Setting HELD records heldAt (scheduledAt when not given); leaving HELD clears it.").
			Annotations(entgql.OrderField("STATUS")),
		field.Time("scheduled_at").
			// The zero time, which no client can send, stands for "not given": the hook then takes heldAt.
			Default(func() time.Time { return time.Time{} }).
			Comment("When the meeting is (or was) scheduled to take place; heldAt when not given on create. Reviews follow one another in this order.").
			Annotations(entgql.OrderField("SCHEDULED_AT")),
		field.Time("held_at").Optional().Nillable().
			Comment("When the meeting took place; set while the review is HELD, empty otherwise.").
			Annotations(entgql.OrderField("HELD_AT"), entgql.Skip(entgql.SkipType)),
		field.Text("agenda").Optional().MaxLen(20000).Comment("What the meeting is to cover."),
		field.Text("notes").Comment("What the review found and decided.").Optional(),
		field.Text("decisions").Optional().MaxLen(20000).Comment("What the meeting decided, one decision a line."),
		field.Int("account_id").StorageKey("account_reviews").Optional().Nillable().Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("plan_id").StorageKey("account_plan_reviews").Optional().Nillable().Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges of the Review.
func (Review) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("account", Account.Type).Ref("reviews").Unique().Immutable().Field("account_id").
			Comment("The account the meeting is about; always set: the plan's account when only a plan is given."),
		edge.From("plan", AccountPlan.Type).Ref("reviews").Unique().Immutable().Field("plan_id").
			Comment("The plan reviewed; none for an account without a plan (tier 3). The plan's account is the review's account.").
			// Shown by hand (api/review.graphql): plan stays non-null for the clients that read it, accountPlan may be null.
			Annotations(entgql.Skip(entgql.SkipType), entgql.MapsTo("plan", "accountPlan")),
		edge.To("attendees", User.Type).
			Comment("Our users who attended.").
			Annotations(entgql.RelayConnection()),
		edge.To("customer_attendees", Stakeholder.Type).
			Comment("The customer's people who attended: stakeholders of the review's account.").
			Annotations(entgql.RelayConnection()),
		edge.To("action_items", ActionItem.Type).
			Comment("The action items this meeting raised.").
			Annotations(detachConnection()...),
	}
}

// Indexes of the Review: the parent edges, which every list of children
// reads by; an account's reviews by time, which the previous review reads.
func (Review) Indexes() []ent.Index {
	return []ent.Index{index.Edges("plan"), index.Fields("account_id", "scheduled_at")}
}

// Annotations of the Review.
func (Review) Annotations() []schema.Annotation {
	return node("A meeting about an account: a plan review, a QBR or an executive briefing, scheduled, held or cancelled, with our attendees and the customer's, its agenda, notes and decisions. Each review starts from the action items of the one before: see previousReview. Deleting its plan or account deletes the review; deleting a review leaves the action items it raised, without the review.")
}

// Hooks of the Review: account from the plan, the same account for plan and
// customer attendees, heldAt in step with status.
func (Review) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(invariant.ReviewRules, writes)}
}
