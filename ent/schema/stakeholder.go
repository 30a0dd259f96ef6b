package schema

import (
	"regexp"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/accountplan/accountplan/ent/hook"
	"github.com/accountplan/accountplan/ent/schema/invariant"
	"github.com/accountplan/accountplan/ent/schema/mapversion"
	"github.com/accountplan/accountplan/ent/schema/schematype"
)

// Stakeholder is a person at the customer.
type Stakeholder struct{ ent.Schema }

// Mixin of the Stakeholder.
func (Stakeholder) Mixin() []ent.Mixin { return append(mixins(), VersionMixin{}, SyncMixin{}) }

// Fields of the Stakeholder.
func (Stakeholder) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Comment("The stakeholder's full name.").NotEmpty().MaxLen(200).
			Annotations(entgql.OrderField("NAME")),
		externalID(),
		field.String("title").Optional().MaxLen(200).
			Comment("Job title, e.g. VP Sales Operations.").
			Annotations(entgql.OrderField("TITLE")),
		field.String("department").Comment("The department they work in, e.g. IT or Procurement.").Optional().MaxLen(200),
		field.String("email").Comment("Their e-mail address.").Optional().MaxLen(320).
			Match(regexp.MustCompile(`^[^@\s]+@[^@\s]+$`)),
		field.Int("rank").Optional().Nillable().Validate(schematype.Within(1, 5)).
			Comment("Formal seniority from 1 (individual contributor) to 5 (C-level). Separate from influence.").
			Annotations(entgql.OrderField("RANK")),
		field.Int("influence").Optional().Nillable().Validate(schematype.Within(1, 5)).
			Comment("Informal power over decisions from 1 (little) to 5 (decisive). The most senior title is not always the most influential person.").
			Annotations(entgql.OrderField("INFLUENCE")),
		field.Enum("political_status").Annotations(valueDocs{
			"NAIVE":    "New: just beginning to understand the politics.",
			"OBSERVER": "Watches the politics but plays no real part in how things are done.",
			"AGILE":    "Dodges conflicts, anticipates events and responds fast: a key player.",
			"ASTUTE":   "In the inner circle and controls outcomes: a key player.",
		}).Values("NAIVE", "OBSERVER", "AGILE", "ASTUTE").Optional().Nillable().
			Comment("How the person plays the organisation's politics: NAIVE (new, still learning them), OBSERVER (watches, plays no real part), AGILE (dodges conflicts, anticipates and responds fast), ASTUTE (inner circle, controls outcomes). AGILE and ASTUTE people are key players.").
			Annotations(entgql.OrderField("POLITICAL_STATUS")),
		field.Enum("support").Annotations(valueDocs{
			"MENTOR":        "Sells for us when we are absent.",
			"SUPPORTER":     "Favours us.",
			"NEUTRAL":       "Favours no one.",
			"NON_SUPPORTER": "Favours someone else.",
			"ENEMY":         "Works against us.",
		}).Values("MENTOR", "SUPPORTER", "NEUTRAL", "NON_SUPPORTER", "ENEMY").Default("NEUTRAL").
			Comment("Their stance toward us: MENTOR (sells for us when we are absent), SUPPORTER, NEUTRAL, NON_SUPPORTER, ENEMY.").
			Annotations(entgql.OrderField("SUPPORT")),
		field.Enum("decision_orientation").Annotations(valueDocs{
			"FINANCIAL":    "Decides on price, cost and economics.",
			"TECHNICAL":    "Decides on features and capabilities.",
			"RELATIONSHIP": "Decides on a long-term trusted partnership.",
			"BUSINESS":     "Takes the broad view of all of these.",
		}).Values("FINANCIAL", "TECHNICAL", "RELATIONSHIP", "BUSINESS").Optional().Nillable().
			Comment("What sways their decisions: FINANCIAL (price, cost), TECHNICAL (features), RELATIONSHIP (long-term trusted partnership), BUSINESS (the broad view of all of these)."),
		field.Enum("adaptability").Annotations(valueDocs{
			"INNOVATOR":    "Seeks out the new before anyone else.",
			"VISIONARY":    "Adopts the new early, for the advantage it brings.",
			"PRAGMATIST":   "Adopts the new once it is proven.",
			"CONSERVATIVE": "Adopts the new when most others have.",
			"LAGGARD":      "Resists change as long as possible.",
		}).Values("INNOVATOR", "VISIONARY", "PRAGMATIST", "CONSERVATIVE", "LAGGARD").Optional().Nillable().
			Comment("Adaptability to change."),
		field.Enum("buying_role").Annotations(valueDocs{
			"DECISION_MAKER": "Makes the buying decision.",
			"APPROVER":       "Signs off on the decision, e.g. the budget holder.",
			"EVALUATOR":      "Assesses the options, e.g. technically.",
			"INFLUENCER":     "Sways the decision without making it.",
			"USER":           "Will use what is bought.",
		}).Values("DECISION_MAKER", "APPROVER", "EVALUATOR", "INFLUENCER", "USER").Optional().Nillable().
			Comment("Role in buying decisions, where known.").
			Annotations(entgql.OrderField("BUYING_ROLE")),
		field.Enum("coverage").Annotations(valueDocs{
			"UNKNOWN":           "We do not know how well we know them.",
			"NO_CONTACT":        "No one of ours has met them.",
			"BRIEF_CONTACT":     "We have met them briefly.",
			"MULTIPLE_CONTACTS": "We have met them several times.",
			"IN_DEPTH":          "We know them well.",
		}).Values("UNKNOWN", "NO_CONTACT", "BRIEF_CONTACT", "MULTIPLE_CONTACTS", "IN_DEPTH").Default("UNKNOWN").
			Comment("How well we know them."),
		field.Text("motivators").Optional().
			Comment("What motivates them, personally and professionally."),
		field.Text("influence_drivers").Optional().
			Comment("Where their influence comes from."),
		field.Text("notes").Comment("What we know of them: priorities, history with us, how to approach them.").Optional(),
		parentKey("account_id", "account_stakeholders"),
		optionalKey("reports_to_id", "stakeholder_direct_reports"),
	}
}

// Edges of the Stakeholder.
func (Stakeholder) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("account", Account.Type).Comment("The account the stakeholder works at.").Ref("stakeholders").Unique().Required().Immutable().Field("account_id"),
		edge.From("business_unit", BusinessUnit.Type).Ref("stakeholders").Unique().
			Comment("The business unit they work in; of the same account."),
		edge.To("direct_reports", Stakeholder.Type).
			Comment("People who report to this stakeholder.").
			Annotations(detachConnection()...).
			From("reports_to").Unique().Field("reports_to_id").
			Comment("Their manager in the formal hierarchy: a stakeholder of the same account, never forming a cycle."),
		edge.To("influence_out", InfluenceEdge.Type).
			Comment("Influence edges from this stakeholder to others.").
			Annotations(cascadeConnection()...),
		edge.To("influence_in", InfluenceEdge.Type).
			Comment("Influence edges from others to this stakeholder.").
			Annotations(cascadeConnection()...),
		edge.To("relationships", Relationship.Type).
			Comment("Our users' relationships with this stakeholder.").
			Annotations(cascadeConnection()...),
		edge.To("insights", Insight.Type).
			Comment("Customer insights this stakeholder owns.").
			Annotations(detachConnection()...),
		edge.To("action_items", ActionItem.Type).
			Comment("Mutual-action-plan items this stakeholder owns.").
			Annotations(detachConnection()...),
		edge.To("feedback", Feedback.Type).
			Comment("Feedback this stakeholder gave.").
			Annotations(detachConnection()...),
		edge.From("reviews", Review.Type).Ref("customer_attendees").
			Comment("The meetings with us this stakeholder attended.").
			Annotations(connection()),
	}
}

// Indexes of the Stakeholder: by name, and every edge.
func (Stakeholder) Indexes() []ent.Index {
	return []ent.Index{index.Fields("name"), index.Edges("account"), index.Edges("reports_to"), index.Edges("business_unit")}
}

// Annotations of the Stakeholder.
func (Stakeholder) Annotations() []schema.Annotation {
	return node("A person at the customer, with formal rank and informal influence side by side. Deleting a stakeholder deletes their influence edges and relationships and moves their direct reports up to their own manager.")
}

// Hooks of the Stakeholder: its account's map version moves; manager and
// business unit of the same account, no reporting cycle; deleting a
// stakeholder moves their direct reports up.
func (Stakeholder) Hooks() []ent.Hook {
	return []ent.Hook{
		mapversion.TouchMaps,
		hook.On(invariant.StakeholderLinks, writes),
		hook.On(invariant.PromoteDirectReports, ent.OpDelete|ent.OpDeleteOne),
	}
}
