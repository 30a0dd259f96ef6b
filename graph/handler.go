package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/graph/generated"
	"github.com/accountplan/accountplan/graph/graphiql"
	"github.com/accountplan/accountplan/graph/icp"
	"github.com/accountplan/accountplan/graph/orgmap"
	"github.com/accountplan/accountplan/graph/planhealth"
)

// MaxPageSize is the largest page a connection returns; every connection
// needs first or last, so no request reads a whole table by accident.
const MaxPageSize = 100

// Options are the settings of the HTTP handler.
type Options struct {
	// CORSOrigins are the origins whose pages may call the API from a browser;
	// none means same-origin only.
	CORSOrigins []string
	// Ready reports whether the database answers, for /readyz.
	Ready func(context.Context) error
	// Open lets requests without a token act as an admin: for exploring on
	// loopback before anyone has a token. Requests with a token are signed in.
	Open bool
	// Limits bound what a request or a client can make the server do; the
	// zero value means DefaultLimits().
	Limits Limits
	// MapCacheMB is about how much memory org maps and the answers computed
	// from them may keep: 0 means DefaultMapCacheMB, a negative value none.
	MapCacheMB int
}

// DefaultMapCacheMB keeps a few dozen maps of thousands of stakeholders.
const DefaultMapCacheMB = 256

func (o Options) mapCache() *orgmap.Cache {
	switch {
	case o.MapCacheMB < 0:
		return nil
	case o.MapCacheMB == 0:
		return orgmap.NewCache(DefaultMapCacheMB << 20)
	}
	return orgmap.NewCache(o.MapCacheMB << 20)
}

func (o Options) limits() Limits {
	if o.Limits == (Limits{}) {
		return DefaultLimits()
	}
	return o.Limits
}

// NewServer builds the GraphQL server: the spec-following HTTP transport, one
// transaction per mutation request, document limits and stable error codes.
func NewServer(client *ent.Client, opts Options) *handler.Server {
	limits := opts.limits()
	maps := opts.mapCache()
	srv := handler.New(generated.NewExecutableSchema(generated.Config{Resolvers: &Resolver{client: client, maps: maps}}))
	srv.AddTransport(httpTransport{maxBodyBytes: limits.MaxBodyBytes, maxBatch: limits.MaxBatch})
	cache := lru.New[*ast.QueryDocument](1000)
	srv.SetQueryCache(cache)
	if limits.Introspection {
		srv.Use(extension.Introspection{})
	} else {
		srv.SetValidationRulesFn(rulesWithoutSuggestions)
		srv.SetDisableSuggestion(true)
	}
	srv.Use(documentLimits{Limits: limits, cache: cache})
	srv.AroundResponses(hideUncodedErrors)
	srv.Use(entgql.Transactioner{TxOpener: client})
	srv.AroundRootFields(stopAfterFailure)
	// Plan health and ICP fit load for every plan and account a root field reads
	// at once: the interceptors note the rows, the loaders live per root field
	// (so a mutation's result sees the mutations before it).
	client.Intercept(planhealth.Interceptor, icp.Interceptor)
	srv.AroundRootFields(func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
		return next(icp.WithLoader(planhealth.WithLoader(ctx, client), client))
	})
	srv.AroundRootFields(mapAnswers{client: client, cache: maps}.aroundRootField)
	srv.AroundFields(classifyErrors)
	srv.SetErrorPresenter(presentError)
	srv.SetRecoverFunc(recoverPanic)
	return srv
}

// NewHandler serves GraphQL at /query (behind the rate limit, the cap on
// requests at once and the timeout), GraphiQL at / unless it is off, and
// health checks at /healthz (the process is up) and /readyz (the database answers).
func NewHandler(client *ent.Client, opts Options) http.Handler {
	limits := opts.limits()
	mux := http.NewServeMux()
	mux.Handle("/query", guard(authenticate(client, opts.Open, NewServer(client, opts)), limits))
	if limits.GraphiQL {
		mux.Handle("/", graphiql.Handler("/query"))
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if opts.Ready != nil {
			if err := opts.Ready(ctx); err != nil {
				http.Error(w, "database unavailable", http.StatusServiceUnavailable)
				return
			}
		}
		fmt.Fprintln(w, "ok")
	})
	if len(opts.CORSOrigins) == 0 {
		// rs/cors reads an empty list as "every origin"; ours means same-origin only.
		return mux
	}
	return cors.New(cors.Options{
		AllowedOrigins: opts.CORSOrigins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost},
		AllowedHeaders: []string{"Content-Type", "Accept", "Authorization"},
		MaxAge:         600,
	}).Handler(mux)
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
	for i, e := range resp.Errors {
		switch {
		case e.Extensions["code"] != nil:
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
			resp.Errors[i] = timeoutError()
		default:
			slog.ErrorContext(ctx, "request failed", "error", e.Message)
			resp.Errors[i] = &gqlerror.Error{Message: "internal server error", Extensions: map[string]any{"code": CodeInternal}}
		}
	}
	return resp
}
