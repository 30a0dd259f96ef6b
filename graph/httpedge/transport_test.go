package httpedge

import (
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strconv"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestWriteResponseWithoutCopy: the response written around the executor's
// data is the one appendResponse builds, with its length, for every mix of entries.
func TestWriteResponseWithoutCopy(t *testing.T) {
	data := json.RawMessage(`{"a":[1,2]}`)
	errs := gqlerror.List{{Message: "no", Extensions: map[string]any{"code": "NOT_FOUND"}}}
	ext := map[string]any{"cost": 3}
	for _, r := range []*graphql.Response{
		{Data: data},
		{Data: data, Errors: errs},
		{Data: data, Extensions: ext},
		{Data: data, Errors: errs, Extensions: ext},
		{Errors: errs},
		{Errors: errs, Extensions: ext},
	} {
		want, err := appendResponse(nil, r)
		if err != nil {
			t.Fatal(err)
		}
		w := httptest.NewRecorder()
		writeResponse(w, mediaJSON, 200, r)
		if got := w.Body.String(); got != string(want) || !json.Valid(w.Body.Bytes()) {
			t.Errorf("wrote %s, want %s", got, want)
		}
		if n := w.Header().Get("Content-Length"); r.Data != nil && n != strconv.Itoa(len(want)) {
			t.Errorf("Content-Length %s for %d bytes", n, len(want))
		}
	}
}

// TestDecodeRequest: the one-pass decoding of a request body gives what
// decoding it member by member gives, messages included, for well-formed
// requests and every kind of malformed one.
func TestDecodeRequest(t *testing.T) {
	byMember := func(body []byte) (*graphql.RawParams, string) {
		var req request
		if err := json.Unmarshal(body, &req); err != nil {
			return nil, "the request body is not a JSON object"
		}
		return req.params()
	}
	bodies := []string{
		`{"query":"{ __typename }"}`,
		`{"query":"query Q($n: Int) { accounts(first: $n) { totalCount } }","operationName":"Q","variables":{"n":5,"f":1.50,"big":12345678901234567890,"s":"x","l":[1,{"a":null}]}}`,
		`{"query":"{ __typename }","variables":null,"operationName":null,"extensions":null}`,
		`{"query":"{ __typename }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}`,
		`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}`,
		`{"documentId":"sha256:abc"}`, `{"doc_id":"abc"}`, `{"documentId":"abc","doc_id":"def"}`,
		`{"documentId":"abc","doc_id":null}`, `{"documentId":"abc","doc_id":""}`, `{"documentId":null}`,
		`{"documentId":1}`, `{"doc_id":{}}`, `{"query":1}`, `{"query":null}`, `{"query":["x"]}`,
		`{"operationName":1,"query":"x"}`, `{"query":"x","variables":"{}"}`, `{"query":"x","variables":[]}`,
		`{"query":"x","extensions":[1]}`, `{"query":"x","extensions":"x"}`,
		`{"query":1,"query":"x"}`, `{"query":"x","query":1}`, `{"Query":"x","VARIABLES":{"a":1}}`,
		`{"query":"\u007b __typename }\n"}`, "{\"query\":\"\xff\"}", `{"query":"x","other":[1,2,{"y":3}]}`,
		`{}`, `null`, `"x"`, `1`, `true`, `{"query":`, `{"query":"x"} x`, `{"query":"x"}{"query":"y"}`,
		"{\"query\":\"x\"} \t\r\n", "{\"query\":\"x\"}\f", ` {"query":"x"}`,
	}
	for _, body := range bodies {
		got, gotProblem := decodeRequest([]byte(body))
		want, wantProblem := byMember([]byte(body))
		if gotProblem != wantProblem || !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %#v %q\nwant %#v %q", body, got, gotProblem, want, wantProblem)
		}
	}
}
