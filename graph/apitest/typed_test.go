package apitest

import (
	"bytes"
	"encoding/json"
)

// mustAs runs a request that must succeed and decodes its data into T, for
// tests whose answer has a fixed shape; a field the answer has and T lacks
// fails the test, so T says the whole shape.
func mustAs[T any](e *env, query string, vars map[string]any) T {
	e.t.Helper()
	var out T
	b, _ := json.Marshal(e.must(query, vars))
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		e.t.Fatalf("the answer does not fit %T: %v\n%s", out, err, b)
	}
	return out
}

// connection is a Relay connection's edges.
type connection[T any] struct {
	Edges []struct {
		Node T `json:"node"`
	} `json:"edges"`
}

// nodes are the nodes of a connection, in order.
func (c connection[T]) nodes() []T {
	out := make([]T, len(c.Edges))
	for i, e := range c.Edges {
		out[i] = e.Node
	}
	return out
}

// fieldChange is a FieldChange of the history, its new value as JSON.
type fieldChange struct {
	Field string          `json:"field"`
	New   json.RawMessage `json:"new,omitempty"`
}

// historyEntry is a Change of the history: its subject's type and its fields.
type historyEntry struct {
	SubjectType string        `json:"subjectType,omitempty"`
	Fields      []fieldChange `json:"fields"`
}
