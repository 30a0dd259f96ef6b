package onestatement

import (
	"encoding/json"
	"testing"
)

// TestPlanKeys: variables that differ in value, type or shape key different
// plans; the same variables, in any map order, key the same one.
func TestPlanKeys(t *testing.T) {
	object := map[string]any{"field": "NAME", "direction": "DESC"}
	values := []any{
		nil, true, false, "", "1", json.Number("1"), 1, int64(1), 1.0, 1.5, "null", "true",
		map[string]any{}, map[string]any{"a": nil}, map[string]any{"a": "b"}, map[string]any{"a": "b", "c": "d"},
		map[string]any{"a\"": "b"}, map[string]any{"a": map[string]any{"b": "c"}}, map[string]any{"ab": "c"},
		[]any{}, []any{nil}, []any{"a", "b"}, []any{"a,b"}, []any{[]any{"a"}, "b"}, []any{[]any{"a", "b"}},
		[]any{object}, []map[string]any{object}, []map[string]any{}, object,
		struct{ A int }{1}, []string{"a"}, uint(1),
	}
	seen := map[string]int{}
	for i, v := range values {
		key := string(appendValue(nil, v))
		if j, ok := seen[key]; ok {
			t.Errorf("%#v and %#v have the same key %q", values[j], v, key)
		}
		seen[key] = i
	}
	a := map[string]any{"x": "1", "y": []any{"2", "3"}, "z": map[string]any{"p": true, "q": nil}}
	b := map[string]any{"z": map[string]any{"q": nil, "p": true}, "y": []any{"2", "3"}, "x": "1"}
	for range 20 { // map order is random: the key must not follow it
		if ka, kb := string(appendValue(nil, a)), string(appendValue(nil, b)); ka != kb {
			t.Fatalf("the same variables have two keys: %q and %q", ka, kb)
		}
	}
}
