package apitest

// Persisted queries: automatic ones (a hash, then the document once), and the
// persisted-only mode, which runs the operator's documents and no other.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accountplan/accountplan/graph"
)

func sha(text string) string {
	h := sha256.Sum256([]byte(text))
	return hex.EncodeToString(h[:])
}

// persistedQuery is the APQ request extension for a hash.
func persistedQuery(hash string) map[string]any {
	return map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}
}

// A hash the server does not have gets PERSISTED_QUERY_NOT_FOUND; sent with
// its document, it runs and is kept; then the hash alone runs it, by POST and
// by GET. A hash that is not the document's is refused.
func TestPersistedAutomatic(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sqliteDatabase(t), testSettings())
	for _, method := range []string{"POST", "GET"} {
		t.Run(method, func(t *testing.T) {
			query := `query ` + method + ` { __typename }` // a document of its own for each method
			hash := sha(query)
			send := func(withQuery bool, ext map[string]any) answer {
				if method == "POST" {
					body := map[string]any{"extensions": ext}
					if withQuery {
						body["query"] = query
					}
					return e.postJSON(body, nil)
				}
				b, _ := json.Marshal(ext)
				params := url.Values{"extensions": {string(b)}}
				if withQuery {
					params.Set("query", query)
				}
				return e.getQuery(params)
			}
			if a := send(false, persistedQuery(hash)); a.code() != "PERSISTED_QUERY_NOT_FOUND" || a.body.Errors[0].Message != "PersistedQueryNotFound" {
				t.Errorf("an unknown hash: %d %v", a.status, a.body.Errors)
			}
			if a := send(true, persistedQuery(hash)); a.code() != "" || a.body.Data["__typename"] != "Query" {
				t.Errorf("the document with its hash: %d %v %v", a.status, a.body.Errors, a.body.Data)
			}
			if a := send(false, persistedQuery(hash)); a.code() != "" || a.body.Data["__typename"] != "Query" {
				t.Errorf("the hash alone, once known: %d %v %v", a.status, a.body.Errors, a.body.Data)
			}
			if a := send(true, persistedQuery(sha("{ other }"))); a.code() != "BAD_REQUEST" {
				t.Errorf("a hash that is not the document's: %d %v", a.status, a.body.Errors)
			}
		})
	}
}

// The limits see the document a hash stands for: a document over the alias
// limit is refused when sent, and again when asked for by its hash.
func TestPersistedAutomaticKeepsTheLimits(t *testing.T) {
	t.Parallel()
	s := testSettings()
	s.GraphQL.Limits.MaxAliases = new(1)
	e := newEnv(t, sqliteDatabase(t), s)
	query := `{ a: __typename b: __typename }`
	for i, withQuery := range []bool{true, false} {
		body := map[string]any{"extensions": persistedQuery(sha(query))}
		if withQuery {
			body["query"] = query
		}
		if a := e.postJSON(body, nil); a.code() != "QUERY_TOO_COMPLEX" {
			t.Errorf("request %d over the alias limit: %v %v", i+1, a.body.Errors, a.body.Data)
		}
	}
}

// writePersisted writes a persisted-only file and loads it.
func writePersisted(t *testing.T, content string) (*graph.PersistedDocuments, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "persisted-queries.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return graph.LoadPersistedDocuments(path)
}

// The persisted-only mode runs a registered document, asked for by any of its
// ids or sent as its exact text, under every limit, and refuses the rest
// with PERSISTED_QUERY_NOT_ALLOWED, registering nothing.
func TestPersistedOnly(t *testing.T) {
	t.Parallel()
	typename := `query Typename { __typename }`
	accounts := `query Accounts($n: Int!) { accounts(first: $n) { totalCount } }`
	aliased := `{ a: __typename b: __typename }`
	files, _ := json.Marshal(map[string]string{"typename": typename, "accounts": accounts, "aliased": aliased})
	docs, err := writePersisted(t, string(files))
	if err != nil {
		t.Fatal(err)
	}
	s := testSettings()
	s.GraphQL.PersistedOnly = docs
	s.GraphQL.Limits.MaxAliases = new(1)
	eachDatabaseWith(t, s, func(t *testing.T, e *env) {
		for _, c := range []struct {
			name string
			body map[string]any
		}{
			{"documentId", map[string]any{"documentId": "typename"}},
			{"documentId with its hash", map[string]any{"documentId": "sha256:" + sha(typename)}},
			{"doc_id", map[string]any{"doc_id": "typename"}},
			{"APQ hash", map[string]any{"extensions": persistedQuery(sha(typename))}},
			{"APQ hash and its text", map[string]any{"query": typename, "extensions": persistedQuery(sha(typename))}},
			{"its exact text", map[string]any{"query": typename}},
		} {
			if a := e.postJSON(c.body, nil); a.code() != "" || a.body.Data["__typename"] != "Query" {
				t.Errorf("registered, by %s: %v %v", c.name, a.body.Errors, a.body.Data)
			}
		}
		a := e.getQuery(url.Values{"documentId": {"accounts"}, "variables": {`{"n": 5}`}})
		if a.code() != "" || get(a.body.Data, "accounts", "totalCount") != 0.0 {
			t.Errorf("registered, by GET: %v %v", a.body.Errors, a.body.Data)
		}
		for _, c := range []struct {
			name string
			body map[string]any
		}{
			{"an unregistered text", map[string]any{"query": `{ accounts(first: 1) { totalCount } }`}},
			{"an unknown id", map[string]any{"documentId": "nope"}},
			{"an unknown hash", map[string]any{"extensions": persistedQuery(sha("{ __typename }"))}},
			{"an id with another text", map[string]any{"documentId": "typename", "query": `{ accounts(first: 1) { totalCount } }`}},
			{"an APQ registration", map[string]any{"query": "{ __typename }", "extensions": persistedQuery(sha("{ __typename }"))}},
		} {
			if a := e.postJSON(c.body, nil); a.code() != "PERSISTED_QUERY_NOT_ALLOWED" || a.body.Data != nil {
				t.Errorf("%s: %v %v", c.name, a.body.Errors, a.body.Data)
			}
		}
		if a := e.postJSON(map[string]any{"extensions": persistedQuery(sha("{ __typename }"))}, nil); a.code() != "PERSISTED_QUERY_NOT_ALLOWED" {
			t.Errorf("the hash of a refused registration: %v %v", a.body.Errors, a.body.Data)
		}
		// Registered documents run under the limits all the same.
		if a := e.postJSON(map[string]any{"documentId": "aliased"}, nil); a.code() != "QUERY_TOO_COMPLEX" {
			t.Errorf("a registered document over the alias limit: %v %v", a.body.Errors, a.body.Data)
		}
		if a := e.postJSON(map[string]any{"documentId": "accounts", "variables": map[string]any{"n": 1000}}, nil); a.code() != "BAD_USER_INPUT" {
			t.Errorf("a registered document asking for a page over 100: %v %v", a.body.Errors, a.body.Data)
		}
	})
}

// A file that is not one, or holds a document that does not fit the schema,
// stops the server at start with a message naming the file (and the document).
func TestPersistedOnlyFile(t *testing.T) {
	t.Parallel()
	apollo := `{"format": "apollo-persisted-query-manifest", "version": 1, "operations": [{"id": "` + sha("{ __typename }") + `", "name": "T", "type": "query", "body": "{ __typename }"}]}`
	if docs, err := writePersisted(t, apollo); err != nil || docs.Len() != 1 {
		t.Errorf("an Apollo manifest: %v", err)
	}
	for _, c := range []struct{ name, content, says string }{
		{"not JSON", `{"a": `, "not JSON"},
		{"not a map of strings", `{"a": 1}`, "not a JSON object of id → document"},
		{"empty", `{}`, "registers no document"},
		{"not GraphQL", `{"broken": "{ __typename "}`, `document "broken"`},
		{"not in the schema", `{"stale": "{ noSuchField }"}`, `document "stale"`},
		{"an Apollo operation without a body", `{"format": "apollo-persisted-query-manifest", "operations": [{"id": "x"}]}`, "no id or no body"},
	} {
		_, err := writePersisted(t, c.content)
		if err == nil || !strings.Contains(err.Error(), "persisted-queries.json") || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want an error naming the file and saying %q", c.name, err, c.says)
		}
	}
}
