package httpedge

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/accountplan/accountplan/ent/schema/viewer"
)

// exchange is what the edge learns of one request on its way through, for
// its access-log line, its metrics and its span. The outermost handler makes
// it; the layers inside find it in the context (or, where they only have the
// response writer, through the recorder) and note what they did.
type exchange struct {
	id  string
	sql atomic.Int64 // statements run, counted by observedDriver

	mu      sync.Mutex
	ops     []operation // the GraphQL operations that were run
	codes   []string    // the extensions.code of every error answered
	refused string      // why the edge refused the request, when it did
	client  string      // who signed in: token:<id>, user:<id> or open
}

type operation struct{ name, kind string }

type exchangeKey struct{}

// exchangeFrom is the exchange of the request ctx belongs to, if any.
func exchangeFrom(ctx context.Context) *exchange {
	x, _ := ctx.Value(exchangeKey{}).(*exchange)
	return x
}

// noteOperation records an operation that passed validation and ran.
func noteOperation(ctx context.Context, op *ast.OperationDefinition) {
	if x := exchangeFrom(ctx); x != nil && op != nil {
		x.mu.Lock()
		x.ops = append(x.ops, operation{name: truncate(op.Name, maxOperationName), kind: string(op.Operation)})
		x.mu.Unlock()
	}
}

// maxOperationName bounds an operation's name in the log and the metrics:
// a GraphQL name has no length limit of its own.
const maxOperationName = 64

// truncate cuts s, a GraphQL name and so ASCII, to n bytes.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// noteClient records who the request signed in as: never the token itself.
func noteClient(ctx context.Context) {
	x := exchangeFrom(ctx)
	v, ok := viewer.FromContext(ctx)
	if x == nil || !ok {
		return
	}
	client := "open"
	switch {
	case v.TokenID != 0:
		client = "token:" + strconv.Itoa(v.TokenID)
	case v.UserID != 0:
		client = "user:" + strconv.Itoa(v.UserID)
	}
	x.mu.Lock()
	x.client = client
	x.mu.Unlock()
}

// noteErrors records the codes of the errors an answer carries; w is the
// recorder when the request came through the edge's outermost handler.
func noteErrors(w http.ResponseWriter, errs gqlerror.List) {
	rec, ok := w.(*recorder)
	if !ok || len(errs) == 0 {
		return
	}
	rec.x.mu.Lock()
	defer rec.x.mu.Unlock()
	for _, e := range errs {
		code, _ := e.Extensions["code"].(string)
		rec.x.codes = append(rec.x.codes, code)
	}
}

// The reasons the edge refuses a request with, in the log and the metrics.
const (
	refusedRate        = "rate_limit"        // 429: the client's rate
	refusedClientOpen  = "client_in_flight"  // 429: the client's open requests
	refusedAddressOpen = "address_in_flight" // 429: the address's open requests
	refusedBusy        = "server_in_flight"  // 503: the server's requests at once
	refusedBodyLarge   = "body_too_large"    // 413
	refusedBodySlow    = "body_timeout"      // 408
	refusedSignIn      = "unauthenticated"   // 401
	// Event streams (subscriptions) are capped apart from requests.
	refusedClientStreams = "client_streams" // 429: the client's open event streams
	refusedStreams       = "server_streams" // 503: the server's event streams at once
)

// noteRefusal records why the edge refused a request.
func noteRefusal(w http.ResponseWriter, reason string) {
	if rec, ok := w.(*recorder); ok {
		rec.x.mu.Lock()
		rec.x.refused = reason
		rec.x.mu.Unlock()
	}
}

// recorder keeps the status and size of an answer for the exchange.
type recorder struct {
	http.ResponseWriter
	x      *exchange
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 && status >= 200 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection, for the body deadline.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// observer is the edge's outermost handler: it names each request, and logs,
// counts and traces it once its answer is written, refusals included.
type observer struct {
	log     *slog.Logger
	metrics *metrics     // nil: off
	tracer  trace.Tracer // nil: off
}

// maxRequestIDLength bounds a request ID taken from a client.
const maxRequestIDLength = 128

// requestID is the client's X-Request-ID when it is one line of printable
// ASCII without spaces of at most maxRequestIDLength bytes, or else a new one.
func requestID(given string) string {
	if len(given) > 0 && len(given) <= maxRequestIDLength && strings.IndexFunc(given, func(c rune) bool { return c <= ' ' || c > '~' }) < 0 {
		return given
	}
	return rand.Text()
}

func (o *observer) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		x := &exchange{id: requestID(r.Header.Get("X-Request-ID"))}
		w.Header().Set("X-Request-ID", x.id)
		ctx := context.WithValue(r.Context(), exchangeKey{}, x)
		var span trace.Span
		if o.tracer != nil {
			ctx = propagation.TraceContext{}.Extract(ctx, propagation.HeaderCarrier(r.Header))
			ctx, span = o.tracer.Start(ctx, r.Method, trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(
				attribute.String("http.request.method", r.Method),
				attribute.String("url.path", r.URL.Path),
				attribute.String("request.id", x.id),
			))
		}
		if o.metrics != nil {
			o.metrics.inFlight.Inc()
			defer o.metrics.inFlight.Dec()
		}
		rec := &recorder{ResponseWriter: w, x: x}
		inner := r.WithContext(ctx)
		defer func() { o.finish(inner, rec, span, time.Since(start)) }()
		next.ServeHTTP(rec, inner)
	})
}

// finish writes the request's log line, counts it and ends its span.
func (o *observer) finish(r *http.Request, rec *recorder, span trace.Span, took time.Duration) {
	x := rec.x
	status := rec.status
	if status == 0 {
		status = http.StatusOK // what net/http sends for a handler that wrote nothing
	}
	route := r.Pattern // set by the mux on this very request; bounded by the routes registered
	if route == "" {
		route = "none"
	}
	x.mu.Lock()
	ops, errCodes, refused, client := x.ops, x.codes, x.refused, x.client
	x.mu.Unlock()
	if refused == "" && status == http.StatusUnauthorized {
		refused = refusedSignIn
	}
	name, kind := summarise(ops)
	statements := x.sql.Load()

	level := slog.LevelInfo
	switch route {
	case "GET /healthz", "GET /readyz", "GET /metrics", "/metrics":
		level = slog.LevelDebug
	}
	ctx := r.Context()
	if o.log.Enabled(ctx, level) {
		attrs := make([]slog.Attr, 0, 12)
		attrs = append(attrs,
			slog.String("id", x.id),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
		)
		if name != "" {
			attrs = append(attrs, slog.String("operation", name))
		}
		if kind != "" {
			attrs = append(attrs, slog.String("type", kind))
		}
		attrs = append(attrs, slog.Int("status", status))
		if len(errCodes) > 0 {
			attrs = append(attrs, slog.Any("codes", errCodes))
		}
		if refused != "" {
			attrs = append(attrs, slog.String("refused", refused))
		}
		attrs = append(attrs, slog.Float64("duration_ms", float64(took.Microseconds())/1000), slog.Int64("sql", statements))
		if client != "" {
			attrs = append(attrs, slog.String("client", client))
		}
		o.log.LogAttrs(ctx, level, "request", attrs...)
	}
	if o.metrics != nil {
		o.metrics.observe(route, ops, status, errCodes, refused, statements, took)
	}
	if span != nil {
		span.SetName(r.Method + " " + route)
		span.SetAttributes(attribute.String("http.route", route), attribute.Int("http.response.status_code", status))
		if len(ops) > 0 {
			span.SetAttributes(attribute.String("graphql.operation.name", name), attribute.String("graphql.operation.type", kind))
		}
		if status >= 500 {
			span.SetStatus(codes.Error, http.StatusText(status))
		}
		span.End()
	}
}

// summarise names the operations of a request for its log line: the one
// operation's name (empty when anonymous) and type, or a batch's names joined.
func summarise(ops []operation) (name, kind string) {
	switch len(ops) {
	case 0:
		return "", ""
	case 1:
		return ops[0].name, ops[0].kind
	}
	names := make([]string, len(ops))
	for i, op := range ops {
		names[i] = op.name
	}
	return strings.Join(names, ","), "batch"
}

// rootFieldSpans gives every root field its own span when tracing is on, so
// a trace shows which field of an operation ran which statements.
func rootFieldSpans(tracer trace.Tracer) graphql.RootFieldMiddleware {
	return func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
		fc := graphql.GetRootFieldContext(ctx)
		if fc == nil {
			return next(ctx)
		}
		parent := "Query"
		if fc.Field.ObjectDefinition != nil {
			parent = fc.Field.ObjectDefinition.Name
		}
		ctx, span := tracer.Start(ctx, parent+"."+fc.Field.Name, trace.WithAttributes(
			attribute.String("graphql.field.name", fc.Field.Name),
			attribute.String("graphql.field.alias", fc.Field.Alias),
		))
		defer span.End()
		return next(ctx)
	}
}
