package generated

import (
	"context"
	"errors"
	"testing"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/accountplan/accountplan/ent"
)

// operation parses and validates query against schema and puts its operation, with vars, in a context.
func operation(t *testing.T, schema graphql.ExecutableSchema, query string, vars map[string]any) (context.Context, *graphql.OperationContext) {
	t.Helper()
	doc, errs := gqlparser.LoadQueryWithRules(schema.Schema(), query, rules.NewDefaultRules())
	if errs != nil {
		t.Fatal(errs)
	}
	op := doc.Operations[0]
	coerced, err := validator.VariableValues(schema.Schema(), op, vars)
	if err != nil {
		t.Fatal(err)
	}
	opCtx := &graphql.OperationContext{RawQuery: query, Doc: doc, Operation: op, Variables: coerced}
	return graphql.WithOperationContext(context.Background(), opCtx), opCtx
}

// child is the field named name among those sel selects on an object of type typ.
func child(t *testing.T, opCtx *graphql.OperationContext, sel ast.SelectionSet, typ, name string) graphql.CollectedField {
	t.Helper()
	for _, f := range graphql.CollectFields(opCtx, sel, []string{typ}) {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no field %s.%s selected", typ, name)
	return graphql.CollectedField{}
}

// FieldArgs decodes literals and variables into the types the resolvers take.
func TestFieldArgs(t *testing.T) {
	schema := NewExecutableSchema(Config{})
	ctx, opCtx := operation(t, schema, `query($w: AccountPlanWhereInput) {
		accounts(first: 3, orderBy: {field: NAME, direction: DESC}, where: {nameHasPrefix: "A"}) {
			totalCount
			edges { node { plans(first: 2, where: $w) { totalCount } } }
		}
	}`, map[string]any{"w": map[string]any{"createdAtGT": "2026-01-02T03:04:05Z"}})
	accounts := child(t, opCtx, opCtx.Operation.SelectionSet, "Query", "accounts")
	args, err := FieldArgs(ctx, schema, "Query", accounts)
	if err != nil {
		t.Fatal(err)
	}
	if first, ok := args["first"].(*int); !ok || first == nil || *first != 3 {
		t.Errorf("first = %#v, want *int 3", args["first"])
	}
	if after, ok := args["after"].(*entgql.Cursor[int]); !ok || after != nil {
		t.Errorf("after = %#v, want a nil *entgql.Cursor[int]", args["after"])
	}
	if order, ok := args["orderBy"].([]*ent.AccountOrder); !ok || len(order) != 1 || order[0].Field.String() != "NAME" || order[0].Direction != entgql.OrderDirectionDesc {
		t.Errorf("orderBy = %#v, want []*ent.AccountOrder{NAME DESC}", args["orderBy"])
	}
	if where, ok := args["where"].(*ent.AccountWhereInput); !ok || where == nil || where.NameHasPrefix == nil || *where.NameHasPrefix != "A" {
		t.Errorf("where = %#v, want *ent.AccountWhereInput with nameHasPrefix A", args["where"])
	}

	edges := child(t, opCtx, accounts.Selections, "AccountConnection", "edges")
	plans := child(t, opCtx, child(t, opCtx, edges.Selections, "AccountEdge", "node").Selections, "Account", "plans")
	args, err = FieldArgs(ctx, schema, "Account", plans)
	if err != nil {
		t.Fatal(err)
	}
	if where, ok := args["where"].(*ent.AccountPlanWhereInput); !ok || where == nil || where.CreatedAtGT == nil || !where.CreatedAtGT.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("plans' where = %#v, want *ent.AccountPlanWhereInput with the variable's createdAtGT", args["where"])
	}
	if first, ok := args["first"].(*int); !ok || first == nil || *first != 2 {
		t.Errorf("plans' first = %#v, want *int 2", args["first"])
	}

	args, err = FieldArgs(ctx, schema, "AccountConnection", child(t, opCtx, accounts.Selections, "AccountConnection", "totalCount"))
	if err != nil || args == nil || len(args) != 0 {
		t.Errorf("a field without arguments: %v, %v; want an empty map", args, err)
	}
	if _, err := FieldArgs(ctx, schema, "Account", accounts); err == nil {
		t.Error("a field with arguments under a type it does not belong to was decoded")
	}
	if _, err := FieldArgs(context.Background(), schema, "Query", accounts); err == nil {
		t.Error("arguments decoded without an operation context")
	}
}

// An invalid value is the resolver's error, not a panic.
func TestFieldArgsInvalid(t *testing.T) {
	schema := NewExecutableSchema(Config{})
	ctx, opCtx := operation(t, schema, `{ accounts(where: {createdAtGT: "not a time"}) { totalCount } }`, nil)
	args, err := FieldArgs(ctx, schema, "Query", child(t, opCtx, opCtx.Operation.SelectionSet, "Query", "accounts"))
	if err == nil {
		t.Fatalf("a Time of %q decoded into %#v", "not a time", args["where"])
	}
	if gqlErr, ok := errors.AsType[*gqlerror.Error](err); !ok || gqlErr.Path.String() != "accounts.where.createdAtGT" {
		t.Errorf("error %v, want one at accounts.where.createdAtGT", err)
	}
}
