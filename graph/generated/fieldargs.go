package generated

// Written by hand, not by execgen: gqlgen builds every package under graph/
// while execgen's helpers are removed, and FieldArgs' callers must compile then.

import (
	"context"
	"errors"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
)

// argsDecoder is gqlgen's field_<Object>_<field>_args, which decodes a field's arguments.
type argsDecoder = func(*executionContext, context.Context, map[string]any) (map[string]any, error)

// fieldArgs maps "<Object>_<field>", as gqlgen names the decoder, to the
// decoder; execgen.generated.go fills it (nil while gqlgen regenerates).
var fieldArgs map[string]argsDecoder

// FieldArgs decodes the arguments of a field of the request's operation as its
// resolver gets them: object is the GraphQL type the field belongs to. A field
// without arguments gives an empty map. ctx must carry the operation context.
// An invalid value gives the error the resolver would get (with the path of
// ctx's field context and the field's alias); FieldArgs does not add it to the
// response.
func FieldArgs(ctx context.Context, schema graphql.ExecutableSchema, object string, field graphql.CollectedField) (args map[string]any, err error) {
	decode, ok := fieldArgs[object+"_"+field.Name]
	if !ok {
		if field.Definition != nil && len(field.Definition.Arguments) > 0 {
			return nil, fmt.Errorf("FieldArgs: no decoder of the arguments of %s.%s: not a field of %s, or graph/generated not regenerated (go generate ./...)", object, field.Name, object)
		}
		return map[string]any{}, nil
	}
	es, ok := schema.(*executableSchema)
	if !ok {
		return nil, fmt.Errorf("FieldArgs: %T is not graph/generated's executable schema", schema)
	}
	if !graphql.HasOperationContext(ctx) {
		return nil, errors.New("FieldArgs: the context carries no operation context")
	}
	opCtx := graphql.GetOperationContext(ctx)
	// The resolver's field context recovers a panic of the decoder into its error.
	defer func() {
		if r := recover(); r != nil {
			args, err = nil, fmt.Errorf("decoding the arguments of %s.%s: %v", object, field.Name, r)
		}
	}()
	// The decoders read nothing of the executor but the context they are given; the channel is @defer's.
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: object, Field: field})
	return decode(newExecutionContext(opCtx, es, nil), ctx, field.ArgumentMap(opCtx.Variables))
}
