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
		field.Enum("role").
			Values("ACCOUNT_MANAGER", "SALES_ENGINEER", "CUSTOMER_SUCCESS", "EXECUTIVE_SPONSOR", "BDR", "PARTNER", "OTHER").
			Comment("The member's role on the account team.").
			Annotations(entgql.OrderField("ROLE")),
	}
}

// Edges of the AccountTeamMember.
func (AccountTeamMember) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("account", Account.Type).Ref("team_members").Unique().Required().Immutable(),
		edge.From("user", User.Type).Ref("team_memberships").Unique().Required().Immutable(),
	}
}

// Indexes of the AccountTeamMember.
func (AccountTeamMember) Indexes() []ent.Index {
	return []ent.Index{index.Edges("account", "user").Unique()}
}

// Annotations of the AccountTeamMember.
func (AccountTeamMember) Annotations() []schema.Annotation {
	return node("One of our users on an account's team, with a role. A user is on a team at most once.")
}
