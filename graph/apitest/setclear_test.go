package apitest

import (
	"strings"
	"testing"
)

// TestSetAndClearRefused: an update that gives a field (or a single link) a
// value and clears it at once (title and clearTitle) is refused with
// BAD_USER_INPUT naming the field, on both databases (PostgreSQL refused the
// statement, an INTERNAL_SERVER_ERROR, where SQLite kept the value), for
// every such pair of every update input the fixture has a record for.
func TestSetAndClearRefused(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, e *env) {
		p := newParents(t, e)
		records := map[string]string{
			"Account": p.account, "BusinessUnit": p.businessUnit, "Product": p.product, "AccountPlan": p.plan,
			"Goal": p.goal, "Objective": p.objective, "KPI": p.kpi, "Stakeholder": p.stakeholder, "User": p.user,
		}
		// A value of each named type an input field takes; IDs need not name a record, since the refusal comes first.
		values := map[string]any{
			"String": "x", "Int": 1, "Float": 1.5, "Boolean": true, "ID": p.manager, "Time": "2027-06-01T00:00:00Z",
			"Money": 100, "Decimal": "1", "Map": map[string]any{}, "JSON": map[string]any{},
		}
		pairs := 0
		for typ, id := range records {
			input := get(e.must(`query($n: String!) { __type(name: $n) { inputFields { name type { kind name ofType { kind name } } } } }`,
				map[string]any{"n": "Update" + typ + "Input"}), "__type", "inputFields").([]any)
			fields := map[string]map[string]any{}
			for _, f := range input {
				fields[get(f, "name").(string)] = get(f, "type").(map[string]any)
			}
			for clear := range fields {
				name, ok := strings.CutPrefix(clear, "clear")
				if !ok {
					continue
				}
				name = strings.ToLower(name[:1]) + name[1:]
				if fields[name] == nil {
					name += "ID"
				}
				ft := fields[name]
				if ft == nil {
					continue // a list's clear (clearAttendees): with addAttendeeIDs it replaces the list
				}
				kind, named := ft["kind"], ft["name"]
				if kind == "NON_NULL" || kind == "LIST" {
					continue
				}
				var v any
				if kind == "ENUM" {
					v = get(e.must(`query($n: String!) { __type(name: $n) { enumValues { name } } }`,
						map[string]any{"n": named}), "__type", "enumValues", 0, "name")
				} else if v, ok = values[named.(string)]; !ok {
					t.Errorf("%s.%s: no test value for type %v", typ, name, named)
					continue
				}
				pairs++
				code, field := e.code(`mutation($id: ID!, $input: Update`+typ+`Input!) { update`+typ+`(id: $id, input: $input) { id } }`,
					map[string]any{"id": id, "input": map[string]any{name: v, clear: true}})
				if code != "BAD_USER_INPUT" || field != name {
					t.Errorf("update%s with %s and %s: %s on %q, want BAD_USER_INPUT on %q", typ, name, clear, code, field, name)
				}
			}
		}
		if pairs < 20 {
			t.Errorf("only %d set-and-clear pairs found: the introspection finds too few", pairs)
		}
	})
}
