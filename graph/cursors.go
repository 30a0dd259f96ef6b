package graph

import (
	"context"
	"fmt"
	"strings"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/graph/generated"
)

// cursorFit refuses an after or before cursor that another order made: a
// cursor carries the values of its list's order fields, and the pager
// compares them with this order's columns, which fails in the database (or
// in the pager) when their number or types differ. Run on every connection
// of the operation before any statement, since the pages under a list's
// records load with the list.
func cursorFit(ctx context.Context, exec graphql.ExecutableSchema, f *ast.Field, vars map[string]any) *gqlerror.Error {
	given := func(name string) bool {
		arg := f.Arguments.ForName(name)
		if arg == nil {
			return false
		}
		v, err := arg.Value.Value(vars)
		return err == nil && v != nil
	}
	if exec == nil || !given("after") && !given("before") {
		return nil
	}
	table := ent.Tables[strings.TrimSuffix(f.Definition.Type.Name(), "Connection")]
	args, err := generated.FieldArgs(ctx, exec, f.ObjectDefinition.Name, graphql.CollectedField{Field: f})
	if table == nil || err != nil {
		return nil // not a list of records, or arguments the resolver refuses with its own message
	}
	var order []ent.TableOrder
	if table.Order != nil {
		var ok bool
		if order, ok = table.Order(args["orderBy"]); !ok {
			return nil
		}
	}
	for _, name := range []string{"after", "before"} {
		if c, _ := args[name].(*entgql.Cursor[int]); c != nil && !fits(c.Value, order) {
			return clientError(CodeBadUserInput, fmt.Sprintf("%s: this cursor is from a list in another order: ask for the first page in this order and page on with its cursors", name), name)
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
