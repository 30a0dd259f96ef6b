package apitest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accountplan/accountplan/ent/store"
	"github.com/accountplan/accountplan/graph/httpedge"
)

// newHTTPServer serves the real handler on a fresh SQLite file.
func newHTTPServer(t *testing.T) *httptest.Server {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "http.db"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpedge.NewHandler(s.Driver, withReady(testSettings(), s.Ping)))
	t.Cleanup(func() {
		srv.Close()
		s.Close()
	})
	return srv
}

// TestHTTPTransport pins the GraphQL-over-HTTP behaviour, case by case.
func TestHTTPTransport(t *testing.T) {
	t.Parallel()
	srv := newHTTPServer(t)
	const gqlResponse = "application/graphql-response+json"
	cases := []struct {
		name        string
		method      string
		path        string // after /query
		contentType string
		accept      string
		body        string
		status      int
		media       string // response media type
		hasData     bool
		code        string // first error's extensions.code
	}{
		{"POST query, no Accept", "POST", "", "application/json", "", `{"query":"{ __typename }"}`, 200, "application/json", true, ""},
		{"POST query, graphql-response+json", "POST", "", "application/json", gqlResponse, `{"query":"{ __typename }"}`, 200, gqlResponse, true, ""},
		{"POST query, */*", "POST", "", "application/json; charset=utf-8", "*/*", `{"query":"{ __typename }"}`, 200, "application/json", true, ""},
		{"preferred media type by q", "POST", "", "application/json", "application/json;q=0.5, " + gqlResponse, `{"query":"{ __typename }"}`, 200, gqlResponse, true, ""},
		{"GET query", "GET", "?query=%7B__typename%7D", "", "", "", 200, "application/json", true, ""},
		{"GET mutation is refused", "GET", "?query=mutation%7BdeleteUser(id:1)%7D", "", gqlResponse, "", 405, gqlResponse, false, "BAD_REQUEST"},
		{"parse error, application/json", "POST", "", "application/json", "application/json", `{"query":"{"}`, 200, "application/json", false, "GRAPHQL_PARSE_FAILED"},
		{"parse error, graphql-response+json", "POST", "", "application/json", gqlResponse, `{"query":"{"}`, 400, gqlResponse, false, "GRAPHQL_PARSE_FAILED"},
		{"validation error, application/json", "POST", "", "application/json", "application/json", `{"query":"{ nope }"}`, 200, "application/json", false, "GRAPHQL_VALIDATION_FAILED"},
		{"validation error, graphql-response+json", "POST", "", "application/json", gqlResponse, `{"query":"{ nope }"}`, 400, gqlResponse, false, "GRAPHQL_VALIDATION_FAILED"},
		{"variable coercion error", "POST", "", "application/json", gqlResponse, `{"query":"query($id: ID!){ node(id: $id) { id } }","variables":{"id":{}}}`, 400, gqlResponse, false, "GRAPHQL_VALIDATION_FAILED"},
		{"body is not JSON", "POST", "", "application/json", "", `{"query":`, 400, "application/json", false, "BAD_REQUEST"},
		{"query is not a string", "POST", "", "application/json", "", `{"query":1}`, 400, "application/json", false, "BAD_REQUEST"},
		{"variables not an object", "POST", "", "application/json", "", `{"query":"{ __typename }","variables":"x"}`, 400, "application/json", false, "BAD_REQUEST"},
		{"no query", "POST", "", "application/json", "", `{}`, 400, "application/json", false, "BAD_REQUEST"},
		{"form post is refused", "POST", "", "application/x-www-form-urlencoded", "", `query=%7B__typename%7D`, 415, "application/json", false, "BAD_REQUEST"},
		{"no content type", "POST", "", "", "", `{"query":"{ __typename }"}`, 415, "application/json", false, "BAD_REQUEST"},
		{"non-UTF-8 charset", "POST", "", "application/json; charset=latin1", "", `{"query":"{ __typename }"}`, 415, "application/json", false, "BAD_REQUEST"},
		{"unacceptable Accept", "POST", "", "application/json", "text/html", `{"query":"{ __typename }"}`, 406, "application/json", false, "BAD_REQUEST"},
		{"PUT is not allowed", "PUT", "", "application/json", "", `{"query":"{ __typename }"}`, 405, "application/json", false, "BAD_REQUEST"},
		{"body too large", "POST", "", "application/json", "", `{"query":"{ __typename }","x":"` + strings.Repeat("a", httpedge.DefaultMaxBodyBytes) + `"}`, 413, "application/json", false, "PAYLOAD_TOO_LARGE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, srv.URL+"/query"+c.path, strings.NewReader(c.body))
			if c.contentType != "" {
				req.Header.Set("Content-Type", c.contentType)
			}
			if c.accept != "" {
				req.Header.Set("Accept", c.accept)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != c.status {
				t.Errorf("status = %d, want %d (body %s)", resp.StatusCode, c.status, body)
			}
			if got := resp.Header.Get("Content-Type"); got != c.media+"; charset=utf-8" {
				t.Errorf("Content-Type = %q, want %q", got, c.media+"; charset=utf-8")
			}
			var out struct {
				Data   json.RawMessage `json:"data"`
				Errors []struct {
					Extensions map[string]any `json:"extensions"`
				} `json:"errors"`
			}
			if err := json.Unmarshal(body, &out); err != nil {
				t.Fatalf("body is not JSON: %s", body)
			}
			if (out.Data != nil) != c.hasData {
				t.Errorf("data present = %v, want %v (body %s)", out.Data != nil, c.hasData, body)
			}
			if c.code != "" && (len(out.Errors) == 0 || out.Errors[0].Extensions["code"] != c.code) {
				t.Errorf("errors = %s, want code %s", body, c.code)
			}
			if bytes.Contains(body, []byte("aaaa")) {
				t.Error("the request body was echoed back")
			}
		})
	}
}

// TestGraphQLOverHTTPAudit runs graphql-http's conformance audit (the
// reference implementation's checks of every MUST, SHOULD and MAY) against
// the real handler and requires every audit to pass.
func TestGraphQLOverHTTPAudit(t *testing.T) {
	t.Parallel()
	script := filepath.Join("..", "e2e", "audit.mjs")
	if _, err := os.Stat(filepath.Join("..", "e2e", "node_modules", "graphql-http")); err != nil {
		need(t, "graphql-http is not installed: run `npm ci --prefix graph/e2e`")
	}
	if _, err := exec.LookPath("node"); err != nil {
		need(t, "node is not installed")
	}
	srv := newHTTPServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "node", script, srv.URL+"/query").Output()
	if err != nil {
		t.Fatalf("audit failed to run: %v", err)
	}
	n := 0
	for sc := bufio.NewScanner(bytes.NewReader(out)); sc.Scan(); n++ {
		var a struct{ ID, Name, Status, Reason string }
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("bad audit line %q", sc.Text())
		}
		if a.Status != "ok" {
			t.Errorf("%s %s: %s: %s", a.ID, a.Name, a.Status, a.Reason)
		}
	}
	if n < 30 {
		t.Fatalf("only %d audits ran", n)
	}
	t.Logf("%d GraphQL-over-HTTP audits passed", n)
}

// need skips a test whose tools are missing, except in CI, where it fails.
func need(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(why)
	}
	t.Skip(why)
}

// TestCORS: only configured origins may call the API from a browser.
func TestCORS(t *testing.T) {
	t.Parallel()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "cors.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, c := range []struct {
		name      string
		allowed   []string
		origin    string
		wantAllow string
	}{
		{"no origins configured", nil, "https://app.example.com", ""},
		{"configured origin", []string{"https://app.example.com"}, "https://app.example.com", "https://app.example.com"},
		{"other origin", []string{"https://app.example.com"}, "https://evil.example.net", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := httpedge.NewHandler(s.Driver, httpedge.Settings{CORSOrigins: c.allowed, Open: true})
			preflight := httptest.NewRequest(http.MethodOptions, "/query", nil)
			preflight.Header.Set("Origin", c.origin)
			preflight.Header.Set("Access-Control-Request-Method", "POST")
			preflight.Header.Set("Access-Control-Request-Headers", "content-type")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, preflight)
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != c.wantAllow {
				t.Errorf("preflight Access-Control-Allow-Origin = %q, want %q", got, c.wantAllow)
			}
			post := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(`{"query":"{ __typename }"}`))
			post.Header.Set("Origin", c.origin)
			post.Header.Set("Content-Type", "application/json")
			rec = httptest.NewRecorder()
			h.ServeHTTP(rec, post)
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != c.wantAllow {
				t.Errorf("POST Access-Control-Allow-Origin = %q, want %q", got, c.wantAllow)
			}
			// A page may read what it spends.
			if exposed := rec.Header().Get("Access-Control-Expose-Headers"); c.wantAllow != "" && !strings.Contains(exposed, "Ratelimit-Remaining") {
				t.Errorf("POST Access-Control-Expose-Headers = %q, want the RateLimit headers", exposed)
			}
		})
	}
}
