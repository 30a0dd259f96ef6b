package generated

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/accountplan"
	"github.com/accountplan/accountplan/ent/objective"
)

// A request without @defer, as execgen's helpers see it.
func plainRequest() *executionContext {
	return newExecutionContext(&graphql.OperationContext{Doc: &ast.QueryDocument{}, Variables: map[string]any{}}, nil, nil)
}

// The contexts execgen cuts from chunks hold their field context where
// gqlgen looks for it, with its parent, and pass every other key on.
func TestWithFieldContext(t *testing.T) {
	if fieldContextKey == nil {
		t.Fatal("gqlgen's field context key was not learnt: graphql.GetFieldContext has changed")
	}
	type key struct{}
	parent := &graphql.FieldContext{Object: "Account"}
	ctx := graphql.WithFieldContext(context.WithValue(context.Background(), key{}, "kept"), parent)
	fc := &graphql.FieldContext{Object: "AccountEdge"}
	ec := plainRequest()
	child := ec.withFieldContext(ctx, fc)
	if graphql.GetFieldContext(child) != fc || fc.Parent != parent || child.Value(key{}) != "kept" {
		t.Errorf("field context %p (parent %p), value %v; want %p (parent %p), kept", graphql.GetFieldContext(child), fc.Parent, child.Value(key{}), fc, parent)
	}
	if n := testing.AllocsPerRun(1000, func() { ec.withFieldContext(ctx, fc) }); n != 0 {
		t.Errorf("%v allocations per context, want none but a chunk's now and then", n)
	}
}

// Objects of a list collect their fields once and take their field sets from chunks.
func TestObjectsShareFields(t *testing.T) {
	ec := plainRequest()
	sel := ast.SelectionSet{&ast.Field{Name: "name", Alias: "name"}, &ast.Field{Name: "tier", Alias: "t"}}
	fields := ec.collectFields(sel, accountImplementors)
	if len(fields) != 2 || fields[1].Alias != "t" {
		t.Fatalf("collected %+v", fields)
	}
	if n := testing.AllocsPerRun(1000, func() {
		again := ec.collectFields(sel, accountImplementors)
		out, answer := ec.newFieldSet(again)
		out.Values[0], out.Values[1] = graphql.Null, graphql.Null
		ec.objectOut(answer, out)
	}); n != 0 {
		t.Errorf("%v allocations per object, want none but a chunk's now and then", n)
	}
	if other := ec.collectFields(sel, stakeholderImplementors); &other[0] == &fields[0] {
		t.Error("another type's objects share the fields of the first")
	}
}

// An enum's writer writes what its own MarshalGQL does, and is made once per value.
func TestOutEnum(t *testing.T) {
	for _, v := range []graphql.Marshaler{objective.StatusIN_PROGRESS, objective.StatusACHIEVED, accountplan.StatusACTIVE} {
		var want, got bytes.Buffer
		v.MarshalGQL(&want)
		switch v := v.(type) {
		case objective.Status:
			outEnum(v).MarshalGQL(&got)
		case accountplan.Status:
			outEnum(v).MarshalGQL(&got)
		}
		if got.String() != want.String() {
			t.Errorf("outEnum(%v) writes %s, want %s", v, &got, &want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { outEnum(objective.StatusDEFERRED) }); n != 0 {
		t.Errorf("%v allocations per enum value written, want 0", n)
	}
}

// A struct read of a leaf writes the value from its place in the object:
// gqlgen's bytes, and no allocation for a String, Time, ID or Int, nor for an
// optional one behind a pointer.
func TestLeavesWrittenFromTheObject(t *testing.T) {
	ec := plainRequest()
	ctx := context.Background()
	external, rank := "crm-7", 4
	obj := &ent.Stakeholder{ID: 123456, Name: "Ada \"Quoted\" Lovelace", Title: "VP", ExternalID: &external, Rank: &rank,
		CreatedAt: time.Date(2026, 12, 6, 13, 4, 5, 123456000, time.UTC)}
	for _, c := range []struct {
		name string
		read func() graphql.Marshaler
		want graphql.Marshaler
	}{
		{"id", func() graphql.Marshaler { return ec._Stakeholder_id(ctx, graphql.CollectedField{}, obj) }, graphql.MarshalIntID(obj.ID)},
		{"name", func() graphql.Marshaler { return ec._Stakeholder_name(ctx, graphql.CollectedField{}, obj) }, graphql.MarshalString(obj.Name)},
		{"title", func() graphql.Marshaler { return ec._Stakeholder_title(ctx, graphql.CollectedField{}, obj) }, graphql.MarshalString(obj.Title)},
		{"externalID", func() graphql.Marshaler { return ec._Stakeholder_externalID(ctx, graphql.CollectedField{}, obj) }, graphql.MarshalString(external)},
		{"rank", func() graphql.Marshaler { return ec._Stakeholder_rank(ctx, graphql.CollectedField{}, obj) }, graphql.MarshalInt(rank)},
		{"createdAt", func() graphql.Marshaler { return ec._Stakeholder_createdAt(ctx, graphql.CollectedField{}, obj) }, graphql.MarshalTime(obj.CreatedAt)},
	} {
		var got, want bytes.Buffer
		c.read().MarshalGQL(&got)
		c.want.MarshalGQL(&want)
		if got.String() != want.String() {
			t.Errorf("%s writes %s, want %s", c.name, &got, &want)
		}
		if n := testing.AllocsPerRun(100, func() { c.read() }); n != 0 {
			t.Errorf("%s: %v allocations per value, want 0", c.name, n)
		}
	}
}
