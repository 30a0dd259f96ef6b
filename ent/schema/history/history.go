// Package history records the change history: every change made through the
// API, in the mutation's transaction, with who made it and each field's old
// and new value under its GraphQL name.
package history

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent"

	gen "github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/change"
	"github.com/accountplan/accountplan/ent/privacy"
	"github.com/accountplan/accountplan/ent/schema/bulk"
	"github.com/accountplan/accountplan/ent/schema/lookup"
	"github.com/accountplan/accountplan/ent/schema/schematype"
	"github.com/accountplan/accountplan/ent/schema/scope"
	"github.com/accountplan/accountplan/ent/schema/viewer"
)

// deletedLists are, per type, the lists of links (many to many) that a
// deletion records with the record's fields, as the links it had: the
// database drops their rows with the record.
var deletedLists = map[string][]string{gen.TypeReview: {"attendees", "customer_attendees"}}

// unrecorded are fields every change touches, whose change's own time and
// order say enough, and a synced record's source time, the sync's
// bookkeeping: a deletion alone records them, for the record rebuilt. Fields
// the API does not show are not recorded either.
var unrecorded = map[string]bool{"created_at": true, "updated_at": true, "version": true, "source_updated_at": true}

// Record records the changes of every mutation made on behalf of a viewer.
func Record(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		v, ok := viewer.FromContext(ctx)
		if !ok {
			// The server's own writes (demo data, the first admin) are not API changes.
			return next.Mutate(ctx, m)
		}
		client := m.(interface{ Client() *gen.Client }).Client()
		var ids []int
		var before []gen.Noder
		var oldLinks []map[string]json.RawMessage
		if !m.Op().Is(ent.OpCreate) {
			var err error
			if ids, err = scope.IDs(ctx, m); err != nil {
				return nil, err
			}
			if m.Op().Is(ent.OpDelete | ent.OpDeleteOne) {
				if err := cascade(ctx, client, m.Type(), ids); err != nil {
					return nil, err
				}
			}
			if before, err = lookup.Records(ctx, client, m.Type(), ids); err != nil {
				return nil, err
			}
			if oldLinks, err = links(ctx, m, before); err != nil {
				return nil, err
			}
		}
		accountID, err := accountOf(ctx, client, m)
		if err != nil {
			return nil, err
		}
		value, err := next.Mutate(ctx, m)
		if err != nil {
			return value, err
		}

		var after []gen.Noder
		switch {
		case m.Op().Is(ent.OpCreate | ent.OpUpdateOne):
			n, ok := value.(gen.Noder)
			if !ok {
				return value, nil
			}
			after = []gen.Noder{n}
			if m.Op().Is(ent.OpCreate) {
				id, _ := m.(interface{ ID() (int, bool) }).ID()
				ids, before = []int{id}, []gen.Noder{nil}
				if m.Type() == gen.TypeAccount {
					accountID = &id
				}
			}
		case m.Op().Is(ent.OpUpdate):
			if after, err = lookup.Records(ctx, client, m.Type(), ids); err != nil {
				return nil, err
			}
		default:
			after = make([]gen.Noder, len(ids))
		}
		operation := change.OperationUPDATE
		switch {
		case m.Op().Is(ent.OpCreate):
			operation = change.OperationCREATE
		case m.Op().Is(ent.OpDelete | ent.OpDeleteOne):
			operation = change.OperationDELETE
		}
		var records []*gen.ChangeCreate
		for i, id := range ids {
			if i >= len(before) || (before[i] == nil && after[i] == nil) {
				continue
			}
			var old map[string]json.RawMessage
			if i < len(oldLinks) {
				old = oldLinks[i]
			}
			record := before[i]
			if record == nil {
				record = after[i]
			}
			fields := append(fieldChanges(m.Type(), before[i], after[i]), linkChanges(m, record, old)...)
			if len(fields) == 0 {
				continue
			}
			create := client.Change.Create().
				SetOperation(operation).
				SetSubjectType(m.Type()).
				SetSubjectID(id).
				SetNillableAccountID(accountID).
				SetNillableSubjectExternalID(externalID(after[i], before[i])).
				SetFields(fields)
			if v.UserID != 0 {
				create.SetActorID(v.UserID)
			}
			if v.TokenID != 0 {
				create.SetOriginTokenID(v.TokenID).SetOriginTokenName(v.TokenName)
			}
			records = append(records, create)
		}
		if len(records) > 0 && !bulk.FromContext(ctx).DeferChanges(records) {
			if err := client.Change.CreateBulk(records...).Exec(privacy.DecisionContext(ctx, privacy.Allow)); err != nil {
				return nil, err
			}
		}
		return value, nil
	})
}

// externalID is the record's external ID, from its latest version that has one.
func externalID(records ...gen.Noder) *string {
	for _, r := range records {
		rv := reflect.ValueOf(r)
		if !rv.IsValid() || rv.IsNil() {
			continue
		}
		if f := rv.Elem().FieldByName("ExternalID"); f.IsValid() && !f.IsNil() {
			return f.Interface().(*string)
		}
	}
	return nil
}

// accountOf is the account the mutation's records belong to, when there is
// exactly one that exists already.
func accountOf(ctx context.Context, client *gen.Client, m ent.Mutation) (*int, error) {
	if !scope.InAccount(m.Type()) || (m.Type() == gen.TypeAccount && m.Op().Is(ent.OpCreate)) {
		return nil, nil
	}
	ids, err := scope.Accounts(ctx, client, m)
	if err != nil || len(ids) != 1 {
		return nil, err
	}
	return &ids[0], nil
}

// fieldChanges lists the fields whose values differ between two versions of
// a record of the type; either may be nil (created, deleted).
func fieldChanges(typ string, before, after any) []schematype.FieldChange {
	old, cur := fieldValues(typ, before), fieldValues(typ, after)
	names := old.names
	if len(names) == 0 {
		names = cur.names
	}
	var out []schematype.FieldChange
	for _, name := range names {
		o, n := old.values[name], cur.values[name]
		if bytes.Equal(o, n) || (before == nil && cur.zero[name]) {
			continue
		}
		out = append(out, schematype.FieldChange{Field: name, Old: o, New: n})
	}
	if after == nil {
		// A deletion is the one change after which no record holds them: a record rebuilt shows them.
		for _, name := range old.stampNames {
			out = append(out, schematype.FieldChange{Field: name, Old: old.stamps[name]})
		}
	}
	return out
}

type values struct {
	names  []string
	links  map[string]bool // the names of links kept in the record's own columns
	values map[string]json.RawMessage
	zero   map[string]bool // "", 0 and false: not worth listing on creation
	// The unrecorded fields set (createdAt, updatedAt, version, sourceUpdatedAt), by GraphQL name.
	stampNames []string
	stamps     map[string]json.RawMessage
}

// fieldValues reads the recorded fields of a record by their GraphQL names,
// as JSON; unset values are left out.
func fieldValues(typ string, record any) values {
	out := values{values: map[string]json.RawMessage{}, zero: map[string]bool{}, links: map[string]bool{}, stamps: map[string]json.RawMessage{}}
	rv := reflect.ValueOf(record)
	if !rv.IsValid() || rv.IsNil() {
		return out
	}
	rv = rv.Elem()
	for i := range rv.NumField() {
		f := rv.Type().Field(i)
		// ent tags each field with its ent name; sensitive fields have none.
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		name, ok := gen.GraphQLNames[typ][tag]
		if f.IsExported() && ok && unrecorded[tag] {
			if v := rv.Field(i); !v.IsZero() && !(v.Kind() == reflect.Pointer && v.IsNil()) {
				out.stampNames = append(out.stampNames, name.Field)
				out.stamps[name.Field], _ = json.Marshal(v.Interface())
			}
			continue
		}
		if !f.IsExported() || !ok || name.Hidden || (name.Target != "" && !name.Unique) || tag == "edges" {
			continue
		}
		out.names = append(out.names, name.Field)
		fv := rv.Field(i)
		if name.Target != "" {
			// A link kept in a column of the record (planID): an ID, as GraphQL writes it.
			out.links[name.Field] = true
			if fv.Kind() == reflect.Pointer {
				fv = fv.Elem()
			}
			if fv.IsValid() && fv.Int() != 0 {
				out.values[name.Field] = idJSON(int(fv.Int()))
			}
			continue
		}
		if t, ok := fv.Interface().(time.Time); (ok && t.IsZero()) || (fv.Kind() == reflect.Pointer && fv.IsNil()) {
			continue
		}
		out.values[name.Field], _ = json.Marshal(fv.Interface())
		out.zero[name.Field] = fv.IsZero()
	}
	return out
}

// links reads, before an update or a delete, the records that each record's
// single links point to, so the history can say what they were: the links
// the update sets or clears, or every link of a deleted record. Links kept in
// the record's own columns (planID, reportsToID) are read with the record.
func links(ctx context.Context, m ent.Mutation, before []gen.Noder) ([]map[string]json.RawMessage, error) {
	edges := append(append(m.AddedEdges(), m.ClearedEdges()...), m.RemovedEdges()...)
	if m.Op().Is(ent.OpDelete | ent.OpDeleteOne) {
		edges = slices.Clone(deletedLists[m.Type()])
		seen := map[string]bool{}
		for edge, name := range gen.GraphQLNames[m.Type()] {
			if name.Unique && !seen[name.Field] {
				seen[name.Field] = true
				edges = append(edges, edge)
			}
		}
	}
	// A list both added to and removed from is read once.
	slices.Sort(edges)
	edges = slices.Compact(edges)
	out := make([]map[string]json.RawMessage, len(before))
	for i, record := range before {
		out[i] = map[string]json.RawMessage{}
		if record == nil {
			continue
		}
		inColumns := fieldValues(m.Type(), record).links
		for _, edge := range edges {
			name := gen.GraphQLNames[m.Type()][edge]
			if inColumns[name.Field] {
				continue
			}
			query := reflect.ValueOf(record).MethodByName(name.Query)
			if !query.IsValid() {
				continue
			}
			res := query.Call(nil)[0].MethodByName("IDs").Call([]reflect.Value{reflect.ValueOf(ctx)})
			if err, _ := res[1].Interface().(error); err != nil {
				return nil, err
			}
			ids := res[0].Interface().([]int)
			switch {
			case !name.Unique && len(ids) > 0:
				// A list of links: the IDs it had, so that the history records what changed,
				// not what was asked (a clear names no IDs, a removal may name one not there).
				out[i][edge] = idsJSON(intValues(ids))
			case len(ids) == 1:
				out[i][edge] = idJSON(ids[0])
			}
		}
	}
	return out, nil
}

// linkChanges lists the links the mutation sets, clears, adds or removes,
// under the input field that sets them on create, and the links a deleted
// record had. Links kept in the record's own columns are fields, listed by
// fieldChanges.
func linkChanges(m ent.Mutation, record gen.Noder, old map[string]json.RawMessage) []schematype.FieldChange {
	var out []schematype.FieldChange
	inColumns := fieldValues(m.Type(), record).links
	if m.Op().Is(ent.OpDelete | ent.OpDeleteOne) {
		edges := slices.Sorted(maps.Keys(old))
		for _, edge := range edges {
			out = append(out, schematype.FieldChange{Field: gen.GraphQLNames[m.Type()][edge].Field, Old: old[edge]})
		}
		return out
	}
	seen := map[string]bool{}
	for _, edge := range append(append(m.AddedEdges(), m.ClearedEdges()...), m.RemovedEdges()...) {
		if seen[edge] {
			continue
		}
		seen[edge] = true
		name := gen.GraphQLNames[m.Type()][edge]
		if inColumns[name.Field] {
			continue
		}
		if name.Unique {
			var cur json.RawMessage
			if ids := m.AddedIDs(edge); len(ids) == 1 {
				cur = idJSON(ids[0].(int))
			}
			if !bytes.Equal(old[edge], cur) {
				out = append(out, schematype.FieldChange{Field: name.Field, Old: old[edge], New: cur})
			}
			continue
		}
		removed, added := listChange(m, edge, old[edge])
		if removed == nil && added == nil {
			continue // nothing changed: a list cleared that was empty, an ID added that was there
		}
		out = append(out, schematype.FieldChange{Field: name.Field, Old: removed, New: added})
	}
	return out
}

// listChange is what a mutation changed in a list of links that held the
// IDs before (JSON, as links read them): the IDs it lost and those it gained.
func listChange(m ent.Mutation, edge string, before json.RawMessage) (removed, added json.RawMessage) {
	var listed []string
	_ = json.Unmarshal(before, &listed) // none, or not read (a record created)
	var had []int
	for _, s := range listed {
		if id, err := strconv.Atoi(s); err == nil {
			had = append(had, id)
		}
	}
	after := map[int]bool{}
	if !m.EdgeCleared(edge) {
		for _, id := range had {
			after[id] = true
		}
		for _, id := range m.RemovedIDs(edge) {
			delete(after, id.(int))
		}
	}
	for _, id := range m.AddedIDs(edge) {
		after[id.(int)] = true
	}
	var lost, gained []ent.Value
	for _, id := range had {
		if !after[id] {
			lost = append(lost, id)
		}
		delete(after, id)
	}
	for _, id := range m.AddedIDs(edge) {
		if after[id.(int)] {
			gained = append(gained, id)
			delete(after, id.(int))
		}
	}
	return idsJSON(lost), idsJSON(gained)
}

// idJSON writes an ID as GraphQL does: a string.
func idJSON(id int) json.RawMessage { return json.RawMessage(strconv.Quote(strconv.Itoa(id))) }

func intValues(ids []int) []ent.Value {
	out := make([]ent.Value, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

func idsJSON(ids []ent.Value) json.RawMessage {
	if len(ids) == 0 {
		return nil
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strconv.Itoa(id.(int))
	}
	b, _ := json.Marshal(out)
	return b
}
