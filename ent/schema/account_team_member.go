package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// AccountTeamMember puts one of our users on an account team with a role.
type AccountTeamMember struct{ ent.Schema }

// Mixin of the AccountTeamMember.
func (AccountTeamMember) Mixin() []ent.Mixin { return mixins() }

// Fields of the AccountTeamMember.
func (AccountTeamMember) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("role").Annotations(valueDocs{
			"ACCOUNT_MANAGER":   "Owns the relationship and the plan day to day.",
			"SALES_ENGINEER":    "Brings the technical expertise.",
			"CUSTOMER_SUCCESS":  "Drives adoption and renewal.",
			"EXECUTIVE_SPONSOR": "Our executive paired with the customer's leadership.",
			"BDR":               "Business development: finds new opportunities.",
			"PARTNER":           "A partner's person working the account with us.",
			"OTHER":             "Any other role.",
		}).
			Values("ACCOUNT_MANAGER", "SALES_ENGINEER", "CUSTOMER_SUCCESS", "EXECUTIVE_SPONSOR", "BDR", "PARTNER", "OTHER").
			Comment("The member's role on the account team.").
			Annotations(entgql.OrderField("ROLE")),
	}
}

// Edges of the AccountTeamMember.
func (AccountTeamMember) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("account", Account.Type).Comment("The account whose team this is.").Ref("team_members").Unique().Required().Immutable(),
		edge.From("user", User.Type).Comment("Our user on the account team.").Ref("team_memberships").Unique().Required().Immutable(),
	}
}

// Indexes of the AccountTeamMember: one membership per account and user,
// and the memberships of a user.
func (AccountTeamMember) Indexes() []ent.Index {
	return []ent.Index{index.Edges("account", "user").Unique(), index.Edges("user")}
}

// Annotations of the AccountTeamMember.
func (AccountTeamMember) Annotations() []schema.Annotation {
	return node("One of our users on an account's team, with a role. A user is on a team at most once.")
}
