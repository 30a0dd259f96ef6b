// Package lookup reads records of a type named at run time (a mutation's
// type, an edge's target) with plain ent queries. Unlike the client's Noder,
// they never load the GraphQL selection of the request they run in: hooks
// need whole records or bare IDs, whatever the client asked for.
package lookup

import (
	"context"
	"fmt"
	"reflect"

	"entgo.io/ent/dialect/sql"

	gen "github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/schema/bulk"
)

// Exists tells whether a record of the type has the ID.
func Exists(ctx context.Context, client *gen.Client, typ string, id int) (bool, error) {
	if _, ok := bulk.FromContext(ctx).AccountOf(typ, id); ok {
		return true, nil
	}
	res, err := call(ctx, query(client, typ, id), "Exist")
	if err != nil {
		return false, err
	}
	return res.Bool(), nil
}

// Records reads the records of the type with the IDs, in the order of the
// IDs; a missing one is nil.
func Records(ctx context.Context, client *gen.Client, typ string, ids []int) ([]gen.Noder, error) {
	res, err := call(ctx, query(client, typ, ids...), "All")
	if err != nil {
		return nil, err
	}
	byID := map[int]gen.Noder{}
	for i := range res.Len() {
		n := res.Index(i).Interface().(gen.Noder)
		byID[reflect.ValueOf(n).Elem().FieldByName("ID").Interface().(int)] = n
	}
	out := make([]gen.Noder, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

// query is client.<typ>.Query().Where(id IN ids).
func query(client *gen.Client, typ string, ids ...int) reflect.Value {
	c := reflect.ValueOf(client).Elem().FieldByName(typ)
	if !c.IsValid() {
		panic(fmt.Sprintf("lookup: the client has no type %s", typ))
	}
	q := c.MethodByName("Query").Call(nil)[0]
	where := q.MethodByName("Where")
	values := make([]any, len(ids))
	for i, id := range ids {
		values[i] = id
	}
	// Every type's predicate is a func(*sql.Selector) of its own named type.
	p := reflect.ValueOf(sql.FieldIn("id", values...)).Convert(where.Type().In(0).Elem())
	return where.Call([]reflect.Value{p})[0]
}

// call runs a query method that takes a context and returns a value and an error.
func call(ctx context.Context, q reflect.Value, method string) (reflect.Value, error) {
	res := q.MethodByName(method).Call([]reflect.Value{reflect.ValueOf(ctx)})
	if err, _ := res[1].Interface().(error); err != nil {
		return reflect.Value{}, err
	}
	return res[0], nil
}
