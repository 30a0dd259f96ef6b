// Package replay rebuilds records as they were at a past time from the change
// history: it starts from the records as they are and undoes, newest first,
// every change made after that time. A creation is undone by removing the
// record, an update by putting back the old values, a deletion by rebuilding
// the record from the values it had. The changes are read with one statement
// over the history's (account_id, at) index, whatever the number of changes
// per record: the work grows with the changes made since the time, the number
// of statements does not.
package replay

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	gen "github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/account"
	"github.com/accountplan/accountplan/ent/change"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/ent/user"
)

// History is the changes made under an account after a time, the newest
// first, and that time.
type History struct {
	At      time.Time
	Changes []*gen.Change
}

// Since reads the changes made under the account after t. A time before the
// account's history begins (its creation) is refused with an input error on
// field, since nothing recorded can say what was there before.
func Since(ctx context.Context, client *gen.Client, accountID int, t time.Time, field string) (*History, error) {
	if err := Begun(ctx, client, accountID, t, field); err != nil {
		return nil, err
	}
	changes, err := client.Change.Query().
		Where(change.AccountID(accountID), change.AtGT(t)).
		Order(gen.Desc(change.FieldAt), gen.Desc(change.FieldID)).
		All(ctx)
	if err != nil {
		return nil, err
	}
	return &History{At: t, Changes: changes}, nil
}

// Begun refuses, with an input error on field, a time before the account's
// history begins: its creation, before which nothing recorded can say what
// there was.
func Begun(ctx context.Context, client *gen.Client, accountID int, t time.Time, field string) error {
	created, err := client.Account.Query().Where(account.ID(accountID)).Select(account.FieldCreatedAt).Only(ctx)
	if gen.IsNotFound(err) {
		return &clienterr.ReferenceError{Field: "accountID", Type: "Account", ID: accountID}
	}
	if err != nil {
		return err
	}
	if t.Before(created.CreatedAt) {
		return &clienterr.InputError{Field: field, Message: fmt.Sprintf("the history of the account begins when it was created, at %s; %s is before it",
			created.CreatedAt.UTC().Format(time.RFC3339Nano), t.UTC().Format(time.RFC3339Nano))}
	}
	return nil
}

// Of are the changes of one type, the newest first.
func (h *History) Of(typ string) []*gen.Change {
	var out []*gen.Change
	for _, c := range h.Changes {
		if c.SubjectType == typ {
			out = append(out, c)
		}
	}
	return out
}

// Record is a record as it was: its value and its links by the input
// field that sets them (objectiveID), which a record read from the database
// does not always show.
type Record[T any] struct {
	Value T
	Links map[string]int
}

// Link is the ID a link pointed to, 0 when none.
func (r *Record[T]) Link(field string) int { return r.Links[field] }

// Kind tells Rewind how to handle records of one type.
type Kind[T any] struct {
	// ID is the record's ID.
	ID func(T) int
	// New is an empty record with the ID, for a record deleted since.
	New func(id int) T
	// Clone copies a record, so that rewinding never changes the one given.
	Clone func(T) T
	// Set sets a field, by its GraphQL name, to a value as the history wrote
	// it; nil is empty. Fields it does not know are left alone.
	Set func(rec T, field string, value json.RawMessage) error
}

// Rewind rebuilds the records of the type as they were before the changes
// (of any type; those of other types are passed over), from the records as
// they are now. Links are filled from current, read with the records.
func Rewind[T any](k Kind[T], typ string, current []*Record[T], changes []*gen.Change) (map[int]*Record[T], error) {
	out := make(map[int]*Record[T], len(current))
	for _, r := range current {
		out[k.ID(r.Value)] = r
	}
	isLink := map[string]bool{}
	for _, name := range gen.GraphQLNames[typ] {
		isLink[name.Field] = isLink[name.Field] || (name.Target != "" && name.Unique)
	}
	copied := map[int]bool{}
	for _, c := range changes {
		if c.SubjectType != typ {
			continue
		}
		id := c.SubjectID
		switch c.Operation {
		case change.OperationCREATE:
			delete(out, id)
			continue
		case change.OperationDELETE:
			out[id] = &Record[T]{Value: k.New(id), Links: map[string]int{}}
			copied[id] = true
		case change.OperationUPDATE:
			r := out[id]
			if r == nil {
				// The record was changed by the server since, out of the history's sight.
				continue
			}
			if !copied[id] {
				links := make(map[string]int, len(r.Links))
				for f, v := range r.Links {
					links[f] = v
				}
				r = &Record[T]{Value: k.Clone(r.Value), Links: links}
				out[id], copied[id] = r, true
			}
		}
		r := out[id]
		for _, f := range c.Fields {
			if isLink[f.Field] {
				link, err := ID(f.Old)
				if err != nil {
					return nil, fmt.Errorf("replay: %s %d: %s: %w", typ, id, f.Field, err)
				}
				if link == 0 {
					delete(r.Links, f.Field)
				} else {
					r.Links[f.Field] = link
				}
			}
			if err := k.Set(r.Value, f.Field, f.Old); err != nil {
				return nil, fmt.Errorf("replay: %s %d: %s: %w", typ, id, f.Field, err)
			}
		}
	}
	return out, nil
}

// ID reads a link as the history writes it: an ID as a JSON string; 0 when
// empty.
func ID(v json.RawMessage) (int, error) {
	if len(v) == 0 || string(v) == "null" {
		return 0, nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return 0, err
	}
	return strconv.Atoi(s)
}

// Entity is the Kind of an ent entity type (*ent.Goal): fields set by their
// GraphQL names through gen.GraphQLNames, links kept in the record's columns
// included; New binds a record to the client so that its edges can be read.
func Entity[T any](typ string, bare func() T) Kind[T] {
	rt := reflect.TypeOf(bare()).Elem()
	fields, links := map[string]int{}, map[string]bool{}
	for i := range rt.NumField() {
		f := rt.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name, ok := gen.GraphQLNames[typ][tag]; ok && f.IsExported() && (name.Target == "" || name.Unique) {
			fields[name.Field], links[name.Field] = i, name.Target != ""
		}
	}
	idField, _ := rt.FieldByName("ID")
	return Kind[T]{
		ID: func(r T) int { return int(reflect.ValueOf(r).Elem().FieldByIndex(idField.Index).Int()) },
		New: func(id int) T {
			r := bare()
			reflect.ValueOf(r).Elem().FieldByIndex(idField.Index).SetInt(int64(id))
			return r
		},
		Clone: func(r T) T {
			c := reflect.New(rt)
			c.Elem().Set(reflect.ValueOf(r).Elem())
			return c.Interface().(T)
		},
		Set: func(r T, field string, value json.RawMessage) error {
			i, ok := fields[field]
			if !ok {
				return nil
			}
			fv := reflect.ValueOf(r).Elem().Field(i)
			if len(value) == 0 || string(value) == "null" {
				fv.SetZero()
				return nil
			}
			if links[field] {
				id, err := ID(value)
				if err != nil {
					return err
				}
				if fv.Kind() == reflect.Pointer {
					p := reflect.New(fv.Type().Elem())
					p.Elem().SetInt(int64(id))
					fv.Set(p)
				} else {
					fv.SetInt(int64(id))
				}
				return nil
			}
			p := reflect.New(fv.Type())
			if err := json.Unmarshal(value, p.Interface()); err != nil {
				return err
			}
			fv.Set(p.Elem())
			return nil
		},
	}
}

// Records wraps records read now, with the links the columns named hold
// (column → input field, e.g. objective_action_items → objectiveID), read
// from the record's unexported foreign keys when it was read with them.
func Records[T any](typ string, records []T) []*Record[T] {
	out := make([]*Record[T], len(records))
	for i, r := range records {
		links := map[string]int{}
		rv := reflect.ValueOf(r).Elem()
		for j := range rv.NumField() {
			f := rv.Type().Field(j)
			key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() {
				key = f.Name
			}
			name, ok := gen.GraphQLNames[typ][key]
			if !ok || name.Target == "" || !name.Unique {
				continue
			}
			v := rv.Field(j)
			if v.Kind() == reflect.Pointer {
				if v.IsNil() {
					continue
				}
				v = v.Elem()
			}
			if v.Kind() == reflect.Int && v.Int() != 0 {
				links[name.Field] = int(v.Int())
			}
		}
		out[i] = &Record[T]{Value: r, Links: links}
	}
	return out
}

// Users are our users with these IDs as they were at t: known are those
// already read now (their edges loaded with a record), the others are read
// here, and all are rewound with their own changes since t, a user deleted
// since rebuilt from the values its deletion recorded. Users belong to no
// account, so their changes are read by ID: one statement, and one more when
// some are not known.
func Users(ctx context.Context, client *gen.Client, known []*gen.User, ids []int, t time.Time) (map[int]*gen.User, error) {
	now := map[int]*gen.User{}
	for _, u := range known {
		now[u.ID] = u
	}
	var unknown []int
	for _, id := range ids {
		if now[id] == nil && !slices.Contains(unknown, id) {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		read, err := client.User.Query().Where(user.IDIn(unknown...)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, u := range read {
			now[u.ID] = u
		}
	}
	all := slices.Collect(maps.Keys(now))
	all = append(all, slices.DeleteFunc(unknown, func(id int) bool { return now[id] != nil })...)
	if len(all) == 0 {
		return now, nil
	}
	changes, err := client.Change.Query().
		Where(change.SubjectType(gen.TypeUser), change.SubjectIDIn(all...), change.AtGT(t)).
		Order(gen.Desc(change.FieldAt), gen.Desc(change.FieldID)).
		All(ctx)
	if err != nil {
		return nil, err
	}
	then, err := Rewind(Entity(gen.TypeUser, client.User.Bare), gen.TypeUser, Records(gen.TypeUser, slices.Collect(maps.Values(now))), changes)
	if err != nil {
		return nil, err
	}
	out := make(map[int]*gen.User, len(then))
	for id, r := range then {
		out[id] = r.Value
	}
	return out, nil
}
