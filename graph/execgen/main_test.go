package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// gqlgenOutput holds one of each line execgen rewrites, as gqlgen v0.17.98 writes them.
const gqlgenOutput = `type executionContext struct {
	*graphql.ExecutionContextState[ResolverRoot, DirectiveRoot, ComplexityRoot]
}

func (ec *executionContext) fieldContext_Account_plans(ctx context.Context, field graphql.CollectedField) (fc *graphql.FieldContext, err error) {
	fc = &graphql.FieldContext{
		Object: "Account",
		Field:  field,
	}
	if fc.Args, err = ec.field_Account_plans_args(ctx, field.ArgumentMap(ec.Variables)); err != nil {
		return fc, err
	}
}

func (ec *executionContext) _Account_name(ctx context.Context, field graphql.CollectedField, obj *ent.Account) (ret graphql.Marshaler) {
	return graphql.ResolveField(
		ctx,
		ec.OperationContext,
		field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.fieldContext_Account_name(ctx, field)
		},
		func(ctx context.Context) (any, error) {
			return obj.Name, nil
		},
		nil,
		func(ctx context.Context, selections ast.SelectionSet, v string) graphql.Marshaler {
			return ec.marshalNString2string(ctx, selections, v)
		},
		true,
		true,
	)
}

func (ec *executionContext) _Account_id(ctx context.Context, field graphql.CollectedField, obj *ent.Account) (ret graphql.Marshaler) {
	return graphql.ResolveField(
		ctx,
		ec.OperationContext,
		field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.fieldContext_Account_id(ctx, field)
		},
		func(ctx context.Context) (any, error) {
			return obj.ID, nil
		},
		nil,
		func(ctx context.Context, selections ast.SelectionSet, v int) graphql.Marshaler {
			return ec.marshalNID2int(ctx, selections, v)
		},
		true,
		true,
	)
}

func (ec *executionContext) fieldContext_Account_id(_ context.Context, field graphql.CollectedField) (fc *graphql.FieldContext, err error) {
	return graphql.NewScalarFieldContext("Account", field, false, false, "ID")
}

func (ec *executionContext) _Account_status(ctx context.Context, field graphql.CollectedField, obj *ent.Account) (ret graphql.Marshaler) {
	return graphql.ResolveField(
		ctx,
		ec.OperationContext,
		field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.fieldContext_Account_status(ctx, field)
		},
		func(ctx context.Context) (any, error) {
			return obj.Status, nil
		},
		nil,
		func(ctx context.Context, selections ast.SelectionSet, v account.Status) graphql.Marshaler {
			return ec.marshalNAccountStatus2Status(ctx, selections, v)
		},
		true,
		true,
	)
}

func (ec *executionContext) fieldContext_Account_status(_ context.Context, field graphql.CollectedField) (fc *graphql.FieldContext, err error) {
	return graphql.NewScalarFieldContext("Account", field, false, false, "AccountStatus")
}

func (ec *executionContext) marshalNAccountStatus2Status(ctx context.Context, sel ast.SelectionSet, v account.Status) graphql.Marshaler {
	return v
}

func (ec *executionContext) marshalNObjectiveStatus2githubᚗcomᚋaccountplanᚋaccountplanᚋentᚋobjectiveᚐStatus(ctx context.Context, sel ast.SelectionSet, v objective.Status) graphql.Marshaler {
	return v
}

func (ec *executionContext) marshalNString2string(ctx context.Context, sel ast.SelectionSet, v string) graphql.Marshaler {
	_ = sel
	res := scalar.MarshalString(v)
	if res == graphql.Null {
		graphql.AddInvalidNullFromMarshaler(ctx, "String!")
	}
	return res
}

func (ec *executionContext) fieldContext_Account_name(_ context.Context, field graphql.CollectedField) (fc *graphql.FieldContext, err error) {
	return graphql.NewScalarFieldContext("Account", field, false, false, "String")
}

func (ec *executionContext) _Account_tier(ctx context.Context, field graphql.CollectedField, obj *ent.Account) (ret graphql.Marshaler) {
	return graphql.ResolveField(
		ctx,
		ec.OperationContext,
		field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.fieldContext_Account_tier(ctx, field)
		},
		func(ctx context.Context) (any, error) {
			return ec.resolvers.Account().Tier(ctx, obj)
		},
		nil,
		func(ctx context.Context, selections ast.SelectionSet, v string) graphql.Marshaler {
			return ec.marshalNString2string(ctx, selections, v)
		},
		true,
		true,
	)
}

func (ec *executionContext) _Account(ctx context.Context, sel ast.SelectionSet, obj *ent.Account) graphql.Marshaler {
	fields := graphql.CollectFields(ec.OperationContext, sel, accountImplementors)

	out := graphql.NewFieldSet(fields)
	deferred := graphql.NewDeferredGroup(ctx)
	for i, field := range fields {
		switch field.Name {
		case "plans":
			out.ResolveConcurrently(ec.OperationContext, &deferred, i,
				true, true,
				func(ctx context.Context) graphql.Marshaler {
					return ec._Account_plans(ctx, field, obj)
				})
		}
	}
	out.Dispatch(ctx)
	if out.Invalids > 0 {
		return graphql.Null
	}

	if n := len(deferred.Defers); n > 0 {
		atomic.AddInt32(&ec.Deferred, int32(min(n, math.MaxInt32)))
		ec.ProcessDeferredGroup(deferred)
	}

	return out
}

func (ec *executionContext) marshalNCursor2entgoᚗioᚋcontribᚋentgqlᚐCursor(ctx context.Context, sel ast.SelectionSet, v entgql.Cursor[int]) graphql.Marshaler {
	return v
}

func (ec *executionContext) marshalOCursor2ᚖentgoᚗioᚋcontribᚋentgqlᚐCursor(ctx context.Context, sel ast.SelectionSet, v *entgql.Cursor[int]) graphql.Marshaler {
	if v == nil {
		return graphql.Null
	}
	return v
}

func (ec *executionContext) marshalNID2int(ctx context.Context, sel ast.SelectionSet, v int) graphql.Marshaler {
	_ = sel
	res := graphql.MarshalIntID(v)
	if res == graphql.Null {
		graphql.AddInvalidNullFromMarshaler(ctx, "ID!")
	}
	return res
}

func (ec *executionContext) marshalOBoolean2bool(ctx context.Context, sel ast.SelectionSet, v bool) graphql.Marshaler {
	_ = sel
	_ = ctx
	res := graphql.MarshalBoolean(v)
	return res
}

func (ec *executionContext) marshalNInt2int(ctx context.Context, sel ast.SelectionSet, v int) graphql.Marshaler {
	_ = sel
	res := graphql.MarshalInt(v)
	return res
}

func (e *executableSchema) Exec(ctx context.Context) graphql.ResponseHandler {
	switch opCtx.Operation.Operation {
	case ast.Query:
		return func(ctx context.Context) *graphql.Response {
			var buf bytes.Buffer
			data.MarshalGQL(&buf)
			response.Data = buf.Bytes()
			return &response
		}
	}
}

func (ec *executionContext) marshalOAccountEdge(ctx context.Context, sel ast.SelectionSet, v []*ent.AccountEdge) graphql.Marshaler {
	ret := graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		return ec.marshalOAccountEdge2(ctx, sel, v[i])
	})
}
`

func TestRewriteAndRestore(t *testing.T) {
	out, err := Rewrite([]byte(gqlgenOutput))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"\texecgen execgenState\n}",
		`ec.argsOnce(ctx, field, "Account_plans", ec.field_Account_plans_args)`,
		"deferred := ec.deferredGroup(ctx)",
		"ec.resolveField(ctx, out, &deferred, i,",
		"ec.marshalSlice(ctx, len(v), func(ctx context.Context, i int)",
		"\treturn ec.objectOut(answer, out)\n}",
		"\tfc = ec.newFieldContext()\n\t*fc = graphql.FieldContext{\n\t\tObject: \"Account\",",
		"entᚋobjectiveᚐStatus(ctx context.Context, sel ast.SelectionSet, v objective.Status) graphql.Marshaler {\n\treturn outEnum(v)\n}",
		"\tfields := ec.collectFields(sel, accountImplementors)\n\n\tout, answer := ec.newFieldSet(fields)\n",
		`return scalarFieldContext("Account", field, false, false, "String")`,
		"v entgql.Cursor[int]) graphql.Marshaler {\n\treturn outCursor(v)\n}",
		"\t\treturn graphql.Null\n\t}\n\treturn outCursor(*v)\n}",
		"res := outID(v)",
		"res := outBoolean(v)",
		"res := outInt(v)",
		"\t\t\tresponse.Data = marshalAnswer(data)\n\t\t\treturn &response",
		"\tfc, err := ec.fieldContext_Account_name(ctx, field) // execgen: ResolveField(..., true, true) of a struct field, without middleware\n" +
			"\tif err != nil {\n\t\treturn graphql.Null\n\t}\n" +
			"\tvar v string = obj.Name\n" +
			"\treturn ec.marshalNString2string(ec.withFieldContext(ctx, fc), field.Selections, v)\n}",
	} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("the rewritten executor lacks %q:\n%s", want, out)
		}
	}
	if n := bytes.Count(out, []byte("return graphql.ResolveField(")); n != 1 {
		t.Errorf("%d fields still resolve through graphql.ResolveField, want 1 (the resolver's)", n)
	}
	if again, _ := Rewrite(out); !bytes.Equal(again, out) {
		t.Errorf("rewriting twice changes the code:\n%s", again)
	}
	if back := Restore(out); string(back) != gqlgenOutput {
		t.Errorf("restored code differs from gqlgen's:\n%s", back)
	}
}

func TestRewriteLeaves(t *testing.T) {
	rewritten, err := Rewrite([]byte(gqlgenOutput))
	if err != nil {
		t.Fatal(err)
	}
	leaves := Leaves([][]byte{rewritten})
	for name, want := range map[string]string{"marshalNID2int": "outID", "marshalNAccountStatus2Status": "", "marshalNObjectiveStatus2githubᚗcomᚋaccountplanᚋaccountplanᚋentᚋobjectiveᚐStatus": "", "marshalNString2string": "scalar.MarshalString", "marshalOBoolean2bool": ""} {
		if got, ok := leaves[name]; !ok || got != want {
			t.Errorf("leaf %s: %q, %v; want %q", name, got, ok, want)
		}
	}
	if _, ok := leaves["marshalOAccountEdge"]; ok {
		t.Error("a list's marshaler was taken for a leaf's")
	}
	out := RewriteLeaves(rewritten, leaves)
	for _, want := range []string{
		"(ret graphql.Marshaler) {\n\tif res := outIDAt(&obj.ID); res != graphql.Null { // execgen: a leaf, written without its field context unless null\n\t\treturn res\n\t}\n\tfc, err := ec.fieldContext_Account_id(ctx, field)",
		"(ret graphql.Marshaler) {\n\tif res := ec.marshalNAccountStatus2Status(ctx, field.Selections, obj.Status); res != graphql.Null {",
	} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("the rewritten executor lacks %q:\n%s", want, out)
		}
	}
	if bytes.Contains(out, []byte("scalar.StringAt(&obj.Name)")) {
		t.Error("a leaf guard calls a package the file does not import")
	}
	withImport := RewriteLeaves(append([]byte("import (\n\t\"github.com/accountplan/accountplan/graph/scalar\"\n)\n"), rewritten...), leaves)
	if !bytes.Contains(withImport, []byte("\tif res := scalar.StringAt(&obj.Name); res != graphql.Null {")) {
		t.Error("no leaf guard for a String field in a file that imports its scalar package")
	}
	optional := Leaves([][]byte{[]byte(optionalStrings)})
	if optional["marshalOString2string"] != "&scalar.MarshalString" || optional["marshalOString2ᚖstring"] != "*scalar.MarshalString" {
		t.Errorf("optional Strings' leaves: %q", optional)
	}
	for from, want := range map[string]string{
		"&scalar.MarshalString": "\tif res := scalar.StringAt(&obj.Name); res != graphql.Null {",
		"*scalar.MarshalString": "\tif res := scalar.StringAt(obj.Name); res != graphql.Null {",
	} {
		byAddress := map[string]string{"marshalNString2string": from}
		if got := RewriteLeaves(append([]byte("import (\n\t\"github.com/accountplan/accountplan/graph/scalar\"\n)\n"), rewritten...), byAddress); !bytes.Contains(got, []byte(want)) {
			t.Errorf("a context-free leaf %s is not written as %q", from, want)
		}
		if got := RewriteLeaves(rewritten, byAddress); !bytes.Contains(got, []byte("\tif res := ec.marshalNString2string(ctx, field.Selections, obj.Name); res != graphql.Null {")) {
			t.Errorf("a context-free leaf %s in a file without its scalar package lost its guard", from)
		}
	}
	if again := RewriteLeaves(out, leaves); !bytes.Equal(again, out) {
		t.Errorf("rewriting leaves twice changes the code:\n%s", again)
	}
	if back := Restore(out); string(back) != gqlgenOutput {
		t.Errorf("restored code differs from gqlgen's:\n%s", back)
	}
}

// optionalStrings are gqlgen's marshalers of an optional String and of a pointer to one.
const optionalStrings = `func (ec *executionContext) marshalOString2string(ctx context.Context, sel ast.SelectionSet, v string) graphql.Marshaler {
	_ = sel
	_ = ctx
	res := scalar.MarshalString(v)
	return res
}

func (ec *executionContext) marshalOString2ᚖstring(ctx context.Context, sel ast.SelectionSet, v *string) graphql.Marshaler {
	if v == nil {
		return graphql.Null
	}
	_ = sel
	_ = ctx
	res := scalar.MarshalString(*v)
	return res
}
`

func TestRewriteRefusesWhatItDoesNotKnow(t *testing.T) {
	limited := strings.Replace(gqlgenOutput, "len(v), 0, false,", "len(v), 4, false,", 1)
	if _, err := Rewrite([]byte(limited)); err == nil {
		t.Error("a list marshalled with a worker limit was rewritten")
	}
	other := strings.Replace(gqlgenOutput, "graphql.NewDeferredGroup(ctx)", "graphql.NewDeferredGroup(childCtx)", 1)
	if _, err := Rewrite([]byte(other)); err == nil {
		t.Error("a @defer group execgen does not rewrite was left in place")
	}
	unpaired := strings.Replace(gqlgenOutput, "\treturn out\n}", "\treturn graphql.Null\n}", 1)
	if _, err := Rewrite([]byte(unpaired)); err == nil {
		t.Error("an object whose answer is not its field set's was cut from chunks")
	}
	iface := strings.Replace(gqlgenOutput, "v string) graphql.Marshaler {\n\t\t\treturn ec.marshalNString2string", "v any) graphql.Marshaler {\n\t\t\treturn ec.marshalNString2string", 1)
	if _, err := Rewrite([]byte(iface)); err == nil {
		t.Error("a struct field of type any was read without gqlgen's nil check")
	}
}

// argsDecoders are gqlgen's decoders of two fields' arguments whose names have underscores of their own.
const argsDecoders = `func (ec *executionContext) field_Query___type_args(ctx context.Context, rawArgs map[string]any) (map[string]any, error) {
	return nil, nil
}

func (ec *executionContext) field___Field_args_args(ctx context.Context, rawArgs map[string]any) (map[string]any, error) {
	return nil, nil
}
`

// The helpers file maps each field to its decoder under gqlgen's key, Object_field, in order.
func TestHelpers(t *testing.T) {
	out, err := Helpers([][]byte{[]byte(argsDecoders), []byte(gqlgenOutput)})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, helpers) {
		t.Error("the helpers file does not begin with helpers.go.txt")
	}
	want := "\t\t\"Query___type\": (*executionContext).field_Query___type_args,\n\t\t\"__Field_args\": (*executionContext).field___Field_args_args,\n\t}\n}\n"
	if !bytes.HasSuffix(out, []byte(want)) {
		t.Errorf("the helpers file does not end with the decoders' table %q:\n%s", want, out[len(helpers):])
	}
	other := strings.Replace(argsDecoders, "rawArgs map[string]any)", "rawArgs map[string]interface{})", 1)
	if _, err := Helpers([][]byte{[]byte(other)}); err == nil {
		t.Error("a decoder of another signature was left out of the table")
	}
}

// TestExecutorIsRewritten fails when graph/generated is gqlgen's output
// alone (gqlgen run by hand instead of go generate) or edited by hand.
func TestExecutorIsRewritten(t *testing.T) {
	dir := filepath.Join("..", "generated")
	files, err := filepath.Glob(filepath.Join(dir, "*.generated.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no generated executor in %s: %v", dir, err)
	}
	patched := false
	var srcs, executor [][]byte
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, src)
		if filepath.Base(f) != helpersFile {
			executor = append(executor, src)
		}
	}
	leaves := Leaves(srcs)
	if len(leaves) == 0 {
		t.Error("the executor has no leaf marshalers: has gqlgen's output changed?")
	}
	want, err := Helpers(executor)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range files {
		src := srcs[i]
		if filepath.Base(f) == helpersFile {
			if !bytes.Equal(src, want) {
				t.Errorf("%s differs from execgen's helpers: run go generate ./...", f)
			}
			continue
		}
		for _, gqlgen := range []string{"graphql.NewDeferredGroup(", "graphql.NewScalarFieldContext(", "graphql.MarshalSliceConcurrently(", "out.ResolveConcurrently(", "field.ArgumentMap(ec.Variables))", "graphql.MarshalIntID(", "graphql.MarshalBoolean(", "response.Data = buf.Bytes()", "graphql.NewFieldSet(fields)", "graphql.CollectFields(ec.OperationContext, sel,"} {
			if bytes.Contains(src, []byte(gqlgen)) {
				t.Errorf("%s calls %s, which execgen rewrites: run go generate ./...", f, gqlgen)
			}
		}
		if again, err := Rewrite(Restore(src)); err != nil || !bytes.Equal(RewriteLeaves(again, leaves), src) {
			t.Errorf("%s is not execgen's rewrite of gqlgen's output (%v): run go generate ./...", f, err)
		}
		patched = patched || bytes.Contains(src, []byte("\texecgen execgenState\n"))
	}
	if !patched {
		t.Error("no executionContext carries execgen's state")
	}
}
