package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/accountplan/accountplan/ent/privacy"
	"github.com/accountplan/accountplan/ent/schema/rule"
)

// APIToken is a bearer token a user signs in with, from a script or a frontend.
type APIToken struct{ ent.Schema }

// Mixin of the APIToken.
func (APIToken) Mixin() []ent.Mixin { return mixins() }

// Fields of the APIToken.
func (APIToken) Fields() []ent.Field {
	immutable := entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(100).
			Comment("What the token is for, e.g. CRM sync.").
			Annotations(entgql.OrderField("NAME")),
		field.String("secret_hash").Sensitive().Unique().Immutable().
			Comment("SHA-256 of the secret: the secret itself is shown once and never stored.").
			Annotations(entgql.Skip()),
		field.String("prefix").Immutable().
			Comment("The first characters of the secret, to tell tokens apart.").
			Annotations(immutable),
		field.Bool("read_only").Default(false).Immutable().
			Comment("A read-only token never writes, whatever its user's role.").
			Annotations(immutable),
		field.Time("expires_at").Optional().Nillable().Immutable().
			Comment("When the token stops working; null for never.").
			Annotations(entgql.OrderField("EXPIRES_AT"), immutable),
		field.Time("last_used_at").Optional().Nillable().
			Comment("When the token was last used, to the hour.").
			Annotations(immutable),
		field.Time("revoked_at").Optional().Nillable().
			Comment("When the token was revoked; a revoked token never works again.").
			Annotations(immutable),
	}
}

// Edges of the APIToken.
func (APIToken) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("api_tokens").Unique().Required().Immutable().
			Comment("The user the token signs in as."),
	}
}

// Indexes of the APIToken.
func (APIToken) Indexes() []ent.Index {
	return []ent.Index{index.Edges("user")}
}

// Annotations of the APIToken: created and revoked by their own mutations,
// which hand out the secret once.
func (APIToken) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A bearer token a user signs in with (Authorization: Bearer <secret>). Users see their own tokens; admins see every token."),
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.MultiOrder(),
	}
}

// Policy of the APIToken: users see and manage their own tokens.
func (APIToken) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.OwnTokensOnly()},
		Mutation: privacy.MutationPolicy{rule.AllowOwnTokens(), rule.DenyAll("only an admin may change another user's tokens")},
	}
}
