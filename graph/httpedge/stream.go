package httpedge

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/accountplan/accountplan/graph/live"
)

const mediaEventStream = "text/event-stream"

// keepAlive is how often an idle stream sends a comment, so that proxies
// keep the connection and a closed one is noticed.
const keepAlive = 15 * time.Second

// writeWait is how long one event may take to leave: a client that stops
// reading loses its stream then, instead of holding it for ever.
const writeWait = 30 * time.Second

// stream serves subscriptions as Server-Sent Events, in the "distinct
// connections" mode of the GraphQL over SSE protocol that gqlgen's
// transport.SSE and the graphql-sse client speak: a POST of a JSON body with
// Accept: text/event-stream, answered by `next` events, each a GraphQL
// response, then `complete`. Unlike transport.SSE it runs subscriptions only
// (queries and mutations keep their plain JSON answers), never echoes the
// body in an error, gives each event an id to resume from (Last-Event-ID),
// bounds each event as a query's answer, and ends when the server shuts down.
// Only POST: EventSource's GET could send neither a token nor a JSON body,
// and a GET that runs anything but a query would weaken the CSRF rule.
type stream struct {
	maxResponseBytes int
	stop             <-chan struct{} // closed when the server shuts down; nil never
}

var _ graphql.Transport = stream{}

func (stream) Supports(r *http.Request) bool { return isStream(r) }

// isStream tells a request for an event stream: a POST that accepts one.
func isStream(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if media, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && media == mediaEventStream {
			return true
		}
	}
	return false
}

func (s stream) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	body, problem := jsonBody(r)
	if problem != "" {
		writeRequestError(w, mediaJSON, http.StatusUnsupportedMediaType, problem)
		return
	}
	var req request
	if isBatch(body) || json.Unmarshal(body, &req) != nil {
		writeRequestError(w, mediaJSON, http.StatusBadRequest, "the request body is not a JSON object: a stream runs one subscription")
		return
	}
	params, problem := req.params()
	if problem != "" {
		writeRequestError(w, mediaJSON, http.StatusBadRequest, problem)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: graphql.Now(), End: graphql.Now()}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	ctx, events := live.WithEvents(ctx, r.Header.Get("Last-Event-ID"))
	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		if opCtx.Doc != nil && opCtx.Operation == nil {
			errs = gqlerror.List{operationNotFound(opCtx.Doc, params.OperationName)}
		}
		writeResponse(w, mediaJSON, http.StatusBadRequest, exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs))
		return
	}
	if opCtx.Operation.Operation != ast.Subscription {
		writeRequestError(w, mediaJSON, http.StatusBadRequest, "only subscriptions are sent as an event stream: send queries and mutations without Accept: text/event-stream")
		return
	}
	noteOperation(ctx, opCtx.Operation)
	rc := http.NewResponseController(w)
	go func() {
		select {
		case <-s.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	w.Header().Set("Content-Type", mediaEventStream+"; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no") // nginx would hold events back
	w.WriteHeader(http.StatusOK)
	out := &eventWriter{w: w, rc: rc}
	out.write(":\n\n")
	var pings sync.WaitGroup
	pings.Go(func() { out.keepAlive(ctx) })
	defer pings.Wait() // no write after the handler returns
	defer cancel()
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	for {
		resp := responses(ctx)
		if resp == nil {
			break
		}
		if s.maxResponseBytes > 0 && len(resp.Data) > s.maxResponseBytes {
			resp = &graphql.Response{Errors: gqlerror.List{responseTooLarge(s.maxResponseBytes)}}
		}
		noteErrors(w, resp.Errors)
		b, err := appendResponse(nil, resp)
		if err != nil {
			break
		}
		event := "event: next\n"
		if id := events.Next(); id != "" {
			event += "id: " + id + "\n"
		}
		out.write(fmt.Sprintf("%sdata: %s\n\n", event, b))
		if resp.Data == nil {
			break // an error before the stream began: nothing follows
		}
	}
	out.write("event: complete\ndata:\n\n")
}

// eventWriter writes whole events and flushes them, one writer at a time.
type eventWriter struct {
	mu sync.Mutex
	w  http.ResponseWriter
	rc *http.ResponseController
}

func (e *eventWriter) write(s string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	// The server's write timeout counts from the request; a stream's, from each event.
	_ = e.rc.SetWriteDeadline(time.Now().Add(writeWait))
	_, _ = e.w.Write([]byte(s))
	_ = e.rc.Flush()
}

func (e *eventWriter) keepAlive(ctx context.Context) {
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			e.write(": ping\n\n")
		}
	}
}
