package invariant

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"time"

	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"

	gen "github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/ent/schema/lookup"
)

// NormalizeTimes stores every time in UTC at microsecond precision, whoever
// sent it and in whatever offset. SQLite compares times as text and
// PostgreSQL keeps microseconds; normalised, both filter, group and read
// back alike.
func NormalizeTimes(next ent.Mutator) ent.Mutator {
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
}

// SetOrClear refuses an update that both sets and clears a field or a single
// link (title and clearTitle): SQLite would keep the value, PostgreSQL refuse
// the statement.
func SetOrClear(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		both := func(name string) error {
			field := gen.GraphQLNames[m.Type()][name].Field
			if field == "" {
				field = name
			}
			return &clienterr.InputError{Field: field, Message: "both set and cleared in one update: give a value or clear it, not both"}
		}
		for _, name := range m.ClearedFields() {
			if _, set := m.Field(name); set {
				return nil, both(name)
			}
		}
		for _, name := range m.ClearedEdges() {
			if gen.GraphQLNames[m.Type()][name].Unique && slices.Contains(m.AddedEdges(), name) {
				return nil, both(name)
			}
		}
		return next.Mutate(ctx, m)
	})
}

// LocalChange makes an update that does not give the record a source time
// (every write but an upsert row with one) a change made here: the record
// forgets the source time it last took from a sync.
func LocalChange(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		if _, synced := m.Field(SourceTimeField); !synced {
			if err := m.ClearField(SourceTimeField); err != nil {
				return nil, err
			}
		}
		return next.Mutate(ctx, m)
	})
}

// SourceTimeField is the field that keeps the source time of a synced record.
const SourceTimeField = "source_updated_at"

// Version makes every update a new version, and refuses an update whose
// client sent a version that is no longer the current one.
func Version(next ent.Mutator) ent.Mutator {
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
		current, lookupErr := lookup.Records(ctx, m.(interface{ Client() *gen.Client }).Client(), m.Type(), []int{id})
		if lookupErr != nil || current[0] == nil {
			return value, err
		}
		return nil, &clienterr.ConflictError{
			Type:    m.Type(),
			Sent:    sent.(int),
			Current: int(reflect.ValueOf(current[0]).Elem().FieldByName("Version").Int()),
		}
	})
}

// References refuses writes that point an edge at a missing object or at an
// object of another type, naming the input field.
func References(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		c, ok := m.(interface{ Client() *gen.Client })
		if !ok {
			return nil, fmt.Errorf("unexpected mutation %T", m)
		}
		for _, edge := range m.AddedEdges() {
			name := gen.GraphQLNames[m.Type()][edge]
			for _, v := range m.AddedIDs(edge) {
				id := v.(int)
				// Global IDs: an ID of another type is in no row of the target's table.
				found, err := lookup.Exists(ctx, c.Client(), name.Target, id)
				switch {
				case err != nil:
					return nil, err
				case !found:
					field := name.Field
					if !m.Op().Is(ent.OpCreate) {
						field = name.Update
					}
					return nil, &clienterr.ReferenceError{Field: field, Type: name.Target, ID: id}
				}
			}
		}
		return next.Mutate(ctx, m)
	})
}
