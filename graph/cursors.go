package graph

import (
	"context"
	"strings"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/graph/generated"
)

// cursorFit refuses an after or before cursor that another order made, or
// that this API did not make: a cursor carries the values of its list's order
// fields, and the pager compares them with this order's columns, which fails
// in the database (or in the pager) when their number or types differ, and
// entgql's pager fails on both cursors at once in an order. Run on every
// connection of the operation before any statement, since the pages under a
// list's records load with the list, where such a failure is the list's.
func cursorFit(ctx context.Context, exec graphql.ExecutableSchema, f *ast.Field, vars map[string]any) *gqlerror.Error {
	table := ent.Tables[strings.TrimSuffix(f.Definition.Type.Name(), "Connection")]
	if exec == nil || table == nil {
		return nil
	}
	type given struct {
		name   string
		cursor *entgql.Cursor[int]
	}
	var cursors []given
	for _, name := range []string{"after", "before"} {
		arg := f.Arguments.ForName(name)
		if arg == nil {
			continue
		}
		v, err := arg.Value.Value(vars)
		if err != nil || v == nil {
			continue
		}
		c := &entgql.Cursor[int]{}
		if err := c.UnmarshalGQL(v); err != nil {
			return clientError(CodeBadUserInput, name+": not a cursor this API returned", name)
		}
		cursors = append(cursors, given{name, c})
	}
	if len(cursors) == 0 {
		return nil
	}
	var order []ent.TableOrder
	if table.Order != nil {
		args, err := generated.FieldArgs(ctx, exec, f.ObjectDefinition.Name, graphql.CollectedField{Field: f})
		if err != nil {
			return nil // the resolver refuses the arguments with its own message
		}
		var ok bool
		if order, ok = table.Order(args["orderBy"]); !ok {
			return nil
		}
	}
	if len(cursors) == 2 && len(order) > 0 {
		return clientError(CodeBadUserInput, "before: pass after or before, not both, to a list with orderBy", "before")
	}
	for _, c := range cursors {
		if !fits(c.cursor.Value, order) {
			return clientError(CodeBadUserInput, c.name+": this cursor is from a list in another order: ask for the first page in this order and page on with its cursors", c.name)
		}
	}
	return nil
}

// fits tells whether a cursor's values are one for each order field, each of its column's type.
func fits(value any, order []ent.TableOrder) bool {
	values, ok := value.([]any)
	if value != nil && !ok || len(values) != len(order) {
		return false
	}
	for i, v := range values {
		if v == nil {
			if !order[i].Nillable {
				return false
			}
			continue
		}
		if !ofKind(v, order[i].Kind) {
			return false
		}
	}
	return true
}

// ofKind tells a cursor value, as MessagePack decodes it, of a column's kind.
func ofKind(v any, kind ent.ColumnKind) bool {
	switch v.(type) {
	case string:
		return kind == ent.ColumnString
	case bool:
		return kind == ent.ColumnBool
	case time.Time:
		return kind == ent.ColumnTime
	case float32, float64:
		return kind == ent.ColumnFloat
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return kind == ent.ColumnInt || kind == ent.ColumnInt64 || kind == ent.ColumnFloat
	}
	return false
}
