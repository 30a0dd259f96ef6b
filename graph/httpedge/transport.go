package httpedge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/accountplan/accountplan/graph"
)

// Media types of GraphQL responses (GraphQL over HTTP, section 6.4).
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// transport serves GraphQL over HTTP as its specification asks
// (https://graphql.github.io/graphql-over-http/draft/): POST with a JSON body,
// GET for queries only (405 for mutations), 200 for request errors under
// application/json and 400 under application/graphql-response+json, and no
// data entry when the request never reached execution. gqlgen's stock
// transports answer 422 and 406 there and echo bodies back in errors.
// The body arrives read and bounded by guard.
type transport struct {
	maxBatch         int // 0: one operation per request
	maxResponseBytes int // the data of a query's answer; 0: no limit
}

var _ graphql.Transport = transport{}

// Supports every plain HTTP request, so that wrong methods and media types get
// the specification's status codes instead of a generic refusal.
func (transport) Supports(r *http.Request) bool { return r.Header.Get("Upgrade") == "" }

func (t transport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	media, ok := negotiate(r.Header.Get("Accept"))
	if !ok {
		writeRequestError(w, mediaJSON, http.StatusNotAcceptable, "the Accept header allows neither application/graphql-response+json nor application/json")
		return
	}
	switch r.Method {
	case http.MethodGet:
		params, problem := paramsFromURL(r)
		if problem != "" {
			writeRequestError(w, media, http.StatusBadRequest, problem)
			return
		}
		status, resp := t.execute(r, exec, params, media)
		if status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", "POST")
		}
		writeResponse(w, media, status, resp)
	case http.MethodPost:
		t.post(w, r, exec, media)
	default:
		w.Header().Set("Allow", "GET, POST")
		writeRequestError(w, media, http.StatusMethodNotAllowed, "use POST, or GET for queries")
	}
}

// post runs the operation of a JSON object body, or each operation of a JSON
// array body when batching is on, answering an array in the same order.
func (t transport) post(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, media string) {
	body, problem := jsonBody(r)
	if problem != "" {
		writeRequestError(w, media, http.StatusUnsupportedMediaType, problem)
		return
	}
	if !isBatch(body) {
		params, problem := decodeRequest(body)
		if problem != "" {
			writeRequestError(w, media, http.StatusBadRequest, problem)
			return
		}
		status, resp := t.execute(r, exec, params, media)
		writeResponse(w, media, status, resp)
		return
	}
	var batch []request
	switch {
	case t.maxBatch == 0:
		writeRequestError(w, media, http.StatusBadRequest, "send one operation per request: batching is off on this server")
		return
	case json.Unmarshal(body, &batch) != nil:
		writeRequestError(w, media, http.StatusBadRequest, "the request body is not a JSON array of request objects")
		return
	case len(batch) == 0 || len(batch) > t.maxBatch:
		writeRequestError(w, media, http.StatusBadRequest, fmt.Sprintf("a batch holds 1 to %d operations", t.maxBatch))
		return
	}
	out := make([]*graphql.Response, len(batch))
	for i, req := range batch {
		params, problem := req.params()
		if problem != "" {
			out[i] = requestError(http.StatusBadRequest, problem)
			continue
		}
		_, resp := t.execute(r, exec, params, media)
		out[i] = resp
	}
	writeBatch(w, media, out)
}

// execute runs one operation and returns the response with its status: the
// request errors of section 7.1.2 get 400 under application/graphql-response+json.
// A query whose data is over the response limit is answered with an error
// instead, so that no answer costs more than that to send and to hold.
func (t transport) execute(r *http.Request, exec graphql.GraphExecutor, params *graphql.RawParams, media string) (int, *graphql.Response) {
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: graphql.Now(), End: graphql.Now()}
	ctx := r.Context()
	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		status := http.StatusOK
		if media == mediaGraphQLResponse {
			status = http.StatusBadRequest
		}
		if opCtx.Doc != nil && opCtx.Operation == nil {
			errs = gqlerror.List{operationNotFound(opCtx.Doc, params.OperationName)}
		}
		return status, exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs)
	}
	if r.Method == http.MethodGet && opCtx.Operation.Operation != ast.Query {
		return http.StatusMethodNotAllowed, requestError(http.StatusMethodNotAllowed, "GET requests may only run queries: send mutations with POST")
	}
	noteOperation(ctx, opCtx.Operation)
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	resp := responses(ctx)
	if resp == nil {
		// gqlgen answers nothing when the context ended before execution began.
		resp = &graphql.Response{Errors: gqlerror.List{graph.TimeoutError()}}
	}
	if t.maxResponseBytes > 0 && len(resp.Data) > t.maxResponseBytes && opCtx.Operation.Operation == ast.Query {
		// A mutation's answer is always sent: its changes are made, and the client must see them.
		resp = &graphql.Response{Errors: gqlerror.List{responseTooLarge(t.maxResponseBytes)}}
	}
	if resp.Data == nil {
		// Executed but rolled back or failed at the root: report data as null, as execution does.
		resp.Data = json.RawMessage("null")
	}
	return http.StatusOK, resp
}

// operationNotFound says which operations the document has when
// operationName names none of them, or is missing and the document has
// several; gqlgen says only "operation  not found".
func operationNotFound(doc *ast.QueryDocument, name string) *gqlerror.Error {
	var names []string
	for _, op := range doc.Operations {
		if op.Name != "" && len(names) < 10 {
			names = append(names, graph.Clip(op.Name))
		}
	}
	msg := fmt.Sprintf("the document has no operation named %q", graph.Clip(name))
	switch {
	case len(doc.Operations) == 0:
		msg = "the document has no operation: send a query, mutation or subscription"
	case name == "":
		msg = fmt.Sprintf("the document has %d operations: name the one to run in operationName", len(doc.Operations))
	}
	if len(names) > 0 {
		msg += " (it has " + strings.Join(names, ", ") + ")"
	}
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": graph.CodeValidationFailed}}
}

// isBatch tells a JSON array body from an object one.
func isBatch(body []byte) bool {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	return len(trimmed) > 0 && trimmed[0] == '['
}

// negotiate picks the response media type from the Accept header. No header
// means application/json, as do */* and application/* (audit 47DE, 80D8).
func negotiate(accept string) (string, bool) {
	if strings.TrimSpace(accept) == "" {
		return mediaJSON, true
	}
	best, bestQ := "", 0.0
	for _, part := range strings.Split(accept, ",") {
		mediaType, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(v, 64); err != nil {
				continue
			}
		}
		var candidate string
		switch mediaType {
		case mediaGraphQLResponse, mediaJSON:
			candidate = mediaType
		case "*/*", "application/*":
			candidate = mediaJSON
		default:
			continue
		}
		if q > bestQ || (q == bestQ && candidate == mediaGraphQLResponse) {
			best, bestQ = candidate, q
		}
	}
	return best, best != ""
}

// request is the JSON body of a POST; fields stay raw until their types are checked.
type request struct {
	Query         json.RawMessage `json:"query"`
	OperationName json.RawMessage `json:"operationName"`
	Variables     json.RawMessage `json:"variables"`
	Extensions    json.RawMessage `json:"extensions"`
	DocumentID    json.RawMessage `json:"documentId"` // a persisted document's id, as GraphQL over HTTP's persisted documents send it
	DocID         json.RawMessage `json:"doc_id"`     // the same, as Relay's examples send it
}

// jsonBody is a POST's body, which guard has read already, refusing media
// types other than JSON (415): a form or text/plain post could come from
// another site's page without a CORS preflight.
func jsonBody(r *http.Request) ([]byte, string) {
	mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != mediaJSON {
		return nil, "send the request as Content-Type: application/json"
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return nil, "the request body must be UTF-8"
	}
	body, _ := io.ReadAll(r.Body) // in memory: it cannot fail
	return body, ""
}

// typedRequest is a request's members with their types. A request whose
// members have them decodes into it in one pass; any other is decoded again
// member by member (request.typed), to say which member is wrong.
type typedRequest struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
	Extensions    map[string]any `json:"extensions"`
	DocumentID    *string        `json:"documentId"`
	DocID         *string        `json:"doc_id"`
}

// decodeRequest decodes a POST body holding one request.
func decodeRequest(body []byte) (*graphql.RawParams, string) {
	var t typedRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&t) == nil && len(bytes.Trim(body[dec.InputOffset():], " \t\r\n")) == 0 {
		return t.params()
	}
	var req request
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, "the request body is not a JSON object"
	}
	return req.params()
}

func (req request) params() (*graphql.RawParams, string) {
	t, problem := req.typed()
	if problem != "" {
		return nil, problem
	}
	return t.params()
}

// typed decodes the request's members one by one; numbers stay exact.
func (req request) typed() (typedRequest, string) {
	var t typedRequest
	if err := decodeOptional(req.Query, &t.Query); err != nil {
		return t, "the request needs a query: a string holding a GraphQL document"
	}
	if err := decodeOptional(req.OperationName, &t.OperationName); err != nil {
		return t, "operationName must be a string"
	}
	if err := decodeOptional(req.Variables, &t.Variables); err != nil {
		return t, "variables must be a JSON object"
	}
	if err := decodeOptional(req.Extensions, &t.Extensions); err != nil {
		return t, "extensions must be a JSON object"
	}
	for _, member := range []struct {
		raw  json.RawMessage
		into **string
	}{{req.DocumentID, &t.DocumentID}, {req.DocID, &t.DocID}} {
		if err := decodeOptional(member.raw, member.into); err != nil {
			return t, "documentId must be a string"
		}
	}
	return t, ""
}

func (t typedRequest) params() (*graphql.RawParams, string) {
	p := &graphql.RawParams{Query: t.Query, OperationName: t.OperationName, Variables: t.Variables, Extensions: t.Extensions}
	var id string
	for _, given := range []*string{t.DocumentID, t.DocID} {
		if given != nil {
			id = *given
		}
	}
	if id != "" {
		if p.Extensions == nil {
			p.Extensions = map[string]any{}
		}
		p.Extensions[graph.DocumentIDExtension] = strings.TrimPrefix(id, "sha256:")
	}
	if p.Query == "" && p.Extensions["persistedQuery"] == nil && id == "" {
		return nil, "the request needs a query (a string holding a GraphQL document), or the id of a persisted one"
	}
	return p, ""
}

// decodeOptional decodes a raw JSON value unless it is absent or null; numbers stay exact.
func decodeOptional(raw json.RawMessage, into any) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(into)
}

func paramsFromURL(r *http.Request) (*graphql.RawParams, string) {
	q := r.URL.Query()
	req := request{Query: jsonString(q, "query"), OperationName: jsonString(q, "operationName"), DocumentID: jsonString(q, "documentId"), DocID: jsonString(q, "doc_id")}
	if v := q.Get("variables"); v != "" {
		req.Variables = json.RawMessage(v)
	}
	if v := q.Get("extensions"); v != "" {
		req.Extensions = json.RawMessage(v)
	}
	return req.params()
}

func jsonString(q map[string][]string, key string) json.RawMessage {
	v, ok := q[key]
	if !ok || len(v) == 0 {
		return nil
	}
	b, _ := json.Marshal(v[0])
	return b
}

func writeResponse(w http.ResponseWriter, media string, status int, r *graphql.Response) {
	noteErrors(w, r.Errors)
	head, errHead := appendResponse(nil, &graphql.Response{Errors: r.Errors})
	tail, errTail := appendResponse(nil, &graphql.Response{Extensions: r.Extensions})
	if len(r.Data) == 0 || errHead != nil || errTail != nil {
		writeBody(w, media, status, func() ([]byte, error) { return appendResponse(nil, r) })
		return
	}
	// The data, most of a large answer, goes out as the executor wrote it, not copied into one body first.
	head = head[:len(head)-1]
	if len(head) > 1 {
		head = append(head, ',')
	}
	head = append(head, `"data":`...)
	if len(tail) > 2 {
		tail[0] = ','
	} else {
		tail = tail[1:]
	}
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(head)+len(r.Data)+len(tail)))
	w.WriteHeader(status)
	for _, part := range [][]byte{head, r.Data, tail} {
		if _, err := w.Write(part); err != nil {
			return
		}
	}
}

// writeBatch writes the responses of a batch as a JSON array, in order.
func writeBatch(w http.ResponseWriter, media string, rs []*graphql.Response) {
	for _, r := range rs {
		noteErrors(w, r.Errors)
	}
	writeBody(w, media, http.StatusOK, func() ([]byte, error) {
		b := []byte{'['}
		for i, r := range rs {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendResponse(b, r); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	})
}

func writeBody(w http.ResponseWriter, media string, status int, encode func() ([]byte, error)) {
	b, err := encode()
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"errors":[{"message":"internal server error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}`)
	}
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// appendResponse writes the entries of a GraphQL response that are present:
// a request error never reached execution, so it has no data (section 7.1.2).
// The data is JSON already, written by the executor; marshalling it as a
// json.RawMessage would validate and compact all of it again, which took a
// sixth of the time of a large org map request.
func appendResponse(b []byte, r *graphql.Response) ([]byte, error) {
	b = append(b, '{')
	start := len(b)
	add := func(key string, value []byte) {
		if len(b) > start {
			b = append(b, ',')
		}
		b = append(append(append(append(b, '"'), key...), '"', ':'), value...)
	}
	if len(r.Errors) > 0 {
		errs, err := json.Marshal(r.Errors)
		if err != nil {
			return nil, err
		}
		add("errors", errs)
	}
	if len(r.Data) > 0 {
		add("data", r.Data)
	}
	if len(r.Extensions) > 0 {
		ext, err := json.Marshal(r.Extensions)
		if err != nil {
			return nil, err
		}
		add("extensions", ext)
	}
	return append(b, '}'), nil
}

// responseTooLarge is the error that replaces a query's answer over the limit.
func responseTooLarge(limit int) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    fmt.Sprintf("the answer is larger than %d bytes, the most this server sends: ask for smaller pages (first or last) or fewer fields, and page through the rest", limit),
		Extensions: map[string]any{"code": graph.CodeTooComplex},
	}
}

// requestError is the answer to a request that never reached execution.
func requestError(status int, message string) *graphql.Response {
	code := graph.CodeBadRequest
	switch status {
	case http.StatusRequestEntityTooLarge:
		code = graph.CodePayloadTooLarge
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		code = graph.CodeRateLimited
	case http.StatusUnauthorized:
		code = graph.CodeUnauthenticated
	}
	return &graphql.Response{Errors: gqlerror.List{{Message: message, Extensions: map[string]any{"code": code}}}}
}

func writeRequestError(w http.ResponseWriter, media string, status int, message string) {
	writeResponse(w, media, status, requestError(status, message))
}
