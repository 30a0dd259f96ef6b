package schema

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"

	gen "github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/hook"
)

// now is the current time at the precision every supported database keeps
// (PostgreSQL stores microseconds), so a value returned on create equals the
// value read back later.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

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

// Hooks of the TimeMixin: every time is stored in UTC at microsecond
// precision, whoever sent it and in whatever offset. SQLite compares times as
// text and PostgreSQL keeps microseconds; normalised, both filter, group and
// read back alike.
func (TimeMixin) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			for _, name := range m.Fields() {
				v, _ := m.Field(name)
				if t, ok := v.(time.Time); ok {
					if err := m.SetField(name, t.UTC().Truncate(time.Microsecond)); err != nil {
						return nil, err
					}
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)}
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

// Hooks of the VersionMixin: every update makes a new version, and a version
// the client sends must still be the current one.
func (VersionMixin) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(checkVersion, ent.OpUpdate|ent.OpUpdateOne)}
}

func checkVersion(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		sent, checked := m.Field("version")
		m.ResetField("version")
		if err := m.AddField("version", 1); err != nil {
			return nil, err
		}
		if !checked {
			return next.Mutate(ctx, m)
		}
		// The version is compared in the UPDATE itself, so that two
		// transactions that read the same version cannot both write.
		m.(interface{ WhereP(...func(*sql.Selector)) }).WhereP(sql.FieldEQ("version", sent))
		value, err := next.Mutate(ctx, m)
		id, one := m.(interface{ ID() (int, bool) }).ID()
		if !gen.IsNotFound(err) || !one {
			return value, err
		}
		current, lookupErr := m.(interface{ Client() *gen.Client }).Client().Noder(ctx, id)
		if lookupErr != nil {
			return value, err
		}
		return nil, &ConflictError{
			Type:    m.Type(),
			Sent:    sent.(int),
			Current: int(reflect.ValueOf(current).Elem().FieldByName("Version").Int()),
		}
	})
}

// ConflictError is an update made from a version that is no longer current.
type ConflictError struct {
	Type          string
	Sent, Current int
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("version: the %s changed since you read it (you sent version %d, it is now at version %d): read it again and reapply your change", e.Type, e.Sent, e.Current)
}
