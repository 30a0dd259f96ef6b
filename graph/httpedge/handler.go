// Package httpedge is the HTTP edge: everything between a connection and the
// GraphQL layer (package graph). A request to /query passes, in this order:
//
//  1. CORS, for the origins in Settings.CORSOrigins (preflights end here);
//  2. the rate limit per client (429; every answer tells the client's bucket
//     in RateLimit-* headers), then the caps on what one client, and
//     one address when that cap is on, may have open at once (429), held
//     until the answer is written;
//  3. signing in with the bearer token, an API token or a JWT from the
//     company's issuer (401), which puts the viewer in the context; finding
//     the token takes a slot of the cap on requests at once (503) and gives
//     it back;
//  4. reading the whole body under the body deadline (408) and size limit (413);
//  5. a slot of the cap on requests at once (503), taken only now that the
//     request is ready to run;
//  6. the request timeout, which cancels the request's database work;
//  7. the GraphQL-over-HTTP transport: method, media types, batches, and the
//     size of a query's answer (QUERY_TOO_COMPLEX);
//  8. the GraphQL layer (graph.NewServer): persisted documents, document limits, the transaction,
//     loaders, resolvers and the error presenter.
//
// GET /accounts/{id}/orgmap.svg passes the same steps to draw the account's
// org map (orgmap.go). GraphiQL is served at /, health checks at /healthz and
// /readyz, and the Prometheus metrics at /metrics when they are on. Before all
// of it, every request gets an ID, and once answered, refused or not, a log
// line, its count in the metrics and, when tracing is on, a span (observe.go).
package httpedge

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"entgo.io/ent/dialect"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/cors"
	"go.opentelemetry.io/otel/trace"

	"github.com/accountplan/accountplan/ent"
	"github.com/accountplan/accountplan/graph"
	"github.com/accountplan/accountplan/graph/auth"
	"github.com/accountplan/accountplan/graph/httpedge/graphiql"
)

// Settings configure the HTTP edge and, through GraphQL, the layer below it.
// The zero value means the documented defaults, field by field.
type Settings struct {
	// CORSOrigins are the origins whose pages may call the API from a browser;
	// none means same-origin only.
	CORSOrigins []string
	// Ready reports whether the database answers, for /readyz; nil always answers ok.
	Ready func(context.Context) error
	// Open lets requests without a token act as an admin: for exploring on
	// loopback before anyone has a token. Requests with a token are signed in.
	Open bool
	// TokensExist, when set, ends Open within a second of it answering true:
	// the server requires sign-in once the first API token exists. It runs on
	// a connection of the caller's, outside any request's statements.
	TokensExist func(context.Context) (bool, error)
	// OIDC signs in JWTs from the company's OpenID Connect issuer beside API
	// tokens (NewOIDC); nil accepts API tokens only.
	OIDC *auth.OIDC
	// GraphiQL serves GraphiQL at /; nil means served.
	GraphiQL *bool
	// Limits bound what a request or a client can make the server do at the edge.
	Limits Limits
	// GraphQL configures the GraphQL layer: document limits, introspection, the map cache.
	GraphQL graph.Settings
	// Log gets one line per request; nil is slog.Default().
	Log *slog.Logger
	// Metrics serves Prometheus metrics at /metrics; off by default.
	Metrics bool
	// MetricsToken, when set, is the bearer token /metrics asks for.
	MetricsToken string
	// DB is the database's pool, for its statistics in the metrics; nil leaves them out.
	DB *sql.DB
	// Collectors are more metrics /metrics serves, such as the webhook dispatcher's.
	Collectors []prometheus.Collector
	// Tracing gives each request, root field and SQL statement a span; nil is no tracing.
	Tracing trace.TracerProvider
	// StopStreams, when closed, ends every subscription's event stream: the
	// server is shutting down and would otherwise wait for them. nil never does.
	StopStreams <-chan struct{}
}

// Limits bound what one request, or one client, can make the edge do. A nil
// field means its default, a 0 turns its limit off; the README's Limits
// section says why each default is what it is.
type Limits struct {
	MaxBodyBytes          *int64         // request body; larger gets 413; default 16 MiB
	BodyTimeout           *time.Duration // to send the whole body once signed in, before a slot is taken; slower gets 408; default 5 s
	MaxBatch              int            // operations a POST may carry as a JSON array; 0 (the default) turns batching off
	Timeout               *time.Duration // per request; the database work is cancelled with it; default 15 s
	RatePerSecond         *float64       // requests a client may sustain, refilling a bucket of Burst; default 10
	Burst                 *int           // requests a client may send at once; default 40
	MaxInFlight           *int           // requests open at once, over all clients; more get 503; default 64
	MaxRunning            *int           // of those, requests running at once, the others waiting their turn; default 2 per core, 4 at least
	MaxInFlightPerClient  *int           // requests one client (token, or address without one) may have open at once; default 8
	MaxInFlightPerAddress int            // requests one remote address may have open at once, whatever their tokens; 0 (the default) is no cap
	MaxResponseBytes      *int           // the data of a query's answer; larger gets QUERY_TOO_COMPLEX; default 16 MiB
	MaxStreams            *int           // subscriptions' event streams open at once, over all clients; default 1000
	MaxStreamsPerClient   *int           // event streams one client may have open at once; default 4
}

// The defaults of Limits.
const (
	DefaultMaxBodyBytes         = 16 << 20 // a bulk upsert's rows are the variables, a few MB at the most rows a call takes
	DefaultBodyTimeout          = 5 * time.Second
	DefaultTimeout              = 15 * time.Second
	DefaultRatePerSecond        = 10
	DefaultBurst                = 40
	DefaultMaxInFlight          = 64
	DefaultMaxInFlightPerClient = 8
	DefaultMaxResponseBytes     = 16 << 20
	DefaultMaxStreams           = 1000
	DefaultMaxStreamsPerClient  = 4
)

// DefaultMaxRunning is two requests per core, four at least: enough to keep
// the cores busy while some wait on the database, few enough that the memory
// of requests under way stays within the soft memory limit, near which the
// runtime would collect garbage without pause (README, "Memory under load").
func DefaultMaxRunning() int { return max(4, 2*runtime.GOMAXPROCS(0)) }

// limits are Limits with the defaults filled in; 0 is off.
type limits struct {
	maxBodyBytes          int64
	bodyTimeout           time.Duration
	maxBatch              int
	timeout               time.Duration
	ratePerSecond         float64
	burst                 int
	maxInFlight           int
	maxRunning            int
	maxInFlightPerClient  int
	maxInFlightPerAddress int
	maxResponseBytes      int
	maxStreams            int
	maxStreamsPerClient   int
}

func (l Limits) resolve() limits {
	return limits{
		maxBodyBytes:          valueOr(l.MaxBodyBytes, DefaultMaxBodyBytes),
		bodyTimeout:           valueOr(l.BodyTimeout, DefaultBodyTimeout),
		maxBatch:              l.MaxBatch,
		timeout:               valueOr(l.Timeout, DefaultTimeout),
		ratePerSecond:         valueOr(l.RatePerSecond, DefaultRatePerSecond),
		burst:                 valueOr(l.Burst, DefaultBurst),
		maxInFlight:           valueOr(l.MaxInFlight, DefaultMaxInFlight),
		maxRunning:            valueOr(l.MaxRunning, DefaultMaxRunning()),
		maxInFlightPerClient:  valueOr(l.MaxInFlightPerClient, DefaultMaxInFlightPerClient),
		maxInFlightPerAddress: l.MaxInFlightPerAddress,
		maxResponseBytes:      valueOr(l.MaxResponseBytes, DefaultMaxResponseBytes),
		maxStreams:            valueOr(l.MaxStreams, DefaultMaxStreams),
		maxStreamsPerClient:   valueOr(l.MaxStreamsPerClient, DefaultMaxStreamsPerClient),
	}
}

// valueOr is the value a setting points to, or its default when it is unset.
func valueOr[T any](p *T, fallback T) T {
	if p == nil {
		return fallback
	}
	return *p
}

// NewHandler serves GraphQL at /query through the pipeline in the package
// comment, GraphiQL at / unless it is off, and health checks at /healthz (the
// process is up) and /readyz (the database answers).
func NewHandler(drv dialect.Driver, s Settings) http.Handler {
	l := s.Limits.resolve()
	obs := &observer{log: s.Log}
	if obs.log == nil {
		obs.log = slog.Default()
	}
	if s.Tracing != nil {
		obs.tracer = s.Tracing.Tracer("github.com/accountplan/accountplan/graph/httpedge")
	}
	drv = newObservedDriver(drv, obs.tracer)
	s.GraphQL.Maps = s.GraphQL.MapCache() // shared by /query, the org-map picture and the metrics
	if s.GraphQL.PictureKey == nil {
		s.GraphQL.PictureKey = randomKey()
	}
	client := ent.NewClient(ent.Driver(drv))
	srv := graph.NewServer(drv, s.GraphQL)
	// Streams first: the plain transport takes every other request.
	srv.AddTransport(stream{maxResponseBytes: l.maxResponseBytes, stop: s.StopStreams})
	srv.AddTransport(transport{maxBatch: l.maxBatch, maxResponseBytes: l.maxResponseBytes})
	// The API's routes pass the edge together: one rate limit, one set of shares and slots.
	api := http.NewServeMux()
	api.Handle("/query", srv)
	api.Handle("GET /accounts/{id}/orgmap.svg", orgMapPicture(client, s.GraphQL.Maps))
	if obs.tracer != nil {
		srv.AroundRootFields(rootFieldSpans(obs.tracer))
	}
	mux := http.NewServeMux()
	streams := newStreams(l)
	if s.Metrics {
		obs.metrics = newMetrics(s.DB, s.GraphQL.Maps, streams, s.Collectors...)
		mux.Handle("GET /metrics", obs.metrics.handler(s.MetricsToken))
	} else {
		mux.Handle("/metrics", http.NotFoundHandler()) // not GraphiQL's page, for a scraper pointed at a server without metrics
	}
	slots := newSlots(l.maxInFlight)
	inner := ready(api, l, slots, newSlots(l.maxRunning))
	signedIn := authenticate(client, s.OIDC, newOpenness(s.Open, s.TokensExist), slots, inner)
	mux.Handle("/query", admit(signedIn, l, streams))
	mux.Handle("GET /accounts/{id}/orgmap.svg", admit(signedPicture(s.GraphQL.PictureKey, inner, signedIn), l, streams))
	if valueOr(s.GraphiQL, true) {
		mux.Handle("/", graphiql.Handler("/query"))
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if s.Ready != nil {
			if err := s.Ready(ctx); err != nil {
				http.Error(w, "database unavailable", http.StatusServiceUnavailable)
				return
			}
		}
		fmt.Fprintln(w, "ok")
	})
	if len(s.CORSOrigins) == 0 {
		// rs/cors reads an empty list as "every origin"; ours means same-origin only.
		return obs.wrap(mux)
	}
	return obs.wrap(cors.New(cors.Options{
		AllowedOrigins: s.CORSOrigins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost},
		AllowedHeaders: []string{"Content-Type", "Accept", "Authorization", graph.CostHeader, "X-Request-ID", "Last-Event-ID"},
		ExposedHeaders: []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After", "X-Request-ID"},
		MaxAge:         600,
	}).Handler(mux))
}
