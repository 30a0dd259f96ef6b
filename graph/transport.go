package graph

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Media types of GraphQL responses (GraphQL over HTTP, section 6.4).
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// httpTransport serves GraphQL over HTTP as its specification asks
// (https://graphql.github.io/graphql-over-http/draft/): POST with a JSON body,
// GET for queries only (405 for mutations), 200 for request errors under
// application/json and 400 under application/graphql-response+json, and no
// data entry when the request never reached execution. gqlgen's stock
// transports answer 422 and 406 there and echo bodies back in errors.
type httpTransport struct {
	maxBodyBytes int64
}

var _ graphql.Transport = httpTransport{}

// Supports every plain HTTP request, so that wrong methods and media types get
// the specification's status codes instead of a generic refusal.
func (httpTransport) Supports(r *http.Request) bool { return r.Header.Get("Upgrade") == "" }

func (t httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	media, ok := negotiate(r.Header.Get("Accept"))
	if !ok {
		writeRequestError(w, mediaJSON, http.StatusNotAcceptable, "the Accept header allows neither application/graphql-response+json nor application/json")
		return
	}
	var params *graphql.RawParams
	var status int
	var problem string
	switch r.Method {
	case http.MethodGet:
		params, problem = paramsFromURL(r)
		status = http.StatusBadRequest
	case http.MethodPost:
		params, status, problem = t.paramsFromBody(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		writeRequestError(w, media, http.StatusMethodNotAllowed, "use POST, or GET for queries")
		return
	}
	if problem != "" {
		writeRequestError(w, media, status, problem)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: graphql.Now(), End: graphql.Now()}

	ctx := r.Context()
	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		status := http.StatusOK
		if media == mediaGraphQLResponse {
			status = http.StatusBadRequest
		}
		writeResponse(w, media, status, exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs))
		return
	}
	if r.Method == http.MethodGet && opCtx.Operation.Operation != ast.Query {
		w.Header().Set("Allow", "POST")
		writeRequestError(w, media, http.StatusMethodNotAllowed, "GET requests may only run queries: send mutations with POST")
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	resp := responses(ctx)
	if resp.Data == nil {
		// Executed but rolled back or failed at the root: report data as null, as execution does.
		resp.Data = json.RawMessage("null")
	}
	writeResponse(w, media, http.StatusOK, resp)
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
}

func (t httpTransport) paramsFromBody(w http.ResponseWriter, r *http.Request) (*graphql.RawParams, int, string) {
	mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != mediaJSON {
		return nil, http.StatusUnsupportedMediaType, "send the request as Content-Type: application/json"
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return nil, http.StatusUnsupportedMediaType, "the request body must be UTF-8"
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, t.maxBodyBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than %d bytes", t.maxBodyBytes)
	case err != nil:
		return nil, http.StatusBadRequest, "the request body could not be read"
	}
	var req request
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, http.StatusBadRequest, "the request body is not a JSON object"
	}
	p, problem := req.params()
	return p, http.StatusBadRequest, problem
}

func (req request) params() (*graphql.RawParams, string) {
	p := &graphql.RawParams{}
	if err := decodeOptional(req.Query, &p.Query); err != nil || p.Query == "" {
		return nil, "the request needs a query: a string holding a GraphQL document"
	}
	if err := decodeOptional(req.OperationName, &p.OperationName); err != nil {
		return nil, "operationName must be a string"
	}
	if err := decodeOptional(req.Variables, &p.Variables); err != nil {
		return nil, "variables must be a JSON object"
	}
	if err := decodeOptional(req.Extensions, &p.Extensions); err != nil {
		return nil, "extensions must be a JSON object"
	}
	return p, ""
}

// decodeOptional decodes a raw JSON value unless it is absent or null; numbers stay exact.
func decodeOptional(raw json.RawMessage, into any) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	return dec.Decode(into)
}

func paramsFromURL(r *http.Request) (*graphql.RawParams, string) {
	q := r.URL.Query()
	req := request{Query: jsonString(q, "query"), OperationName: jsonString(q, "operationName")}
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
	b, err := marshalResponse(r)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"errors":[{"message":"internal server error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}`)
	}
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// marshalResponse writes the entries of a GraphQL response that are present:
// a request error never reached execution, so it has no data (section 7.1.2).
// The data is JSON already, written by the executor; marshalling it as a
// json.RawMessage would validate and compact all of it again, which took a
// sixth of the time of a large org map request.
func marshalResponse(r *graphql.Response) ([]byte, error) {
	b := []byte{'{'}
	add := func(key string, value []byte) {
		if len(b) > 1 {
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

func writeRequestError(w http.ResponseWriter, media string, status int, message string) {
	code := CodeBadRequest
	if status == http.StatusRequestEntityTooLarge {
		code = CodePayloadTooLarge
	}
	writeResponse(w, media, status, &graphql.Response{Errors: gqlerror.List{{
		Message:    message,
		Extensions: map[string]any{"code": code},
	}}})
}
