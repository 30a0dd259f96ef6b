// Command accountplan serves the strategic account planning GraphQL API.
//
// Every setting is a flag that can also come from an environment variable:
//
//	-addr          ADDR           listen address (default 127.0.0.1:8080)
//	-db            DATABASE_URL   SQLite file path, or a postgres:// URL (default accountplan.db)
//	-cors-origins  CORS_ORIGINS   comma-separated origins allowed to call the API from a browser
//	-demo          DEMO           load the demo data into an empty database
//	-create-admin                 make the user with this e-mail address an admin, print a new API token for them, and exit
//	-picture-url-key  PICTURE_URL_KEY  secret that signs OrgMap.pictureURL (servers behind one address share it)
//	-log-format    LOG_FORMAT     text or json (default text)
//	-memory-limit-mb  MEMORY_LIMIT_MB  soft limit of the Go heap, in MiB (default 64 + -map-cache-mb on PostgreSQL, 40 + it on SQLite, unless GOMEMLIMIT is set; 0 for none)
//	-metrics       METRICS        serve Prometheus metrics at /metrics (default true; without a token, on loopback only)
//	-metrics-token METRICS_TOKEN  bearer token /metrics asks for
//	-otlp-endpoint OTEL_EXPORTER_OTLP_ENDPOINT  send traces over OTLP/HTTP to this base URL (default: no tracing)
//	-webhooks      WEBHOOKS       send the outbox's webhook events from this server (default true)
//	-webhooks-allow-private  WEBHOOKS_ALLOW_PRIVATE  allow webhook endpoints on private and loopback addresses
//	-webhooks-timeout        WEBHOOKS_TIMEOUT        time one delivery attempt may take (default 10s)
//	-webhooks-retry-for      WEBHOOKS_RETRY_FOR      how long a delivery is retried, and an endpoint may keep failing before it is disabled (default 72h)
//	-webhooks-retain         WEBHOOKS_RETAIN         how long delivered and failed deliveries, their attempts and events are kept (default 720h; 0 keeps them)
//	-sysmon-awake  SYSMON_AWAKE   keep the Go runtime's monitor thread awake between requests (default true; Linux)
//
// and the limits (README, "Limits"; 0 turns a number off):
//
//	-max-depth                  MAX_DEPTH                  deepest field nesting
//	-max-cost                   MAX_COST                   operation cost, page sizes multiplied
//	-max-aliases                MAX_ALIASES                aliased or repeated fields per document
//	-max-tokens                 MAX_TOKENS                 tokens per document
//	-max-body-bytes             MAX_BODY_BYTES             request body size
//	-body-timeout               BODY_TIMEOUT               time to send the whole request body
//	-max-batch                  MAX_BATCH                  operations per batched POST (0: batching off)
//	-timeout                    REQUEST_TIMEOUT            per-request time limit
//	-rate-limit                 RATE_LIMIT                 requests per second per client
//	-rate-burst                 RATE_BURST                 requests a client may send at once
//	-max-in-flight              MAX_IN_FLIGHT              requests open at once (running or waiting their turn)
//	-max-running                MAX_RUNNING                requests running at once (default 2 per core, 4 at least)
//	-max-in-flight-per-client   MAX_IN_FLIGHT_PER_CLIENT   requests one client may have open at once
//	-max-in-flight-per-address  MAX_IN_FLIGHT_PER_ADDRESS  requests one remote address may have open at once
//	-max-response-bytes         MAX_RESPONSE_BYTES         size of a query's answer
//	-introspection              INTROSPECTION              answer introspection
//	-graphiql                   GRAPHIQL                   serve GraphiQL at /
//	-one-statement              ONE_STATEMENT              answer a query of stored fields and connections in one SQL statement (default true)
//	-literal-plans              LITERAL_PLANS              plans that may run with their values written in, on PostgreSQL
//
// and company sign-in with JWTs from an OpenID Connect issuer (README,
// "Company sign-in (OpenID Connect)"; off unless -oidc-issuer is set):
//
//	-oidc-issuer                  OIDC_ISSUER                  issuer URL
//	-oidc-audience                OIDC_AUDIENCE                client ID the tokens must be issued for
//	-oidc-jwks-url                OIDC_JWKS_URL                the issuer's keys, for issuers without discovery
//	-oidc-email-claim             OIDC_EMAIL_CLAIM             claim with the e-mail address (default email)
//	-oidc-allow-unverified-email  OIDC_ALLOW_UNVERIFIED_EMAIL  accept email_verified false
//	-oidc-role-claim              OIDC_ROLE_CLAIM              claim whose values -oidc-roles maps to roles
//	-oidc-roles                   OIDC_ROLES                   mapping, e.g. sales-admins=ADMIN,sales=EDITOR
//	-oidc-create-users            OIDC_CREATE_USERS            create unknown users instead of refusing them
//
// Until an API token exists the server runs open (every request acts as an
// admin), which it does only on a loopback address.
package main

//go:generate go run ./ent/entc.go
//go:generate go run ./graph/execgen

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/accountplan/accountplan/ent/store"
	"github.com/accountplan/accountplan/graph"
	"github.com/accountplan/accountplan/graph/auth"
	"github.com/accountplan/accountplan/graph/demo"
	"github.com/accountplan/accountplan/graph/dispatch"
	"github.com/accountplan/accountplan/graph/httpedge"
	"github.com/accountplan/accountplan/graph/httpedge/logbuffer"
	"github.com/accountplan/accountplan/graph/httpedge/procs"
	"github.com/accountplan/accountplan/graph/live"
)

// settings are the server's configuration.
type settings struct {
	addr string
	db   string
	demo bool
	// edge holds the HTTP and GraphQL settings, every field set from its flag.
	edge httpedge.Settings
	// createAdmin is an e-mail address to make an admin and print a token for, instead of serving.
	createAdmin string
	// otlpEndpoint is where traces go over OTLP/HTTP; none means no tracing.
	otlpEndpoint string
	// oidc configures company sign-in; off when its issuer is "".
	oidc auth.OIDCConfig
	// webhooks sends the outbox's events; off when it is nil.
	webhooks *dispatch.Settings
}

func main() {
	var cfg settings
	var origins string
	flag.StringVar(&cfg.addr, "addr", env("ADDR", "127.0.0.1:8080"), "listen address (env ADDR)")
	flag.StringVar(&cfg.db, "db", env("DATABASE_URL", "accountplan.db"), "SQLite file path or postgres:// URL (env DATABASE_URL)")
	flag.StringVar(&origins, "cors-origins", env("CORS_ORIGINS", ""), "comma-separated origins allowed by CORS (env CORS_ORIGINS)")
	flag.BoolVar(&cfg.demo, "demo", envParse("DEMO", false, strconv.ParseBool), "load demo data into an empty database (env DEMO)")
	flag.StringVar(&cfg.createAdmin, "create-admin", "", "make the user with this e-mail address an admin (creating them if needed), print a new API token for them, and exit")
	logFormat := flag.String("log-format", env("LOG_FORMAT", "text"), "log lines as text or json (env LOG_FORMAT)")
	memoryMB := flag.Int("memory-limit-mb", envParse("MEMORY_LIMIT_MB", -1, strconv.Atoi), "soft limit of the Go heap in MiB, past which it collects garbage more often; 0 for none; default 64 + -map-cache-mb on PostgreSQL and 40 + -map-cache-mb on SQLite, unless GOMEMLIMIT is set (env MEMORY_LIMIT_MB)")
	flag.StringVar(&cfg.otlpEndpoint, "otlp-endpoint", env("OTEL_EXPORTER_OTLP_ENDPOINT", ""), "send traces over OTLP/HTTP to this base URL, such as http://localhost:4318; the other OTEL_* variables apply (env OTEL_EXPORTER_OTLP_ENDPOINT)")
	pictureKey := flag.String("picture-url-key", env("PICTURE_URL_KEY", ""), "secret that signs OrgMap.pictureURL; servers behind one address need the same one; none makes a random one per process (env PICTURE_URL_KEY)")
	edge := edgeFlags()
	signIn := oidcFlags()
	hooks := webhookFlags()
	sysmonAwake := flag.Bool("sysmon-awake", envParse("SYSMON_AWAKE", true, strconv.ParseBool), "keep the Go runtime's monitor thread awake between requests: on Linux the server starts itself again, once, with GODEBUG=schedtrace=2147483647, unless GODEBUG sets schedtrace (env SYSMON_AWAKE)")
	flag.Parse()
	if *sysmonAwake && cfg.createAdmin == "" {
		if err := procs.KeepMonitorAwake(); err != nil {
			slog.Warn("the runtime's monitor thread sleeps between requests: could not start again with GODEBUG set", "error", err)
		}
	}
	cfg.edge = edge()
	if *pictureKey != "" {
		cfg.edge.GraphQL.PictureKey = []byte(*pictureKey)
	}
	cfg.edge.CORSOrigins = splitList(origins)
	logs = logbuffer.New(os.Stderr, logbuffer.Delay)
	switch *logFormat {
	case "text":
		log.SetOutput(logs)
	case "json":
		slog.SetDefault(slog.New(slog.NewJSONHandler(logs, nil)))
	default:
		slog.Error("bad -log-format: use text or json", "value", *logFormat)
		exit(2)
	}
	cfg.oidc = signIn()
	mem := memorySettings(*memoryMB, mapCacheMB(cfg.edge), store.IsPostgres(cfg.db), os.LookupEnv)
	if mem.gcPercent != 0 {
		debug.SetGCPercent(mem.gcPercent)
	}
	if mem.limit != 0 {
		debug.SetMemoryLimit(mem.limit)
	}
	cfg.webhooks, cfg.edge.GraphQL.WebhooksAllowPrivate = hooks()

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	err := run(ctx, cfg)
	if err != nil {
		var start startError
		if errors.As(err, &start) {
			slog.Error("could not start", "error", start.err)
		} else {
			slog.Error("server stopped", "error", err)
		}
	}
	if err != nil {
		exit(1)
	}
	logs.Close()
}

// logs holds the log lines on their way out in batches, at most
// logbuffer.Delay late: no request waits for its line to be written.
var logs *logbuffer.Writer

// exit writes the log lines kept, then ends the process with code.
func exit(code int) {
	if logs != nil {
		logs.Close()
	}
	os.Exit(code)
}

// memory is how the Go runtime collects garbage: 0 leaves a setting as the
// runtime has it (from GOGC and GOMEMLIMIT).
type memory struct {
	gcPercent int
	limit     int64 // bytes
}

// defaultGCPercent lets the heap grow to three times what is live between
// collections: a request's garbage is most of what it allocates, and the
// memory limit stops the growth where memory runs short.
const defaultGCPercent = 200

// defaultMemoryLimitMB bounds the heap beside the map cache: what requests
// in flight hold and the garbage between collections. SQLite's memory (its
// connections' page caches and statements, and the JSON of the answers it
// builds) is outside the Go runtime's limit, so on SQLite the default leaves
// it about what it takes under large answers.
const (
	defaultMemoryLimitMB       = 64
	defaultSQLiteMemoryLimitMB = 40
)

// memorySettings gives the garbage collector's settings from the
// -memory-limit-mb flag (-1 when unset), the map cache's size in MiB, the
// database (PostgreSQL or SQLite) and the environment: GOGC and GOMEMLIMIT,
// when set, are the runtime's own and win over the defaults, and the flag
// wins over GOMEMLIMIT.
func memorySettings(limitMB, mapCacheMB int, postgres bool, lookup func(string) (string, bool)) memory {
	var m memory
	if _, set := lookup("GOGC"); !set {
		m.gcPercent = defaultGCPercent
	}
	_, envLimit := lookup("GOMEMLIMIT")
	switch {
	case limitMB == 0:
		m.limit = math.MaxInt64
	case limitMB > 0:
		m.limit = int64(limitMB) << 20
	case !envLimit:
		base := defaultSQLiteMemoryLimitMB
		if postgres {
			base = defaultMemoryLimitMB
		}
		m.limit = int64(base+max(mapCacheMB, 0)) << 20
	}
	return m
}

// mapCacheMB is the map cache's size in MiB that the settings give.
func mapCacheMB(s httpedge.Settings) int {
	if s.GraphQL.MapCacheMB == nil {
		return graph.DefaultMapCacheMB
	}
	return *s.GraphQL.MapCacheMB
}

// startError is a failure before the server began serving.
type startError struct{ err error }

func (e startError) Error() string { return e.err.Error() }

// run serves until ctx is done, then lets in-flight requests finish.
func run(ctx context.Context, cfg settings) error {
	if cfg.createAdmin != "" {
		return createAdmin(ctx, cfg)
	}
	// The address first: a port in use is reported before the database is touched.
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return startError{fmt.Errorf("listening on %s: %w", cfg.addr, errors.Unwrap(err))}
	}
	defer ln.Close()
	s, err := openStore(ctx, cfg)
	if err != nil {
		return startError{err}
	}
	defer s.Close()
	if cfg.oidc.Issuer != "" || cfg.oidc.Audience != "" || cfg.oidc.JWKSURL != "" {
		if cfg.edge.OIDC, err = httpedge.NewOIDC(ctx, cfg.oidc); err != nil {
			return startError{err}
		}
		slog.Info("company sign-in: JWTs from the issuer sign in beside API tokens", "issuer", cfg.oidc.Issuer, "audience", cfg.oidc.Audience, "create_users", cfg.oidc.CreateUsers)
	}
	hasTokens, err := auth.HasTokens(ctx, s.Client, time.Now())
	if err != nil {
		return startError{err}
	}
	open := !hasTokens
	if open && !loopback(cfg.addr) {
		return startError{fmt.Errorf("refusing to serve %s without authentication: no API token exists yet. Create the first admin and their token with -create-admin you@example.com, then start again (or listen on 127.0.0.1 to explore without authentication)", cfg.addr)}
	}
	if open {
		slog.Warn("running open: no API token exists, so every request acts as an admin. This is allowed on loopback only; once a token exists (createAPIToken, or -create-admin) the server requires sign-in within a second")
	}

	cfg.edge.Ready, cfg.edge.Open, cfg.edge.DB = s.Ping, open, s.DB
	cfg.edge.TokensExist = func(ctx context.Context) (bool, error) { return auth.HasTokens(ctx, s.Client, time.Now()) }
	if cfg.edge.Metrics && cfg.edge.MetricsToken == "" && !loopback(cfg.addr) {
		cfg.edge.Metrics = false
		slog.Warn("metrics are off: /metrics is served without a token on loopback only; set -metrics-token (METRICS_TOKEN) to serve it on " + cfg.addr)
	}
	tracing, err := startTracing(ctx, cfg.otlpEndpoint)
	if err != nil {
		return startError{err}
	}
	if tracing != nil {
		defer shutdownTracing(tracing)
		cfg.edge.Tracing = tracing
		slog.Info("tracing: sending spans over OTLP/HTTP")
	}
	if cfg.webhooks != nil && cfg.edge.Metrics {
		cfg.webhooks.Metrics = dispatch.NewMetrics()
		cfg.edge.Collectors = append(cfg.edge.Collectors, cfg.webhooks.Metrics)
	}
	stopStreams := make(chan struct{})
	cfg.edge.StopStreams = stopStreams
	threads := procs.New()
	go threads.Run(ctx)
	srv := &http.Server{
		Handler:           threads.Wrap(httpedge.NewHandler(s.Driver, cfg.edge)),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      writeTimeout(cfg.edge.Limits),
		IdleTimeout:       2 * time.Minute,
	}
	srv.RegisterOnShutdown(func() { close(stopStreams) }) // streams would hold the shutdown for its 30 s
	if cfg.webhooks != nil {
		// Events left by a crash are sent too: the outbox is in the database.
		go dispatch.New(s.Client, *cfg.webhooks).Run(ctx)
		slog.Info("webhooks: sending the outbox's events", "timeout", cfg.webhooks.Timeout, "retry_for", cfg.webhooks.RetryFor, "retain", cfg.webhooks.Retain, "allow_private", cfg.webhooks.AllowPrivate)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	addr := ln.Addr().String()
	if *cfg.edge.GraphiQL {
		slog.Info("serving GraphiQL at http://" + addr + "/ and GraphQL at http://" + addr + "/query")
	} else {
		slog.Info("serving GraphQL at http://" + addr + "/query (GraphiQL is off)")
	}

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down: letting in-flight requests finish")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// openStore opens and migrates the database, and loads the demo data when asked.
func openStore(ctx context.Context, cfg settings) (*store.Store, error) {
	s, err := store.Open(ctx, cfg.db)
	if err != nil {
		return nil, err
	}
	slog.Info("database ready", "dialect", s.Dialect)
	if cfg.demo {
		loaded, err := demo.Load(ctx, s.Client, time.Now())
		if err != nil {
			s.Close()
			return nil, err
		}
		slog.Info("demo data", "loaded", loaded, "note", "loaded only into an empty database")
	}
	return s, nil
}

// createAdmin makes the admin -create-admin names and prints their new token.
func createAdmin(ctx context.Context, cfg settings) error {
	s, err := openStore(ctx, cfg)
	if err != nil {
		return startError{err}
	}
	defer s.Close()
	secret, err := auth.CreateAdmin(ctx, s.Client, cfg.createAdmin, time.Now())
	if err != nil {
		return startError{err}
	}
	fmt.Println(secret)
	slog.Info("created an API token: send it as Authorization: Bearer <token>; it is shown only this once", "admin", cfg.createAdmin)
	return nil
}

// startTracing turns tracing on when an OTLP endpoint is set, by flag or by
// the standard OTEL_EXPORTER_OTLP_* variables (which also give headers,
// timeouts and TLS); nil when it is off.
func startTracing(ctx context.Context, endpoint string) (*sdktrace.TracerProvider, error) {
	var opts []otlptracehttp.Option
	switch {
	case endpoint != "" && endpoint != os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT"):
		// A base URL, as in the variable: the exporter adds the traces path to that only.
		opts = append(opts, otlptracehttp.WithEndpointURL(strings.TrimSuffix(endpoint, "/")+"/v1/traces"))
	case endpoint == "" && os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "":
		return nil, nil
	}
	exporter, err := otlptracehttp.New(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("tracing: %w", err)
	}
	// service.name is accountplan unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES say otherwise.
	res, err := resource.New(ctx, resource.WithAttributes(attribute.String("service.name", "accountplan")), resource.WithFromEnv(), resource.WithTelemetrySDK())
	if err != nil {
		return nil, fmt.Errorf("tracing: %w", err)
	}
	return sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res)), nil
}

// shutdownTracing sends the spans still held, for 5 s at most.
func shutdownTracing(p *sdktrace.TracerProvider) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		slog.Warn("tracing: spans not sent", "error", err)
	}
}

// writeTimeout bounds how long a request may take from its headers to the
// end of its answer, so that a client that reads slowly holds its share of
// the server for that long at most: the time to send its body, to sign in
// (5 s) and to run, and 30 s more for the answer to leave; 60 s at least.
func writeTimeout(l httpedge.Limits) time.Duration {
	return max(60*time.Second, *l.BodyTimeout+5*time.Second+*l.Timeout+30*time.Second)
}

// edgeFlags declares a flag and an environment variable for each limit and
// switch of the HTTP edge and the GraphQL layer; the function it returns,
// called after flag.Parse, gives the settings with every field set.
func edgeFlags() func() httpedge.Settings {
	atoi := strconv.Atoi
	intFlag := func(name, env string, value int, usage string) *int {
		return flag.Int(name, envParse(env, value, atoi), usage+" (env "+env+")")
	}
	boolFlag := func(name, env string, usage string) *bool {
		return flag.Bool(name, envParse(env, true, strconv.ParseBool), usage+" (env "+env+")")
	}
	depth := intFlag("max-depth", "MAX_DEPTH", graph.DefaultMaxDepth, "deepest field nesting; 0 for none")
	cost := intFlag("max-cost", "MAX_COST", graph.DefaultMaxCost, "operation cost, page sizes multiplied; 0 for none")
	aliases := intFlag("max-aliases", "MAX_ALIASES", graph.DefaultMaxAliases, "aliased or repeated fields per document; 0 for none")
	tokens := intFlag("max-tokens", "MAX_TOKENS", graph.DefaultMaxTokens, "tokens per document; 0 for none")
	introspection := boolFlag("introspection", "INTROSPECTION", "answer introspection queries; false also hides suggestions")
	mapMB := intFlag("map-cache-mb", "MAP_CACHE_MB", graph.DefaultMapCacheMB, "memory for org maps and answers kept between changes, in MiB; 0 for none")
	bodyTimeout := flag.Duration("body-timeout", envParse("BODY_TIMEOUT", httpedge.DefaultBodyTimeout, time.ParseDuration), "time a client has to send the whole request body; 0 for none (env BODY_TIMEOUT)")
	body := flag.Int64("max-body-bytes", envParse("MAX_BODY_BYTES", int64(httpedge.DefaultMaxBodyBytes), func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }), "request body size; 0 for none (env MAX_BODY_BYTES)")
	batch := intFlag("max-batch", "MAX_BATCH", 0, "operations per batched POST; 0 turns batching off")
	timeout := flag.Duration("timeout", envParse("REQUEST_TIMEOUT", httpedge.DefaultTimeout, time.ParseDuration), "per-request time limit; 0 for none (env REQUEST_TIMEOUT)")
	rate := flag.Float64("rate-limit", envParse("RATE_LIMIT", float64(httpedge.DefaultRatePerSecond), func(s string) (float64, error) { return strconv.ParseFloat(s, 64) }), "requests per second per client; 0 for none (env RATE_LIMIT)")
	burst := intFlag("rate-burst", "RATE_BURST", httpedge.DefaultBurst, "requests a client may send at once")
	inFlight := intFlag("max-in-flight", "MAX_IN_FLIGHT", httpedge.DefaultMaxInFlight, "requests open at once (running or waiting their turn); more get 503; 0 for none")
	running := intFlag("max-running", "MAX_RUNNING", httpedge.DefaultMaxRunning(), "requests running at once; the others wait their turn; 0 for none")
	perClient := intFlag("max-in-flight-per-client", "MAX_IN_FLIGHT_PER_CLIENT", httpedge.DefaultMaxInFlightPerClient, "requests one client (token, or address without one) may have open at once; 0 for none")
	perAddress := intFlag("max-in-flight-per-address", "MAX_IN_FLIGHT_PER_ADDRESS", 0, "requests one remote address may have open at once, whatever their tokens; 0 for none")
	streams := intFlag("max-streams", "MAX_STREAMS", httpedge.DefaultMaxStreams, "subscriptions' event streams open at once over all clients; 0 for none")
	streamsPerClient := intFlag("max-streams-per-client", "MAX_STREAMS_PER_CLIENT", httpedge.DefaultMaxStreamsPerClient, "event streams one client may have open at once; 0 for none")
	livePoll := flag.Duration("live-poll", envParse("LIVE_POLL", live.DefaultInterval, time.ParseDuration), "how often subscriptions read the change history for changes made through other servers (env LIVE_POLL)")
	response := intFlag("max-response-bytes", "MAX_RESPONSE_BYTES", httpedge.DefaultMaxResponseBytes, "size of a query's answer; 0 for none")
	graphiql := boolFlag("graphiql", "GRAPHIQL", "serve GraphiQL at /")
	oneStatement := boolFlag("one-statement", "ONE_STATEMENT", "answer a query that reads only stored fields and connections in one SQL statement; false answers every query level by level")
	literals := intFlag("literal-plans", "LITERAL_PLANS", graph.DefaultLiteralPlans, "one-statement plans asked often that may run on PostgreSQL with their values written in, each a statement PostgreSQL keeps prepared on every connection that ran it; 0 for none")
	// An allow-list: the server runs only the documents of this file, so no client can send its own.
	persistedOnly := flag.String("persisted-only", env("PERSISTED_ONLY", ""), "run only the documents of this JSON file (id → document, or an Apollo manifest); empty runs any document (env PERSISTED_ONLY)")
	metrics := boolFlag("metrics", "METRICS", "serve Prometheus metrics at /metrics: without -metrics-token, on a loopback address only")
	metricsToken := flag.String("metrics-token", env("METRICS_TOKEN", ""), "bearer token /metrics asks for (env METRICS_TOKEN)")
	return func() httpedge.Settings {
		var persisted *graph.PersistedDocuments
		if *persistedOnly != "" {
			var err error
			if persisted, err = graph.LoadPersistedDocuments(*persistedOnly); err != nil {
				slog.Error("cannot start", "error", err)
				exit(2)
			}
			slog.Info("running only persisted documents", "file", *persistedOnly, "documents", persisted.Len())
		}
		return httpedge.Settings{
			GraphiQL: graphiql, Metrics: *metrics, MetricsToken: *metricsToken,
			Limits: httpedge.Limits{
				MaxBodyBytes: body, BodyTimeout: bodyTimeout, MaxBatch: *batch, Timeout: timeout,
				RatePerSecond: rate, Burst: burst, MaxInFlight: inFlight, MaxRunning: running,
				MaxInFlightPerClient: perClient, MaxInFlightPerAddress: *perAddress, MaxResponseBytes: response,
				MaxStreams: streams, MaxStreamsPerClient: streamsPerClient,
			},
			GraphQL: graph.Settings{
				Limits:     graph.Limits{MaxDepth: depth, MaxCost: cost, MaxAliases: aliases, MaxTokens: tokens, Introspection: introspection},
				MapCacheMB: mapMB, PersistedOnly: persisted, LivePoll: *livePoll, LevelByLevel: !*oneStatement, LiteralPlans: literals,
			},
		}
	}
}

// oidcFlags declares the flags of company sign-in; the function it returns,
// called after flag.Parse, gives its configuration, stopping the server on a
// role mapping it cannot read.
func oidcFlags() func() auth.OIDCConfig {
	str := func(name, key, usage string) *string {
		return flag.String(name, env(key, ""), usage+" (env "+key+")")
	}
	boolean := func(name, key, usage string) *bool {
		return flag.Bool(name, envParse(key, false, strconv.ParseBool), usage+" (env "+key+")")
	}
	issuer := str("oidc-issuer", "OIDC_ISSUER", "OpenID Connect issuer URL whose JWTs sign in beside API tokens; empty turns company sign-in off")
	audience := str("oidc-audience", "OIDC_AUDIENCE", "client ID the issuer's tokens must carry in aud")
	jwks := str("oidc-jwks-url", "OIDC_JWKS_URL", "URL of the issuer's keys (JWKS), for issuers without discovery")
	email := flag.String("oidc-email-claim", env("OIDC_EMAIL_CLAIM", "email"), "claim holding the user's e-mail address (env OIDC_EMAIL_CLAIM)")
	unverified := boolean("oidc-allow-unverified-email", "OIDC_ALLOW_UNVERIFIED_EMAIL", "accept tokens whose email_verified claim is false")
	roleClaim := str("oidc-role-claim", "OIDC_ROLE_CLAIM", "claim (string or list; dotted for a nested one) whose values -oidc-roles maps to roles")
	roles := str("oidc-roles", "OIDC_ROLES", "claim value to role, e.g. sales-admins=ADMIN,sales=EDITOR; when set, a user's role follows it at every sign-in (VIEWER without a match)")
	create := boolean("oidc-create-users", "OIDC_CREATE_USERS", "create the user of a valid token whose e-mail address no user has (VIEWER, or as -oidc-roles says) instead of refusing it")
	return func() auth.OIDCConfig {
		mapping, err := auth.ParseRoles(*roles)
		if err != nil {
			slog.Error("bad -oidc-roles", "error", err)
			exit(2)
		}
		return auth.OIDCConfig{
			Issuer: *issuer, JWKSURL: *jwks, Audience: *audience, EmailClaim: *email,
			AllowUnverifiedEmail: *unverified, RoleClaim: *roleClaim, Roles: mapping, CreateUsers: *create,
		}
	}
}

// webhookFlags declares the flags of the webhook dispatcher; the function it
// returns, called after flag.Parse, gives its settings (nil when it is off)
// and whether endpoints may be on private addresses.
func webhookFlags() func() (*dispatch.Settings, bool) {
	on := flag.Bool("webhooks", envParse("WEBHOOKS", true, strconv.ParseBool), "send the outbox's webhook events from this server; servers on one PostgreSQL share the work (env WEBHOOKS)")
	private := flag.Bool("webhooks-allow-private", envParse("WEBHOOKS_ALLOW_PRIVATE", false, strconv.ParseBool), "allow webhook endpoints on private and loopback addresses (env WEBHOOKS_ALLOW_PRIVATE)")
	timeout := flag.Duration("webhooks-timeout", envParse("WEBHOOKS_TIMEOUT", 10*time.Second, time.ParseDuration), "time one webhook delivery attempt may take (env WEBHOOKS_TIMEOUT)")
	retryFor := flag.Duration("webhooks-retry-for", envParse("WEBHOOKS_RETRY_FOR", 72*time.Hour, time.ParseDuration), "how long a webhook delivery is retried, and an endpoint may keep failing before it is disabled (env WEBHOOKS_RETRY_FOR)")
	retain := flag.Duration("webhooks-retain", envParse("WEBHOOKS_RETAIN", 720*time.Hour, time.ParseDuration), "how long delivered and failed webhook deliveries, their attempts and their events are kept; 0 keeps them (env WEBHOOKS_RETAIN)")
	return func() (*dispatch.Settings, bool) {
		if !*on {
			return nil, *private
		}
		return &dispatch.Settings{AllowPrivate: *private, Timeout: *timeout, RetryFor: *retryFor, Retain: *retain}, *private
	}
}

// envParse reads an environment variable with parse, or gives fallback when it
// is unset; a value that does not parse stops the server rather than being ignored.
func envParse[T any](key string, fallback T, parse func(string) (T, error)) T {
	v, ok := os.LookupEnv(key)
	if !ok {
		return fallback
	}
	t, err := parse(v)
	if err != nil {
		slog.Error("bad environment variable", "name", key, "error", err)
		exit(2)
	}
	return t
}

func env(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return fallback
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// loopback reports whether addr listens on the loopback interface only.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
