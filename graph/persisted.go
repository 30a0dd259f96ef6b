package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/accountplan/accountplan/graph/generated"
)

// DocumentIDExtension is the request extension under which the transport
// passes a request's documentId or doc_id (GraphQL over HTTP's persisted
// documents, Relay's network layer) down to the persisted documents.
const DocumentIDExtension = "documentId"

// Bounds of the automatic persisted queries' cache: a document longer than
// maxPersistedBytes runs but is not kept (its client is asked for it again),
// so the cache holds at most 32 MiB of text. A document at the token limit
// is a few kilobytes.
const (
	persistedEntries  = 1000
	maxPersistedBytes = 32 << 10
)

// automaticPersistedQueries is gqlgen's automatic persisted queries (Apollo's
// protocol: a hash first, the document once when the server does not have
// it) with a bounded cache, and with codes on its errors. It runs before the
// document limits, which thus see the document it expands.
type automaticPersistedQueries struct {
	apq   extension.AutomaticPersistedQuery
	cache graphql.Cache[string]
}

func newAutomaticPersistedQueries() automaticPersistedQueries {
	c := boundedDocuments{lru.New[string](persistedEntries)}
	return automaticPersistedQueries{apq: extension.AutomaticPersistedQuery{Cache: c}, cache: c}
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = automaticPersistedQueries{}

func (automaticPersistedQueries) ExtensionName() string { return "AutomaticPersistedQueries" }
func (a automaticPersistedQueries) Validate(s graphql.ExecutableSchema) error {
	return a.apq.Validate(s)
}

func (a automaticPersistedQueries) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if p.Extensions["persistedQuery"] == nil {
		id, _ := p.Extensions[DocumentIDExtension].(string)
		if id == "" || p.Query != "" {
			return nil
		}
		// A document asked for by documentId is looked up as its hash.
		query, ok := a.cache.Get(ctx, id)
		if !ok {
			return persistedQueryNotFound()
		}
		p.Query = query
		return nil
	}
	err := a.apq.MutateOperationParameters(ctx, p)
	switch {
	case err == nil:
		return nil
	case err.Extensions["code"] == CodePersistedQueryNotFound:
		return persistedQueryNotFound()
	case strings.Contains(err.Message, "does not match"):
		return clientError(CodeBadRequest, "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query sent (lowercase hexadecimal of its UTF-8 text)", "")
	}
	return clientError(CodeBadRequest, `extensions.persistedQuery must be {"version": 1, "sha256Hash": "<SHA-256 of the query, in hexadecimal>"}`, "")
}

// persistedQueryNotFound keeps the message Apollo's clients look for before
// they send the document with its hash.
func persistedQueryNotFound() *gqlerror.Error {
	return clientError(CodePersistedQueryNotFound, "PersistedQueryNotFound", "")
}

// boundedDocuments is a cache of documents that keeps none over maxPersistedBytes.
type boundedDocuments struct{ *lru.LRU[string] }

func (c boundedDocuments) Add(ctx context.Context, hash, query string) {
	if len(query) <= maxPersistedBytes {
		c.LRU.Add(ctx, hash, query)
	}
}

// PersistedDocuments are the documents an operator registered for the
// persisted-only mode: the server runs these and no other.
type PersistedDocuments struct {
	byID  map[string]string // by the id the file gives, and by the SHA-256 of the text
	texts map[string]bool
}

// Len is the number of documents registered.
func (d *PersistedDocuments) Len() int { return len(d.texts) }

// LoadPersistedDocuments reads the documents of a persisted-only file: a
// JSON object of id → document, as Relay's persisted-queries.json, or an
// Apollo persisted query manifest. Each document must parse and fit the
// schema, so that a stale file is found at start and not by its clients.
func LoadPersistedDocuments(path string) (*PersistedDocuments, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("persisted documents: %w", err)
	}
	docs, err := decodePersisted(b)
	if err != nil {
		return nil, fmt.Errorf("persisted documents %s: %w", path, err)
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("persisted documents %s: the file registers no document, so the server would run nothing", path)
	}
	d := &PersistedDocuments{byID: map[string]string{}, texts: map[string]bool{}}
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	ids := make([]string, 0, len(docs))
	for id := range docs {
		ids = append(ids, id)
	}
	sort.Strings(ids) // so that the same file always names the same first problem
	for _, id := range ids {
		text := docs[id]
		if _, errs := gqlparser.LoadQueryWithRules(schema, text, rules.NewDefaultRules()); errs != nil {
			return nil, fmt.Errorf("persisted documents %s: document %q: %s", path, id, strings.TrimSpace(errs.Error()))
		}
		hash := sha256.Sum256([]byte(text))
		d.byID[id], d.byID[hex.EncodeToString(hash[:])] = text, text
		d.texts[text] = true
	}
	return d, nil
}

// decodePersisted reads either format of the file.
func decodePersisted(b []byte) (map[string]string, error) {
	var relay map[string]string
	err := json.Unmarshal(b, &relay)
	var syntax *json.SyntaxError
	switch {
	case err == nil:
		return relay, nil
	case errors.As(err, &syntax):
		return nil, fmt.Errorf("not JSON: %w (at byte %d)", err, syntax.Offset)
	}
	var apollo struct {
		Format     string `json:"format"`
		Operations []struct {
			ID   string `json:"id"`
			Body string `json:"body"`
		} `json:"operations"`
	}
	if err := json.Unmarshal(b, &apollo); err != nil || apollo.Format != "apollo-persisted-query-manifest" {
		return nil, fmt.Errorf(`not a JSON object of id → document ({"<id>": "query { ... }"}) nor an Apollo persisted query manifest`)
	}
	docs := map[string]string{}
	for i, op := range apollo.Operations {
		if op.ID == "" || op.Body == "" {
			return nil, fmt.Errorf("operation %d of the manifest has no id or no body", i)
		}
		docs[op.ID] = op.Body
	}
	return docs, nil
}

// persistedOnly runs the registered documents only: asked for by id
// (extensions.persistedQuery.sha256Hash, documentId or doc_id) or sent as
// their exact text. It takes the place of the automatic persisted queries,
// so no client can register a document, and runs before the document limits.
type persistedOnly struct{ docs *PersistedDocuments }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = persistedOnly{}

func (persistedOnly) ExtensionName() string                   { return "PersistedOnly" }
func (persistedOnly) Validate(graphql.ExecutableSchema) error { return nil }

func (o persistedOnly) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	id := persistedID(p.Extensions)
	if id == "" {
		if o.docs.texts[p.Query] {
			return nil
		}
		return clientError(CodePersistedQueryNotAllowed, "this server runs only the documents its operator registered: ask for one by its id (extensions.persistedQuery.sha256Hash, or documentId)", "")
	}
	doc, ok := o.docs.byID[id]
	switch {
	case !ok:
		return clientError(CodePersistedQueryNotAllowed, fmt.Sprintf("no document is registered with the id %q: this server runs only the documents its operator registered", Clip(id)), "")
	case p.Query != "" && p.Query != doc:
		return clientError(CodePersistedQueryNotAllowed, "the query sent is not the document registered with this id: send the id alone", "")
	}
	p.Query = doc
	return nil
}

// persistedID is the id of the document a request asks for, "" when it names none.
func persistedID(ext map[string]any) string {
	if pq, ok := ext["persistedQuery"].(map[string]any); ok {
		if hash, ok := pq["sha256Hash"].(string); ok {
			return hash
		}
	}
	id, _ := ext[DocumentIDExtension].(string)
	return id
}
