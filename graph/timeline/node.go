package timeline

import (
	"context"
	"reflect"
	"time"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/change"
	"github.com/accountplan/accountplan/ent/schema/history/replay"
)

// Node rebuilds any record as it was at a time, from the record now (if it
// still exists) and its changes since, read over the history's subject
// index: two statements, three when the record belongs to an account (whose
// creation bounds the history; an earlier time is refused with an input error
// on field). A record that did not exist then is nil. Its fields are as they
// were; its edges, when asked for, are read as they are now.
func Node(ctx context.Context, c *ent.Client, id int, at time.Time, field string) (ent.Noder, error) {
	return node(ctx, c, id, at, field, true)
}

// node is Node; with pinned, the links that changed are rebuilt too (not
// those of the records they point to).
func node(ctx context.Context, c *ent.Client, id int, at time.Time, field string, pinned bool) (ent.Noder, error) {
	changes, err := c.Change.Query().Where(change.SubjectID(id), change.AtGT(at)).
		Order(ent.Desc(change.FieldAt), ent.Desc(change.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	now, err := c.Noder(ctx, id)
	if err != nil && (!ent.IsNotFound(err) || len(changes) == 0) {
		return nil, err
	}
	if err != nil {
		now = nil // deleted since: Noder answers a typed nil, which is not a record to rewind from
	}
	typ := ""
	if now != nil {
		typ = reflect.TypeOf(now).Elem().Name()
	} else {
		typ = changes[0].SubjectType
	}
	for _, ch := range changes {
		if ch.AccountID != nil {
			if err := replay.Begun(ctx, c, *ch.AccountID, at, field); err != nil {
				return nil, err
			}
			break
		}
	}
	bare := func() ent.Noder {
		return reflect.ValueOf(c).Elem().FieldByName(typ).MethodByName("Bare").Call(nil)[0].Interface().(ent.Noder)
	}
	var current []ent.Noder
	if now != nil {
		current = []ent.Noder{now}
	}
	then, err := replay.Rewind(replay.Entity(typ, bare), typ, replay.Records(typ, current), changes)
	if err != nil {
		return nil, err
	}
	r := then[id]
	if r == nil {
		return nil, nil
	}
	// A record the server wrote after the time, out of the history's sight, was not there yet.
	if created := reflect.ValueOf(r.Value).Elem().FieldByName("CreatedAt"); created.IsValid() && len(changes) == 0 && created.Interface().(time.Time).After(at) {
		return nil, nil
	}
	if pinned {
		if err := pinChanged(ctx, c, r.Value, now, at, field); err != nil {
			return nil, err
		}
	}
	return r.Value, nil
}

// pinChanged sets the links of a rebuilt record that differ from the record's
// links now (or all, for a record deleted since) to the records they pointed
// to then, each rebuilt as it was (two or three statements a link); the links
// that did not change are read now, as any record's.
func pinChanged(ctx context.Context, c *ent.Client, then, now ent.Noder, at time.Time, field string) error {
	p, ok := then.(pinner)
	if !ok || then == now {
		return nil
	}
	current := map[string]int{}
	if n, ok := now.(pinner); ok {
		n.PinLinks(func(typ string, id int) (ent.Noder, bool) {
			current[typ] = id
			return nil, false
		})
	}
	var failed error
	p.PinLinks(func(typ string, id int) (ent.Noder, bool) {
		if was, ok := current[typ]; ok && was == id {
			return nil, false
		}
		if id == 0 {
			return nil, true
		}
		target, err := node(ctx, c, id, at, field, false)
		if err != nil && !ent.IsNotFound(err) {
			failed = err
		}
		if err != nil || target == nil {
			return nil, true // gone then or since: no record to show
		}
		return target, true
	})
	return failed
}
