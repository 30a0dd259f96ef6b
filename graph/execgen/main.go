// Command execgen runs gqlgen and then rewrites the executor it generated
// (graph/generated) so that a query without @defer resolves its fields and
// list elements one after another in the goroutine that asks for them, and
// decodes each field's arguments once per request, not once per parent.
// gqlgen v0.17.98 has no switch for either: worker_limit still starts a
// goroutine per list element, and every object builds a @defer group (its
// path from the context) whether or not the document defers anything.
// go generate runs it in gqlgen's place (server.go); it is idempotent.
//
// The rewrites, each a fixed line of gqlgen's output:
//   - fieldContext_*: ec.field_X_args(ctx, field.ArgumentMap(ec.Variables))
//     becomes ec.argsOnce(ctx, field, "X", ec.field_X_args): decoded once per
//     field of the document, type and request;
//   - objects: graphql.NewDeferredGroup(ctx) becomes ec.deferredGroup(ctx),
//     empty unless the document uses @defer;
//   - objects: out.ResolveConcurrently(ec.OperationContext, &deferred, i, ...)
//     becomes ec.resolveField(ctx, out, &deferred, i, ...), which resolves
//     the field at once unless the document uses @defer;
//   - lists: graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, ...)
//     becomes ec.marshalSlice(ctx, len(v), ...), one element after another
//     unless the document uses @defer;
//   - fields read from a struct (return obj.X, nil; no directive): the
//     graphql.ResolveField call becomes its field context and the marshal
//     call, with a context cut from chunks of the request (withFieldContext).
//     Such a read cannot fail or panic, so it skips the field
//     middlewares (AroundFields), the resolver closure, the recover and the
//     boxing of the value; errors its marshaler or children report keep
//     their path. AroundFields middlewares therefore see only resolver and
//     method fields;
//   - objects: return out becomes return ec.objectOut(answer, out), which
//     writes the object's fields without the map and per-field allocations
//     of FieldSet.MarshalGQL unless the document uses @defer;
//   - objects: out := graphql.NewFieldSet(fields) becomes
//     out, answer := ec.newFieldSet(fields): unless the document uses @defer,
//     the field set, its values and that answer are cut from chunks of the
//     request, not allocated per object;
//   - objects: graphql.CollectFields(ec.OperationContext, sel, xImplementors)
//     becomes ec.collectFields(sel, xImplementors), gqlgen's per-request
//     cache under a key that needs no hash nor allocation;
//   - fields: fc = &graphql.FieldContext{...} becomes a field context cut from
//     chunks of the request (newFieldContext), then filled the same way;
//   - scalar fields: graphql.NewScalarFieldContext becomes scalarFieldContext,
//     the same field context with a Child shared by every field of the type.
//   - IDs, Ints, Booleans (graphql.MarshalIntID, MarshalInt, MarshalBoolean)
//     and cursors (entgql.Cursor's own MarshalGQL) become graph/scalar's
//     writers: the same bytes, without a closure, string or encoder per value;
//   - ent's enums (return v in their marshalers) become outEnum(v): their
//     MarshalGQL's quoted value, written from one writer per value made once;
//   - a query's answer is written into a pooled buffer and copied out once,
//     instead of a bytes.Buffer that grows by doubling.
//   - a struct read of a leaf (RewriteLeaves) first tries to write the value
//     without its field context: only a null, whose error needs the path,
//     builds it; a String, Time, ID or Int of an object behind a pointer is
//     written from its address in the object, without boxing a copy.
//
// The methods they call are written to graph/generated/execgen.generated.go,
// with the table of gqlgen's decoders of fields' arguments (field_X_args)
// that generated.FieldArgs (graph/generated/fieldargs.go) looks them up in.
// Every element's data is loaded before its fields resolve (entgql's eager
// loading, graph/batch's loaders), so running them in turn waits on nothing.
package main

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"go/format"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen/config"
)

// helpers is the file of the methods the rewritten executor calls.
//
//go:embed helpers.go.txt
var helpers []byte

const helpersFile = "execgen.generated.go"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "execgen:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err != nil {
		return err
	}
	dir := cfg.Exec.DirName
	// gqlgen reads the package it regenerates: without the helpers the rewritten code it replaces still compiles.
	if err := os.Remove(filepath.Join(dir, helpersFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := restore(dir); err != nil {
		return err
	}
	if err := api.Generate(cfg); err != nil {
		return err
	}
	return rewriteDir(dir)
}

// rewriteDir rewrites every generated file of the executor and writes the helpers beside them.
func rewriteDir(dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.generated.go"))
	if err != nil {
		return err
	}
	patched := false
	var names []string
	var srcs, outs [][]byte
	for _, f := range files {
		if filepath.Base(f) == helpersFile {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		out, err := Rewrite(src)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		patched = patched || bytes.Contains(out, []byte("\texecgen execgenState\n"))
		names, srcs, outs = append(names, f), append(srcs, src), append(outs, out)
	}
	leaves := Leaves(outs)
	for i, f := range names {
		out := RewriteLeaves(outs[i], leaves)
		if !bytes.Equal(out, srcs[i]) {
			if err := os.WriteFile(f, out, 0o644); err != nil {
				return err
			}
		}
	}
	if !patched {
		return errors.New("no executionContext struct to add execgen's state to: has gqlgen's output changed?")
	}
	file, err := Helpers(outs)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, helpersFile), file, 0o644)
}

// argsDecoder is gqlgen's decoder of a field's arguments, named field_<Object>_<field>_args (names may hold more underscores: Query.__type's is field_Query___type_args).
var (
	argsDecoder    = regexp.MustCompile(`(?m)^func \(ec \*executionContext\) field_(\w+)_args\(ctx context\.Context, rawArgs map\[string\]any\) \(map\[string\]any, error\) \{$`)
	anyArgsDecoder = regexp.MustCompile(`(?m)^func \(ec \*executionContext\) field_\w+_args\(`)
)

// Helpers is the helpers file for the executor's files: helpers.go.txt and
// an init that fills fieldArgs with each field's argument decoder, by key.
func Helpers(files [][]byte) ([]byte, error) {
	var keys []string
	for _, src := range files {
		found := argsDecoder.FindAllSubmatch(src, -1)
		if len(found) != len(anyArgsDecoder.FindAll(src, -1)) {
			return nil, errors.New("an argument decoder field_X_args of a signature execgen does not know: has gqlgen's output changed?")
		}
		for _, m := range found {
			keys = append(keys, string(m[1]))
		}
	}
	sort.Strings(keys)
	var b bytes.Buffer
	b.Write(helpers)
	b.WriteString("\n// init fills FieldArgs' table: gqlgen's decoder of each field's arguments, under \"<Object>_<field>\" as in its name.\n")
	b.WriteString("func init() {\n\tfieldArgs = map[string]argsDecoder{\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "\t\t%q: (*executionContext).field_%s_args,\n", k, k)
	}
	b.WriteString("\t}\n}\n")
	return format.Source(b.Bytes())
}

// restore undoes the rewrites, so that gqlgen reads a package that compiles without the helpers.
func restore(dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.generated.go"))
	if err != nil {
		return err
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		out := Restore(src)
		if !bytes.Equal(out, src) {
			if err := os.WriteFile(f, out, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

type rule struct {
	from *regexp.Regexp
	to   string
	back *regexp.Regexp
	undo string
}

var rules = []rule{
	{
		regexp.MustCompile(`(?m)^(type executionContext struct \{\n\t\*graphql\.ExecutionContextState\[ResolverRoot, DirectiveRoot, ComplexityRoot\]\n)\}`),
		"${1}\texecgen execgenState\n}",
		regexp.MustCompile(`\n\texecgen execgenState\n\}`),
		"\n}",
	},
	{
		regexp.MustCompile(`ec\.field_(\w+)_args\(ctx, field\.ArgumentMap\(ec\.Variables\)\)`),
		`ec.argsOnce(ctx, field, "$1", ec.field_${1}_args)`,
		regexp.MustCompile(`ec\.argsOnce\(ctx, field, "(\w+)", ec\.field_\w+_args\)`),
		`ec.field_${1}_args(ctx, field.ArgumentMap(ec.Variables))`,
	},
	{
		regexp.MustCompile(`graphql\.NewDeferredGroup\(ctx\)`),
		`ec.deferredGroup(ctx)`,
		regexp.MustCompile(`ec\.deferredGroup\(ctx\)`),
		`graphql.NewDeferredGroup(ctx)`,
	},
	{
		regexp.MustCompile(`out\.ResolveConcurrently\(ec\.OperationContext, &deferred, i,`),
		`ec.resolveField(ctx, out, &deferred, i,`,
		regexp.MustCompile(`ec\.resolveField\(ctx, out, &deferred, i,`),
		`out.ResolveConcurrently(ec.OperationContext, &deferred, i,`,
	},
	{
		regexp.MustCompile(`\treturn graphql\.ResolveField\(\n\t\tctx,\n\t\tec\.OperationContext,\n\t\tfield,\n` +
			`\t\tfunc\(ctx context\.Context, field graphql\.CollectedField\) \(\*graphql\.FieldContext, error\) \{\n\t\t\treturn ec\.fieldContext_(\w+)\(ctx, field\)\n\t\t\},\n` +
			`\t\tfunc\(ctx context\.Context\) \(any, error\) \{\n\t\t\treturn obj\.(\w+), nil\n\t\t\},\n\t\tnil,\n` +
			`\t\tfunc\(ctx context\.Context, selections ast\.SelectionSet, v ([^()\n]+)\) graphql\.Marshaler \{\n\t\t\treturn ec\.(marshal[^(\s]+)\(ctx, selections, v\)\n\t\t\},\n` +
			`\t\t(true|false),\n\t\t(true|false),\n\t\)\n`),
		"\tfc, err := ec.fieldContext_${1}(ctx, field) // execgen: ResolveField(..., ${5}, ${6}) of a struct field, without middleware\n" +
			"\tif err != nil {\n\t\treturn graphql.Null\n\t}\n" +
			"\tvar v ${3} = obj.${2}\n" +
			"\treturn ec.${4}(ec.withFieldContext(ctx, fc), field.Selections, v)\n",
		regexp.MustCompile(`\tfc, err := ec\.fieldContext_(\w+)\(ctx, field\) // execgen: ResolveField\(\.\.\., (true|false), (true|false)\) of a struct field, without middleware\n` +
			`\tif err != nil \{\n\t\treturn graphql\.Null\n\t\}\n` +
			`\tvar v ([^()\n]+) = obj\.(\w+)\n` +
			`\treturn ec\.(marshal[^(\s]+)\(ec\.withFieldContext\(ctx, fc\), field\.Selections, v\)\n`),
		"\treturn graphql.ResolveField(\n\t\tctx,\n\t\tec.OperationContext,\n\t\tfield,\n" +
			"\t\tfunc(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {\n\t\t\treturn ec.fieldContext_${1}(ctx, field)\n\t\t},\n" +
			"\t\tfunc(ctx context.Context) (any, error) {\n\t\t\treturn obj.${5}, nil\n\t\t},\n\t\tnil,\n" +
			"\t\tfunc(ctx context.Context, selections ast.SelectionSet, v ${4}) graphql.Marshaler {\n\t\t\treturn ec.${6}(ctx, selections, v)\n\t\t},\n" +
			"\t\t${2},\n\t\t${3},\n\t)\n",
	},
	{
		regexp.MustCompile(`(ec\.ProcessDeferredGroup\(deferred\)\n\t\}\n\n)\treturn out\n\}`),
		"${1}\treturn ec.objectOut(answer, out)\n}",
		regexp.MustCompile(`(ec\.ProcessDeferredGroup\(deferred\)\n\t\}\n\n)\treturn ec\.objectOut\(answer, out\)\n\}`),
		"${1}\treturn out\n}",
	},
	{
		regexp.MustCompile(`\n\tout := graphql\.NewFieldSet\(fields\)\n`),
		"\n\tout, answer := ec.newFieldSet(fields)\n",
		regexp.MustCompile(`\n\tout, answer := ec\.newFieldSet\(fields\)\n`),
		"\n\tout := graphql.NewFieldSet(fields)\n",
	},
	{
		regexp.MustCompile(`graphql\.CollectFields\(ec\.OperationContext, sel, (\w+Implementors)\)`),
		"ec.collectFields(sel, ${1})",
		regexp.MustCompile(`ec\.collectFields\(sel, (\w+Implementors)\)`),
		"graphql.CollectFields(ec.OperationContext, sel, ${1})",
	},
	{
		regexp.MustCompile(`\n\tfc = &graphql\.FieldContext\{\n`),
		"\n\tfc = ec.newFieldContext()\n\t*fc = graphql.FieldContext{\n",
		regexp.MustCompile(`\n\tfc = ec\.newFieldContext\(\)\n\t\*fc = graphql\.FieldContext\{\n`),
		"\n\tfc = &graphql.FieldContext{\n",
	},
	{
		regexp.MustCompile(`\treturn graphql\.NewScalarFieldContext\(`),
		"\treturn scalarFieldContext(",
		regexp.MustCompile(`\treturn scalarFieldContext\(`),
		"\treturn graphql.NewScalarFieldContext(",
	},
	{
		regexp.MustCompile(`graphql\.MarshalIntID\(`),
		`outID(`,
		regexp.MustCompile(`\boutID\(`),
		`graphql.MarshalIntID(`,
	},
	{
		regexp.MustCompile(`graphql\.MarshalInt\(`),
		`outInt(`,
		regexp.MustCompile(`\boutInt\(`),
		`graphql.MarshalInt(`,
	},
	{
		regexp.MustCompile(`graphql\.MarshalBoolean\(`),
		`outBoolean(`,
		regexp.MustCompile(`\boutBoolean\(`),
		`graphql.MarshalBoolean(`,
	},
	{
		regexp.MustCompile(`(\) marshalNCursor2[^(\s]+\(ctx context\.Context, sel ast\.SelectionSet, v entgql\.Cursor\[int\]\) graphql\.Marshaler \{\n\t)return v\n`),
		"${1}return outCursor(v)\n",
		regexp.MustCompile(`(\) marshalNCursor2[^(\s]+\(ctx context\.Context, sel ast\.SelectionSet, v entgql\.Cursor\[int\]\) graphql\.Marshaler \{\n\t)return outCursor\(v\)\n`),
		"${1}return v\n",
	},
	{
		regexp.MustCompile(`(\) marshalOCursor2[^(\s]+\(ctx context\.Context, sel ast\.SelectionSet, v \*entgql\.Cursor\[int\]\) graphql\.Marshaler \{\n\tif v == nil \{\n\t\treturn graphql\.Null\n\t\}\n\t)return v\n`),
		"${1}return outCursor(*v)\n",
		regexp.MustCompile(`(\) marshalOCursor2[^(\s]+\(ctx context\.Context, sel ast\.SelectionSet, v \*entgql\.Cursor\[int\]\) graphql\.Marshaler \{\n\tif v == nil \{\n\t\treturn graphql\.Null\n\t\}\n\t)return outCursor\(\*v\)\n`),
		"${1}return v\n",
	},
	{
		regexp.MustCompile(`(\) marshal[NO][^(\s]*2githubᚗcomᚋaccountplanᚋaccountplanᚋentᚋ[a-z0-9]+ᚐ[A-Za-z]+\(ctx context\.Context, sel ast\.SelectionSet, v [a-z0-9]+\.[A-Za-z]+\) graphql\.Marshaler \{\n\t)return v\n`),
		"${1}return outEnum(v)\n",
		regexp.MustCompile(`(\) marshal[NO][^(\s]*2githubᚗcomᚋaccountplanᚋaccountplanᚋentᚋ[a-z0-9]+ᚐ[A-Za-z]+\(ctx context\.Context, sel ast\.SelectionSet, v [a-z0-9]+\.[A-Za-z]+\) graphql\.Marshaler \{\n\t)return outEnum\(v\)\n`),
		"${1}return v\n",
	},
	{
		regexp.MustCompile(`\n(\t+)var buf bytes\.Buffer\n\t+data\.MarshalGQL\(&buf\)\n\t+response\.Data = buf\.Bytes\(\)\n`),
		"\n${1}response.Data = marshalAnswer(data)\n",
		regexp.MustCompile(`\n(\t+)response\.Data = marshalAnswer\(data\)\n`),
		"\n${1}var buf bytes.Buffer\n${1}data.MarshalGQL(&buf)\n${1}response.Data = buf.Bytes()\n",
	},
	{
		regexp.MustCompile(`graphql\.MarshalSliceConcurrently\(ctx, len\(v\), 0, false, `),
		`ec.marshalSlice(ctx, len(v), `,
		regexp.MustCompile(`ec\.marshalSlice\(ctx, len\(v\), `),
		`graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, `,
	},
}

// interfaceRead is a rewritten struct read of an interface value, whose nil gqlgen reports and the read would not.
var interfaceRead = regexp.MustCompile(`\n\tvar v (any|interface\{\}) = obj\.`)

// Rewrite applies the rewrites to one generated file.
func Rewrite(src []byte) ([]byte, error) {
	if bytes.Contains(src, []byte("MarshalSliceConcurrently(ctx, len(v), ")) && !bytes.Contains(src, []byte("MarshalSliceConcurrently(ctx, len(v), 0, false, ")) {
		return nil, errors.New("gqlgen marshals lists with a worker limit or without its panic handler: execgen expects neither (gqlgen.yml)")
	}
	for _, r := range rules {
		src = r.from.ReplaceAll(src, []byte(r.to))
	}
	if interfaceRead.Match(src) {
		return nil, errors.New("a struct field of an interface type: execgen's read of it would not report a nil as gqlgen does")
	}
	if bytes.Count(src, []byte("out, answer := ec.newFieldSet(fields)")) != bytes.Count(src, []byte("return ec.objectOut(answer, out)")) {
		return nil, errors.New("an object execgen cut from chunks whose answer it does not return, or the other way round")
	}
	if strings.Contains(string(src), "graphql.NewDeferredGroup(") {
		return nil, errors.New("a @defer group execgen does not know how to rewrite")
	}
	return src, nil
}

// Marshalers of leaf types: contextFreeLeaf never reads its context;
// nullCheckedLeaf reads it only to report a null, which its scalar function returns.
var (
	contextFreeLeaf = regexp.MustCompile(`(?m)^func \(ec \*executionContext\) (marshal[NO][^(\s]+)\(ctx context\.Context, sel ast\.SelectionSet, v [^()\n]+\) graphql\.Marshaler \{\n` +
		`(?:\tif v == nil \{\n\t\treturn graphql\.Null\n\t\}\n)?(?:\t_ = sel\n\t_ = ctx\n\tres := ([\w.]+)\((\*?)v\)\n\treturn res\n|\treturn v\n|\treturn outEnum\(v\)\n)\}\n`)
	nullCheckedLeaf = regexp.MustCompile(`(?m)^func \(ec \*executionContext\) (marshalN[^(\s]+)\(ctx context\.Context, sel ast\.SelectionSet, v [^()\n]+\) graphql\.Marshaler \{\n` +
		`\t_ = sel\n\tres := ([\w.]+)\(v\)\n\tif res == graphql\.Null \{\n\t\tgraphql\.AddInvalidNullFromMarshaler\(ctx, "\w+!"\)\n\t\}\n\treturn res\n\}\n`)
	structRead = regexp.MustCompile(`\tfc, err := ec\.fieldContext_(\w+)\(ctx, field\) // execgen: ResolveField\(\.\.\., (?:true|false), (?:true|false)\) of a struct field, without middleware\n` +
		`\tif err != nil \{\n\t\treturn graphql\.Null\n\t\}\n\tvar v [^()\n]+ = obj\.(\w+)\n\treturn ec\.(marshal[^(\s]+)\(ec\.withFieldContext\(ctx, fc\), field\.Selections, v\)\n`)
	leafGuard = regexp.MustCompile(`\tif res := [^\n]+; res != graphql\.Null \{ // execgen: a leaf, written without its field context unless null\n\t\treturn res\n\t\}\n`)
)

// Leaves maps the leaf marshalers of the executor's files to the call that
// writes a value without a field context: "" for the marshaler itself
// (it never reads its context), or its scalar function; a marshaler that
// never reads its context and calls a scalar function of atWriters maps to
// "&" and that function, or "*" and it where it writes what v points at.
func Leaves(files [][]byte) map[string]string {
	leaves := map[string]string{}
	for _, src := range files {
		for _, m := range contextFreeLeaf.FindAllSubmatch(src, -1) {
			leaves[string(m[1])] = ""
			// A scalar function with a writer at an address: "&" it takes the value, "*" what v points at.
			if _, ok := atWriters[string(m[2])]; ok {
				leaves[string(m[1])] = "&" + string(m[2])
				if len(m[3]) > 0 {
					leaves[string(m[1])] = "*" + string(m[2])
				}
			}
		}
		for _, m := range nullCheckedLeaf.FindAllSubmatch(src, -1) {
			leaves[string(m[1])] = string(m[2])
		}
	}
	return leaves
}

// RewriteLeaves puts before a struct read of a leaf (a scalar's field
// context, a marshaler in leaves) a guard that writes the value without
// building its field context and the context that carries it; only a null,
// which needs the field's path for its error, goes on to them.
func RewriteLeaves(src []byte, leaves map[string]string) []byte {
	var out []byte
	last := 0
	for _, m := range structRead.FindAllSubmatchIndex(src, -1) {
		if !bytes.HasSuffix(src[:m[0]], []byte(") (ret graphql.Marshaler) {\n")) {
			continue
		}
		fieldContext, field, marshal := string(src[m[2]:m[3]]), string(src[m[4]:m[5]]), string(src[m[6]:m[7]])
		scalar, ok := leaves[marshal]
		if !ok || !bytes.Contains(src, []byte("func (ec *executionContext) fieldContext_"+fieldContext+"(_ context.Context, field graphql.CollectedField) (fc *graphql.FieldContext, err error) {\n\treturn scalarFieldContext(")) {
			continue
		}
		call := "ec." + marshal + "(ctx, field.Selections, obj." + field + ")"
		// A pointer to the object's own value boxes without allocating: only an object behind a pointer has one.
		objPointer := bytes.Contains(src[bytes.LastIndexByte(src[:m[0]-1], '\n')+1:m[0]], []byte(", obj *"))
		imported := func(f string) bool {
			pkg, _, qualified := strings.Cut(f, ".")
			return !qualified || regexp.MustCompile(`(?m)^\t(?:\w+ )?"[^"\n]*/`+regexp.QuoteMeta(pkg)+`"$`).Match(src)
		}
		switch kind, f := scalar[:min(len(scalar), 1)], scalar[min(len(scalar), 1):]; {
		case kind == "&" || kind == "*":
			if at := atWriters[f]; at != "" && imported(at) {
				if kind == "*" {
					call = at + "(obj." + field + ")"
				} else if objPointer {
					call = at + "(&obj." + field + ")"
				}
			}
		case scalar != "":
			if !imported(scalar) {
				continue
			}
			call = scalar + "(obj." + field + ")"
			if at := atWriters[scalar]; at != "" && objPointer {
				call = at + "(&obj." + field + ")"
			}
		}
		out = append(out, src[last:m[0]]...)
		out = append(out, "\tif res := "+call+"; res != graphql.Null { // execgen: a leaf, written without its field context unless null\n\t\treturn res\n\t}\n"...)
		last = m[0]
	}
	return append(out, src[last:]...)
}

// atWriters are the scalar functions whose value a leaf guard passes by its
// address in the object instead, which boxes no copy of it; the writers take
// a nil pointer for a null.
var atWriters = map[string]string{
	"scalar.MarshalString": "scalar.StringAt",
	"scalar.MarshalTime":   "scalar.TimeAt",
	"outID":                "outIDAt",
	"outInt":               "outIntAt",
}

// Restore undoes Rewrite and RewriteLeaves.
func Restore(src []byte) []byte {
	src = leafGuard.ReplaceAll(src, nil)
	for _, r := range rules {
		src = r.back.ReplaceAll(src, []byte(r.undo))
	}
	return src
}
