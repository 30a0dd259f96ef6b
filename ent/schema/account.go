package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"regexp"

	"github.com/accountplan/accountplan/ent/hook"
	"github.com/accountplan/accountplan/ent/schema/invariant"
	"github.com/accountplan/accountplan/ent/schema/mapversion"
	"github.com/accountplan/accountplan/ent/schema/totals"
)

// Account is a customer organisation.
type Account struct{ ent.Schema }

// Mixin of the Account.
func (Account) Mixin() []ent.Mixin { return append(mixins(), SyncMixin{}) }

// Fields of the Account.
func (Account) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200).
			Comment("Name of the customer organisation.").
			Annotations(entgql.OrderField("NAME")),
		externalID(),
		field.Enum("tier").Annotations(valueDocs{
			"STRATEGIC": "Tier 1: about 10% of accounts; a plan is required and reviewed quarterly with sales and executive leadership.",
			"KEY":       "Tier 2: about 15% of accounts; a plan is required and reviewed quarterly with the VPs of the region or business unit.",
			"GENERAL":   "Tier 3: the rest; no dedicated plan, at most an annual review driven by sales leaders.",
		}).Values("STRATEGIC", "KEY", "GENERAL").Default("GENERAL").
			Comment("STRATEGIC (tier 1, ~10% of accounts, plan required, quarterly review with executive leadership), KEY (tier 2, ~15%, plan required, quarterly review), GENERAL (tier 3, no dedicated plan). Ordering by TIER sorts by name: DESC gives STRATEGIC, KEY, GENERAL.").
			Annotations(entgql.OrderField("TIER")),
		field.String("industry").Optional().MaxLen(100).
			Comment("Industry, e.g. High Tech, Financial Services, Retail.").
			Annotations(entgql.OrderField("INDUSTRY")),
		field.Int("sellers").Optional().Nillable().Min(0).
			Comment("Size of the customer: number of sellers.").
			Annotations(entgql.OrderField("SELLERS")),
		field.String("region").Optional().MaxLen(100).
			Comment("Sales region, e.g. EMEA, North America.").
			Annotations(entgql.OrderField("REGION")),
		field.String("country").Optional().
			Match(regexp.MustCompile(`^[A-Z]{2}$`)).
			Comment("ISO 3166-1 alpha-2 country code, e.g. US."),
		field.Enum("maturity").Annotations(valueDocs{
			"STARTUP":  "A young company finding its market.",
			"GROWTH":   "A company growing fast.",
			"MATURITY": "An established company growing slowly.",
			"DECLINE":  "A company whose business is shrinking.",
		}).Values("STARTUP", "GROWTH", "MATURITY", "DECLINE").Optional().Nillable().
			Comment("Business maturity of the customer."),
		field.Enum("culture").Annotations(valueDocs{
			"BUREAUCRATIC":    "Decisions follow rules and hierarchy.",
			"ENTREPRENEURIAL": "Decisions are fast and favour new ideas.",
			"COLLABORATIVE":   "Decisions are made together, by consensus.",
			"INDIVIDUALISTIC": "Decisions rest with strong individuals.",
		}).Values("BUREAUCRATIC", "ENTREPRENEURIAL", "COLLABORATIVE", "INDIVIDUALISTIC").Optional().Nillable().
			Comment("Organisation culture of the customer."),
		field.Int64("annual_revenue").Default(0).Min(0).
			Comment("Annual revenue with us, in minor units of the currency.").
			Annotations(money, entgql.OrderField("ANNUAL_REVENUE")),
		currency(),
		field.Int("map_version").Default(0).
			Comment("Changes, in the same transaction, with every change to the account's org map: the account, its stakeholders, the influence edges between them, our relationships with them and those relationships' users. A server keeps what it computed from a map under it.").
			Annotations(entgql.Skip()),
		optionalKey("owner_id", "user_owned_accounts"),
	}
}

// Edges of the Account.
func (Account) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("children", Account.Type).
			Comment("Subsidiaries and divisions of this account.").
			Annotations(detachConnection()...).
			From("parent").Unique().
			Comment("The parent account, for subsidiaries and divisions. Never forms a cycle."),
		edge.From("owner", User.Type).Ref("owned_accounts").Unique().Field("owner_id").
			Comment("Our user who owns the account."),
		edge.To("business_units", BusinessUnit.Type).
			Comment("Divisions of the customer: the rows of the whitespace matrix.").
			Annotations(cascadeConnection()...),
		edge.To("team_members", AccountTeamMember.Type).
			Comment("Our account team, each with a role.").
			Annotations(cascadeConnection()...),
		edge.To("plans", AccountPlan.Type).
			Comment("Account plans for this account.").
			Annotations(cascadeConnection()...),
		edge.To("stakeholders", Stakeholder.Type).
			Comment("People at the customer.").
			Annotations(cascadeConnection()...),
		edge.To("opportunities", Opportunity.Type).
			Comment("Deals in this account.").
			Annotations(cascadeConnection()...),
		edge.To("revenue_records", RevenueRecord.Type).
			Comment("Revenue per period: starting revenue, expansion, contraction and churn.").
			Annotations(cascadeConnection()...),
		edge.To("whitespace_cells", WhitespaceCell.Type).
			Comment("Business unit × product cells of the whitespace matrix.").
			Annotations(cascadeConnection()...),
		edge.To("feedback", Feedback.Type).
			Comment("Customer feedback: surveys and interviews.").
			Annotations(cascadeConnection()...),
		edge.To("reviews", Review.Type).
			Comment("Meetings about this account, with or without a plan: plan reviews, QBRs, executive briefings.").
			Annotations(cascadeConnection()...),
	}
}

// Indexes of the Account: by tier and name, and every edge.
func (Account) Indexes() []ent.Index {
	return []ent.Index{index.Fields("tier"), index.Fields("name"), index.Edges("parent"), index.Edges("owner")}
}

// Annotations of the Account.
func (Account) Annotations() []schema.Annotation {
	return node("A customer organisation. Deleting an account deletes everything recorded under it (business units, team, plans, stakeholders, opportunities, revenue records, whitespace, feedback, reviews); its subsidiaries become top-level accounts.")
}

// Hooks of the Account: its map version moves; the parent hierarchy never
// forms a cycle; the metric totals follow its segment.
func (Account) Hooks() []ent.Hook {
	return []ent.Hook{
		mapversion.TouchAccount,
		hook.On(invariant.AccountAcyclic, ent.OpUpdate|ent.OpUpdateOne),
		totals.Hook(ent.OpUpdate | ent.OpUpdateOne | ent.OpDelete | ent.OpDeleteOne),
	}
}
