package httpedge

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

// BenchmarkObserver is what the outermost handler adds to a request whose
// handler does nothing but run one operation's bookkeeping: the request ID,
// the exchange, and the log line and metrics when they are on.
//
//	go test ./graph/httpedge -run '^$' -bench BenchmarkObserver -benchmem
func BenchmarkObserver(b *testing.B) {
	quiet := slog.New(slog.DiscardHandler)
	logged := slog.New(slog.NewJSONHandler(io.Discard, nil))
	op := &ast.OperationDefinition{Name: "Accounts", Operation: ast.Query}
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		noteOperation(r.Context(), op)
		w.WriteHeader(http.StatusOK)
	})
	for _, c := range []struct {
		name string
		obs  *observer
	}{
		{"none", nil},
		{"id only", &observer{log: quiet}},
		{"log", &observer{log: logged}},
		{"log+metrics", &observer{log: logged, metrics: newMetrics(nil, nil, newStreams(limits{}))}},
	} {
		b.Run(c.name, func(b *testing.B) {
			mux := http.NewServeMux()
			mux.Handle("/query", inner)
			var h http.Handler = mux
			if c.obs != nil {
				h = c.obs.wrap(mux)
			}
			req := httptest.NewRequest(http.MethodPost, "/query", nil)
			for b.Loop() {
				h.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
	}
}
