package apitest

// Values outside the domain are refused at the door, the same way on both
// databases: text with a NUL character, empty, zero and out-of-range times,
// and amounts beyond scalar.MaxMoney, in every field of every update input and
// every filter, with BAD_USER_INPUT naming the field and nothing written.

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/accountplan/accountplan/graph/scalar"
)

// outOfDomain are the values each scalar must refuse.
var outOfDomain = map[string][]any{
	"String": {"a\x00b", "\x00"},
	"Time":   {"", "0001-01-01T00:00:00Z", "1899-12-31T23:59:59Z", "2200-01-01T00:00:00Z"},
	"Money":  {int64(math.MaxInt64), int64(scalar.MaxMoney + 1), int64(-scalar.MaxMoney - 1)},
}

// inputField is a field of an input type, with the name of the scalar or list it holds.
type inputField struct {
	name, scalar string
	list         bool
}

// inputFields introspects an input type's fields.
func inputFields(e *env, typeName string) []inputField {
	e.t.Helper()
	d := e.must(`query($n: String!) { __type(name: $n) { inputFields { name type { kind name ofType { kind name ofType { kind name } } } } } }`, map[string]any{"n": typeName})
	var out []inputField
	for _, f := range get(d, "__type", "inputFields").([]any) {
		t, list := get(f, "type"), false
		for get(t, "kind") == "NON_NULL" || get(t, "kind") == "LIST" {
			list = list || get(t, "kind") == "LIST"
			t = get(t, "ofType")
		}
		if get(t, "kind") == "SCALAR" {
			out = append(out, inputField{name: get(f, "name").(string), scalar: get(t, "name").(string), list: list})
		}
	}
	return out
}

// worldIDs maps each type of the invariant fixture to the ID of one of its records.
func worldIDs(w *invWorld) map[string]int {
	ids := map[string]int{}
	v := reflect.ValueOf(w).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		if f.Kind() == reflect.Pointer && !f.IsNil() && f.Elem().Kind() == reflect.Struct {
			if id := f.Elem().FieldByName("ID"); id.IsValid() {
				ids[f.Elem().Type().Name()] = int(id.Int())
			}
		}
	}
	return ids
}

func TestInputsOutsideTheDomainAreRefusedInEveryUpdate(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		w := newInvWorld(t, e)
		ids := worldIDs(w)
		d := e.must(`{ __type(name: "Mutation") { fields { name args { name type { ofType { name } } } } } }`, nil)
		covered := map[string]int{}
		var skipped []string
		for _, m := range get(d, "__type", "fields").([]any) {
			name := get(m, "name").(string)
			typ, ok := strings.CutPrefix(name, "update")
			if !ok {
				continue
			}
			var input string
			for _, a := range get(m, "args").([]any) {
				if get(a, "name") == "input" {
					input, _ = get(a, "type", "ofType", "name").(string)
				}
			}
			id, ok := ids[typ]
			if !ok || input == "" {
				skipped = append(skipped, name)
				continue
			}
			query := fmt.Sprintf(`mutation($id: ID!, $in: %s!) { %s(id: $id, input: $in) { id } }`, input, name)
			for _, f := range inputFields(e, input) {
				for _, v := range outOfDomain[f.scalar] {
					if f.list {
						continue
					}
					invRun(t, e, fmt.Sprintf("%s.%s=%q", name, f.name, fmt.Sprint(v)), func(t *testing.T) {
						before := invSnapshot(t, e)
						code, field := invRefused(t, e, query, map[string]any{"id": invID(id), "in": map[string]any{f.name: v}})
						if code != "BAD_USER_INPUT" || field != f.name {
							t.Errorf("got code %q field %q, want BAD_USER_INPUT %q", code, field, f.name)
						}
						if after := invSnapshot(t, e); after != before {
							t.Errorf("a refused request changed the database")
						}
					})
					covered[f.scalar]++
				}
			}
		}
		sort.Strings(skipped)
		t.Logf("covered %v; update mutations without a fixture record: %v", covered, skipped)
		// The fixture holds most types: a schema change that drops them from the walk fails here.
		if covered["String"] < 40 || covered["Time"] < 20 || covered["Money"] < 12 {
			t.Errorf("the walk covered too few fields: %v", covered)
		}
	})
}

func TestInputsOutsideTheDomainAreRefusedInEveryFilter(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		d := e.must(`{ __type(name: "Query") { fields { name type { name ofType { name } } args { name type { name } } } } }`, nil)
		covered := map[string]int{}
		for _, q := range get(d, "__type", "fields").([]any) {
			var where string
			for _, a := range get(q, "args").([]any) {
				if get(a, "name") == "where" {
					where, _ = get(a, "type", "name").(string)
				}
			}
			connection, _ := get(q, "type", "ofType", "name").(string)
			if where == "" || !strings.HasSuffix(connection, "Connection") {
				continue
			}
			name := get(q, "name").(string)
			query := fmt.Sprintf(`query($w: %s) { %s(first: 1, where: $w) { totalCount } }`, where, name)
			for _, f := range inputFields(e, where) {
				values := outOfDomain[f.scalar]
				if f.scalar == "Time" {
					values = values[1:] // an empty string is a value a filter may compare with
				}
				for _, v := range values {
					if f.list {
						v = []any{v}
					}
					invRun(t, e, fmt.Sprintf("%s.%s=%q", name, f.name, fmt.Sprint(v)), func(t *testing.T) {
						code, field := e.code(query, map[string]any{"w": map[string]any{f.name: v}})
						if code != "BAD_USER_INPUT" || field != f.name {
							t.Errorf("got code %q field %q, want BAD_USER_INPUT %q", code, field, f.name)
						}
					})
					covered[f.scalar]++
				}
			}
		}
		t.Logf("covered %v", covered)
		if covered["String"] < 100 || covered["Time"] < 50 {
			t.Errorf("the walk covered too few filters: %v", covered)
		}
	})
}
