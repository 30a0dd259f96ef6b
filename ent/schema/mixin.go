package schema

import (
	"regexp"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"

	"github.com/accountplan/accountplan/ent/hook"
	"github.com/accountplan/accountplan/ent/privacy"
	"github.com/accountplan/accountplan/ent/schema/calendar"
	"github.com/accountplan/accountplan/ent/schema/history"
	"github.com/accountplan/accountplan/ent/schema/invariant"
	"github.com/accountplan/accountplan/ent/schema/rule"
)

// now is the time every default and hook writes: at the precision that
// every supported database keeps.
var now = calendar.Now

// TimeMixin records when a row was created and when it last changed.
type TimeMixin struct{ mixin.Schema }

// Fields of the TimeMixin.
func (TimeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").
			Immutable().
			Default(now).
			Comment("When the record was created.").
			Annotations(entgql.OrderField("CREATED_AT"), entgql.Skip(entgql.SkipMutationCreateInput)),
		field.Time("updated_at").
			Default(now).
			UpdateDefault(now).
			Comment("When the record last changed.").
			Annotations(entgql.OrderField("UPDATED_AT"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Hooks of the TimeMixin.
func (TimeMixin) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(invariant.SetOrClear, ent.OpUpdate|ent.OpUpdateOne), hook.On(invariant.NormalizeTimes, writes)}
}

// node returns the annotations every entity shares: a description, a root
// connection with filters, multi-field ordering, and create/update inputs.
func node(description string, extra ...schema.Annotation) []schema.Annotation {
	return append([]schema.Annotation{
		schema.Comment(description),
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.MultiOrder(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}, extra...)
}

// connection exposes a to-many edge as a Relay connection. Children link
// themselves to their parent (where the invariants are checked), so the
// parent's inputs carry no add/remove lists for them.
func connection() schema.Annotation {
	return entgql.Annotation{
		RelayConnection: true,
		Skip:            entgql.SkipMutationCreateInput | entgql.SkipMutationUpdateInput,
	}
}

// cascadeConnection is a to-many edge whose children are deleted with their parent.
func cascadeConnection() []schema.Annotation {
	return []schema.Annotation{connection(), entsql.OnDelete(entsql.Cascade)}
}

// detachConnection is a to-many edge whose children lose the reference (SET NULL) when their parent is deleted.
func detachConnection() []schema.Annotation {
	return []schema.Annotation{connection(), entsql.OnDelete(entsql.SetNull)}
}

// Money is exact: an integer number of minor units (cents) of the record's currency.
var money = entgql.Type("Money")

// decimalPattern accepts exact decimals such as "500000", "-3", "92.5" (at most 6 fractional digits).
var decimalPattern = regexp.MustCompile(`^-?[0-9]{1,18}(\.[0-9]{1,6})?$`)

// decimal marks a string field as an exact Decimal; text order is not numeric, so it has no range filters or ordering.
func decimal() []schema.Annotation {
	return []schema.Annotation{entgql.Type("Decimal"), entgql.Skip(entgql.SkipWhereInput)}
}

// currency is the ISO 4217 code that every money amount of a record is in.
func currency() ent.Field {
	return field.String("currency").
		Default("USD").
		Match(regexp.MustCompile(`^[A-Z]{3}$`)).
		Comment("ISO 4217 code of the currency every amount of this record is in, e.g. USD.")
}

// externalID is the integrator's key for idempotent syncs from a CRM.
func externalID() ent.Field {
	return field.String("external_id").
		Optional().
		Nillable().
		Unique().
		NotEmpty().
		MaxLen(255).
		Comment("Identifier of this record in an external system such as a CRM; unique, for idempotent syncs.")
}

// VersionMixin numbers the versions of a record that people edit at the same
// time, so that an update made from a stale read is refused instead of
// silently overwriting a colleague's change.
type VersionMixin struct{ mixin.Schema }

// Fields of the VersionMixin.
func (VersionMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Int("version").
			Default(1).
			Positive().
			Comment("The version of the record: 1 when created, one more on every change. Send the version you read with an update: if someone changed the record since, the update is refused with CONFLICT and the current version, and nothing changes.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipWhereInput)),
	}
}

// Hooks of the VersionMixin.
func (VersionMixin) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(invariant.Version, ent.OpUpdate|ent.OpUpdateOne)}
}

// SyncMixin keeps, on a type that a CRM syncs, the source time its record
// last took from a sync row, so that the next row is compared with the time
// each side changed the record, not with our own import's write.
type SyncMixin struct{ mixin.Schema }

// Fields of the SyncMixin.
func (SyncMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("source_updated_at").
			Optional().
			Nillable().
			Comment("When the record last changed in the external system (a CRM), as the upsert that last wrote it said in its `sourceUpdatedAt`; null once the record is changed here (through the API, or by an upsert row without a source time) or when no sync gave one. An upsert row is kept out (KEPT_NEWER) when this time is not older than its own, or, when this is null, when the record changed here (`updatedAt`) after it.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput, entgql.SkipOrderField)),
	}
}

// Hooks of the SyncMixin.
func (SyncMixin) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(invariant.LocalChange, ent.OpUpdate|ent.OpUpdateOne)}
}

// ReferenceMixin refuses writes that point an edge at a missing object.
type ReferenceMixin struct{ mixin.Schema }

// Hooks of the ReferenceMixin.
func (ReferenceMixin) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(invariant.References, writes)}
}

// SerialMixin runs the checks across rows and the write they guard as one
// step, also when writers race on PostgreSQL.
type SerialMixin struct{ mixin.Schema }

// Hooks of the SerialMixin: first, so that every check reads after the lock.
func (SerialMixin) Hooks() []ent.Hook { return []ent.Hook{invariant.Serialise} }

// HistoryMixin records the changes made to a type.
type HistoryMixin struct{ mixin.Schema }

// Hooks of the HistoryMixin.
func (HistoryMixin) Hooks() []ent.Hook { return []ent.Hook{history.Record} }

// PolicyMixin holds the rules every schema shares. A type that belongs to no
// account (users, products, ICP criteria, tokens) adds its own rules, which
// end in a refusal.
type PolicyMixin struct{ mixin.Schema }

// Policy of the PolicyMixin.
func (PolicyMixin) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{rule.DenyReadOnly(), rule.AllowServerAndAdmins(), rule.AllowAccountTeam()},
	}
}

// mixins are the mixins every schema uses.
func mixins() []ent.Mixin {
	return []ent.Mixin{PolicyMixin{}, SerialMixin{}, HistoryMixin{}, TimeMixin{}, ReferenceMixin{}}
}

// writes are the operations that can break a cross-record invariant.
const writes = ent.OpCreate | ent.OpUpdate | ent.OpUpdateOne
