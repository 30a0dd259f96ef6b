package httpedge

import (
	"encoding/json"
	"net/http/httptest"
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
