package schema

// The change history: every change made through the API is recorded, in the
// mutation's transaction, with who made it and each field's old and new value.

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema/mixin"
	"github.com/99designs/gqlgen/graphql"

	gen "github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/change"
	"github.com/accountplan/accountplan/ent/privacy"
	"github.com/accountplan/accountplan/graph/history"
	"github.com/accountplan/accountplan/graph/viewer"
)

// HistoryMixin records the changes made to a type.
type HistoryMixin struct{ mixin.Schema }

// Hooks of the HistoryMixin.
func (HistoryMixin) Hooks() []ent.Hook { return []ent.Hook{recordChanges} }

// unrecorded are fields every change touches, whose change's own time says
// when, the account's map version, which other records' changes move, and
// the calendar numbers hooks derive from recorded times.
var unrecorded = map[string]bool{
	"createdAt": true, "updatedAt": true, "version": true, "mapVersion": true,
	"openedDay": true, "openedMonth": true, "closedDay": true, "closedMonth": true,
	"periodStartDay": true, "periodStartMonth": true, "periodStartQuarter": true, "periodStartYear": true,
}

func recordChanges(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		v, ok := viewer.FromContext(ctx)
		if !ok {
			// The server's own writes (demo data, the first admin) are not API changes.
			return next.Mutate(ctx, m)
		}
		client := m.(interface{ Client() *gen.Client }).Client()
		lookup := withoutSelection{ctx}
		var ids []int
		var before []gen.Noder
		oldLinks := map[string]json.RawMessage{}
		if !m.Op().Is(ent.OpCreate) {
			var err error
			if ids, err = m.(interface {
				IDs(context.Context) ([]int, error)
			}).IDs(ctx); err != nil {
				return nil, err
			}
			if before, err = client.Noders(lookup, ids); err != nil {
				return nil, err
			}
			if m.Op().Is(ent.OpUpdateOne) && len(before) == 1 && before[0] != nil {
				if oldLinks, err = links(lookup, m, before[0]); err != nil {
					return nil, err
				}
			}
		}
		accountID, err := accountOfChange(ctx, client, m)
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
			if after, err = client.Noders(lookup, ids); err != nil {
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
		edits := linkChanges(m, oldLinks)
		var records []*gen.ChangeCreate
		for i, id := range ids {
			if i >= len(before) || (before[i] == nil && after[i] == nil) {
				continue
			}
			fields := append(fieldChanges(before[i], after[i]), edits...)
			if len(fields) == 0 {
				continue
			}
			create := client.Change.Create().
				SetOperation(operation).
				SetSubjectType(m.Type()).
				SetSubjectID(id).
				SetNillableAccountID(accountID).
				SetFields(fields)
			if v.UserID != 0 {
				create.SetActorID(v.UserID)
			}
			records = append(records, create)
		}
		if len(records) > 0 {
			if err := client.Change.CreateBulk(records...).Exec(privacy.DecisionContext(ctx, privacy.Allow)); err != nil {
				return nil, err
			}
		}
		return value, nil
	})
}

// withoutSelection hides the GraphQL field context, under which ent reads
// only the fields the client selected: the history needs every field.
type withoutSelection struct{ context.Context }

func (c withoutSelection) Value(key any) any {
	v := c.Context.Value(key)
	if _, ok := v.(*graphql.FieldContext); ok {
		return nil
	}
	return v
}

// accountOfChange is the account the mutation's records belong to, when
// there is exactly one.
func accountOfChange(ctx context.Context, client *gen.Client, m ent.Mutation) (*int, error) {
	if _, ok := parents[m.Type()]; !ok && m.Type() != gen.TypeAccount {
		return nil, nil
	}
	if m.Type() == gen.TypeAccount && m.Op().Is(ent.OpCreate) {
		return nil, nil // the new account's own ID, known once it is written
	}
	if id, ok := directAccount(m); ok {
		return &id, nil
	}
	where, err := mutationAccounts(ctx, m)
	if err != nil {
		return nil, err
	}
	ids, err := client.Account.Query().Where(where).IDs(ctx)
	if err != nil || len(ids) != 1 {
		return nil, err
	}
	return &ids[0], nil
}

// directAccount is the account the mutation names without a lookup: the
// account being changed, or the parent of a record created under it.
func directAccount(m ent.Mutation) (int, bool) {
	var ids []ent.Value
	switch {
	case m.Op().Is(ent.OpCreate) && parents[m.Type()].typ == gen.TypeAccount:
		ids = m.AddedIDs(parents[m.Type()].edge)
	case m.Op().Is(ent.OpUpdateOne|ent.OpDeleteOne) && m.Type() == gen.TypeAccount:
		id, _ := m.(interface{ ID() (int, bool) }).ID()
		ids = []ent.Value{id}
	}
	if len(ids) != 1 {
		return 0, false
	}
	return ids[0].(int), true
}

// fieldChanges lists the fields whose values differ between two versions of
// a record; either may be nil (created, deleted).
func fieldChanges(before, after any) []history.FieldChange {
	old, cur := fieldValues(before), fieldValues(after)
	names := old.names
	if len(names) == 0 {
		names = cur.names
	}
	var out []history.FieldChange
	for _, name := range names {
		o, n := old.values[name], cur.values[name]
		if unrecorded[name] || bytes.Equal(o, n) || (before == nil && cur.zero[name]) {
			continue
		}
		out = append(out, history.FieldChange{Field: name, Old: o, New: n})
	}
	return out
}

type values struct {
	names  []string
	values map[string]json.RawMessage
	zero   map[string]bool // "", 0 and false: not worth listing on creation
}

// fieldValues reads a record's fields by their JSON names (ent's struct tags
// hide sensitive fields), as JSON; unset values are left out.
func fieldValues(record any) values {
	out := values{values: map[string]json.RawMessage{}, zero: map[string]bool{}}
	rv := reflect.ValueOf(record)
	if !rv.IsValid() || rv.IsNil() {
		return out
	}
	rv = rv.Elem()
	for i := range rv.NumField() {
		f := rv.Type().Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || tag == "" || tag == "-" || tag == "id" || tag == "edges" {
			continue
		}
		name := lowerCamel(tag)
		out.names = append(out.names, name)
		fv := rv.Field(i)
		if t, ok := fv.Interface().(time.Time); (ok && t.IsZero()) || (fv.Kind() == reflect.Pointer && fv.IsNil()) {
			continue
		}
		out.values[name], _ = json.Marshal(fv.Interface())
		out.zero[name] = fv.IsZero()
	}
	return out
}

// links reads, before an update, the records the mutation's single links
// point to, so the history can say what they were.
func links(ctx context.Context, m ent.Mutation, record gen.Noder) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	for _, name := range append(m.AddedEdges(), m.ClearedEdges()...) {
		e := edges[m.Type()][name]
		if !e.unique {
			continue
		}
		// Every entity has a Query<Edge> method returning a query with IDs.
		query := reflect.ValueOf(record).MethodByName("Query" + pascal(name))
		if !query.IsValid() {
			continue
		}
		res := query.Call(nil)[0].MethodByName("IDs").Call([]reflect.Value{reflect.ValueOf(ctx)})
		if err, _ := res[1].Interface().(error); err != nil {
			return nil, err
		}
		if ids := res[0].Interface().([]int); len(ids) == 1 {
			out[name] = idJSON(ids[0])
		}
	}
	return out, nil
}

// linkChanges lists the links the mutation sets, clears, adds or removes.
func linkChanges(m ent.Mutation, old map[string]json.RawMessage) []history.FieldChange {
	var out []history.FieldChange
	seen := map[string]bool{}
	for _, name := range append(append(m.AddedEdges(), m.ClearedEdges()...), m.RemovedEdges()...) {
		if seen[name] {
			continue
		}
		seen[name] = true
		e := edges[m.Type()][name]
		field := inputField(name, e.unique, true)
		if e.unique {
			var cur json.RawMessage
			if ids := m.AddedIDs(name); len(ids) == 1 {
				cur = idJSON(ids[0].(int))
			}
			if !bytes.Equal(old[name], cur) {
				out = append(out, history.FieldChange{Field: field, Old: old[name], New: cur})
			}
			continue
		}
		out = append(out, history.FieldChange{Field: field, Old: idsJSON(m.RemovedIDs(name)), New: idsJSON(m.AddedIDs(name))})
	}
	return out
}

// idJSON writes an ID as GraphQL does: a string.
func idJSON(id int) json.RawMessage { return json.RawMessage(strconv.Quote(strconv.Itoa(id))) }

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

// lowerCamel turns due_date into dueDate.
func lowerCamel(s string) string {
	p := pascal(s)
	return strings.ToLower(p[:1]) + p[1:]
}

// pascal turns reports_to into ReportsTo, as ent names methods.
func pascal(s string) string {
	parts := strings.Split(s, "_")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, "")
}
