package graph

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// mutationAttempts bounds how often a mutation request runs when it keeps
// colliding with concurrent ones; each run is a fresh transaction.
const mutationAttempts = 4

// retryConflicts runs a mutation request again, in a fresh transaction, when
// PostgreSQL rolled it back for colliding with another (a deadlock, a
// serialisation failure, a lock not available): the client would only send
// it again. The answer is the last run's alone; after the last, the client
// gets CONFLICT with extensions.retryable.
type retryConflicts struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = retryConflicts{}

func (retryConflicts) ExtensionName() string                   { return "RetryConflicts" }
func (retryConflicts) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation makes each run a new operation: gqlgen answers a
// mutation once per operation, and each answer gathers its own errors.
func (retryConflicts) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if graphql.GetOperationContext(ctx).Operation.Operation != ast.Mutation {
		return next(ctx)
	}
	handler, answered := next(ctx), false
	return func(respCtx context.Context) *graphql.Response {
		if answered {
			return nil
		}
		answered = true
		for attempt := 1; ; attempt++ {
			resp := handler(respCtx)
			if attempt == mutationAttempts || resp == nil || !hasRetryable(resp.Errors) {
				return resp
			}
			// A short random pause, longer at each attempt, lets the other
			// transaction finish instead of colliding with it again.
			select {
			case <-respCtx.Done():
				return resp
			case <-time.After(time.Duration(rand.Int64N(int64(attempt) * int64(5*time.Millisecond)))):
			}
			handler = next(ctx)
		}
	}
}

// hasRetryable tells whether a request failed only because it collided with another.
func hasRetryable(errs gqlerror.List) bool {
	for _, e := range errs {
		if e.Extensions["retryable"] == true {
			return true
		}
	}
	return false
}

// collided tells whether the database gave up on the statement because of
// concurrent transactions: on PostgreSQL a deadlock, a serialisation failure
// or a lock not available; on SQLite a write lock held past the busy timeout.
func collided(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "40P01", "40001", "55P03":
			return true
		}
		return false
	}
	return sqliteBusy(err.Error())
}

// sqliteBusy tells SQLite's answer when its busy timeout ran out while
// another connection held the write lock (SQLITE_BUSY, SQLITE_LOCKED).
func sqliteBusy(message string) bool {
	return strings.Contains(message, "database is locked") || strings.Contains(message, "database table is locked")
}

// retryableConflict is the answer to a request that kept colliding with others.
func retryableConflict() *gqlerror.Error {
	e := clientError(CodeConflict, "the request collided with concurrent changes to the same records and was rolled back: nothing changed; send it again", "")
	e.Extensions["retryable"] = true
	return e
}
