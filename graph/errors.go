package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/ent/privacy"
	"github.com/accountplan/accountplan/ent/schema/clienterr"
	"github.com/accountplan/accountplan/ent/schema/schematype"
	"github.com/accountplan/accountplan/graph/generated"
	"github.com/accountplan/accountplan/graph/upsert"
)

// The closed list of extensions.code values a client can see.
const (
	CodeBadRequest       = "BAD_REQUEST"            // the HTTP request is malformed (400, 405, 406, 415), or its body came too slowly (408)
	CodePayloadTooLarge  = "PAYLOAD_TOO_LARGE"      // the body exceeds the limit (413)
	CodeTooComplex       = "QUERY_TOO_COMPLEX"      // the document exceeds the depth, cost, alias or token limit, or a query's answer the size limit
	CodeRateLimited      = "RATE_LIMITED"           // too many requests: from this client or open at once from it (429), or at once (503)
	CodeTimeout          = "TIMEOUT"                // the request ran out of time and its database work was cancelled
	CodeParseFailed      = errcode.ParseFailed      // the document is not valid GraphQL syntax
	CodeValidationFailed = errcode.ValidationFailed // the document or variables do not fit the schema
	CodeBadUserInput     = "BAD_USER_INPUT"         // a value is refused; extensions.field names the input field
	CodeUnauthenticated  = "UNAUTHENTICATED"        // no valid API token (401)
	CodeForbidden        = "FORBIDDEN"              // the viewer may not make this change
	CodeNotFound         = "NOT_FOUND"              // an ID names no object of the expected type
	CodeConflict         = "CONFLICT"               // a unique value is taken, or the version sent is stale
	CodeInternal         = "INTERNAL_SERVER_ERROR"  // our fault; the message never carries details

	// The server has no document with the hash sent (automatic persisted
	// queries): the client sends it with its hash. gqlgen's code, which Apollo's clients expect.
	CodePersistedQueryNotFound = "PERSISTED_QUERY_NOT_FOUND"
	// The server runs only the documents its operator registered (-persisted-only), and this is not one.
	CodePersistedQueryNotAllowed = "PERSISTED_QUERY_NOT_ALLOWED"
)

// internalError is a resolver error the client did not cause. Its details go
// to the log only.
type internalError struct{ err error }

func (e internalError) Error() string { return e.err.Error() }
func (e internalError) Unwrap() error { return e.err }

// classify turns a resolver error into a client error with a stable code, or
// marks it internal.
func classify(err error) error {
	var (
		gqlErr     *gqlerror.Error
		input      *clienterr.InputError
		reference  *clienterr.ReferenceError
		absent     *clienterr.AbsentError
		validation *ent.ValidationError
		notFound   *ent.NotFoundError
		forbidden  *clienterr.ForbiddenError
		conflict   *clienterr.ConflictError
	)
	var row *upsert.RowError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return TimeoutError()
	case errors.As(err, &row):
		// A refused row of an upsert: the row's error, with its place in the call.
		e, ok := classify(row.Err).(*gqlerror.Error)
		if !ok {
			return internalError{err}
		}
		e.Message = fmt.Sprintf("row %d (externalID %q): %s", row.Index, Clip(row.ExternalID), e.Message)
		e.Extensions["index"], e.Extensions["externalID"] = row.Index, row.ExternalID
		return e
	case errors.As(err, &forbidden):
		return clientError(CodeForbidden, forbidden.Message, "")
	case errors.Is(err, privacy.Deny):
		return clientError(CodeForbidden, "you may not make this change", "")
	case errors.As(err, &conflict):
		e := clientError(CodeConflict, conflict.Error(), "version")
		e.Extensions["currentVersion"] = conflict.Current
		return e
	case errors.As(err, &input):
		return clientError(CodeBadUserInput, input.Error(), input.Field)
	case errors.As(err, &reference):
		return clientError(CodeNotFound, reference.Error(), reference.Field)
	case errors.As(err, &absent):
		return clientError(CodeNotFound, absent.Error(), absent.Field)
	case errors.As(err, &validation):
		field := validatedField(validation)
		return clientError(CodeBadUserInput, field+": "+validationReason(validation, validatedType(validation)), field)
	case errors.As(err, &notFound):
		return clientError(CodeNotFound, "no "+strings.TrimSuffix(strings.TrimPrefix(notFound.Error(), "ent: "), " not found")+" with that ID", "")
	case ent.IsEmptyWhereInput(err):
		return clientError(CodeBadUserInput, "where: a filter inside and, or, not or a hasXWith filters nothing (an empty object, or only xIsNil: false): leave it out", "where")
	case outOfRange(err):
		return clientError(CodeBadUserInput, "a value, or a sum of values, is beyond what the server can store: see the field's description for its range", "")
	case collided(err):
		return retryableConflict()
	case ent.IsConstraintError(err) && isForeignKey(err):
		return missingReference(err)
	case ent.IsConstraintError(err):
		fields := uniqueFields(err)
		msg := "this would duplicate a record that must be unique"
		if len(fields) > 0 {
			msg = "another record already has this " + strings.Join(fields, " and ")
		}
		return clientError(CodeConflict, msg, strings.Join(fields, ","))
	case errors.As(err, &gqlErr) && gqlErr.Extensions["code"] == "INVALID_PAGINATION":
		return clientError(CodeBadUserInput, gqlErr.Message, paginationField(gqlErr.Message))
	case errors.As(err, &gqlErr) && gqlErr.Extensions["code"] != nil:
		return gqlErr
	case errors.As(err, &gqlErr) && gqlErr.Unwrap() == nil:
		// A bare gqlerror without a code is a message written for the client
		// (entgql refuses first and last together that way); database and Go
		// errors never arrive bare.
		return clientError(CodeBadUserInput, gqlErr.Message, paginationField(gqlErr.Message))
	}
	return internalError{err}
}

// upsertError is why a row of an upsert was refused, coded as a request's error would be.
func upsertError(err error) *generated.UpsertError {
	if err == nil {
		return nil
	}
	e, ok := classify(err).(*gqlerror.Error)
	if !ok {
		return &generated.UpsertError{Code: CodeInternal, Message: "internal server error"}
	}
	code, _ := e.Extensions["code"].(string)
	out := &generated.UpsertError{Code: code, Message: e.Message}
	if field, _ := e.Extensions["field"].(string); field != "" {
		out.Field = &field
	}
	return out
}

// paginationField names the argument entgql's pagination messages are about.
func paginationField(message string) string {
	switch {
	case strings.Contains(message, "`first` and `last`"), strings.HasPrefix(message, "`last`"):
		return "last"
	case strings.HasPrefix(message, "`first`"):
		return "first"
	}
	return ""
}

// TimeoutError is the answer to a request whose deadline passed.
func TimeoutError() *gqlerror.Error {
	return clientError(CodeTimeout, "the request ran out of time and was cancelled: ask for less, or retry later", "")
}

func clientError(code, message, field string) *gqlerror.Error {
	ext := map[string]any{"code": code}
	if field != "" {
		ext["field"] = field
	}
	return &gqlerror.Error{Message: message, Extensions: ext}
}

// validationReason rewords ent's validator messages for API users, with the
// bounds they break.
func validationReason(e *ent.ValidationError, typ string) string {
	reason := e.Unwrap().Error()
	var outside *schematype.OutOfRange
	switch {
	case errors.As(e, &outside):
		return outside.Error()
	case strings.Contains(reason, "value is greater than the required length") && ent.GraphQLNames[typ][e.Name].MaxLen > 0:
		return fmt.Sprintf("must be at most %d characters", ent.GraphQLNames[typ][e.Name].MaxLen)
	case strings.Contains(reason, "value out of range"):
		return "value out of range; see the field's description for the allowed range"
	case strings.Contains(reason, "does not match validat"): // ent's wording: "does not match validation"
		return "value has an invalid format; see the field's description"
	case strings.Contains(reason, "value is less than the required length"):
		return "must not be empty"
	case strings.Contains(reason, "value is greater than the required length"):
		return "value is too long"
	case strings.Contains(reason, "missing required"):
		return "is required"
	case strings.Contains(reason, "value is less than"):
		return "must not be negative"
	case strings.Contains(reason, "invalid enum value"):
		return "is not one of the allowed values"
	}
	return "invalid value"
}

var (
	sqliteUnique = regexp.MustCompile(`UNIQUE constraint failed: (.+)$`)
	pgKey        = regexp.MustCompile(`^Key \(([^)]+)\)`)
)

// outOfRange tells a value or sum the database cannot hold: the door bounds
// every value, so only sums of many records at the maximum get here.
func outOfRange(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "22003" // numeric_value_out_of_range
	}
	return strings.Contains(err.Error(), "integer overflow") // SQLite's SUM and arithmetic
}

// isForeignKey tells a violated foreign key from a violated unique index.
func isForeignKey(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23503"
	}
	return strings.Contains(err.Error(), "FOREIGN KEY constraint failed")
}

// missingReference answers a write whose reference vanished under a
// concurrent delete, after the write checked it: NOT_FOUND, naming the input
// field when the database says (PostgreSQL does, SQLite does not).
func missingReference(err error) *gqlerror.Error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && strings.Contains(pgErr.Detail, "is still referenced") {
		return clientError(CodeConflict, "other records still refer to this one", "")
	}
	field := strings.Join(uniqueFields(err), ",")
	msg := "an object this change refers to does not exist (it may have just been deleted)"
	if field != "" {
		msg = field + ": the object it names does not exist (it may have just been deleted)"
	}
	return clientError(CodeNotFound, msg, field)
}

// uniqueFields names the GraphQL fields of a violated unique constraint (or
// foreign key), when the database says.
func uniqueFields(err error) []string {
	var table string
	var cols []string
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		table = pgErr.TableName
		if m := pgKey.FindStringSubmatch(pgErr.Detail); m != nil {
			cols = strings.Split(m[1], ", ")
		}
	} else if m := sqliteUnique.FindStringSubmatch(err.Error()); m != nil {
		for _, c := range strings.Split(m[1], ", ") {
			t, col, _ := strings.Cut(c, ".") // table.column
			table, cols = t, append(cols, col)
		}
	}
	fields := make([]string, 0, len(cols))
	for _, c := range cols {
		fields = append(fields, graphQLField(ent.GraphQLTypes[table], c))
	}
	return fields
}

// validatedTypeName reads the type out of ent's message: validator failed for field "Account.name".
var validatedTypeName = regexp.MustCompile(`field "([A-Za-z]+)\.`)

// validatedType is the entity type whose field a refused value was for.
func validatedType(e *ent.ValidationError) string {
	if m := validatedTypeName.FindStringSubmatch(e.Error()); m != nil {
		return m[1]
	}
	return ""
}

// validatedField is the GraphQL field a refused value was sent in.
func validatedField(e *ent.ValidationError) string {
	return graphQLField(validatedType(e), e.Name)
}

// graphQLField is the GraphQL field of an ent field or column of the type
// (a foreign key's is the input field that sets its edge: accountID).
func graphQLField(typ, name string) string {
	if n, ok := ent.GraphQLNames[typ][name]; ok {
		return n.Field
	}
	return name
}

// presentError gives every error a stable code. Resolver errors arrive
// classified; what remains without a code was caused by the request itself
// (an argument that does not coerce), so it is the client's to fix.
func presentError(ctx context.Context, err error) *gqlerror.Error {
	var internal internalError
	if errors.As(err, &internal) {
		slog.ErrorContext(ctx, "resolver failed", "path", graphql.GetPath(ctx).String(), "error", internal.err)
		return &gqlerror.Error{
			Message:    "internal server error",
			Path:       graphql.GetPath(ctx),
			Extensions: map[string]any{"code": CodeInternal},
		}
	}
	gqlErr := graphql.DefaultErrorPresenter(ctx, err)
	if gqlErr.Extensions == nil {
		gqlErr.Extensions = map[string]any{}
	}
	if gqlErr.Extensions["code"] == nil {
		// An argument that does not coerce: name the input field (the last
		// name on the path) and keep Go's parser messages away from clients.
		gqlErr.Extensions["code"] = CodeBadUserInput
		if field := lastPathName(gqlErr.Path); field != "" {
			gqlErr.Extensions["field"] = field
			gqlErr.Message = coercionMessage(field, err, gqlErr.Message)
		}
	}
	if gqlErr.Extensions["code"] == CodeNotFound && gqlErr.Extensions["field"] == nil {
		// The object the field's own id argument names does not exist
		// (updateX, deleteX, node): say so, and name the argument.
		switch fc := graphql.GetFieldContext(ctx); {
		case fc == nil:
		case fc.Args["id"] != nil:
			gqlErr.Extensions["field"] = "id"
			gqlErr.Message = fmt.Sprintf("id: no %s with id %v", targetType(fc.Field.Name), fc.Args["id"])
		case fc.Args["ids"] != nil:
			gqlErr.Extensions["field"] = "ids"
		}
	}
	return gqlErr
}

// lastPathName is the last field name of an error path such as createGoal.input.target.
func lastPathName(path ast.Path) string {
	for i := len(path) - 1; i > 0; i-- {
		if name, ok := path[i].(ast.PathName); ok {
			return string(name)
		}
	}
	return ""
}

// coercionMessage rewords the errors of gqlgen's built-in scalars, whose text
// is Go's (strconv.ParseInt: parsing "1.5": invalid syntax).
func coercionMessage(field string, err error, message string) string {
	var num *strconv.NumError
	switch {
	case errors.As(err, &num) && errors.Is(num.Err, strconv.ErrRange):
		return fmt.Sprintf("%s: %q is out of range", field, num.Num)
	case errors.As(err, &num):
		return fmt.Sprintf("%s: %q is not a whole number", field, num.Num)
	case strings.HasPrefix(message, "cannot decode cursor"):
		return field + ": not a cursor this API returned"
	case strings.HasPrefix(message, field+":"):
		return message
	}
	return field + ": " + message
}

// targetType is the type a mutation such as updateAccountPlan works on.
func targetType(mutation string) string {
	for _, verb := range []string{"update", "delete"} {
		if t, ok := strings.CutPrefix(mutation, verb); ok && t != "" {
			return t
		}
	}
	return "object"
}

// recoverPanic reports a panic as an internal error, never its message.
func recoverPanic(ctx context.Context, p any) error {
	slog.ErrorContext(ctx, "resolver panicked", "panic", p)
	return internalError{fmt.Errorf("panic: %v", p)}
}
