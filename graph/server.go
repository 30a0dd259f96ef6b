package graph

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/graph/generated"
	"github.com/accountplan/accountplan/graph/icp"
	"github.com/accountplan/accountplan/graph/live"
	"github.com/accountplan/accountplan/graph/onestatement"
	"github.com/accountplan/accountplan/graph/orgmap"
	"github.com/accountplan/accountplan/graph/planhealth"
	"github.com/accountplan/accountplan/graph/reviews"
)

// MaxPageSize is the largest page a connection returns; every connection
// needs first or last, so no request reads a whole table by accident.
const MaxPageSize = 100

// Settings configure the GraphQL layer. The zero value means the documented
// defaults, field by field; a 0 that is set turns a number off.
type Settings struct {
	Limits Limits
	// PersistedOnly, when set, is the only documents the server runs; nil
	// runs any document, with automatic persisted queries.
	PersistedOnly *PersistedDocuments
	// MapCacheMB is the memory, in MiB, that org maps and the answers computed
	// from them may keep until the map changes: nil means DefaultMapCacheMB, 0 none.
	MapCacheMB *int
	// Maps is the map cache to share with other readers of maps, such as the
	// HTTP edge's org-map picture; nil makes one of MapCacheMB (see MapCache).
	Maps *orgmap.Cache
	// PictureKey signs the URLs OrgMap.pictureURL gives; the HTTP edge checks
	// them with the same key. Servers that share a database share it.
	PictureKey []byte
	// LivePoll is how often the change history is read for subscriptions
	// while any is open; 0 means live.DefaultInterval.
	LivePoll time.Duration
	// WebhooksAllowPrivate lets admins subscribe webhook endpoints on private
	// and loopback addresses, which are refused by default.
	WebhooksAllowPrivate bool
	// LevelByLevel answers every query through the resolvers, a statement per
	// level, never in one statement (graph/onestatement): to compare the two.
	LevelByLevel bool
	// LiteralPlans is how many one-statement plans asked often may run on
	// PostgreSQL with their values written in (onestatement.New): nil means
	// DefaultLiteralPlans, 0 none.
	LiteralPlans *int
}

// DefaultLiteralPlans keeps PostgreSQL's memory for them to some 8 MB per connection.
const DefaultLiteralPlans = 64

// DefaultMapCacheMB keeps a few dozen maps of thousands of stakeholders.
const DefaultMapCacheMB = 256

// MapCache is Maps, or else a new cache of MapCacheMB; nil when that is 0.
func (s Settings) MapCache() *orgmap.Cache {
	if s.Maps != nil {
		return s.Maps
	}
	mb := DefaultMapCacheMB
	if s.MapCacheMB != nil {
		mb = *s.MapCacheMB
	}
	if mb <= 0 {
		return nil
	}
	return orgmap.NewCache(mb << 20)
}

// NewServer builds the GraphQL executor with everything a request passes
// through after the HTTP edge, in this order: the persisted documents (a hash
// or id becomes its document, or, persisted-only, an unregistered one is
// refused), the document limits (tokens and
// aliases before parsing; depth, cost and page sizes after validation), a
// query of stored fields and connections answered in one statement
// (graph/onestatement), one transaction per mutation request (run again, in a new one, when it
// collides with another), the per-root-field loaders (plan health,
// ICP fit, kept org-map answers), the resolvers, and the error presenter that
// gives every error a stable code. The caller adds the HTTP transport. It
// opens its own ent client on drv, so what it adds to the client (the
// interceptors below) changes nobody else's.
func NewServer(drv dialect.Driver, s Settings) *handler.Server {
	client := ent.NewClient(ent.Driver(drv))
	limits := s.Limits.resolve()
	maps := s.MapCache()
	hub := live.NewHub(client, s.LivePoll)
	schema := generated.NewExecutableSchema(generated.Config{Resolvers: &Resolver{client: client, maps: maps, pictureKey: s.PictureKey, live: hub, webhooksAllowPrivate: s.WebhooksAllowPrivate}})
	srv := handler.New(schema)
	srv.AroundOperations(wakeAfterMutations(hub))
	cache := lru.New[*ast.QueryDocument](1000)
	srv.SetQueryCache(cache)
	if limits.introspection {
		srv.Use(extension.Introspection{})
	} else {
		srv.SetValidationRulesFn(rulesWithoutSuggestions)
		srv.SetDisableSuggestion(true)
	}
	// Persisted documents first: the limits must see the document they expand.
	if s.PersistedOnly != nil {
		srv.Use(persistedOnly{docs: s.PersistedOnly})
	} else {
		srv.Use(newAutomaticPersistedQueries())
	}
	srv.Use(documentLimits{limits: limits, cache: cache, schema: schema.Schema(), exec: schema})
	srv.AroundResponses(hideUncodedErrors)
	srv.AroundResponses(reportCost(limits.maxCost))
	if !s.LevelByLevel {
		args := func(ctx context.Context, object string, field graphql.CollectedField) (map[string]any, error) {
			return generated.FieldArgs(ctx, schema, object, field)
		}
		reader := onestatement.New(drv, schema.Schema(), args, valueOr(s.LiteralPlans, DefaultLiteralPlans))
		srv.AroundOperations(reader.AroundOperations)
		srv.AroundResponses(reader.AroundResponses)
	}
	srv.Use(entgql.Transactioner{TxOpener: client})
	srv.Use(retryConflicts{})
	srv.AroundRootFields(stopAfterFailure)
	// Plan health, ICP fit and what reviews start from load for every plan, account and review a root field reads
	// at once: the interceptors note the rows, the loaders live per root field
	// (so a mutation's result sees the mutations before it).
	client.Intercept(planhealth.Interceptor, icp.Interceptor, reviews.Interceptor)
	srv.AroundRootFields(func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
		return next(reviews.WithLoader(icp.WithLoader(planhealth.WithLoader(ctx, client), client), client))
	})
	srv.AroundRootFields(mapAnswers{client: client, cache: maps}.aroundRootField)
	srv.AroundFields(classifyErrors)
	srv.SetErrorPresenter(presentError)
	srv.SetRecoverFunc(recoverPanic)
	return srv
}

// wakeAfterMutations tells the subscriptions of this server about a mutation
// once its answer is ready, and so its transaction is over, without waiting
// for the next reading of the history.
func wakeAfterMutations(hub *live.Hub) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		responses := next(ctx)
		if graphql.GetOperationContext(ctx).Operation.Operation != ast.Mutation {
			return responses
		}
		return func(ctx context.Context) *graphql.Response {
			defer hub.Wake()
			return responses(ctx)
		}
	}
}

// stopAfterFailure runs no further mutation once one of the request has
// failed: the transaction rolls back anyway, and PostgreSQL would refuse every
// later statement of the aborted transaction with errors of its own.
func stopAfterFailure(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	if graphql.GetOperationContext(ctx).Operation.Operation == ast.Mutation && len(graphql.GetErrors(ctx)) > 0 {
		return graphql.Null
	}
	return next(ctx)
}

// classifyErrors gives resolver errors their codes before they leave the resolver.
func classifyErrors(ctx context.Context, next graphql.Resolver) (any, error) {
	res, err := next(ctx)
	if err != nil {
		return res, classify(err)
	}
	return res, nil
}

// hideUncodedErrors replaces errors that bypassed the presenter (such as a
// failed commit, whose text would carry the database's words) with an internal
// error, or with a timeout when the request's deadline has passed.
func hideUncodedErrors(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil {
		return nil // a subscription's stream has ended
	}
	for i, e := range resp.Errors {
		switch {
		case e.Extensions["code"] != nil:
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
			resp.Errors[i] = TimeoutError()
		case sqliteBusy(e.Message):
			// A commit that found the database locked: nothing was written.
			resp.Errors[i] = retryableConflict()
		default:
			slog.ErrorContext(ctx, "request failed", "error", e.Message)
			resp.Errors[i] = &gqlerror.Error{Message: "internal server error", Extensions: map[string]any{"code": CodeInternal}}
		}
	}
	return resp
}
