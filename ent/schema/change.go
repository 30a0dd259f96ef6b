package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/accountplan/accountplan/ent/privacy"
	"github.com/accountplan/accountplan/ent/schema/outbox"
	"github.com/accountplan/accountplan/ent/schema/rule"
	"github.com/accountplan/accountplan/ent/schema/schematype"
)

// Change is one change made through the API to one record: the change history.
type Change struct{ ent.Schema }

// Fields of the Change.
func (Change) Fields() []ent.Field {
	return []ent.Field{
		field.Time("at").Immutable().Default(now).
			Comment("When the change was made.").
			Annotations(entgql.OrderField("AT")),
		field.Enum("operation").Annotations(valueDocs{
			"CREATE": "The record was created; the change lists every field set.",
			"UPDATE": "Fields of the record changed; the change lists them with their old and new values.",
			"DELETE": "The record was deleted; the change lists every field it had.",
		}).Values("CREATE", "UPDATE", "DELETE").Immutable().
			Comment("Whether the record was created, updated or deleted."),
		field.String("subject_type").Immutable().
			Comment("The type of the record changed, e.g. AccountPlan."),
		field.Int("subject_id").Immutable().
			Comment("The ID of the record changed; it may since have been deleted.").
			Annotations(entgql.Type("ID")),
		field.Int("account_id").Optional().Nillable().Immutable().
			Comment("The account the record belongs to, or is; null for users, products, ICP criteria and tokens.").
			Annotations(entgql.Type("ID")),
		field.JSON("fields", []schematype.FieldChange{}).Immutable().
			Comment("The fields that changed, with their values before and after. A creation lists every field set, a deletion every field the record had.").
			Annotations(entgql.Type("[FieldChange!]"), entgql.Skip(entgql.SkipWhereInput)),
		field.String("subject_external_id").Optional().Nillable().Immutable().
			Comment("The record's external ID (its key in a CRM) when it had one; kept on deletes, so a sync knows what to delete on its side."),
		field.Int("origin_token_id").Optional().Nillable().Immutable().
			Comment("The API token the change was made with; null for a change made by a company sign-in, the server, or while it ran open. Kept when the token is deleted.").
			Annotations(entgql.Type("ID")),
		field.String("origin_token_name").Optional().Nillable().Immutable().
			Comment("The name of the API token the change was made with, as it was then, e.g. CRM sync."),
	}
}

// Edges of the Change.
func (Change) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("actor", User.Type).Ref("changes").Unique().Immutable().
			Comment("Who made the change; null while the server ran open, or once the user is deleted."),
	}
}

// Indexes of the Change: a record's history, and an account's since a date.
func (Change) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("subject_id"),
		index.Fields("account_id", "at"),
		index.Edges("actor"),
		index.Fields("origin_token_id"),
	}
}

// Annotations of the Change: read-only through the API.
func (Change) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("One change made through the API to one record: who, when, which record, which fields, their old and new values. Written in the same transaction as the change."),
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.MultiOrder(),
	}
}

// Policy of the Change: the history is written by the server alone, the
// changes of a token are read by its user and admins alone, and those of a
// webhook endpoint by admins alone.
func (Change) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.OwnTokenChangesOnly(), rule.AdminChangesOnly("WebhookEndpoint")},
		Mutation: privacy.MutationPolicy{rule.AllowServer(), rule.DenyAll("the change history cannot be edited")},
	}
}

// Hooks of the Change: the outbox writes each change's webhook events in its transaction.
func (Change) Hooks() []ent.Hook { return []ent.Hook{outbox.Write} }
